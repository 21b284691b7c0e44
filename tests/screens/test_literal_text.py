"""Stored text is shown literally, never read as markup (issue 13): an admin or a person
whose name looks like Textual markup neither crashes a screen nor styles it, and control
characters from an older store file never reach the glass."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual.content import Content
from textual.widgets import DataTable, Select

from kiosk import records
from kiosk.clock import FixedClock
from kiosk.model import Role
from kiosk.session import Session
from screens.people import PeopleScreen
from screens.widgets import text
from tests.kiosk.people_fixtures import staff, store_with
from tests.screens.harness import ScreenHarness
from tests.screens.screen_walk import screen_lines, settle
from tests.screens.test_app import PASSPHRASE, app_for, make_store, type_text

NOW = datetime(2026, 11, 24, 10, 0)


async def test_an_admin_named_like_markup_unlocks_and_shows_literally(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.store"
    make_store(path, "Evil [/] Admin", "Ann [b]x[/b] Example").close()
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#admin", Select).value == "Evil [/] Admin"
        assert any("Evil [/] Admin" in line for line in screen_lines(app))
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
        assert app.session.admin == "Evil [/] Admin"
        assert any("Unlocked by Evil [/] Admin" in line for line in screen_lines(app))


async def test_a_person_named_like_markup_opens_people(tmp_path: Path) -> None:
    store, _sites, _ids = store_with(
        staff(101, "Crash [/] Me", {1: Role.OWNER}),
        staff(102, "Lee [bold red]x[/] Carer", {1: Role.MEMBER}),
        staff(103, "Click [@click=app.quit]me[/]", {1: Role.MEMBER}),
    )
    app = ScreenHarness(Session(store, FixedClock(NOW)), PeopleScreen())  # type: ignore[arg-type]
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)
        table = app.screen.query_one(DataTable)
        names = {str(table.get_row_at(i)[0]) for i in range(table.row_count)}
        assert {"Crash [/] Me", "Lee [bold red]x[/] Carer"} <= names
        glass = "\n".join(screen_lines(app))
        assert "Crash [/] Me" in glass
        assert "Lee [bold red]x[/] Carer" in glass
        people = records.people(store.read())
        assert len(people) == 3


def test_helpers_neither_parse_markup_nor_pass_controls() -> None:
    hostile = "a[b]x[/b]\x1b]52;c;AAAA\x07\x9b31m\u202eb"
    for made in (text.literal(hostile), text.say("Edit {name}", name=hostile)):
        assert isinstance(made, Content)
        assert "[b]x[/b]" in made.plain
        assert not any(ch in made.plain for ch in "\x1b\x07\x9b\u202e")
    for cell in (text.cell(hostile), text.choice(hostile)):
        assert isinstance(cell, Text)
        assert "[b]x[/b]" in cell.plain and "\x1b" not in cell.plain
    assert text.one_line("a\nb") == "a\u240ab"
    assert text.clean("a\nb") == "a\nb"
