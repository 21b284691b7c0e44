"""Where the hand goes next: when a dialog or a wizard step opens, the first thing the
admin fills in has the focus, fields show where they are, and a radio set's highlight sits
on its chosen option. Pilot on the demo care group through the real app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, RadioSet, Select

from kiosk.model import Role
from screens.script_run_dialogs import OwnerDialog
from tests.screens.screen_walk import make_demo_store, screen_lines, settle, unlocked

SIZE = (80, 24)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo_store(tmp_path_factory.mktemp("focus"))


def focused_id(pilot: Pilot[Any]) -> str | None:
    return pilot.app.focused.id if pilot.app.focused is not None else None


async def test_add_a_call_starts_at_its_first_field_and_every_field_has_edges(
    demo_store: Path,
) -> None:
    async with unlocked(demo_store, SIZE) as pilot:
        await pilot.press("t", "a")
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "AddContactDialog"
        assert focused_id(pilot) == "contact-channel"  # "How", the first field
        lines = screen_lines(pilot.app)
        boxes = [b for b in pilot.app.screen.query(Input) if b.id != "field-notes"]  # below
        assert len(boxes) == 3
        for box in boxes:
            row = lines[box.region.y]
            left, right = box.region.x, box.region.right - 1
            assert row[left] == "\u258a" and row[right] == "\u258e", (box.id, row)


async def test_the_new_owner_dialog_starts_at_someone_on_record(demo_store: Path) -> None:
    async with unlocked(demo_store, SIZE) as pilot:
        from screens.script_run import ScriptRunScreen

        await pilot.app.push_screen(ScriptRunScreen("no_access"))
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(pilot.app.screen, OwnerDialog)
        assert focused_id(pilot) == "owner-pick"
        assert isinstance(pilot.app.focused, Select)


@pytest.mark.parametrize(("person_id", "expected"), [(12, "guard-confirm"), (3, "step-guard")])
async def test_leaver_step_two_focuses_on_that_step(
    demo_store: Path, person_id: int, expected: str
) -> None:
    """At risk: the box to tick (Space ticks it). Safe: the step itself, never step 1's
    hidden person field (keys typed there would change who is leaving)."""
    from screens.leaver import LeaverWizard

    async with unlocked(demo_store, SIZE) as pilot:
        await pilot.app.push_screen(LeaverWizard(person_id=person_id))
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, LeaverWizard) and screen.step == "step-guard"
        assert focused_id(pilot) == expected
        focused = pilot.app.focused
        assert focused is not None and focused.region.height > 0  # on screen, not hidden


async def test_access_step_three_highlight_is_on_the_chosen_option(demo_store: Path) -> None:
    from screens.access import AccessScreen

    async with unlocked(demo_store, SIZE) as pilot:
        await pilot.app.push_screen(AccessScreen(3, role=Role.OWNER))
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, AccessScreen)
        for _step in range(4):
            if screen.step == "step-how":
                break
            await pilot.press("ctrl+s")
            await settle(pilot)
            if screen.step == "step-guard" and screen.query_one("#guard-confirm").display:
                await pilot.press("space")
        assert screen.step == "step-how"
        radios = screen.query_one("#access-how", RadioSet)
        assert pilot.app.focused is radios
        assert radios.pressed_button is not None and radios.pressed_button.id == "how-nas"
        highlighted = [b.id for b in radios.query(".-selected")]
        assert highlighted == ["how-nas"]


async def test_access_removed_by_an_owner_is_worded_as_no_access(demo_store: Path) -> None:
    """Recording a removal says the person no longer has access, not that they are 'none'."""
    from textual.widgets import RadioButton

    from screens.access import AccessScreen

    async with unlocked(demo_store, SIZE) as pilot:
        await pilot.app.push_screen(AccessScreen(3))
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, AccessScreen)
        screen.query_one("#role-none", RadioButton).value = True
        for _step in range(4):
            if screen.step == "step-how":
                break
            await pilot.press("ctrl+s")
            await settle(pilot)
            if screen.step == "step-guard" and screen.query_one("#guard-confirm").display:
                await pilot.press("space")
        assert screen.step == "step-how"
        screen.query_one("#how-portal", RadioButton).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.step == "step-send"
        text = " ".join(screen_lines(pilot.app))
        assert "no longer has access at" in text and "is now none" not in text


async def test_keys_typed_in_a_burst_after_enter_land_in_the_next_field(tmp_path: Path) -> None:
    """A pasted "name⏎passphrase": the keys after Enter arrive before the wizard has moved
    the focus; the guard holds them until it has, so none lands in the name just left."""
    from textual import events

    from kiosk.clock import FixedClock
    from screens.app import KioskApp
    from tests.conftest import FAST_KDF
    from tests.screens.screen_walk import NOW

    app = KioskApp(tmp_path / "new" / "kiosk.store", clock=FixedClock(NOW), store_kdf=FAST_KDF)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for char in "Ann Admin\rsecret words here":
            key = {"\r": "enter", " ": "space"}.get(char, char)
            app.post_message(events.Key(key, None if key == "enter" else char))  # no waits
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#admin-name", Input).value == "Ann Admin"
        assert screen.query_one("#pass1", Input).value == "secret words here"
        assert focused_id(pilot) == "pass1"


async def test_a_key_queued_as_the_hold_ends_comes_after_the_held_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CI once saw both passphrases in the second field: the passphrase, typed while the
    name's Enter was still held, was released behind the Enter typed after it, which had
    reached the queue first. Released keys must keep their place before any such key."""
    import asyncio

    from textual import events

    from kiosk.clock import FixedClock
    from screens.app import SETTLE_ROUNDS, KioskApp
    from tests.conftest import FAST_KDF
    from tests.screens.screen_walk import NOW

    gate = asyncio.Event()  # the test says when the first hold (the name's Enter) ends
    settled = KioskApp._everyone_processed
    rounds = 0

    async def gated(self: KioskApp) -> None:
        nonlocal rounds
        rounds += 1
        if rounds <= SETTLE_ROUNDS:
            await gate.wait()
        else:
            await settled(self)  # later holds settle as they do for real

    monkeypatch.setattr(KioskApp, "_everyone_processed", gated)
    app = KioskApp(tmp_path / "new" / "kiosk.store", clock=FixedClock(NOW), store_kdf=FAST_KDF)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for char in "Ann Admin\rsecret words here":
            key = {"\r": "enter", " ": "space"}.get(char, char)
            app.post_message(events.Key(key, None if key == "enter" else char))
        for _ in range(5):
            await pilot.pause()
        assert focused_id(pilot) == "pass1"  # the name step is done; the letters are held
        assert app.screen.query_one("#pass1", Input).value == ""
        gate.set()  # the hold ends now...
        app.post_message(events.Key("enter", None))  # ...with an Enter already queued
        await settle(pilot)
        assert app.screen.query_one("#pass1", Input).value == "secret words here"
        assert app.screen.query_one("#pass2", Input).value == ""
        assert focused_id(pilot) == "pass2"


