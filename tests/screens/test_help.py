"""The Help screen with Pilot on the demo care group: ``?`` and F1 open it from anywhere,
typing narrows the questions, and Enter opens the screen (and presses the key) that each
answer names, exactly as pressing those keys by hand would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from kiosk import faq
from screens.help import HelpScreen
from screens.nav import NAV
from tests.screens.screen_walk import make_demo_store, settle, unlocked

SIZE = (80, 24)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo_store(tmp_path_factory.mktemp("help"))


def shown_questions(pilot: Pilot[Any]) -> list[str]:
    options = pilot.app.screen.query_one("#help-questions", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_question_mark_and_f1_open_help_from_the_dashboard_and_from_a_screen(
    demo_store: Path,
) -> None:
    async with unlocked(demo_store, SIZE) as pilot:
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HelpScreen)
        assert pilot.app.focused is pilot.app.screen.query_one("#help-search", Input)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("u")  # Audit: its focus is a table, not an input
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("f1")  # not a second Help over the first
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "AuditScreen"


async def test_question_mark_in_a_text_field_is_typed_not_help(demo_store: Path) -> None:
    async with unlocked(demo_store, SIZE) as pilot:
        await pilot.press("question_mark")
        await settle(pilot)
        await pilot.press("w", "h", "o", "question_mark")
        await settle(pilot)
        assert pilot.app.screen.query_one("#help-search", Input).value == "who?"


async def test_the_palette_offers_help(demo_store: Path) -> None:
    async with unlocked(demo_store, SIZE) as pilot:
        await pilot.press("ctrl+p")
        await settle(pilot)
        for char in "help":
            await pilot.press(char)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HelpScreen)


async def test_typing_narrows_the_questions_and_the_answer_follows(demo_store: Path) -> None:
    async with unlocked(demo_store, SIZE) as pilot:
        await pilot.press("question_mark")
        await settle(pilot)
        assert len(shown_questions(pilot)) == len(faq.ENTRIES)
        for char in "private":
            await pilot.press(char)
        await settle(pilot)
        assert shown_questions(pilot) == ["Why can't I open attachments in the NHSmail portal?"]
        answer = str(pilot.app.screen.query_one("#help-answer").render())
        assert "'This is a private computer'" in answer
        assert "Enter opens it: Contacts (k)." in answer
        for char in " zzz":
            await pilot.press("space" if char == " " else char)
        await settle(pilot)
        assert shown_questions(pilot) == []
        assert "No question matches" in str(pilot.app.screen.query_one("#help-answer").render())


async def test_down_then_enter_opens_the_highlighted_answers_screen(demo_store: Path) -> None:
    async with unlocked(demo_store, SIZE) as pilot:
        await pilot.press("question_mark")
        await settle(pilot)
        for char in "finder":
            await pilot.press(char)
        await settle(pilot)
        assert shown_questions(pilot) == ["How do I find a colleague's NHSmail address?"]
        await pilot.press("down", "up", "enter")
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "ContactsScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "DashboardScreen"  # Help is not left behind


def _routes() -> list[faq.Route]:
    return list(dict.fromkeys(e.route for e in faq.ENTRIES if e.route is not None))


def _nav_key(name: str) -> str:
    return next(e.key for e in NAV if e.name == name)


@pytest.mark.parametrize(
    "route", _routes(), ids=[f"{r.screen}-{r.key or 'open'}" for r in _routes()]
)
async def test_each_route_opens_what_its_keys_open(demo_store: Path, route: faq.Route) -> None:
    """Enter on an answer leaves the admin where pressing the shown keys would."""
    async with unlocked(demo_store, SIZE) as pilot:
        await pilot.press(_nav_key(route.screen), *([route.key] if route.key else []))
        await settle(pilot)
        by_hand = [type(s).__name__ for s in pilot.app.screen_stack]
    async with unlocked(demo_store, SIZE) as pilot:
        entry = next(e for e in faq.ENTRIES if e.route == route)
        await pilot.press("question_mark")
        await settle(pilot)
        index = list(faq.ENTRIES).index(entry)
        pilot.app.screen.query_one("#help-questions", OptionList).highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        from_help = [type(s).__name__ for s in pilot.app.screen_stack]
    assert from_help == by_hand
    opened = next(e.target.split(":")[1] for e in NAV if e.name == route.screen)
    assert opened in from_help
    if route.key:
        assert len(from_help) > from_help.index(opened) + 1 or from_help[-1] != opened, (
            "the route's key did nothing on its screen"
        )
