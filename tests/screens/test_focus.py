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
from screens.script_run import OwnerDialog
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
