"""The coverage guard: counts, the problems, and what a change would do."""

from __future__ import annotations

from kiosk import coverage as cov
from kiosk.coverage import AccessChange, coverage, coverage_after, guard
from kiosk.model import Person, PersonStatus, Role

SITE = 1
OTHER = 2


def person(
    pid: int,
    role: Role | None,
    status: PersonStatus = PersonStatus.ACTIVE,
    other: Role | None = None,
) -> Person:
    access: dict[int, Role] = {}
    if role:
        access[SITE] = role
    if other:
        access[OTHER] = other
    return Person(
        full_name=f"P{pid}",
        personal_mobile=f"07700900{pid:03d}",
        access=access,
        status=status,
        id=pid,
    )


def test_two_owners_and_a_member_is_fine() -> None:
    people = [person(1, Role.OWNER), person(2, Role.OWNER), person(3, Role.MEMBER), person(4, None)]
    c = coverage(SITE, people)
    assert (c.owners, c.members, c.ok, c.problems) == (2, 1, True, [])


def test_problems_are_named() -> None:
    c = coverage(SITE, [person(1, Role.MEMBER)])
    assert not c.ok
    assert c.codes == (cov.NO_OWNER, cov.TOO_FEW)
    assert "no owner" in c.problems[0]
    assert c.problems[1] == "fewer than two people can reach the shared mailbox"
    c = coverage(SITE, [person(1, Role.OWNER), person(2, Role.MEMBER)])
    assert c.codes == (cov.ONE_OWNER,)
    assert c.problems == ["only one owner: add a second for cover"]


def test_left_people_do_not_count_but_leavers_in_progress_do() -> None:
    people = [
        person(1, Role.OWNER, PersonStatus.LEFT),
        person(2, Role.OWNER, PersonStatus.LEAVER),
        person(3, Role.OWNER),
    ]
    assert coverage(SITE, people).owners == 2


def test_nhsmail_caps() -> None:
    owners = [person(i, Role.OWNER) for i in range(1, 102)]
    members = [person(i, Role.MEMBER) for i in range(200, 451)]
    c = coverage(SITE, owners + members)
    assert c.owners == 101 and c.members == 251
    assert c.codes == (cov.TOO_MANY_OWNERS, cov.TOO_MANY_MEMBERS)
    assert "100" in c.problems[0] and "250" in c.problems[1]
    assert coverage(SITE, owners[:100] + members[:250]).ok


def test_coverage_after_a_leaver_counts_every_site() -> None:
    people = [
        person(1, Role.OWNER, other=Role.OWNER),
        person(2, Role.OWNER),
        person(3, Role.MEMBER),
    ]
    leaves = AccessChange(person_id=1, site_id=None, role=None)
    after = coverage_after(SITE, people, leaves)
    assert (after.owners, after.members) == (1, 1)
    assert coverage_after(OTHER, people, leaves).codes == (cov.NO_OWNER, cov.TOO_FEW)


def test_coverage_after_an_access_change_touches_one_site() -> None:
    people = [person(1, Role.OWNER, other=Role.MEMBER), person(2, Role.MEMBER)]
    promote = AccessChange(person_id=2, site_id=SITE, role=Role.OWNER)
    assert coverage_after(SITE, people, promote).ok
    assert coverage_after(OTHER, people, promote).owners == 0


def test_coverage_after_a_newcomer() -> None:
    people = [person(1, Role.OWNER)]
    joiner = AccessChange(person_id=0, site_id=SITE, role=Role.OWNER)
    assert coverage_after(SITE, people, joiner).ok


def test_guard_warns_about_the_last_owner_leaving() -> None:
    people = [person(1, Role.OWNER), person(2, Role.MEMBER), person(3, Role.MEMBER)]
    warnings = guard(SITE, people, AccessChange(1, None, None))
    assert len(warnings) == 1 and "no owner" in warnings[0]


def test_guard_warns_when_access_drops_below_two() -> None:
    people = [person(1, Role.OWNER), person(2, Role.OWNER)]
    warnings = guard(SITE, people, AccessChange(2, SITE, None))
    assert "fewer than two people can reach the shared mailbox" in warnings
    assert "only one owner: add a second for cover" in warnings


def test_guard_does_not_blame_a_member_for_an_existing_problem() -> None:
    people = [person(1, Role.OWNER), person(2, Role.MEMBER), person(3, Role.MEMBER)]
    assert guard(SITE, people, AccessChange(3, None, None)) == []


def test_guard_checks_the_owner_cap_on_promotion() -> None:
    people = [person(i, Role.OWNER) for i in range(1, 101)] + [person(500, Role.MEMBER)]
    warnings = guard(SITE, people, AccessChange(500, SITE, Role.OWNER))
    assert warnings == ["more than NHSmail's 100 owners"]


def test_guard_sites_keeps_only_sites_with_warnings() -> None:
    people = [
        person(1, Role.OWNER, other=Role.MEMBER),
        person(2, Role.OWNER),
        person(3, Role.MEMBER),
    ]
    found = cov.guard_sites([SITE, OTHER], people, AccessChange(1, None, None))
    # OTHER already had no owner and one member: the leaver does not make it worse.
    assert found == {SITE: ["only one owner: add a second for cover"]}
