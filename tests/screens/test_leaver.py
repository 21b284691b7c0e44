"""The leaver wizard and the access change with Pilot, including the coverage guard:
red before anything is recorded, the offers (joiner, promote), carrying on only after
confirming; and snapshots of every leaver step at 80x24."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, RadioButton, Static

from kiosk import records
from kiosk.clock import FixedClock
from kiosk.model import PersonStatus, RequestKind, RequestStatus, Role
from kiosk.session import Session
from screens.access import AccessScreen
from screens.joiner import JoinerWizard
from screens.leaver import LeaverWizard
from screens.widgets.draft import DraftPanel
from tests.fakes import FakeStore
from tests.kiosk.people_fixtures import active, store_with
from tests.screens.harness import ScreenHarness

NOW = datetime(2026, 11, 24, 10, 0)
TODAY = NOW.date()


def last_owner_store() -> tuple[FakeStore, int, int]:
    """One owner (Olu) and two members: Olu leaving leaves no owner."""
    store, _sites, (olu, mia, _sam) = store_with(
        active(101, "Olu Owner", {1: Role.OWNER}),
        active(102, "Mia Member", {1: Role.MEMBER}),
        active(103, "Sam Member", {1: Role.MEMBER}),
    )
    return store, olu, mia


def safe_store() -> tuple[FakeStore, int]:
    store, _sites, (_a, _b, sam) = store_with(
        active(101, "Olu Owner", {1: Role.OWNER}),
        active(102, "Ola Owner", {1: Role.OWNER}),
        active(103, "Sam Member", {1: Role.MEMBER}),
    )
    return store, sam


def harness(store: FakeStore, screen: Any) -> ScreenHarness:
    return ScreenHarness(Session(store, FixedClock(NOW)), screen)  # type: ignore[arg-type]


def text_of(app: ScreenHarness, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@pytest.mark.asyncio
async def test_guard_shows_red_and_blocks_until_confirmed() -> None:
    store, olu, _mia = last_owner_store()
    app = harness(store, LeaverWizard(person_id=olu))
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = app.screen
        assert isinstance(wizard, LeaverWizard)
        await pilot.pause()
        wizard.query_one("#leaver-day", Input).value = "04/12/2026"
        await pilot.press("ctrl+s")
        assert wizard.step == "step-guard"
        problems = text_of(app, "#guard-problems")
        assert "✖ Harbour View Care Home (VZZ01): no owner" in problems
        assert "after Olu Owner leaves: 0 owners and 2 members" in text_of(app, "#guard-intro")
        problems_widget = wizard.query_one("#guard-problems", Static)
        assert problems_widget.has_class("danger")
        assert "j starts a joiner" in text_of(app, "#guard-offer")
        await pilot.press("ctrl+s")  # not confirmed: stays
        assert wizard.step == "step-guard"
        assert "Tick the box" in text_of(app, "#guard-error")
        assert store.audit_entries == []  # nothing recorded
        wizard.query_one("#guard-confirm", Checkbox).value = True
        await pilot.press("ctrl+s")
        assert wizard.step == "step-checklist"
        wizard.query_one("#access-removed", Checkbox).value = True
        await pilot.press("ctrl+s")
        assert wizard.step == "step-email"
        draft = wizard.query_one(DraftPanel).draft
        assert draft is not None and "4 December 2026" in draft.body
        assert "olu.staff@nhs.net" in draft.body
        await pilot.press("ctrl+s")
        assert wizard.step == "step-done"
        done = text_of(app, "#done-text")
        assert "Active (Leaver)" in done and "not to apply for a new account" in done
    person = records.person(store.read(), olu)
    assert person is not None
    assert person.status is PersonStatus.LEAVER and person.access == {}
    assert person.leaving_date == date(2026, 12, 4)
    request = records.requests(store.read())[0]
    assert (request.kind, request.person_id, request.status) == (
        RequestKind.LEAVER,
        olu,
        RequestStatus.OPEN,
    )


@pytest.mark.asyncio
async def test_guard_offers_to_promote_a_member_first() -> None:
    store, olu, mia = last_owner_store()
    app = harness(store, LeaverWizard(person_id=olu))
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = app.screen
        await pilot.pause()
        await pilot.press("ctrl+s")
        assert isinstance(wizard, LeaverWizard) and wizard.step == "step-guard"
        from textual.widgets import Select

        wizard.query_one("#guard-member", Select).value = mia
        await pilot.press("p")
        access = app.screen
        assert isinstance(access, AccessScreen)
        await pilot.pause()
        assert access.query_one("#role-owner", RadioButton).value is True
        await pilot.press("ctrl+s")  # the change: promote
        assert access.step == "step-guard"
        assert "keeps enough people" in text_of(app, "#guard-problems")
        await pilot.press("ctrl+s")
        access.query_one("#how-portal", RadioButton).value = True
        await pilot.press("ctrl+s")
        await pilot.press("ctrl+s")  # record now
        assert access.step == "step-done" and access.request_id is None
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is wizard
        # the guard looked again: Mia is an owner now, so the mailbox keeps an owner,
        # but she would be the only one: amber, shown without asking for a tick
        problems = text_of(app, "#guard-problems")
        assert "no owner" not in problems
        assert "only one owner can sign in today: add a second for cover" in problems
        assert not wizard.query_one("#guard-confirm", Checkbox).display
    person = records.person(store.read(), mia)
    assert person is not None and person.access == {1: Role.OWNER}


def footer_text(app: ScreenHarness) -> str:
    from tests.screens.screen_walk import screen_lines

    return screen_lines(app)[-1]


@pytest.mark.asyncio
async def test_promote_is_offered_only_when_there_is_a_member_to_promote() -> None:
    """With no member who could become owner, p did nothing yet stayed in the footer."""
    alone, _sites, (olu,) = store_with(active(101, "Olu Owner", {1: Role.OWNER}))
    app = harness(alone, LeaverWizard(person_id=olu))
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = app.screen
        assert isinstance(wizard, LeaverWizard)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert wizard.step == "step-guard" and wizard._at_risk  # red: no owner
        assert "Start a joiner" in footer_text(app)
        assert "Promote" not in footer_text(app)
        assert not wizard.check_action("promote", ())
        await pilot.press("p")
        assert app.screen is wizard  # nothing opened
    store, olu, _mia = last_owner_store()
    app = harness(store, LeaverWizard(person_id=olu))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Promote" in footer_text(app)


@pytest.mark.asyncio
async def test_guard_offers_a_joiner() -> None:
    store, olu, _mia = last_owner_store()
    app = harness(store, LeaverWizard(person_id=olu))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.press("j")
        assert isinstance(app.screen, JoinerWizard)


@pytest.mark.asyncio
async def test_no_guard_when_cover_stays_and_date_is_checked() -> None:
    store, sam = safe_store()
    app = harness(store, LeaverWizard(person_id=sam))
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = app.screen
        assert isinstance(wizard, LeaverWizard)
        await pilot.pause()
        wizard.query_one("#leaver-day", Input).value = "31/02/2026"
        await pilot.press("ctrl+s")
        assert wizard.step == "step-who"
        assert "does not exist" in text_of(app, "#leaver-day-error")
        wizard.query_one("#leaver-day", Input).value = "2026-11-30"
        await pilot.press("ctrl+s")
        assert wizard.step == "step-guard"
        assert text_of(app, "#guard-problems") == ""
        assert wizard.query_one("#guard-confirm", Checkbox).display is False
        await pilot.press("ctrl+s", "ctrl+s", "ctrl+s")
        assert wizard.step == "step-done"
    person = records.person(store.read(), sam)
    assert person is not None and person.status is PersonStatus.LEAVER
    assert person.access == {1: Role.MEMBER}  # not removed yet: People will remind


@pytest.mark.asyncio
async def test_access_change_remove_last_owner_is_guarded_and_drafted() -> None:
    store, olu, _mia = last_owner_store()
    app = harness(store, AccessScreen(person_id=olu))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, AccessScreen)
        await pilot.pause()
        assert "VZZ01: owner" in text_of(app, "#change-current")
        screen.query_one("#role-owner", RadioButton).value = True
        await pilot.press("ctrl+s")
        assert "already" in text_of(app, "#change-error")
        screen.query_one("#role-none", RadioButton).value = True
        await pilot.press("ctrl+s")
        assert "no owner" in text_of(app, "#guard-problems")
        await pilot.press("ctrl+s")
        assert screen.step == "step-guard"
        screen.query_one("#guard-confirm", Checkbox).value = True
        await pilot.press("ctrl+s", "ctrl+s")  # NAS is the default
        draft = screen.query_one(DraftPanel).draft
        assert draft is not None and draft.subject.startswith("Remove shared mailbox access")
        await pilot.press("ctrl+s")
        assert screen.request_id is not None
    person = records.person(store.read(), olu)
    assert person is not None and person.access == {1: Role.OWNER}  # until NAS answers
    assert records.requests(store.read())[0].kind is RequestKind.ACCESS_CHANGE


@pytest.mark.asyncio
async def test_access_refuses_someone_without_an_account() -> None:
    store, _sites, (pid,) = store_with(active(150, "No Account", nhsmail=None))
    app = harness(store, AccessScreen(person_id=pid))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, AccessScreen)
        await pilot.pause()
        screen.query_one("#role-member", RadioButton).value = True
        await pilot.press("ctrl+s")
        assert "joiner wizard" in text_of(app, "#change-error")


# --- snapshots of every leaver step at 80x24 ---


def _leaver_to(step: int):  # type: ignore[no-untyped-def]
    async def run(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        pilot.app.screen.query_one("#leaver-day", Input).value = "04/12/2026"
        for index in range(step):
            if index == 1:
                pilot.app.screen.query_one("#guard-confirm", Checkbox).value = True
            await pilot.press("ctrl+s")
        await pilot.pause()

    return run


@pytest.mark.parametrize(
    ("name", "step"), [("who", 0), ("guard", 1), ("checklist", 2), ("email", 3), ("done", 4)]
)
def test_leaver_step_snapshot(snap_compare, name: str, step: int) -> None:  # type: ignore[no-untyped-def]
    store, olu, _mia = last_owner_store()
    app = harness(store, LeaverWizard(person_id=olu))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_leaver_to(step))


def test_access_guard_snapshot(snap_compare) -> None:  # type: ignore[no-untyped-def]
    store, olu, _mia = last_owner_store()

    async def run(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        pilot.app.screen.query_one("#role-member", RadioButton).value = True
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(
        harness(store, AccessScreen(person_id=olu)), terminal_size=(80, 24), run_before=run
    )
