"""The one navigation table: every entry opens a real screen, every FAQ route names one of
them and reads with its keys, and the Help search finds an answer by how its route reads."""

from __future__ import annotations

import importlib

from textual.screen import Screen

from kiosk import faq
from screens.nav import NAV, route_text


def test_every_entry_names_a_screen_class_in_this_build() -> None:
    # open_screen has no "not available" branch: every target must import.
    for entry in NAV:
        module_name, class_name = entry.target.split(":")
        screen_class = getattr(importlib.import_module(module_name), class_name)
        assert issubclass(screen_class, Screen), entry
    assert len({e.name for e in NAV}) == len({e.key for e in NAV}) == len(NAV)


def test_every_route_names_a_screen_and_shows_its_keys() -> None:
    screens = {entry.name: entry.key for entry in NAV}
    for entry in faq.ENTRIES:
        assert entry.route is not None, entry.question
        assert entry.route.screen in screens, entry.route
        shown = route_text(entry.route)
        assert f"({screens[entry.route.screen]})" in shown
        if entry.route.key:
            assert entry.route.task, entry.route
            assert f"then {entry.route.key} to " in shown


def test_add_new_users_leads_to_people_then_joiner() -> None:
    entry = next(e for e in faq.ENTRIES if e.faq == "How do I add new users?")
    assert entry.route == faq.Route("people", "j", entry.route.task if entry.route else "")
    assert route_text(entry.route) == "People (p), then j to start a joiner"


def test_the_help_search_reads_the_routes_too() -> None:
    # "(p)" is in no question or answer, only in how a People route reads
    assert faq.search("(p)") == []
    found = faq.search("(p)", route_text=route_text)
    assert found and all(e.route and e.route.screen == "people" for e in found)
