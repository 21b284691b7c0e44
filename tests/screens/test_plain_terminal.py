"""Every screen, small and plain: 80×24 with NO_COLOR=1 on the demo care group, opened by
keyboard from the dashboard; and a walk through every screen in the en_XA pseudo-locale
that fails on any English that did not go through gettext.

"Nothing cut off that matters" is checked as: the screen renders without an error, the
footer with the screen's own keys is on the bottom row, the title (or the screen's heading)
is on screen, the focused field is inside the terminal, nothing is drawn past column 80,
and every colour is a shade of grey.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from rich.color import Color
from textual.binding import Binding
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import Footer, Header

from tests.screens import screen_walk
from tests.screens.screen_walk import (
    make_demo_store,
    nav_keys,
    screen_lines,
    screen_styles,
    settle,
    unlocked,
)

REPO = Path(__file__).resolve().parents[2]
SIZE = (80, 24)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo_store(tmp_path_factory.mktemp("plain"))


@pytest.fixture(autouse=True)
def _no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR=1 before any App is made (Textual reads it in App.__init__)."""
    monkeypatch.setenv("NO_COLOR", "1")


def _grey(color: Color | None) -> bool:
    if color is None or color.is_default:
        return True
    r, g, b = color.get_truecolor()
    return max(r, g, b) - min(r, g, b) <= 8


def assert_whole_and_plain(pilot: Pilot[Any], heading: str | None = None) -> None:
    app = pilot.app
    screen = app.screen
    lines = screen_lines(app)
    shown = "\n".join(lines)
    assert len(lines) == SIZE[1]
    assert all(len(line) <= SIZE[0] for line in lines)

    # The footer, on the bottom row, with at least one of this screen's own keys.
    footers = list(screen.query(Footer))
    assert footers, f"{type(screen).__name__} has no footer"
    assert footers[0].region.bottom == SIZE[1], "the footer is not on the bottom row"
    own = [
        binding.description
        for binding in type(screen).BINDINGS
        if isinstance(binding, Binding) and binding.description and binding.show
    ]
    if own:
        assert any(d in lines[-1] for d in own), f"none of {own} in the footer: {lines[-1]!r}"

    # The title: the Header's line with the screen's subtitle, or the given heading.
    if list(screen.query(Header)):
        assert app.title in lines[0] or (screen.title or "") in lines[0], lines[0]
        if screen.sub_title:
            assert screen.sub_title[:20] in lines[0], (screen.sub_title, lines[0])
    if heading is not None:
        assert heading in shown, f"{heading!r} is not on screen:\n{shown}"

    # Where the keys go is on screen.
    if app.focused is not None and not isinstance(screen, ModalScreen):
        region = app.focused.region
        assert region.y < SIZE[1] and region.bottom > 0, f"focus off screen: {app.focused!r}"

    # NO_COLOR: shades of grey only (the words carry the meaning, see the dashboard).
    colours = [s.color for s in screen_styles(app)] + [s.bgcolor for s in screen_styles(app)]
    assert all(_grey(c) for c in colours), [c for c in colours if not _grey(c)][:3]


# -- the shell's own screens ----------------------------------------------------------------