async def test_setup_enter_in_the_mailbox_goes_to_the_box_and_the_footer_fits_the_step(
    tmp_path: Path,
) -> None:
    from textual.widgets import Checkbox

    from kiosk.clock import FixedClock
    from screens.app import KioskApp
    from tests.conftest import FAST_KDF
    from tests.screens.screen_walk import NOW

    app = KioskApp(tmp_path / "new" / "kiosk.store", clock=FixedClock(NOW), store_kdf=FAST_KDF)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = screen_lines(app)[-1]
        assert "^l" not in footer and "^n" not in footer  # no store yet: nothing to lock
        screen: Any = app.screen
        screen._show(2)
        await settle(pilot)
        screen.set_focus(screen.query_one("#site-mailbox", Input))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.focused, Checkbox) and app.focused.id == "mailbox-confirmed"
        assert not str(screen.query_one("#site-error").render())  # no error met first
        screen._show(3)  # creating the store: no key does anything
        await settle(pilot)
        footer = screen_lines(app)[-1]
        assert "Back" not in footer and "Next" not in footer, footer


async def test_recovery_wizard_echoes_names_and_last_group_and_masks_passphrases(
    tmp_path: Path,
) -> None:
    from kiosk.clock import FixedClock
    from screens.app import KioskApp
    from screens.recovery import RecoveryWizard
    from store import Store
    from tests.conftest import FAST_KDF
    from tests.screens.screen_walk import NOW

    path = tmp_path / "k" / "kiosk.store"
    store, code = Store.create(path, "Ann Admin", "correct horse battery", kdf=FAST_KDF)
    store.close()
    app = KioskApp(path, clock=FixedClock(NOW), store_kdf=FAST_KDF)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rescue = Store.open_with_recovery(path, code)
        await app.push_screen(RecoveryWizard(rescue))
        await settle(pilot)
        await pilot.press(*"Cy Example".replace(" ", "_"))
        await pilot.press("tab", *"hidden")
        await settle(pilot)
        shown = "\n".join(screen_lines(app))
        assert "Cy_Example" in shown
        assert "hidden" not in shown and "\u2022" * 6 in shown
        screen: Any = app.screen
        screen._show(2)
        await settle(pilot)
        await pilot.press(*"ABCDE")
        await settle(pilot)
        assert "ABCDE" in "\n".join(screen_lines(app))
        rescue.close()


async def test_unlock_fields_are_wide_enough_to_see_what_is_typed(demo_store: Path) -> None:
    async with unlocked(demo_store, SIZE) as pilot:
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert pilot.app.screen.query_one("#passphrase", Input).region.width >= 40
        await pilot.press("ctrl+r")
        await settle(pilot)
        field = pilot.app.screen.query_one("#recovery-code", Input)
        assert field.region.width >= 40
        assert field.region.x >= 5  # centred like the unlock box, not against the edge
