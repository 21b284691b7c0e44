"""Who can reach a site's shared mailbox, and whether that is enough: the coverage rule.

One rule, used by the dashboard, the People screen, ``kiosk status``, the leaver, joiner
and access-change wizards, the membership review and the ODS change. The FAQ asks for
"enough users to ensure 24/7 coverage, typically including at least two staff members",
owners control access (so a mailbox with no owner can only be recovered by calling NAS
from the site phone), NHSmail recommends at least two owners for cover, and caps a shared
mailbox at 100 owners and 250 members.

**Usable cover.** Access on record is not cover: an owner whose account is deleted cannot
add anyone. A person counts towards a site's cover only if they have access there *and*
can sign in today, which :func:`kiosk.lifecycle.person_status` decides: the account is
active by the lifecycle (not inactive, deleted, gone or disabled), the first sign-in is
done, and they are neither joining nor a leaver. Both numbers are always shown ("2 owners
and 13 members on record; 1 owner and 11 members can sign in today"), and every problem is
judged on the usable count:

- red (:data:`BAD`): no usable owner, or fewer than two usable people (the FAQ's minimum);
  also more owners or members than NHSmail allows on record;
- amber (:data:`WARN`, a warning that does not block a change): only one usable owner
  (NHSmail's advice of two).

The guards (:func:`guard`) warn only about red problems a change would introduce.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum

from kiosk import facts
from kiosk.i18n import _, ngettext
from kiosk.lifecycle import person_status
from kiosk.model import Person, Role

# Stable codes for the problems, so callers can tell which ones a change introduces.
NO_OWNER = "no_owner"
TOO_FEW = "too_few"
ONE_OWNER = "one_owner"
TOO_MANY_OWNERS = "too_many_owners"
TOO_MANY_MEMBERS = "too_many_members"

# Amber: warned about, never blocks a change. Every other code is red.
AMBER_CODES = frozenset({ONE_OWNER})


class CoverLevel(IntEnum):
    """Ordered so that the worst sorts first."""

    BAD = 0
    WARN = 1
    OK = 2


BAD = CoverLevel.BAD
WARN = CoverLevel.WARN
OK = CoverLevel.OK


@dataclass(frozen=True)
class Coverage:
    """Counts for one site's shared mailbox and the problems with them, worst first.

    ``owners``/``members`` are on record (access recorded, whoever holds it);
    ``usable_owners``/``usable_members`` are the people among them who can sign in today.
    ``problems`` are translated sentences for the admin; ``codes`` the same problems as
    stable codes, in the same order.
    """

    owners: int
    members: int
    usable_owners: int
    usable_members: int
    problems: list[str]
    codes: tuple[str, ...] = field(default=())

    @property
    def total(self) -> int:
        return self.owners + self.members

    @property
    def usable_total(self) -> int:
        return self.usable_owners + self.usable_members

    @property
    def level(self) -> CoverLevel:
        if any(code not in AMBER_CODES for code in self.codes):
            return CoverLevel.BAD
        return CoverLevel.WARN if self.codes else CoverLevel.OK

    @property
    def ok(self) -> bool:
        """No problem at all, not even the amber one."""
        return not self.codes

    @property
    def no_usable_owner(self) -> bool:
        return NO_OWNER in self.codes


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
        NO_OWNER: _("no owner can sign in today: nobody can add or remove people"),
        TOO_FEW: _("fewer than two people can sign in to the shared mailbox today"),
        ONE_OWNER: _("only one owner can sign in today: add a second for cover"),
        TOO_MANY_OWNERS: _("more than NHSmail's {limit} owners").format(limit=facts.MAX_OWNERS),
        TOO_MANY_MEMBERS: _("more than NHSmail's {limit} members").format(limit=facts.MAX_MEMBERS),
    }
    return texts[code]


def _counts(roles: Sequence[tuple[Role | None, bool]]) -> Coverage:
    """Coverage from (role, can sign in today) pairs."""
    owners = sum(1 for role, _usable in roles if role is Role.OWNER)
    members = sum(1 for role, _usable in roles if role is Role.MEMBER)
    usable_owners = sum(1 for role, usable in roles if usable and role is Role.OWNER)
    usable_members = sum(1 for role, usable in roles if usable and role is Role.MEMBER)
    codes: list[str] = []
    if usable_owners == 0:
        codes.append(NO_OWNER)
    if usable_owners + usable_members < facts.MIN_PEOPLE_WITH_ACCESS:
        codes.append(TOO_FEW)
    if usable_owners == 1 and facts.MIN_OWNERS_RECOMMENDED > 1:
        codes.append(ONE_OWNER)
    if owners > facts.MAX_OWNERS:
        codes.append(TOO_MANY_OWNERS)
    if members > facts.MAX_MEMBERS:
        codes.append(TOO_MANY_MEMBERS)
    return Coverage(
        owners=owners,
        members=members,
        usable_owners=usable_owners,
        usable_members=usable_members,
        problems=[_problem_text(code) for code in codes],
        codes=tuple(codes),
    )


def can_sign_in(people: Sequence[Person], today: date) -> dict[int, bool]:
    """Whether each person (by id) counts towards cover today: the lifecycle's verdict."""
    return {p.id: person_status(p, today).can_sign_in for p in people}


