"""The layout check at 80x24 over every screen of the screen walk, and the dialogs a screen
opens with one key: every footer key's label whole, every checkbox and radio label whole
with its border, and every NHSmail address, name or date in a table whole or ending in "…".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widgets import Checkbox, DataTable, Footer

from tests.screens.layout_check import layout_problems
from tests.screens.screen_walk import make_demo_store, nav_keys, settle, unlocked

SIZE = (80, 24)

# Dialogs and wizards one key away from a screen of the walk: (screen key, dialog key).
DIALOGS = [("s", "o"), ("s", "a"), ("t", "a"), ("p", "j"), ("p", "l"), ("p", "x"), ("k", "l")]


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo_store(tmp_path_factory.mktemp("layout"))


def _problems(app: App[Any]) -> str:
    return "\n".join(layout_problems(app))


async def _problems_scrolled(pilot: Any) -> str:
    """As on opening, and again with each checkbox and radio set scrolled into view."""
    from textual.widgets._toggle_button import ToggleButton

    found = dict.fromkeys(layout_problems(pilot.app))
    for button in list(pilot.app.screen.query(ToggleButton)):
        if button.display:
            button.scroll_visible(animate=False, immediate=True)
            await settle(pilot)
            found.update(dict.fromkeys(layout_problems(pilot.app)))
    return "\n".join(found)


@pytest.mark.parametrize(("name", "key"), nav_keys(), ids=[n for n, _k in nav_keys()])
async def test_every_screen_shows_every_word_whole(demo_store: Path, name: str, key: str) -> None:
    async with unlocked(demo_store, SIZE) as pilot:
        problems = _problems(pilot.app)
        assert not problems, f"dashboard:\n{problems}"
        await pilot.press(key)
        await settle(pilot)
        assert not (problems := await _problems_scrolled(pilot)), f"{name}:\n{problems}"


@pytest.mark.parametrize(("screen", "dialog"), DIALOGS, ids=[f"{s}-{d}" for s, d in DIALOGS])
async def test_every_dialog_shows_every_word_whole(
    demo_store: Path, screen: str, dialog: str
) -> None:
    async with unlocked(demo_store, SIZE) as pilot:
        await pilot.press(screen)
        await settle(pilot)
        await pilot.press(dialog)
        await settle(pilot)
        name = type(pilot.app.screen).__name__
        assert not (problems := await _problems_scrolled(pilot)), f"{name}:\n{problems}"


async def test_help_and_front_door_show_every_word_whole(demo_store: Path) -> None:
    async with unlocked(demo_store, SIZE) as pilot:
        await pilot.press("f1")
        await settle(pilot)
        assert not (problems := _problems(pilot.app)), f"help:\n{problems}"
        await pilot.press("escape", "ctrl+l")
        await settle(pilot)
        assert not (problems := _problems(pilot.app)), f"unlock:\n{problems}"


class _Cut(App[None]):
    """A footer, a checkbox and a table that are too wide for 40 columns."""

    def compose(self):  # type: ignore[no-untyped-def]
        yield Checkbox("A label far too long to fit in a narrow terminal at all")
        table: DataTable[str] = DataTable()
        table.add_columns("Name", "NHSmail")
        table.add_row("Ann Example", "ann.example.with.a.long.address@nhs.net")
        yield table
        yield Footer()

    BINDINGS = [(k, f"nothing_{k}", f"Description {k}") for k in "abcdefgh"]  # noqa: RUF012


async def test_the_check_sees_each_kind_of_cut() -> None:
    app = _Cut()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.press("z")  # the first key gives the app focus: the footer fills in
        await pilot.pause()
        problems = layout_problems(pilot.app)
    text = "\n".join(problems)
    assert "footer key" in text
    assert "Checkbox label cut" in text or "right border cut" in text
    assert "ann.example.with.a.long.address@nhs.net" in text
