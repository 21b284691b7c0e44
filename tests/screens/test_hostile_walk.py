"""The hostile-record walk (issue 13): a store whose every text field holds markup, escape
sequences, C1 controls, bidi overrides, zero-width joiners, 300-character strings,
combining marks, Polish and Arabic. Every screen opens at 80x24 without error, the
literal text is on the glass where it fits, and no control character reaches the
terminal: every segment the driver would write is checked, character by character.

The strings are planted straight into the store's documents, as an older kiosk, a
restore or the Python API of an older version could have left them: today's model
refuses them (tests/kiosk/test_hostile_text.py).
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Select

from kiosk import demo
from kiosk.validators import is_control
from store import Store
from tests.screens.screen_walk import (
    dismiss_prompts,
    make_demo_store,
    nav_class,
    nav_keys,
    settle,
    unlocked,
)

SIZE = (80, 24)
HOSTILE = [
    "[b]x[/]",
    "[/]",
    "[@click=app.quit]q[/]",
    '[link="file:///x"]x[/link]',
    "Esc \x1b[31mred\x1b[0m",
    "Osc \x1b]0;pwned\x07",
    "Clip \x1b]52;c;QUFBQQ==\x07",
    "C1 \x9b31m \x85 end",
    "abc\u202eevil",
    "a\u200db\u200dc",
    "L" * 300,
    "e\u0301\u0308 \U0001f642\u0301",
    "Zażółć Gęślą Jaźń",
    "مرحبا بالعالم",
]
HOSTILE_ADMIN = "Evil [/] Admin [b]x[/b]"  # the store refuses control characters in names
_KEEP = re.compile(r"[a-z_]+|\d{4}-\d{2}.*|")  # enum values, dates: the model parses them


def _poison(value: Any, strings: itertools.cycle[str]) -> Any:
    if isinstance(value, str):
        return value if _KEEP.fullmatch(value) else next(strings)
    if isinstance(value, dict):
        return {k: _poison(v, strings) for k, v in value.items()}
    return value


def hostile_store(folder: Path) -> Path:
    path = make_demo_store(folder)
    store = Store.open(path, demo.DEMO_ADMIN, demo.DEMO_PASSPHRASE)
    try:
        strings = itertools.cycle(HOSTILE)
        with store.transaction() as tx:
            for table in ("people", "sites", "requests", "contacts", "settings"):
                for doc in tx.db.table(table).all():
                    tx.db.table(table).update(
                        {k: _poison(v, strings) for k, v in doc.items() if k != "access"},
                        doc_ids=[doc.doc_id],
                    )
            tx.audit("test.plant", None, None)
        store.add_admin(HOSTILE_ADMIN, "a long enough passphrase for evil")
    finally:
        store.close()
    return path


def glass_and_controls(app: Any) -> tuple[str, list[str]]:
    """The screen's text, and every control character in what the driver would write."""
    lines: list[str] = []
    found: list[str] = []
    for strip in app.screen._compositor.render_strips():
        line = ""
        for segment in strip:
            if segment.control:
                continue
            line += segment.text
            found.extend(repr(ch) for ch in segment.text if is_control(ch))
        lines.append(line)
    return "\n".join(lines), found


@pytest.mark.asyncio
async def test_every_screen_survives_hostile_records(tmp_path: Path) -> None:
    path = hostile_store(tmp_path)
    seen: dict[str, str] = {}
    async with unlocked(path, SIZE) as pilot:
        app = pilot.app

        def check(name: str) -> None:
            text, controls = glass_and_controls(app)
            assert not controls, f"{name}: control characters reached the terminal: {controls}"
            seen[name] = text

        check("dashboard")
        for name, key in nav_keys():
            await pilot.press(key)
            await settle(pilot)
            assert app.is_running, name
            assert type(app.screen).__name__ == nav_class(name), name
            check(name)
            # and the next screenful too: a long list (Logins, People) shows only its
            # most urgent rows first, and every hostile text must be seen somewhere
            await pilot.press("pagedown")
            await settle(pilot)
            assert app.is_running, name
            check(f"{name} (next page)")
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert type(app.screen).__name__ == "UnlockScreen"
        check("unlock")
        admins = app.screen.query_one("#admin", Select)
        assert HOSTILE_ADMIN in [str(prompt) for prompt, _value in admins._options]
        await dismiss_prompts(pilot)
        assert app.is_running
    everything = "\n".join(seen.values())
    assert len(seen) >= 10, sorted(seen)
    for literal in ("[b]x[/]", "[/]", "Zażółć Gęślą Jaźń", "Esc \u241b[31mred"):
        assert literal in everything, literal


@pytest.mark.asyncio
async def test_forms_and_wizards_survive_hostile_records(tmp_path: Path) -> None:
    """The screens that open on one record: its edit form, the access, joiner and leaver
    wizards, a site's form, and every call script, each filled from a hostile record."""
    from kiosk import records
    from kiosk.tickets import SCRIPT_ESCALATE, SCRIPT_NO_ACCESS, SCRIPT_SHARED_ACCESS
    from screens.access import AccessScreen
    from screens.joiner import JoinerWizard
    from screens.leaver import LeaverWizard
    from screens.person_form import PersonFormScreen
    from screens.script_run import ScriptRunScreen
    from screens.site_form import SiteFormScreen

    path = hostile_store(tmp_path)
    async with unlocked(path, SIZE) as pilot:
        app = pilot.app
        db = app.session.db()
        people = records.people(db)[:6]
        sites = records.sites(db)
        screens: list[Any] = [SiteFormScreen(s.id) for s in sites]
        for person in people:
            screens += [PersonFormScreen(person.id), AccessScreen(person.id),
                        LeaverWizard(person.id), JoinerWizard(person.id)]
        screens += [ScriptRunScreen(s) for s in
                    (SCRIPT_NO_ACCESS, SCRIPT_ESCALATE, SCRIPT_SHARED_ACCESS)]
        for screen in screens:
            name = type(screen).__name__
            await app.push_screen(screen)
            await settle(pilot)
            assert app.is_running, name
            _text, controls = glass_and_controls(app)
            assert not controls, f"{name}: control characters reached the terminal: {controls}"
            while app.screen is not screen and len(app.screen_stack) > 2:
                app.pop_screen()  # a dialog the screen opened on its own
                await settle(pilot)
            app.pop_screen()
            await settle(pilot)
