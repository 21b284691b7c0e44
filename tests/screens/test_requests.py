"""The Requests screen with Pilot: open requests with days and the overdue flag and
escalation route, recording NAS's answer (done with the new NHSmail address, rejected
with a reason, errors per field), and a snapshot."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, RadioButton, Static

from kiosk import records
from kiosk.clock import FixedClock
from kiosk.model import REQUESTS, NasRequest, PersonStatus, RequestKind, RequestStatus, Role
from kiosk.session import Session
from screens.dialogs.answer import AnswerDialog
from screens.requests import RequestsScreen
from tests.fakes import FakeStore
from tests.kiosk.people_fixtures import staff, store_with
from tests.screens.harness import ScreenHarness

NOW = datetime(2026, 11, 24, 10, 0)  # Tuesday


def seeded() -> tuple[FakeStore, int, int]:
    store, _sites, (ellie, marcus, _olu) = store_with(
        staff(342, "Ellie Robinson", nhsmail=None, status=PersonStatus.JOINER),
        staff(358, "Marcus Reid", status=PersonStatus.JOINER),
        staff(101, "Olu Owner", {1: Role.OWNER}),
    )
    with store.transaction() as tx:
        new = records.save(
            tx,
            REQUESTS,
            NasRequest(
                kind=RequestKind.JOINER_NEW,
                site_id=1,
                sent=date(2026, 11, 22),
                person_id=ellie,
                role=Role.MEMBER,
            ),
            "request.joiner",
        )
        old = records.save(
            tx,
            REQUESTS,
            NasRequest(
                kind=RequestKind.JOINER_EXISTING,
                site_id=1,
                sent=date(2026, 11, 13),
                person_id=marcus,
                role=Role.OWNER,
                ticket="INC4190001",
            ),
            "request.joiner",
        )
        records.save(
            tx,
            REQUESTS,
            NasRequest(
                kind=RequestKind.LEAVER,
                site_id=1,
                sent=date(2026, 1, 5),
                person_id=None,
                status=RequestStatus.DONE,
                ticket="INC1",
                resolved=date(2026, 1, 7),
            ),
            "request.leaver",
        )
    store.audit_entries.clear()
    return store, new, old


def harness(store: FakeStore) -> ScreenHarness:
    return ScreenHarness(Session(store, FixedClock(NOW)), RequestsScreen())  # type: ignore[arg-type]


def text_of(app: ScreenHarness, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@pytest.mark.asyncio
async def test_lists_open_requests_and_flags_the_overdue_one() -> None:
    store, _new, _old = seeded()
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#requests-table", DataTable)
        assert table.row_count == 2
        first = [str(c) for c in table.get_row_at(0)]
        second = [str(c) for c in table.get_row_at(1)]
        assert first[1:] == ["Joiner (new)", "Ellie Robinson", "VZZ01", "Open", "2", "—"]
        assert second[2] == "Marcus Reid" and second[4] == "! Open" and second[6] == "INC4190001"
        await pilot.press("down")
        detail = text_of(app, "#request-detail")
        assert "7 NAS working days" in detail
        assert "feedback@nhs.net" in detail and "INC4190001" in detail
        await pilot.press("a")
        assert table.row_count == 3


@pytest.mark.asyncio
async def test_done_new_account_records_the_nhsmail_address() -> None:
    store, new, _old = seeded()
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        dialog = app.screen
        assert isinstance(dialog, AnswerDialog)
        assert dialog.query_one("#answer-nhsmail").display is True
        assert dialog.query_one("#answer-reason").display is False
        dialog.query_one("#answer-ticket", Input).value = "INC4200002"
        await pilot.press("ctrl+s")
        assert "Type the new NHSmail address" in text_of(app, "#answer-nhsmail-error")
        dialog.query_one("#answer-nhsmail", Input).value = "olu.staff@nhs.net"
        await pilot.press("ctrl+s")
        assert "Olu Owner" in text_of(app, "#answer-nhsmail-error")
        dialog.query_one("#answer-day", Input).value = "21/11/2026"  # before it was sent
        await pilot.press("ctrl+s")
        assert "before the request was sent" in text_of(app, "#answer-day-error")
        assert text_of(app, "#answer-nhsmail-error") == ""
        dialog.query_one("#answer-day", Input).value = "2026-11-24"
        dialog.query_one("#answer-nhsmail", Input).value = "Ellie.Robinson@nhs.net"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RequestsScreen)
    request = next(r for r in records.requests(store.read()) if r.id == new)
    assert (request.status, request.ticket) == (RequestStatus.DONE, "INC4200002")
    person = records.person(store.read(), request.person_id or 0)
    assert person is not None
    assert person.nhsmail == "ellie.robinson@nhs.net" and person.access == {1: Role.MEMBER}
    assert person.account_created == date(2026, 11, 24)


@pytest.mark.asyncio
async def test_rejected_needs_a_reason() -> None:
    store, _new, old = seeded()
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "r")
        dialog = app.screen
        assert isinstance(dialog, AnswerDialog)
        dialog.query_one("#outcome-rejected", RadioButton).value = True
        await pilot.pause()
        assert dialog.query_one("#answer-nhsmail").display is False
        await pilot.press("ctrl+s")
        assert "Say why" in text_of(app, "#answer-reason-error")
        dialog.query_one("#answer-reason", Input).value = "Not yet marked a leaver by old employer"
        await pilot.press("ctrl+s")
        await pilot.pause()
    request = next(r for r in records.requests(store.read()) if r.id == old)
    assert request.status is RequestStatus.REJECTED
    assert request.reason == "Not yet marked a leaver by old employer"


def test_requests_snapshot(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        await pilot.press("down")

    assert snap_compare(harness(seeded()[0]), terminal_size=(80, 24), run_before=run)


def test_answer_dialog_snapshot(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        await pilot.press("r")

    assert snap_compare(harness(seeded()[0]), terminal_size=(80, 24), run_before=run)


@pytest.mark.asyncio
async def test_the_ticket_reference_is_prefilled_and_kept() -> None:
    store, _new, old = seeded()
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "r")  # Marcus's request, logged with INC4190001
        dialog = app.screen
        assert isinstance(dialog, AnswerDialog)
        ticket = dialog.query_one("#answer-ticket", Input)
        assert ticket.value == "INC4190001"
        ticket.value = ""  # even emptied, the answer never erases the reference
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RequestsScreen)
    request = next(r for r in records.requests(store.read()) if r.id == old)
    assert (request.status, request.ticket) == (RequestStatus.DONE, "INC4190001")


@pytest.mark.asyncio
async def test_a_no_access_owner_leaves_joining_when_nas_answers_done() -> None:
    from datetime import UTC

    from kiosk.lifecycle import PersonCode, person_status
    from kiosk.tickets import new_owner_from_form, record_no_access_call

    store, _sites, _ids = store_with(staff(101, "Olu Owner", {1: Role.OWNER}))
    owner = new_owner_from_form("Tom Newowner", "07700 900555", "tom@example.org", "")
    made = record_no_access_call(
        store,
        site_id=1,
        at=datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
        owner=owner,
        ticket="INC0999001",
    )
    before = records.person(store.read(), made.person_id)
    assert before is not None and person_status(before, NOW.date()).code is PersonCode.JOINING
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        dialog = app.screen
        assert isinstance(dialog, AnswerDialog)
        assert dialog.query_one("#answer-ticket", Input).value == "INC0999001"
        assert dialog.query_one("#answer-nhsmail").display is True  # no address on record
        dialog.query_one("#answer-nhsmail", Input).value = "tom.newowner@nhs.net"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RequestsScreen)
    request = next(r for r in records.requests(store.read()) if r.id == made.request_id)
    assert (request.status, request.ticket) == (RequestStatus.DONE, "INC0999001")
    tom = records.person(store.read(), made.person_id)
    assert tom is not None and tom.status is PersonStatus.ACTIVE
    assert tom.access == {1: Role.OWNER} and tom.nhsmail == "tom.newowner@nhs.net"
    assert person_status(tom, NOW.date()).code is PersonCode.FIRST_SIGN_IN


@pytest.mark.asyncio
async def test_the_ticket_field_is_one_line_clean_both_ways() -> None:
    """A reference from an older file holding an escape sequence and a line break is
    prefilled harmless (screens.widgets.text.one_line), and a typed control character is
    refused beside the field with the rule named (kiosk.validators.validate_ticket):
    nothing is stored until the reference is clean."""
    store, _new, old = seeded()
    with store.transaction() as tx:  # as an older kiosk or a restore might have left it
        tx.db.table(REQUESTS).update({"ticket": "INC\x1b]0;pwn\x07\n42"}, doc_ids=[old])
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "r")
        dialog = app.screen
        assert isinstance(dialog, AnswerDialog)
        ticket = dialog.query_one("#answer-ticket", Input)
        assert ticket.value.isprintable() and "\x1b" not in ticket.value
        ticket.value = "INC42\x1b[31m"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "control characters" in text_of(app, "#answer-ticket-error")
        assert isinstance(app.screen, AnswerDialog)
        request = next(r for r in records.requests(store.read()) if r.id == old)
        assert request.status is RequestStatus.OPEN
        ticket.value = "INC4200042"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RequestsScreen)
    request = next(r for r in records.requests(store.read()) if r.id == old)
    assert (request.status, request.ticket) == (RequestStatus.DONE, "INC4200042")


async def test_many_requests_are_fed_in_batches_all_in_order_and_the_cursor_kept() -> None:
    """Issue 15: the table does not fill in one go with the data; every request still
    arrives, newest first, and a refresh keeps the cursor on a row past the first batch."""
    from screens.widgets.table import FIRST_ROWS, cursor_key

    store, _new, _old = seeded()
    count = FIRST_ROWS + 170  # the first screenful and two batches
    with store.transaction() as tx:
        for n in range(count):
            records.save(
                tx,
                REQUESTS,
                NasRequest(
                    kind=RequestKind.LEAVER,
                    site_id=1,
                    sent=date(2025, 1, 1) + timedelta(days=n),
                    person_id=None,
                    ticket=f"INC{n:05d}",
                ),
                "request.leaver",
            )
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one("#requests-table", DataTable)
        for _ in range(30):
            await pilot.pause()
        assert table.row_count == count + 2  # the two open joiners' requests too
        tickets = [str(table.get_row_at(i)[6]) for i in range(2, table.row_count)]
        assert tickets == [f"INC{n:05d}" for n in reversed(range(count))]
        table.move_cursor(row=FIRST_ROWS + 100)
        chosen = cursor_key(table)
        app.screen.refresh_data()  # type: ignore[attr-defined]
        # The refill adds a first batch (up to the cursor's row) before any refresh...
        assert table.row_count == FIRST_ROWS + 101 < count
        assert cursor_key(table) == chosen
        for _ in range(30):
            await pilot.pause()
        assert table.row_count == count + 2 and cursor_key(table) == chosen


@pytest.mark.asyncio
async def test_all_requests_show_every_ticket_reference_whole_at_80_columns(
    tmp_path: Path,
) -> None:
    """New-admin walk: with ``a`` (all) at 80 columns the Ticket column ran off the edge,
    showing "INC4182" for "INC4182907" with nothing to say it was cut. The reference is
    never cut; a name cut to make room ends in an ellipsis."""
    from tests.screens.screen_walk import make_demo_store, screen_lines, unlocked

    path = make_demo_store(tmp_path)
    async with unlocked(path, (80, 24)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(pilot.app.screen, RequestsScreen)
        glass = "\n".join(screen_lines(pilot.app))
        for ticket in ("INC4182907", "INC4170233", "INC3650418"):
            assert ticket in glass
        table = pilot.app.screen.query_one("#requests-table", DataTable)
        names = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]
        assert all(n in glass for n in names)
        assert any(n.endswith("\u2026") for n in names)  # cut where cut, and says so
