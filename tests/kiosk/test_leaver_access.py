"""A leaver's shared mailbox access: on record until an owner removes it, a dashboard to-do
until then, never cover, and never moved by an ODS change."""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk import records
from kiosk.clock import LONDON
from kiosk.dashboard import Level, build_dashboard
from kiosk.model import PersonStatus, RequestKind, RequestStatus, Role
from kiosk.people import record_access_change, record_answer, record_leaver
from kiosk.site_fields import check_site
from kiosk.sites import change_ods
from tests.kiosk.people_fixtures import HARBOUR, TODAY, active, store_with

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)


def leaver_store():  # type: ignore[no-untyped-def]
    return store_with(
        active(101, "Sam Owner", {1: Role.OWNER}),
        active(102, "Ola Owner", {1: Role.OWNER}),
        active(103, "Mia Member", {1: Role.MEMBER}),
    )


def test_confirmed_leaver_keeps_access_on_record_and_the_dashboard_asks_to_remove_it() -> None:
    store, _sites, (sam, _ola, _mia) = leaver_store()
    request_id = record_leaver(store, sam, TODAY, TODAY, site_id=1, access_removed=False)
    assert request_id is not None
    record_answer(store, request_id, done=True, day=TODAY, ticket="INC0999001")
    person = records.person(store.read(), sam)
    assert person is not None and person.status is PersonStatus.LEFT
    assert person.access == {1: Role.OWNER}  # NHSmail does not remove it; kiosk does not pretend
    board = build_dashboard(store.read(), NOW)
    todo = [line for line in board.top if "Remove Sam Owner's access" in line.text]
    assert len(todo) == 1 and todo[0].level is Level.WARN
    assert HARBOUR.mailbox in todo[0].text and todo[0].target == "people"
    cover = board.sites[0].lines
    assert any(
        "2 owners and 1 member on record; 1 owner and 1 member can sign in today" in line.text
        for line in cover
    )
    # the admin records that an owner removed it: the to-do ends
    record_access_change(store, sam, 1, None, TODAY, via_nas=False)
    board = build_dashboard(store.read(), NOW)
    assert not any("Remove Sam Owner's access" in line.text for line in board.top)


def test_leavers_never_move_with_an_ods_change() -> None:
    store, _sites, (sam, ola, mia) = leaver_store()
    record_leaver(store, sam, TODAY + timedelta(days=7), TODAY, site_id=1, access_removed=False)
    old = records.site(store.read(), 1)
    assert old is not None
    raw = {
        "name": old.name,
        "ods_code": "VZZ09",
        "cqc_location_id": old.cqc_location_id,
        "site_phone": old.site_phone,
        "mailbox": old.mailbox,
    }
    check = check_site(raw, today=TODAY)
    assert check.site is not None, check.errors
    result = change_ods(store, 1, check.site, move_access=True, today=TODAY)
    assert set(result.moved) == {ola, mia} and sam not in result.removed
    db = store.read()
    sam_now = records.person(db, sam)
    assert sam_now is not None and sam_now.access == {1: Role.OWNER}  # stays at the closed site
    assert [r.kind for r in records.requests(db) if r.status is RequestStatus.OPEN] == [
        RequestKind.LEAVER
    ]


def test_a_site_with_nobody_on_record_asks_for_people_before_the_no_access_script() -> None:
    """A new store has no one recorded: the first line asks to add them (p), and still
    names the No-access script for the day nobody can open the mailbox."""
    store, _sites, _ids = store_with()
    first = build_dashboard(store.read(), NOW).top[0]
    assert first.level is Level.BAD and first.target == "people"
    assert "No one is on record" in first.text and "No-access script" in first.text
    # with owners on record who cannot sign in, it is the emergency line
    store, _sites, _ids = store_with(
        active(101, "Sam Owner", {1: Role.OWNER}, disabled_since=TODAY),
    )
    first = build_dashboard(store.read(), NOW).top[0]
    assert first.target == "scripts" and "Nobody who can sign in today owns" in first.text
