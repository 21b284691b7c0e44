"""Open every screen of the real app on the demo care group, by keyboard, and read what is
on the glass. Shared by the plain-terminal tests and the pseudo-locale walk.

Run as ``python -m tests.screens.screen_walk --locale en_XA [--extra module:Class]`` it
prints one JSON object per line for every English word that reached the screen without
going through gettext (see :func:`untranslated_words`). It runs in a fresh interpreter
because screens build their key bindings' descriptions with ``_()`` at import time: the
locale has to be set before the first screen module is imported.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import re
import shutil
import sys
import tempfile
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App
    from textual.pilot import Pilot

NOW = datetime(2026, 11, 24, 10, 30)  # a Tuesday morning: NAS is open
WALK_SIZE = (120, 50)  # big enough to show most of each screen, longer pseudo text included


def make_demo_store(folder: Path) -> Path:
    """The demo care group (``kiosk --demo``'s data) in a fresh store with a cheap KDF."""
    from kiosk import demo
    from store import Store
    from tests.conftest import FAST_KDF

    path = folder / "demo" / "kiosk.store"
    store, _code = Store.create(path, demo.DEMO_ADMIN, demo.DEMO_PASSPHRASE, kdf=FAST_KDF)
    demo.populate(store, NOW.date())
    store.close()
    return path


def screen_lines(app: App[Any]) -> list[str]:
    """Every row of the active screen as text, as the terminal would show it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_styles(app: App[Any]) -> Iterator[Any]:
    """The Rich style of every cell run on the active screen."""
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            if segment.style is not None:
                yield segment.style


async def settle(pilot: Pilot[Any]) -> None:
    """Let mounts, refreshes and workers finish before reading the screen."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def dismiss_prompts(pilot: Pilot[Any]) -> None:
    """Answer "no" to anything the shell asks on unlock (e.g. erasing old leavers' details)."""
    from textual.screen import ModalScreen

    for _attempt in range(3):
        if not isinstance(pilot.app.screen, ModalScreen):
            return
        await pilot.press("escape")
        await settle(pilot)


@asynccontextmanager
async def unlocked(
    path: Path, size: tuple[int, int], *, demo_hint: bool = False
) -> AsyncIterator[Pilot[Any]]:
    """The real app on ``path``, unlocked by typing the passphrase, on the dashboard."""
    from kiosk import demo
    from kiosk.clock import FixedClock
    from screens.app import DemoCredentials, KioskApp
    from tests.conftest import FAST_KDF

    credentials = DemoCredentials(demo.DEMO_ADMIN, demo.DEMO_PASSPHRASE) if demo_hint else None
    app = KioskApp(path, clock=FixedClock(NOW), store_kdf=FAST_KDF, demo=credentials)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for char in demo.DEMO_PASSPHRASE:
            await pilot.press("space" if char == " " else char)
        await pilot.press("enter")
        await settle(pilot)
        await dismiss_prompts(pilot)
        assert type(app.screen).__name__ == "DashboardScreen", type(app.screen).__name__
        yield pilot


def nav_keys() -> list[tuple[str, str]]:
    """(name, key) of every screen in the navigation table."""
    from screens.nav import NAV

    return [(e.name, e.key) for e in NAV]


# -- the pseudo-locale check ---------------------------------------------------------------

WORD = re.compile(r"[A-Za-z]{4,}")


@dataclass(frozen=True)
class Finding:
    screen: str
    word: str
    line: str


def english_vocabulary() -> set[str]:
    """Every word of four letters or more in the English messages of the catalog template
    (placeholders and markup removed): the words a screen shows only through gettext."""
    from kiosk import i18n_tools

    words: set[str] = set()
    for message in i18n_tools.read_template():
        if not message.id:
            continue
        texts = message.id if isinstance(message.id, list | tuple) else [message.id]
        for text in texts:
            words.update(w.casefold() for w in WORD.findall(i18n_tools._PROTECTED.sub(" ", text)))
    return words


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def data_words(path: Path) -> set[str]:
    """Words that are the care group's own data (names, addresses, notes, action codes),
    the demo credentials, the NHSmail addresses and numbers in kiosk.facts, and what Babel
    writes for dates in the fallback locale: shown as they are, never translated."""
    from babel.dates import format_timedelta, get_day_names, get_month_names

    from kiosk import demo, facts
    from kiosk.i18n import DEFAULT_LOCALE
    from store import Store

    texts: list[str] = [demo.DEMO_ADMIN, demo.DEMO_PASSPHRASE, "kiosk"]
    store = Store.open(path, demo.DEMO_ADMIN, demo.DEMO_PASSPHRASE)
    try:
        db = store.read()
        for table in db.tables():
            for doc in db.table(table).all():
                # Not the stored enum values ("owner", "joiner_new"): screens must show
                # those through their translated labels.
                texts.extend(t for t in _strings(dict(doc)) if not re.fullmatch(r"[a-z_]+", t))
    finally:
        store.close()
    for name in dir(facts):
        value = getattr(facts, name)
        if name.isupper() and isinstance(value, str):
            texts.append(value)  # NHSmail's and NAS's own addresses, numbers and names
    for width in ("wide", "abbreviated"):
        texts.extend(get_month_names(width, locale=DEFAULT_LOCALE).values())
        texts.extend(get_day_names(width, locale=DEFAULT_LOCALE).values())
    for days in (-400, -40, -8, -2, -1, 1, 2, 8, 40, 400):
        for granularity in ("day", "second"):
            texts.append(
                format_timedelta(
                    timedelta(days=days),
                    granularity=granularity,
                    threshold=10**6,
                    add_direction=True,
                    locale=DEFAULT_LOCALE,
                )
            )
    return {w.casefold() for text in texts for w in WORD.findall(text)}


# Key names as Textual shows them beside a binding ("enter  Open"): keys, not words to
# translate. Only in lower case: a capitalised "Left" is a word (a person who has left).
KEY_NAMES = {
    "ctrl",
    "shift",
    "enter",
    "space",
    "escape",
    "home",
    "delete",
    "backspace",
    "insert",
    "pageup",
    "pagedown",
    "left",
    "right",
    "down",
}


def untranslated_words(
    screen: str, lines: Iterable[str], vocabulary: set[str], exempt: set[str]
) -> list[Finding]:
    """English words from the catalog that are on the screen in plain ASCII.

    In en_XA every letter of every translated message is accented, so a catalog word
    showing in plain letters came from somewhere that skipped gettext (a hard-coded
    string, a label translated at import time before the locale was set...), unless it
    is the care group's own data or a date Babel wrote."""
    found: list[Finding] = []
    for line in lines:
        for word in WORD.findall(line):
            folded = word.casefold()
            if folded not in vocabulary or folded in exempt or word in KEY_NAMES:
                continue
            found.append(Finding(screen, word, line.strip()))
    return found


async def walk(path: Path, extra: list[str]) -> tuple[list[Finding], list[str]]:
    """Every screen in the pseudo-locale (plus ``extra`` screens, "module:Class"): what
    was found, and the names of the screens actually seen (so a walk that silently opened
    nothing cannot pass)."""
    vocabulary = english_vocabulary()
    exempt = data_words(path)
    findings: list[Finding] = []
    visited: list[str] = []

    def check(name: str, app: App[Any]) -> None:
        visited.append(name)
        findings.extend(untranslated_words(name, screen_lines(app), vocabulary, exempt))

    from kiosk.clock import FixedClock
    from screens.app import KioskApp
    from tests.conftest import FAST_KDF

    setup = KioskApp(path.parent / "new" / "kiosk.store", clock=FixedClock(NOW), store_kdf=FAST_KDF)
    async with setup.run_test(size=WALK_SIZE) as pilot:
        await settle(pilot)
        check("setup", setup)

    async with unlocked(path, WALK_SIZE, demo_hint=True) as pilot:
        app = pilot.app
        await pilot.press("ctrl+l")
        await settle(pilot)
        check("unlock", app)
        from kiosk import demo

        for char in demo.DEMO_PASSPHRASE:
            await pilot.press("space" if char == " " else char)
        await pilot.press("enter")
        await settle(pilot)
        await dismiss_prompts(pilot)
        check("dashboard", app)
        await pilot.press("ctrl+p")
        await settle(pilot)
        check("command palette", app)
        await pilot.press("escape")
        await settle(pilot)
        for name, key in nav_keys():
            await pilot.press(key)
            await settle(pilot)
            if type(app.screen).__name__ != nav_class(name):
                continue  # not opened: the caller sees it missing from ``visited``
            check(name, app)
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        if type(app.screen).__name__ == "HelpScreen":
            check("help", app)
            await pilot.press("escape")
            await settle(pilot)
        for target in extra:
            module_name, class_name = target.split(":")
            screen_class = getattr(importlib.import_module(module_name), class_name)
            await app.push_screen(screen_class())
            await settle(pilot)
            check(target, app)
            app.pop_screen()
            await settle(pilot)
    return findings, visited


def nav_class(name: str) -> str:
    from screens.nav import NAV

    return next(e.target.split(":")[1] for e in NAV if e.name == name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--locale", default="en_XA")
    parser.add_argument("--extra", action="append", default=[])
    args = parser.parse_args(argv)

    from kiosk.i18n import set_locale

    set_locale(args.locale)  # before any screen module is imported
    folder = Path(tempfile.mkdtemp(prefix="kiosk-walk-"))
    try:
        path = make_demo_store(folder)
        findings, visited = asyncio.run(walk(path, args.extra))
        for name in visited:
            print(json.dumps({"visited": name}))
        for finding in findings:
            print(json.dumps(finding.__dict__))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
