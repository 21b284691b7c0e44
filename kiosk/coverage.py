"""Who can reach a site's shared mailbox, and whether that is enough: the coverage guard.

One rule, used by the dashboard, the People screen, the leaver and access-change wizards
and the membership review. The FAQ asks for "enough users to ensure 24/7 coverage,
typically including at least two staff members", owners control access (so a mailbox with
no owner can only be recovered by calling NAS from the site phone), NHSmail recommends at
least two owners for cover, and caps a shared mailbox at 100 owners and 250 members.

Only access that exists counts: a joiner's requested role is applied when NAS confirms it,
and people who have LEFT are not counted even if an owner has not removed their
permission yet (they can no longer be relied on).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kiosk import facts
from kiosk.i18n import _
from kiosk.model import Person, PersonStatus, Role

# Stable codes for the problems, so callers can tell which ones a change introduces.
NO_OWNER = "no_owner"
TOO_FEW = "too_few"
ONE_OWNER = "one_owner"
TOO_MANY_OWNERS = "too_many_owners"
TOO_MANY_MEMBERS = "too_many_members"


@dataclass(frozen=True)
class Coverage:
    """Counts for one site's shared mailbox and the problems with them, worst first.

    ``problems`` are translated sentences for the admin; ``codes`` the same problems as
    stable codes, in the same order.
    """

    owners: int
    members: int
    ok: bool
    problems: list[str]
    codes: tuple[str, ...] = field(default=())

    @property
    def total(self) -> int:
        return self.owners + self.members


@dataclass(frozen=True)
class AccessChange:
    """A change to test against the guard before it is recorded.

    ``site_id`` None means every site (a leaver loses all access); ``role`` None removes
    access. A ``person_id`` not among the people is a newcomer (a joiner) with ``role``.
    """

    person_id: int
    site_id: int | None
    role: Role | None


def _problem_text(code: str) -> str:
    texts = {
        NO_OWNER: _("no owner: nobody can add or remove people"),
        TOO_FEW: _("fewer than two people can reach the shared mailbox"),
        ONE_OWNER: _("only one owner: add a second for cover"),
        TOO_MANY_OWNERS: _("more than NHSmail's {limit} owners").format(limit=facts.MAX_OWNERS),
        TOO_MANY_MEMBERS: _("more than NHSmail's {limit} members").format(limit=facts.MAX_MEMBERS),
    }
    return texts[code]


def _counts(site_id: int, roles: Sequence[Role | None]) -> Coverage:
    owners = sum(1 for role in roles if role is Role.OWNER)
    members = sum(1 for role in roles if role is Role.MEMBER)
    codes: list[str] = []
    if owners == 0:
        codes.append(NO_OWNER)
    if owners + members < facts.MIN_PEOPLE_WITH_ACCESS:
        codes.append(TOO_FEW)
    if owners == 1 and facts.MIN_OWNERS_RECOMMENDED > 1:
        codes.append(ONE_OWNER)
    if owners > facts.MAX_OWNERS:
        codes.append(TOO_MANY_OWNERS)
    if members > facts.MAX_MEMBERS:
        codes.append(TOO_MANY_MEMBERS)
    return Coverage(
        owners=owners,
        members=members,
        ok=not codes,
        problems=[_problem_text(code) for code in codes],
        codes=tuple(codes),
    )


def _counted(person: Person) -> bool:
    return person.status is not PersonStatus.LEFT


def coverage(site_id: int, people: Sequence[Person]) -> Coverage:
    """The shared mailbox of ``site_id`` as it is: people with access who have not left."""
    return _counts(site_id, [p.access.get(site_id) for p in people if _counted(p)])


def coverage_after(site_id: int, people: Sequence[Person], change: AccessChange) -> Coverage:
    """What :func:`coverage` would be after ``change``, for the guard to show beforehand."""
    roles: list[Role | None] = []
    seen = False
    for person in people:
        if not _counted(person) and person.id != change.person_id:
            continue
        role = person.access.get(site_id)
        if person.id == change.person_id:
            seen = True
            if change.site_id is None or change.site_id == site_id:
                role = change.role
        roles.append(role)
    if not seen and change.site_id in (None, site_id):
        roles.append(change.role)
    return _counts(site_id, roles)


def new_problems(before: Coverage, after: Coverage) -> list[str]:
    """The problems ``after`` has that ``before`` did not: what the guard warns about.

    A site that already had one owner is not blamed on the member who leaves it, but the
    owner leaving it (no owner) is.
    """
    return [
        text
        for code, text in zip(after.codes, after.problems, strict=True)
        if code not in before.codes
    ]


def guard(site_id: int, people: Sequence[Person], change: AccessChange) -> list[str]:
    """The red warnings for ``change`` at one site: empty when it is safe to proceed."""
    return new_problems(coverage(site_id, people), coverage_after(site_id, people, change))


def guard_sites(
    site_ids: Sequence[int], people: Sequence[Person], change: AccessChange
) -> dict[int, list[str]]:
    """:func:`guard` for every site in ``site_ids``, keeping only sites with a warning."""
    found: dict[int, list[str]] = {}
    for site_id in site_ids:
        warnings = guard(site_id, people, change)
        if warnings:
            found[site_id] = warnings
    return found
