"""The joiner wizard with Pilot: both cases step by step, errors per field, the caps check,
prefill from a person, the recorded request; and a snapshot of every step at 80x24."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, RadioButton, Static

from kiosk import records
from kiosk.clock import FixedClock
from kiosk.model import PersonStatus, RequestKind, Role
from kiosk.session import Session
from screens.joiner import JoinerWizard
from screens.widgets.draft import DraftPanel
from tests.fakes import FakeStore
from tests.kiosk.people_fixtures import active, store_with
from tests.screens.harness import ScreenHarness

NOW = datetime(2026, 11, 24, 10, 0)
TODAY = NOW.date()


def seeded() -> FakeStore:
    store, _sites, _ids = store_with(
        active(101, "Olu Owner", {1: Role.OWNER}),
        active(102, "Mia Member", {1: Role.MEMBER}),
    )
    return store


def harness(store: FakeStore, wizard: JoinerWizard | None = None) -> ScreenHarness:
    return ScreenHarness(Session(store, FixedClock(NOW)), wizard or JoinerWizard())  # type: ignore[arg-type]


def text_of(app: ScreenHarness, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def choose(pilot: Pilot[Any], button: str) -> None:
    pilot.app.screen.query_one(button, RadioButton).value = True
    await pilot.pause()


async def fill(pilot: Pilot[Any], **values: str) -> None:
    for name, value in values.items():
        pilot.app.screen.query_one(f"#joiner-{name}", Input).value = value
    await pilot.pause()


NEW_FIELDS = {
    "full_name": "Ellie Robinson",
    "personal_mobile": "07700 900342",
    "personal_email": "ellie.robinson@example.com",
}


async def walk_new_joiner(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await choose(pilot, "#account-new")
    await pilot.press("ctrl+s")
    await fill(pilot, **NEW_FIELDS)
    await pilot.press("ctrl+s")
    await choose(pilot, "#role-member")
    await pilot.press("ctrl+s")


@pytest.mark.asyncio
async def test_new_joiner_from_start_to_recorded() -> None:
    store = seeded()
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = app.screen
        assert isinstance(wizard, JoinerWizard)
        await walk_new_joiner(pilot)
        assert wizard.step == "step-email"
        draft = wizard.query_one(DraftPanel).draft
        assert draft is not None
        assert draft.sender == "harbourview.care@nhs.net"
        assert "Personal mobile number: 07700 900342" in draft.body
        await pilot.press("c")
        assert app.clipboard == draft.body.rstrip("\n") + "\n"  # the body; headers shown apart
        assert store.audit_entries == []  # nothing recorded yet
        await pilot.press("ctrl+s")
        assert wizard.step == "step-record"
        await pilot.press("ctrl+s")
        assert wizard.step == "step-done"
        assert "Recorded: Ellie Robinson is a joiner in progress." in text_of(app, "#done-text")
        assert wizard.recorded is not None
        pid, rid = wizard.recorded
        db = store.read()
        person = records.person(db, pid)
        assert person is not None and person.status is PersonStatus.JOINER
        assert person.personal_mobile == "07700900342" and person.nhsmail is None
        request = records.requests(db)[0]
        assert (request.id, request.kind, request.role) == (
            rid,
            RequestKind.JOINER_NEW,
            Role.MEMBER,
        )
        assert records.site(db, 1).mailbox_last_sent == TODAY  # type: ignore[union-attr]


@pytest.mark.asyncio
async def test_existing_account_asks_for_nhsmail_and_linked_mobile_and_warns() -> None:
    store = seeded()
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = app.screen
        assert isinstance(wizard, JoinerWizard)
        await pilot.pause()
        await pilot.press("ctrl+s")  # nothing chosen yet
        assert "Choose one" in text_of(app, "#joiner-account-error")
        await choose(pilot, "#account-existing")
        await pilot.press("ctrl+s")
        assert wizard.query_one("#joiner-personal_email").display is False
        assert wizard.query_one("#joiner-nhsmail").display is True
        assert "linked to their NHSmail account" in str(
            wizard.query_one("#joiner-personal_mobile-label").render()
        )
        reminder = text_of(app, "#existing-reminder")
        assert "marked them as a leaver" in reminder and "0333 200 1133" in reminder
        # every bad field at once, the duplicate named
        await fill(pilot, full_name="", nhsmail="olu.staff@nhs.net", personal_mobile="01632 960000")
        await pilot.press("ctrl+s")
        assert wizard.step == "step-details"
        assert text_of(app, "#joiner-full_name-error") == "A full name is required."
        assert "Olu Owner" in text_of(app, "#joiner-nhsmail-error")
        assert "landline" in text_of(app, "#joiner-personal_mobile-error")
        await fill(
            pilot,
            full_name="Marcus Reid",
            nhsmail="marcus.reid@nhs.net",
            personal_mobile="+44 7700 900358",
        )
        await pilot.press("ctrl+s")
        assert wizard.step == "step-role"
        cover = text_of(app, "#role-cover")
        assert (
            "VZZ01 now: 1 owner and 1 member on record; 1 owner and 1 member can sign in today."
        ) in cover
        # A joiner is on record once NAS adds them, but counts only after the first sign-in.
        assert (
            "As an owner, once NAS adds them: 2 owners and 1 member on record; 1 owner and 1 "
            "member can sign in today."
        ) in cover
        await choose(pilot, "#role-owner")
        await pilot.press("ctrl+s")
        draft = wizard.query_one(DraftPanel).draft
        assert draft is not None
        assert "as a joiner" in draft.body and "Shared mailbox access: owner" in draft.body
        assert "marcus.reid@nhs.net" in draft.body
        await pilot.press("escape")  # back from the email to the role
        assert wizard.step == "step-role"
        await pilot.press("ctrl+s", "ctrl+s", "ctrl+s")
        assert wizard.step == "step-done"
        assert records.requests(store.read())[0].kind is RequestKind.JOINER_EXISTING


@pytest.mark.asyncio
async def test_owner_cap_is_checked() -> None:
    owners = [active(i, f"Owner {i:03d}", {1: Role.OWNER}) for i in range(100)]
    store, _sites, _ids = store_with(*owners)
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = app.screen
        assert isinstance(wizard, JoinerWizard)
        await pilot.pause()
        await choose(pilot, "#account-new")
        await pilot.press("ctrl+s")
        await fill(
            pilot,
            full_name="One Too Many",
            personal_mobile="07700900900",
            personal_email="many@example.org",
        )
        await pilot.press("ctrl+s")
        await choose(pilot, "#role-owner")
        assert "more than NHSmail's 100 owners" in text_of(app, "#role-problems")
        await pilot.press("ctrl+s")
        assert wizard.step == "step-role"
        await choose(pilot, "#role-member")
        assert text_of(app, "#role-problems") == ""
        await pilot.press("ctrl+s")
        assert wizard.step == "step-email"


@pytest.mark.asyncio
async def test_prefill_from_a_person_on_record() -> None:
    store, _sites, (pid,) = store_with(active(200, "Gone Account", nhsmail=None))
    app = harness(store, JoinerWizard(prefill_person_id=pid))
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = app.screen
        assert isinstance(wizard, JoinerWizard)
        await pilot.pause()
        assert wizard.query_one("#account-new", RadioButton).value is True
        await pilot.press("ctrl+s")
        assert wizard.query_one("#joiner-full_name", Input).value == "Gone Account"
        assert wizard.query_one("#joiner-personal_mobile", Input).value == "07700 900200"
        await pilot.press("ctrl+s")  # not a duplicate of themselves
        assert wizard.step == "step-role"
        await choose(pilot, "#role-member")
        await pilot.press("ctrl+s", "ctrl+s", "ctrl+s")
        assert wizard.recorded is not None and wizard.recorded[0] == pid
        assert len(records.people(store.read())) == 1


@pytest.mark.asyncio
async def test_escape_on_the_first_step_leaves_without_recording() -> None:
    store = seeded()
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, JoinerWizard)
        assert store.audit_entries == []


# --- snapshots of every step at 80x24 ---


def _steps_to(count: int):  # type: ignore[no-untyped-def]
    async def run(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        if count >= 1:
            await choose(pilot, "#account-new")
        if count >= 2:
            await pilot.press("ctrl+s")
            await fill(pilot, **NEW_FIELDS)
        if count >= 3:
            await pilot.press("ctrl+s")
            await choose(pilot, "#role-member")
        for _ in range(max(0, count - 3)):
            await pilot.press("ctrl+s")
        await pilot.pause()

    return run


@pytest.mark.parametrize(
    ("name", "count"),
    [("account", 1), ("details", 2), ("role", 3), ("email", 4), ("record", 5), ("done", 6)],
)
def test_joiner_step_snapshot(snap_compare, name: str, count: int) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(harness(seeded()), terminal_size=(80, 24), run_before=_steps_to(count))


def test_existing_account_details_snapshot(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await choose(pilot, "#account-existing")
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(harness(seeded()), terminal_size=(80, 24), run_before=run)