async def test_setup_wizard_plain(tmp_path: Path) -> None:
    from kiosk.clock import FixedClock
    from screens.app import KioskApp
    from tests.conftest import FAST_KDF

    app = KioskApp(
        tmp_path / "new" / "kiosk.store", clock=FixedClock(screen_walk.NOW), store_kdf=FAST_KDF
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert_whole_and_plain(pilot, heading="Set up kiosk")


async def test_unlock_and_dashboard_plain(demo_store: Path) -> None:
    async with unlocked(demo_store, SIZE, demo_hint=True) as pilot:
        assert_whole_and_plain(pilot, heading="Harbour View Care Home")
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "UnlockScreen"
        assert_whole_and_plain(pilot, heading="kiosk is locked")
        assert "passphrase \u201cdemo passphrase" in "\n".join(screen_lines(pilot.app))


async def test_the_grey_check_sees_colour_without_no_color(
    demo_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without NO_COLOR the same dashboard has real colours: the grey check can fail."""
    monkeypatch.delenv("NO_COLOR")
    async with unlocked(demo_store, SIZE) as pilot:
        colours = [s.color for s in screen_styles(pilot.app)]
        assert not all(_grey(c) for c in colours)


# -- every screen in the navigation table ------------------------------------------------


@pytest.mark.parametrize(("name", "key"), nav_keys(), ids=[n for n, _k in nav_keys()])
async def test_every_screen_at_80x24_with_no_color(demo_store: Path, name: str, key: str) -> None:
    async with unlocked(demo_store, SIZE) as pilot:
        await pilot.press(key)
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == screen_walk.nav_class(name)
        assert_whole_and_plain(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "DashboardScreen"  # Escape goes back


async def test_help_at_80x24_with_no_color(demo_store: Path) -> None:
    async with unlocked(demo_store, SIZE) as pilot:
        await pilot.press("f1")
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "HelpScreen"
        assert_whole_and_plain(pilot)


# -- the pseudo-locale walk ---------------------------------------------------------------


Walk = tuple[list[dict[str, str]], list[str]]


def _run_walk(*extra: str, pythonpath: Path | None = None) -> Walk:
    """The walk in a fresh interpreter (the locale must be set before screens import)."""
    import os

    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    paths = [str(REPO)] + ([str(pythonpath)] if pythonpath else [])
    env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    argv = [sys.executable, "-m", "tests.screens.screen_walk", "--locale", "en_XA"]
    for target in extra:
        argv += ["--extra", target]
    result = subprocess.run(
        argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    visited = [r["visited"] for r in rows if "visited" in r]
    return [r for r in rows if "word" in r], visited


@pytest.fixture(scope="module")
def pseudo_walk() -> Walk:
    return _run_walk()


WALKED = [
    "setup", "unlock", "dashboard", "command palette", *[n for n, _k in nav_keys()], "help"
]


# Known gaps, reported to their owners; strict, so a fix turns them into a failure that
# asks for the mark to be removed.
KNOWN_UNTRANSLATED: dict[str, str] = {}


@pytest.mark.parametrize(
    "screen",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_UNTRANSLATED[name]))
        if name in KNOWN_UNTRANSLATED
        else name
        for name in WALKED
    ],
)
def test_pseudo_locale_shows_no_untranslated_english(pseudo_walk: Walk, screen: str) -> None:
    findings, visited = pseudo_walk
    assert screen in visited, f"the walk never showed {screen!r}"
    mine = [f"{f['word']!r} in {f['line']!r}" for f in findings if f["screen"] == screen]
    assert not mine, "English that skipped gettext:\n" + "\n".join(mine)


def test_the_walk_catches_a_hard_coded_string(tmp_path: Path) -> None:
    """A screen with one hard-coded sentence among translated ones is caught, and the same
    sentence through gettext is not: the check above can fail, and fails for the right
    reason."""
    (tmp_path / "walk_probe.py").write_text(
        textwrap.dedent(
            """
            from textual.widgets import Footer, Static

            from kiosk.i18n import _
            from screens.widgets.base import KioskScreen


            class HardCoded(KioskScreen):
                def compose(self):
                    yield Static(_("Record the call"))
                    yield Static("Choose the new owner first")
                    yield Footer()


            class Translated(KioskScreen):
                def compose(self):
                    yield Static(_("Record the call"))
                    yield Footer()
            """
        ),
        encoding="utf-8",
    )
    findings, visited = _run_walk(
        "walk_probe:HardCoded", "walk_probe:Translated", pythonpath=tmp_path
    )
    assert {"walk_probe:HardCoded", "walk_probe:Translated"} <= set(visited)
    caught = {f["word"] for f in findings if f["screen"] == "walk_probe:HardCoded"}
    assert {"Choose", "owner", "first"} <= caught
    assert not [f for f in findings if f["screen"] == "walk_probe:Translated"]
