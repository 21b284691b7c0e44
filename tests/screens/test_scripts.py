"""The call scripts with Pilot: the list, walking a script, the forms, copying, saving, and the
no-access script from the first step to the recorded ticket on a real encrypted store."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, Static

from kiosk import call_scripts, records, scripts, tickets
from kiosk.clock import LONDON, FixedClock
from kiosk.model import (
    PEOPLE,
    SITES,
    Channel,
    Person,
    PersonStatus,
    RequestKind,
    Role,
    Site,
    TicketStatus,
)
from kiosk.session import Session
from screens.script_run import ScriptRunScreen
from screens.script_run_dialogs import (
    OwnerDialog,
    PersonDialog,
    RecordCallDialog,
    RecordEmailDialog,
    TicketDialog,
)
from screens.scripts import ScriptsScreen
from tests.fakes import FakeStore
from tests.screens.harness import ScreenHarness

NOW = datetime(2026, 11, 24, 10, 0)  # a Tuesday morning: NAS is open
HARBOUR = Site(
    name="Harbour View Care Home",
    ods_code="VZZ01",
    cqc_location_id="1-000000001",
    site_phone="01632960123",
    mailbox="harbourview.care@nhs.net",
)


def seed(store: Any, *, second_site: bool = False) -> int:
    with store.transaction() as tx:
        site_id = records.save(tx, SITES, HARBOUR, "site.add")
        if second_site:
            records.save(
                tx,
                SITES,
                Site(
                    name="Quay Court",
                    ods_code="VZZ02",
                    cqc_location_id="1-000000002",
                    site_phone="01632960124",
                    mailbox="quaycourt.care@nhs.net",
                ),
                "site.add",
            )
        records.save(
            tx,
            PEOPLE,
            Person(
                "Tom Reed",
                "07700900456",
                "tom.reed@example.org",
                "tom.reed@nhs.net",
                access={site_id: Role.MEMBER},
            ),
            "person.add",
        )
    return site_id


def harness(store: Any, screen: Any, now: datetime = NOW) -> ScreenHarness:
    return ScreenHarness(Session(store, FixedClock(now)), screen)


def copies(app: ScreenHarness) -> list[str]:
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    return copied


def step_title(app: ScreenHarness) -> str:
    return str(app.screen.query_one("#step-title", Static).render())


def step_text(app: ScreenHarness) -> str:
    screen = app.screen
    assert isinstance(screen, ScriptRunScreen)
    return "\n".join(line.text for line in screen._lines if line is not None)


async def fill(pilot: Pilot[Any], values: dict[str, str]) -> None:
    for name, value in values.items():
        pilot.app.screen.query_one(f"#field-{name}", Input).value = value
    await pilot.press("ctrl+s")  # the focus may be on a drop-down, where Enter opens it
    await pilot.pause()


# --- the list ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_list_shows_nas_status_and_opens_the_chosen_script() -> None:
    store = FakeStore()
    seed(store)
    app = harness(store, ScriptsScreen())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "NAS is open until 17:00" in str(app.screen.query_one("#nas-status").render())
        assert "Harbour View Care Home (VZZ01)" in str(
            app.screen.query_one("#scripts-site").render()
        )
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ScriptRunScreen)
        assert app.screen.script.id == "escalate"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ScriptsScreen)


@pytest.mark.asyncio
async def test_switch_site_fills_the_other_sites_details() -> None:
    store = FakeStore()
    seed(store, second_site=True)
    app = harness(store, ScriptsScreen())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("w")
        assert "Quay Court (VZZ02)" in str(app.screen.query_one("#scripts-site").render())
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")  # to the call step
        await pilot.pause()
        assert "quaycourt.care@nhs.net" in step_text(app)


@pytest.mark.asyncio
async def test_list_without_a_site_says_so() -> None:
    app = harness(FakeStore(), ScriptsScreen())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "add one in Sites" in str(app.screen.query_one("#scripts-site").render())
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ScriptsScreen)


# --- walking the no-access script, end to end ----------------------------------------------


@pytest.mark.asyncio
async def test_no_access_walk_from_start_to_recorded_ticket(kiosk_store: Any) -> None:
    site_id = seed(kiosk_store)
    before = len(kiosk_store.audit_entries())
    app = harness(kiosk_store, ScriptsScreen())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # the first script: no one can access the mailbox
        await pilot.pause()
        assert step_title(app) == "Step 1 of 3: Before the call"
        assert "01632 960123" in step_text(app)  # the CQC-registered number on record
        assert "NAS is open until 17:00" in step_text(app)

        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OwnerDialog)
        assert app.focused is not None and app.focused.id == "owner-pick"  # starts there
        await pilot.press("tab")  # "Someone new": on to their name
        await pilot.press(*"Priya Shah")
        await fill(
            pilot,
            {"personal_mobile": "07700 900123", "personal_email": "priya.shah@example.org"},
        )
        assert isinstance(app.screen, ScriptRunScreen)
        assert "New owner: Priya Shah" in step_text(app)
        assert "Personal mobile: 07700 900123" in step_text(app)

        await pilot.press("enter")
        await pilot.pause()
        assert step_title(app) == "Step 2 of 3: The call"
        said = step_text(app)
        assert "Dial 0333 200 1133." in said
        assert "I am calling from Harbour View Care Home, ODS code VZZ01." in said
        assert "Our shared mailbox is harbourview.care@nhs.net." in said
        assert "The new owner's name is Priya Shah." in said

        await pilot.press("enter")
        await pilot.pause()
        assert step_title(app) == "Step 3 of 3: After the call"
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RecordCallDialog)
        await fill(
            pilot, {"ticket": "INC0123456", "at": "10:20", "notes": "Agent: two working days."}
        )
        assert isinstance(app.screen, ScriptRunScreen)
        status = str(app.screen.query_one("#step-status", Static).render())
        assert "Recorded: ticket INC0123456" in status
        assert "Priya Shah is now a joiner in progress, as owner" in status
        await pilot.press("enter")  # recorded: Enter on the last step leaves the script
        await pilot.pause()
        assert isinstance(app.screen, ScriptsScreen)

    db = kiosk_store.read()
    [_tom, priya] = records.people(db)
    assert priya.full_name == "Priya Shah"
    assert priya.personal_mobile == "07700900123"
    assert priya.personal_email == "priya.shah@example.org"
    assert priya.status is PersonStatus.JOINER
    assert priya.access == {site_id: Role.OWNER}
    [request] = records.requests(db)
    assert request.kind is RequestKind.NO_ACCESS
    assert (request.person_id, request.role, request.ticket) == (priya.id, Role.OWNER, "INC0123456")
    [contact] = records.ticket_entries(db)
    assert contact.channel is Channel.PHONE and contact.script == "no_access"
    assert contact.ticket == "INC0123456"
    assert contact.at == datetime(2026, 11, 24, 10, 20, tzinfo=LONDON)
    assert contact.notes == "Agent: two working days."
    assert contact.status is TicketStatus.OPEN
    assert contact.follow_up == date(2026, 12, 1)
    assert contact.request_id == request.id
    entries = kiosk_store.audit_entries()[before:]
    assert [(e.action, e.table) for e in entries] == [
        ("person.add", "people"),
        ("request.add", "requests"),
        ("contact.add", "contacts"),
    ]
    assert all(e.admin == kiosk_store.admin for e in entries)
    assert "Priya" not in repr(entries) and "07700" not in repr(entries)
    assert kiosk_store.verify_audit().ok


@pytest.mark.asyncio
async def test_picking_someone_on_record_leaves_their_record_untouched() -> None:
    """Rewritten (M5): this test asserted that Tom became a Joining owner when the call
    was recorded. The call only asks NAS: Tom's record stays as it was (a member), and a
    request for his owner role and the ticket are logged."""
    store = FakeStore()
    site_id = seed(store)
    app = harness(store, ScriptRunScreen("no_access"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#owner-pick", Select).value = "1"
        await pilot.pause()
        assert dialog.query_one("#field-nhsmail", Input).value == "tom.reed@nhs.net"
        assert dialog.query_one("#field-full_name", Input).disabled
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        said = step_text(app)
        assert said.index("tom.reed@nhs.net") < said.index("The new owner's name is Tom Reed")
        await pilot.press("enter", "r")
        await pilot.pause()
        await fill(pilot, {"ticket": "", "at": "10:05"})
    [tom] = records.people(store.read())
    assert tom.access == {site_id: Role.MEMBER} and tom.status is PersonStatus.ACTIVE
    [request] = records.requests(store.read())
    assert (request.person_id, request.role) == (tom.id, Role.OWNER)
    assert records.ticket_entries(store.read())[0].ticket == ""


@pytest.mark.asyncio
async def test_owner_form_shows_every_rule_and_keeps_what_was_typed() -> None:
    store = FakeStore()
    seed(store)
    app = harness(store, ScriptRunScreen("no_access"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        await fill(
            pilot,
            {"full_name": "", "personal_mobile": "01632 960123", "personal_email": "nope"},
        )
        dialog = app.screen
        assert isinstance(dialog, OwnerDialog)
        errors = {
            name: str(dialog.query_one(f"#error-{name}", Static).render())
            for name in ("full_name", "personal_mobile", "personal_email", "nhsmail")
        }
        assert "required" in errors["full_name"]
        assert "landline" in errors["personal_mobile"]
        assert "not an email address" in errors["personal_email"]
        assert errors["nhsmail"] == ""
        assert dialog.query_one("#field-personal_mobile", Input).value == "01632 960123"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ScriptRunScreen)
        assert app.screen.owner is None


@pytest.mark.asyncio
async def test_choosing_the_owner_replaces_the_hint_and_warns_of_a_gone_account() -> None:
    store = FakeStore()
    seed(store)
    with store.transaction() as tx:
        gone_id = records.save(
            tx,
            PEOPLE,
            Person(
                "Gail Gone",
                "07700900457",
                "gail@example.org",
                "gail.gone@nhs.net",
                last_activity=date(2026, 7, 1),  # far past 90 days before NOW
            ),
            "person.add",
        )
    app = harness(store, ScriptRunScreen("no_access"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        status = app.screen.query_one("#step-status", Static)
        assert "Press o to choose the new owner" in str(status.render())
        await pilot.press("o")
        await pilot.pause()
        app.screen.query_one("#owner-pick", Select).value = str(gone_id)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ScriptRunScreen)
        shown = str(status.render())
        assert "Press o to choose" not in shown
        assert "New owner: Gail Gone. Press o to change." in shown
        assert "gone for good" in shown
        assert any("gone for good" in str(n.message) for n in app._notifications)
        # someone whose account is fine: no warning
        await pilot.press("o")
        await pilot.pause()
        tom = next(p for p in records.people(store.read()) if p.full_name == "Tom Reed")
        app.screen.query_one("#owner-pick", Select).value = str(tom.id)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert str(status.render()) == "New owner: Tom Reed. Press o to change."


@pytest.mark.asyncio
async def test_recording_needs_an_owner_and_leaving_unrecorded_warns_first() -> None:
    store = FakeStore()
    seed(store)
    app = harness(store, ScriptRunScreen("no_access"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "enter")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ScriptRunScreen)  # no dialog without an owner
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ScriptRunScreen)  # first Enter only warns
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ScriptRunScreen)
    assert records.ticket_entries(store.read()) == []


@pytest.mark.asyncio
async def test_escape_steps_back_then_leaves() -> None:
    store = FakeStore()
    seed(store)
    app = harness(store, ScriptRunScreen("escalate"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert step_title(app).startswith("Step 3 of 4")
        await pilot.press("escape")
        await pilot.pause()
        assert step_title(app).startswith("Step 2 of 4")
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, ScriptRunScreen)


# --- copying and saving ----------------------------------------------------------------------


@pytest.mark.asyncio
async def test_copy_puts_the_highlighted_sentence_on_the_clipboard() -> None:
    store = FakeStore()
    seed(store)
    app = harness(store, ScriptRunScreen("no_access"))
    async with app.run_test(size=(80, 24)) as pilot:
        copied = copies(app)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "down", "c")  # the first words to say
        await pilot.pause()
        assert copied == ["I am calling from Harbour View Care Home, ODS code VZZ01."]


@pytest.mark.asyncio
async def test_escalation_email_is_copied_whole_or_by_part() -> None:
    store = FakeStore()
    site_id = seed(store)
    logged = tickets.record_entry(
        store,
        site_id=site_id,
        at=datetime(2026, 11, 17, 14, 5, tzinfo=LONDON),
        channel=Channel.PHONE,
        script="no_access",
        ticket="INC0123456",
    )
    app = harness(store, ScriptRunScreen("escalate", contact_id=logged.id))
    async with app.run_test(size=(80, 24)) as pilot:
        copied = copies(app)
        await pilot.pause()
        assert "Ticket reference: INC0123456" in step_text(app)
        await pilot.press("enter", "enter")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        site = records.site(store.read(), site_id)
        assert site is not None
        ctx = scripts.ScriptContext(
            site,
            NOW.replace(tzinfo=LONDON),
            ticket="INC0123456",
            call_at=logged.at,
            no_access=True,  # a no-access ticket: not from the shared mailbox nobody can open
        )
        assert copied == [call_scripts.escalation_draft(ctx).as_text()]
        assert copied[0].startswith("From: [your own NHSmail address]\n")
        screen = app.screen
        assert isinstance(screen, ScriptRunScreen)
        lines = screen.query_one("#step-lines", OptionList)
        lines.highlighted = len(screen._lines) - 2  # the subject line
        await pilot.press("c")
        await pilot.pause()
        assert copied[-1] == "Escalation: unresolved NHSmail helpdesk query"


@pytest.mark.asyncio
async def test_save_writes_the_printable_script_into_drafts_and_never_overwrites(
    tmp_path: Path,
) -> None:
    store = FakeStore()
    seed(store)
    app = ScreenHarness(
        Session(store, FixedClock(NOW)), ScriptRunScreen("no_access"), tmp_path / "kiosk.store"
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ScriptRunScreen)  # no path to type: kiosk names it
        site = records.sites(store.read())[0]
        target = tmp_path / "drafts" / f"no-access-{site.ods_code}-2026-11-24.txt"
        expected = scripts.script_text(
            call_scripts.NO_ACCESS, scripts.ScriptContext(site, NOW.replace(tzinfo=LONDON))
        )
        assert target.read_text(encoding="utf-8") == expected
        assert target.stat().st_mode & 0o777 == 0o600
        assert (tmp_path / "drafts").stat().st_mode & 0o777 == 0o700
        assert str(target) in " ".join(n.message for n in app._notifications)

        target.write_text("keep me", encoding="utf-8")
        await pilot.press("s")
        await pilot.pause()
        assert target.read_text(encoding="utf-8") == "keep me"
        second = target.with_name(target.stem + "-2.txt")
        assert second.read_text(encoding="utf-8") == expected


# --- the other forms -------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_escalation_by_typed_ticket_and_recorded_email() -> None:
    store = FakeStore()
    site_id = seed(store)
    call = tickets.record_entry(
        store,
        site_id=site_id,
        at=datetime(2026, 11, 10, 11, 0, tzinfo=LONDON),
        channel=Channel.PHONE,
        script="no_access",
        ticket="INC0000001",
    )
    app = harness(store, ScriptRunScreen("escalate"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TicketDialog)
        await fill(pilot, {"ticket": "", "call_at": ""})
        assert "or both" in str(app.screen.query_one("#error-ticket", Static).render())
        app.screen.query_one("#ticket-pick", Select).value = str(call.id)
        await pilot.pause()
        assert app.screen.query_one("#field-ticket", Input).value == "INC0000001"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Ticket reference: INC0000001" in step_text(app)
        await pilot.press("enter", "enter", "enter")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RecordEmailDialog)
        await fill(pilot, {"follow_up": "03/12/2026"})
        assert "follow up on 3 Dec 2026" in str(app.screen.query_one("#step-status").render())
    log = {c.id: c for c in records.ticket_entries(store.read())}
    assert log[call.id].status is TicketStatus.WAITING
    [email] = [c for c in log.values() if c.id != call.id]
    assert (email.channel, email.script, email.ticket) == (Channel.EMAIL, "escalate", "INC0000001")
    assert email.follow_up == date(2026, 12, 3)


@pytest.mark.asyncio
async def test_shared_access_person_fills_the_draft() -> None:
    store = FakeStore()
    seed(store)
    app = harness(store, ScriptRunScreen("shared_access"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PersonDialog)
        await fill(pilot, {"full_name": "Sam Patel", "nhsmail": "sam.patel@example.org"})
        assert "@nhs.net" in str(app.screen.query_one("#error-nhsmail", Static).render())
        await fill(pilot, {"nhsmail": "sam.patel@nhs.net"})
        await pilot.press("enter", "enter")
        await pilot.pause()
        text = step_text(app)
        assert "From: sam.patel@nhs.net" in text
        assert "Name: Sam Patel" in text and "ODS code: VZZ01" in text


# --- snapshots at 80x24 ------------------------------------------------------------------------


def test_snapshot_scripts_list(snap_compare: Any) -> None:
    store = FakeStore()
    seed(store)
    assert snap_compare(harness(store, ScriptsScreen()), terminal_size=(80, 24))


def test_snapshot_call_step_with_owner(snap_compare: Any) -> None:
    store = FakeStore()
    seed(store)
    screen = ScriptRunScreen("no_access")
    screen.owner = tickets.NewOwner("Priya Shah", "07700900123", "priya.shah@example.org")
    screen.step = 1
    assert snap_compare(harness(store, screen), terminal_size=(80, 24))


def test_snapshot_escalation_email(snap_compare: Any) -> None:
    store = FakeStore()
    seed(store)
    screen = ScriptRunScreen("escalate")
    screen.ticket = "INC0123456"
    screen.call_at = datetime(2026, 11, 17, 14, 5, tzinfo=LONDON)
    screen.step = 2
    assert snap_compare(harness(store, screen), terminal_size=(80, 24))


def test_snapshot_owner_form_with_errors(snap_compare: Any) -> None:
    store = FakeStore()
    seed(store)

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        await fill(pilot, {"full_name": "Priya Shah", "personal_mobile": "0163"})

    assert snap_compare(
        harness(store, ScriptRunScreen("no_access")),
        terminal_size=(80, 24),
        run_before=run_before,
    )


def test_snapshot_outside_hours_on_christmas_eve(snap_compare: Any) -> None:
    store = FakeStore()
    seed(store)
    app = harness(store, ScriptRunScreen("outside_hours"), now=datetime(2026, 12, 24, 17, 30))
    assert snap_compare(app, terminal_size=(80, 24))