def coverage(
    site_id: int, people: Sequence[Person], today: date, usable: Mapping[int, bool] | None = None
) -> Coverage:
    """The shared mailbox of ``site_id`` as it is on ``today``.

    ``usable`` (from :func:`can_sign_in`) saves working the verdicts out again for each site.
    """
    usable = can_sign_in(people, today) if usable is None else usable
    return _counts(
        [(p.access.get(site_id), usable.get(p.id, False)) for p in people if site_id in p.access]
    )


def coverage_after(
    site_id: int, people: Sequence[Person], change: AccessChange, today: date
) -> Coverage:
    """What :func:`coverage` would be after ``change``, for the guard to show beforehand.

    A newcomer (a joiner) is on record once NAS confirms, but cannot sign in until their
    first sign-in is done, so they never add usable cover.
    """
    usable = can_sign_in(people, today)
    roles: list[tuple[Role | None, bool]] = []
    seen = False
    for person in people:
        role = person.access.get(site_id)
        if person.id == change.person_id:
            seen = True
            if change.site_id is None or change.site_id == site_id:
                role = change.role
        roles.append((role, usable[person.id]))
    if not seen and change.site_id in (None, site_id):
        roles.append((change.role, False))
    return _counts(roles)


def new_problems(before: Coverage, after: Coverage) -> list[str]:
    """The red problems ``after`` has that ``before`` did not: what the guard warns about.

    A site that already had no usable owner is not blamed on the member who leaves it, but
    the last usable owner leaving it is. The amber one-owner warning never blocks.
    """
    return [
        text
        for code, text in zip(after.codes, after.problems, strict=True)
        if code not in before.codes and code not in AMBER_CODES
    ]


def new_warnings(before: Coverage, after: Coverage) -> list[str]:
    """The amber problems ``after`` has that ``before`` did not: shown, never blocking."""
    return [
        text
        for code, text in zip(after.codes, after.problems, strict=True)
        if code not in before.codes and code in AMBER_CODES
    ]


def amber(site_id: int, people: Sequence[Person], change: AccessChange, today: date) -> list[str]:
    """The amber warnings ``change`` would bring at one site (one usable owner left)."""
    return new_warnings(
        coverage(site_id, people, today), coverage_after(site_id, people, change, today)
    )


def guard(site_id: int, people: Sequence[Person], change: AccessChange, today: date) -> list[str]:
    """The red warnings for ``change`` at one site: empty when it is safe to proceed."""
    return new_problems(
        coverage(site_id, people, today), coverage_after(site_id, people, change, today)
    )


def guard_sites(
    site_ids: Sequence[int], people: Sequence[Person], change: AccessChange, today: date
) -> dict[int, list[str]]:
    """:func:`guard` for every site in ``site_ids``, keeping only sites with a warning."""
    found: dict[int, list[str]] = {}
    for site_id in site_ids:
        warnings = guard(site_id, people, change, today)
        if warnings:
            found[site_id] = warnings
    return found


def _pair(owners: int, members: int) -> str:
    return _("{owners} and {members}").format(
        owners=ngettext("{n} owner", "{n} owners", owners).format(n=owners),
        members=ngettext("{n} member", "{n} members", members).format(n=members),
    )


def cover_sentence(cover: Coverage) -> str:
    """Both numbers, the way every screen and message says them:
    "2 owners and 13 members on record; 1 owner and 11 members can sign in today"."""
    return _("{recorded} on record; {usable} can sign in today").format(
        recorded=_pair(cover.owners, cover.members),
        usable=_pair(cover.usable_owners, cover.usable_members),
    )


def cover_short(cover: Coverage) -> str:
    """Both numbers in a narrow title, usable of recorded: "1/2 owners, 11/13 members can
    sign in" (today, as everywhere)."""
    return _("{uo}/{o} owners, {um}/{m} members can sign in").format(
        uo=cover.usable_owners, o=cover.owners, um=cover.usable_members, m=cover.members
    )
