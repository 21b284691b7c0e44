"""``kiosk status``: the read every figure comes from, the exit statuses and the text."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from kiosk import records
from kiosk.cli.status import as_json, as_text
from kiosk.model import (
    PEOPLE,
    REQUESTS,
    SITES,
    TICKETS,
    Channel,
    DsptStatus,
    NasRequest,
    Person,
    RequestKind,
    Role,
    Site,
    TicketEntry,
)
from kiosk.site_status import EXIT_DUE, EXIT_OK, EXIT_WRONG, read_status
from tests.fakes import FakeStore

TODAY = date(2026, 11, 24)


def world(*people: tuple[str, int, Role], **site_kw: Any) -> FakeStore:
    store = FakeStore()
    fields: dict[str, Any] = {
        "dspt_status": DsptStatus.MET,
        "dspt_published": date(2026, 10, 15),
        "dspt_version": "2026-27",
        **site_kw,
    }
    with store.transaction() as tx:
        sid = records.save(
            tx,
            SITES,
            Site("Rose House", "VZZ01", "1-000000001", "01632960001", "rose@nhs.net", **fields),
            "site.add",
        )
        for n, (name, days, role) in enumerate(people):
            records.save(
                tx,
                PEOPLE,
                Person(
                    name,
                    f"07700900{n:03d}",
                    nhsmail=f"p{n}@nhs.net",
                    access={sid: role},
                    first_login_done=True,
                    last_activity=TODAY - timedelta(days=days),
                ),
                "person.add",
            )
    return store


def test_all_well_exits_0() -> None:
    store = world(("Ann", 1, Role.OWNER), ("Bea", 2, Role.OWNER), ("Cy", 3, Role.MEMBER))
    report = read_status(store.read(), TODAY)
    assert report.exit_status == EXIT_OK
    text = as_text(report)
    assert "2 owners and 1 member on record; 2 owners and 1 member can sign in today" in text
    assert "DSPT 2026-27" in text


def test_one_usable_owner_or_a_login_due_exits_3() -> None:
    store = world(("Ann", 1, Role.OWNER), ("Bea", 40, Role.OWNER), ("Cy", 3, Role.MEMBER))
    report = read_status(store.read(), TODAY)
    assert report.exit_status == EXIT_DUE
    doc = as_json(report)
    assert doc["sites"][0]["cover"]["level"] == "warn"
    assert doc["sites"][0]["logins"] == {"overdue": 1, "due": 0}


def test_no_usable_owner_or_lapsed_dspt_or_overdue_request_exits_4() -> None:
    dead = world(("Ann", 70, Role.OWNER), ("Bea", 100, Role.OWNER))
    assert read_status(dead.read(), TODAY).exit_status == EXIT_WRONG
    lapsed = world(
        ("Ann", 1, Role.OWNER),
        ("Bea", 2, Role.OWNER),
        dspt_published=date(2025, 7, 15),
        dspt_version="2024-25",
    )
    report = read_status(lapsed.read(), TODAY)
    assert report.exit_status == EXIT_WRONG and report.sites[0].dspt.level == "bad"
    late = world(("Ann", 1, Role.OWNER), ("Bea", 2, Role.OWNER))
    with late.transaction() as tx:
        records.save(
            tx,
            REQUESTS,
            NasRequest(kind=RequestKind.LEAVER, site_id=1, sent=TODAY - timedelta(days=20)),
            "request.add",
        )
    assert read_status(late.read(), TODAY).exit_status == EXIT_WRONG
    # the dashboard says the same thing: red, not a warning
    from kiosk.clock import LONDON
    from kiosk.dashboard import Level, build_dashboard

    board = build_dashboard(late.read(), datetime(2026, 11, 24, 10, 0, tzinfo=LONDON))
    (line,) = [ln for ln in board.sites[0].lines if ln.target == "requests"]
    assert line.level is Level.BAD and "escalate" in line.text


def test_one_ticket_with_two_contacts_counts_once() -> None:
    store = world(("Ann", 1, Role.OWNER), ("Bea", 2, Role.OWNER))
    at = datetime(2026, 11, 23, 10, 0).astimezone()
    with store.transaction() as tx:
        for channel, ticket in ((Channel.PHONE, "INC0999001"), (Channel.EMAIL, "inc 0999001")):
            records.save(
                tx,
                TICKETS,
                TicketEntry(at=at, channel=channel, script="no_access", site_id=1, ticket=ticket),
                "contact.add",
            )
    report = read_status(store.read(), TODAY)
    assert as_json(report)["sites"][0]["tickets"] == {"open": 1, "overdue": 0}


def test_status_marks_each_line_as_the_dashboard_does() -> None:
    """Review: the dashboard marked no usable owner with a cross, kiosk status with "!"
    and its other lines with nothing. Both take the mark from kiosk.dashboard.mark."""
    from kiosk.clock import LONDON
    from kiosk.dashboard import build_dashboard, mark

    for store in (
        world(("Ann", 70, Role.OWNER), ("Bea", 100, Role.MEMBER)),  # red, logins overdue
        world(("Ann", 1, Role.OWNER), ("Bea", 2, Role.OWNER), ("Cy", 3, Role.MEMBER)),
        world(("Ann", 1, Role.OWNER), ("Bea", 40, Role.MEMBER), dspt_version=None,
              dspt_published=None),
    ):
        db = store.read()
        board = build_dashboard(db, datetime(2026, 11, 24, 10, 0, tzinfo=LONDON))
        text = as_text(read_status(db, TODAY)).splitlines()
        lines = board.sites[0].lines
        for target, start in (("people", "on record"), ("reminders", "Logins:"), ("sites", "DSPT")):
            (line,) = [ln for ln in lines if ln.target == target and start in ln.text]
            (said,) = [t for t in text if start in t]
            assert said.startswith(f"  {mark(line.level)} "), (said, line)


def test_a_site_with_no_dspt_record_says_so() -> None:
    store = world(("Ann", 1, Role.OWNER), ("Bea", 2, Role.OWNER), dspt_version=None,
                  dspt_published=None, dspt_status=DsptStatus.NOT_PUBLISHED)
    text = as_text(read_status(store.read(), TODAY))
    assert "DSPT \u2014" not in text
    assert "No publication recorded" in text
