"""The coverage rule: usable and recorded counts, red and amber, and what a change would do."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kiosk import coverage as cov
from kiosk.coverage import (
    AccessChange,
    CoverLevel,
    cover_sentence,
    coverage,
    coverage_after,
    guard,
)
from kiosk.model import Person, PersonStatus, Role

SITE = 1
OTHER = 2
TODAY = date(2026, 11, 24)


def person(
    pid: int,
    role: Role | None,
    status: PersonStatus = PersonStatus.ACTIVE,
    other: Role | None = None,
    **kw: object,
) -> Person:
    access: dict[int, Role] = {}
    if role:
        access[SITE] = role
    if other:
        access[OTHER] = other
    base: dict[str, object] = {
        "full_name": f"P{pid}",
        "personal_mobile": f"07700900{pid:03d}",
        "nhsmail": f"p{pid}@nhs.net",
        "last_activity": TODAY - timedelta(days=2),
        "first_login_done": True,
        "access": access,
        "status": status,
        "id": pid,
    }
    base.update(kw)
    return Person(**base)  # type: ignore[arg-type]


def days_ago(n: int) -> dict[str, object]:
    return {"last_activity": TODAY - timedelta(days=n)}


def test_two_owners_and_a_member_is_fine() -> None:
    people = [person(1, Role.OWNER), person(2, Role.OWNER), person(3, Role.MEMBER), person(4, None)]
    c = coverage(SITE, people, TODAY)
    assert (c.owners, c.members, c.usable_owners, c.usable_members) == (2, 1, 2, 1)
    assert (c.ok, c.level, c.problems) == (True, CoverLevel.OK, [])


def test_problems_are_named_and_graded() -> None:
    c = coverage(SITE, [person(1, Role.MEMBER)], TODAY)
    assert c.level is CoverLevel.BAD and c.no_usable_owner
    assert c.codes == (cov.NO_OWNER, cov.TOO_FEW)
    assert "no owner can sign in today" in c.problems[0]
    assert c.problems[1] == "fewer than two people can sign in to the shared mailbox today"
    c = coverage(SITE, [person(1, Role.OWNER), person(2, Role.MEMBER)], TODAY)
    assert c.codes == (cov.ONE_OWNER,)
    assert c.level is CoverLevel.WARN  # amber: warns, does not block
    assert c.problems == ["only one owner can sign in today: add a second for cover"]


def test_dead_accounts_are_on_record_but_not_cover() -> None:
    """The issue's case: two owners, Deleted and Gone for good, and nobody else."""
    people = [person(1, Role.OWNER, **days_ago(70)), person(2, Role.OWNER, **days_ago(100))]
    c = coverage(SITE, people, TODAY)
    assert (c.owners, c.members, c.usable_owners, c.usable_members) == (2, 0, 0, 0)
    assert c.level is CoverLevel.BAD and c.codes == (cov.NO_OWNER, cov.TOO_FEW)
    assert cover_sentence(c) == (
        "2 owners and 0 members on record; 0 owners and 0 members can sign in today"
    )


@pytest.mark.parametrize(
    ("kw", "usable"),
    [
        (days_ago(0), True),
        (days_ago(30), True),
        (days_ago(31), False),
        (days_ago(61), False),
        (days_ago(91), False),
        ({"disabled_since": TODAY - timedelta(days=5)}, False),
        (
            {
                "first_login_done": False,
                "account_created": TODAY - timedelta(days=3),
                "last_activity": None,
            },
            False,
        ),
        ({"status": PersonStatus.LEAVER}, False),
        ({"status": PersonStatus.LEFT}, False),
        ({"status": PersonStatus.JOINER}, False),
        ({"nhsmail": None}, False),
    ],
)
def test_who_counts_as_usable(kw: dict[str, object], usable: bool) -> None:
    c = coverage(SITE, [person(1, Role.OWNER, **kw)], TODAY)
    assert c.owners == 1 and c.usable_owners == int(usable)


