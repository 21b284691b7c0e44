"""The call and ticket log with Pilot: overdue tickets marked, status and follow-up changes
audited, contacts added by hand with every rule shown, escalation one key away."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Select, Static

from kiosk import records, tickets
from kiosk.clock import LONDON, FixedClock
from kiosk.model import PEOPLE, SITES, Channel, Person, Role, Site, TicketStatus
from kiosk.session import Session
from screens.dialogs.confirm import ConfirmDialog
from screens.script_run import ScriptRunScreen
from screens.tickets import AddContactDialog, EditTicketDialog, FollowUpDialog, TicketsScreen
from tests.fakes import FakeStore
from tests.screens.harness import ScreenHarness

NOW = datetime(2026, 11, 24, 10, 0)


def seeded() -> tuple[FakeStore, int, int]:
    """An overdue phone ticket (older) and an email not yet due (newer)."""
    store = FakeStore()
    with store.transaction() as tx:
        site_id = records.save(
            tx,
            SITES,
            Site(
                name="Harbour View Care Home",
                ods_code="VZZ01",
                cqc_location_id="1-000000001",
                site_phone="01632960123",
                mailbox="harbourview.care@nhs.net",
            ),
            "site.add",
        )
    call = tickets.record_entry(
        store,
        site_id=site_id,
        at=datetime(2026, 11, 10, 11, 20, tzinfo=LONDON),
        channel=Channel.PHONE,
        script="no_access",
        ticket="INC0123456",
        follow_up=date(2026, 11, 17),
        notes="Agent said two working days.",
    )
    email = tickets.record_entry(
        store,
        site_id=site_id,
        at=datetime(2026, 11, 20, 9, 5, tzinfo=LONDON),
        channel=Channel.EMAIL,
        script="shared_access",
        follow_up=date(2026, 11, 27),
    )
    return store, call.id, email.id


def harness(store: FakeStore, **kwargs: Any) -> ScreenHarness:
    return ScreenHarness(Session(store, FixedClock(NOW)), TicketsScreen(**kwargs))  # type: ignore[arg-type]


def rows(app: ScreenHarness) -> list[list[str]]:
    table = app.screen.query_one("#tickets-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def detail(app: ScreenHarness) -> str:
    return str(app.screen.query_one("#ticket-detail", Static).render())


@pytest.mark.asyncio
async def test_log_lists_newest_first_and_marks_the_overdue_ticket() -> None:
    store, _call, _email = seeded()
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert rows(app) == [
            ["20/11/2026, 09:05", "Email", "Mailbox access", "-", "open", "27/11/2026"],
            ["10/11/2026, 11:20", "Call", "No access", "INC0123456", "open", "! 17/11/2026"],
        ]
        assert "! Follow-up was due 7 days ago: press e to escalate." in detail(app)
        assert "Notes: Agent said two working days." in detail(app)
        await pilot.press("up")
        await pilot.pause()
        assert "Follow up in 3 days." in detail(app)


@pytest.mark.asyncio
async def test_status_key_steps_through_open_waiting_resolved_after_confirming() -> None:
    store, call, _email = seeded()
    app = harness(store, contact_id=call)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert rows(app)[1][3] == "INC0123456"
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # cancelled: nothing changes
        await pilot.pause()
        assert rows(app)[1][4] == "open"
        await pilot.press("s", "y")
        await pilot.pause()
        assert rows(app)[1][4] == "waiting"
        await pilot.press("s", "y")
        await pilot.pause()
        assert rows(app)[1][4] == "resolved"
        assert rows(app)[1][5] == "17/11/2026"  # resolved: no longer overdue
    found = tickets.entry(store.read(), call)
    assert found is not None and found.status is TicketStatus.RESOLVED
    assert [e["action"] for e in store.audit_entries[-2:]] == ["contact.status"] * 2


@pytest.mark.asyncio
async def test_follow_up_is_set_checked_and_cleared() -> None:
    store, call, _email = seeded()
    app = harness(store, contact_id=call)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FollowUpDialog)
        assert dialog.query_one("#field-follow_up", Input).value == "17/11/2026"
        dialog.query_one("#field-follow_up", Input).value = "31/11/2026"
        await pilot.press("enter")
        await pilot.pause()
        assert "does not exist" in str(dialog.query_one("#error-follow_up", Static).render())
        dialog.query_one("#field-follow_up", Input).value = "01/12/2026"
        await pilot.press("enter")
        await pilot.pause()
        assert rows(app)[1][5] == "01/12/2026"
        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one("#field-follow_up", Input).value = ""
        await pilot.press("enter")
        await pilot.pause()
        assert rows(app)[1][5] == ""
    found = tickets.entry(store.read(), call)
    assert found is not None and found.follow_up is None
    assert store.audit_entries[-1]["action"] == "contact.follow_up"


@pytest.mark.asyncio
async def test_add_an_email_by_hand_with_every_rule_shown() -> None:
    store, _call, _email = seeded()
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AddContactDialog)
        assert dialog.query_one("#field-at", Input).value == "2026-11-24 10:00"
        dialog.query_one("#contact-channel", Select).value = "email"
        dialog.query_one("#contact-script", Select).value = "escalate"
        dialog.query_one("#field-at", Input).value = "yesterday"
        dialog.query_one("#field-follow_up", Input).value = "soon"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "YYYY-MM-DD HH:MM" in str(dialog.query_one("#error-at", Static).render())
        assert "DD/MM/YYYY" in str(dialog.query_one("#error-follow_up", Static).render())
        dialog.query_one("#field-at", Input).value = "2026-11-23 16:40"
        dialog.query_one("#field-follow_up", Input).value = "30/11/2026"
        dialog.query_one("#field-ticket", Input).value = "bad ticket"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "letters, digits" in str(dialog.query_one("#error-ticket", Static).render())
        dialog.query_one("#field-ticket", Input).value = "INC0999999"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TicketsScreen)
        table = app.screen.query_one("#tickets-table", DataTable)
        assert rows(app)[table.cursor_row] == [
            "23/11/2026, 16:40",
            "Email",
            "Escalation",
            "INC0999999",
            "open",
            "30/11/2026",
        ]
    assert store.audit_entries[-1]["action"] == "contact.add"


@pytest.mark.asyncio
async def test_escalate_opens_the_script_with_the_ticket_filled_in() -> None:
    store, call, _email = seeded()
    app = harness(store, contact_id=call)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScriptRunScreen)
        assert screen.script.id == "escalate"
        assert screen.ticket == "INC0123456"
        assert screen.call_at == datetime(2026, 11, 10, 11, 20, tzinfo=LONDON)


@pytest.mark.asyncio
async def test_empty_log_says_how_to_add() -> None:
    app = harness(FakeStore())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "No calls or emails to NAS yet" in detail(app)
        await pilot.press("s", "e")  # nothing selected: nothing happens
        await pilot.pause()
        assert isinstance(app.screen, TicketsScreen)


def test_snapshot_calls(snap_compare: Any) -> None:
    store, call, _email = seeded()
    assert snap_compare(harness(store, contact_id=call), terminal_size=(80, 24))


def test_snapshot_add_contact(snap_compare: Any) -> None:
    store, _call, _email = seeded()
    assert snap_compare(harness(store), terminal_size=(80, 24), press=["a"])


@pytest.mark.asyncio
async def test_opening_without_a_choice_selects_the_overdue_ticket() -> None:
    store, call, _email = seeded()
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#tickets-table", DataTable).cursor_row == 1
        await pilot.press("e")  # one key from the dashboard's line to the escalation
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScriptRunScreen) and screen.contact_id == call


@pytest.mark.asyncio
async def test_one_ticket_logged_twice_is_edited_and_closed_as_one() -> None:
    store, call, email = seeded()
    app = harness(store, contact_id=email)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("d")  # the email was about the same ticket: give it its reference
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, EditTicketDialog)
        dialog.query_one("#field-ticket", Input).value = "inc0123456"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TicketsScreen)
        assert rows(app)[0][3] == "inc0123456"  # as typed; still the same ticket
        await pilot.press("s", "y", "s", "y")  # waiting, then resolved: the whole ticket
        await pilot.pause()
        assert [r[4] for r in rows(app)] == ["resolved", "resolved"]
    assert tickets.open_tickets(records.ticket_entries(store.read())) == []
    actions = [e["action"] for e in store.audit_entries]
    assert "contact.edit" in actions and actions.count("contact.status") == 4
    assert tickets.entry(store.read(), call) is not None


@pytest.mark.asyncio
async def test_escalating_a_no_access_ticket_drafts_from_the_admins_own_nhsmail() -> None:
    """Nobody can open the shared mailbox in the no-access case: the escalation email goes
    from the admin's own address (the person on record with the admin's name)."""
    store, call, email = seeded()
    with store.transaction() as tx:
        records.save(
            tx,
            PEOPLE,
            Person(
                store.admin,
                "07700900321",
                nhsmail="test.admin@nhs.net",
                access={1: Role.MEMBER},
            ),
            "person.add",
        )
    for contact_id, sender in ((call, "test.admin@nhs.net"), (email, "harbourview.care@nhs.net")):
        app = harness(store, contact_id=contact_id)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("e")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ScriptRunScreen)
            while screen._filled is not None and screen._filled.draft is None:
                await pilot.press("enter")
                await pilot.pause()
            assert screen._filled is not None and screen._filled.draft is not None
            assert screen._filled.draft.sender == sender
            said = " ".join(line.text for line in screen._filled.lines)
            assert (sender in said) and (
                ("nobody can open the shared mailbox" in said) == (contact_id == call)
            )