def test_nhsmail_caps() -> None:
    owners = [person(i, Role.OWNER) for i in range(1, 102)]
    members = [person(i, Role.MEMBER) for i in range(200, 451)]
    c = coverage(SITE, owners + members, TODAY)
    assert c.owners == 101 and c.members == 251
    assert c.codes == (cov.TOO_MANY_OWNERS, cov.TOO_MANY_MEMBERS)
    assert "100" in c.problems[0] and "250" in c.problems[1]
    assert coverage(SITE, owners[:100] + members[:250], TODAY).ok


def test_coverage_after_a_leaver_counts_every_site() -> None:
    people = [
        person(1, Role.OWNER, other=Role.OWNER),
        person(2, Role.OWNER),
        person(3, Role.MEMBER),
    ]
    leaves = AccessChange(person_id=1, site_id=None, role=None)
    after = coverage_after(SITE, people, leaves, TODAY)
    assert (after.owners, after.members) == (1, 1)
    assert coverage_after(OTHER, people, leaves, TODAY).codes == (cov.NO_OWNER, cov.TOO_FEW)


def test_coverage_after_an_access_change_touches_one_site() -> None:
    people = [person(1, Role.OWNER, other=Role.MEMBER), person(2, Role.MEMBER)]
    promote = AccessChange(person_id=2, site_id=SITE, role=Role.OWNER)
    assert coverage_after(SITE, people, promote, TODAY).ok
    assert coverage_after(OTHER, people, promote, TODAY).owners == 0


def test_a_newcomer_is_on_record_but_cannot_sign_in_yet() -> None:
    people = [person(1, Role.OWNER), person(2, Role.OWNER)]
    joiner = AccessChange(person_id=0, site_id=SITE, role=Role.OWNER)
    after = coverage_after(SITE, people, joiner, TODAY)
    assert (after.owners, after.usable_owners) == (3, 2) and after.ok


def test_guard_warns_about_the_last_usable_owner_leaving() -> None:
    """A second owner on record whose account is deleted does not make the leaver safe."""
    people = [
        person(1, Role.OWNER),
        person(2, Role.OWNER, **days_ago(70)),
        person(3, Role.MEMBER),
        person(4, Role.MEMBER),
    ]
    warnings = guard(SITE, people, AccessChange(1, None, None), TODAY)
    assert len(warnings) == 1 and "no owner can sign in today" in warnings[0]


def test_guard_warns_when_usable_people_drop_below_two_but_not_for_one_owner() -> None:
    people = [person(1, Role.OWNER), person(2, Role.OWNER)]
    warnings = guard(SITE, people, AccessChange(2, SITE, None), TODAY)
    assert warnings == ["fewer than two people can sign in to the shared mailbox today"]
    people = [person(1, Role.OWNER), person(2, Role.OWNER), person(3, Role.MEMBER)]
    assert guard(SITE, people, AccessChange(2, SITE, None), TODAY) == []  # amber only


def test_guard_does_not_blame_a_member_for_an_existing_problem() -> None:
    people = [person(1, Role.OWNER), person(2, Role.MEMBER), person(3, Role.MEMBER)]
    assert guard(SITE, people, AccessChange(3, None, None), TODAY) == []


def test_guard_checks_the_owner_cap_on_promotion() -> None:
    people = [person(i, Role.OWNER) for i in range(1, 101)] + [person(500, Role.MEMBER)]
    warnings = guard(SITE, people, AccessChange(500, SITE, Role.OWNER), TODAY)
    assert warnings == ["more than NHSmail's 100 owners"]


def test_guard_sites_keeps_only_sites_with_warnings() -> None:
    people = [
        person(1, Role.OWNER, other=Role.OWNER),
        person(2, Role.MEMBER, other=Role.MEMBER),
    ]
    found = cov.guard_sites([SITE, OTHER], people, AccessChange(1, None, None), TODAY)
    assert set(found) == {SITE, OTHER}
    assert cov.guard_sites([SITE], people, AccessChange(2, OTHER, None), TODAY) == {}
