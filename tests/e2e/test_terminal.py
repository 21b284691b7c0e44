"""The installed kiosk in a real terminal: setup, unlock, quit and reopen, plain terminals,
a resize, the idle lock. Only the keyboard is used, as an admin would over SSH.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import StartKiosk
from tests.e2e.terminal import (
    ADMIN,
    PASSPHRASE,
    Pane,
    colours_on_screen,
    is_grey_sgr,
    unlock,
)

pytestmark = pytest.mark.e2e

SITE_LINE = "Rose House (VZZ01)"


def _dashboard_whole(screen: str, rows: int = 24) -> bool:
    """The dashboard fully painted at ``rows`` lines: title on the top line, the site's
    heading, and the footer (which always lists Quit) on the bottom line."""
    lines = screen.splitlines()
    return (
        len(lines) == rows
        and "Unlocked by" in lines[0]
        and SITE_LINE in screen
        and "Quit" in lines[-1]
    )


def _no_crash(screen: str) -> None:
    assert "Traceback" not in screen
    assert "internal error" not in screen


def _quit(pane: Pane) -> None:
    """ctrl+q: the app ends cleanly (status 0) and leaves no traceback behind."""
    pane.keys("C-q")
    status = pane.wait_exit()
    _no_crash(pane.screen())
    assert status == 0, pane.screen()


def test_first_run_setup_wizard_then_quit_and_reopen(
    start_kiosk: StartKiosk, store_path: Path
) -> None:
    pane = start_kiosk(store_path)
    pane.wait_for("No store was found", "Your name")

    pane.type(ADMIN)  # the cursor starts in the name field
    pane.keys("Enter")
    pane.wait_for("Passphrase again")  # the next step, its first field focused
    pane.type(PASSPHRASE)
    pane.press_moving_focus("Enter", "Passphrase", "Passphrase again")
    pane.type(PASSPHRASE)
    pane.keys("Enter")

    pane.wait_for("Your first site", "Site name")
    fields = [
        ("Site name", "Rose House"),
        ("ODS code", "vzz01"),
        ("CQC location ID", "1-123456789"),
        ("CQC-registered site phone number", "01632 960001"),
        ("Shared mailbox address", "rose.care@nhs.net"),
    ]
    for (label, value), (next_label, _v) in itertools.pairwise(fields):
        pane.type(value)
        pane.press_moving_focus("Enter", label, next_label)
    pane.type(fields[-1][1])
    pane.keys("Enter")
    # Enter on the mailbox goes on to the confirmation box (no error first); the Space
    # sent straight after it waits for the focus to move (the burst-typing guard).
    pane.keys("Space", "C-s")

    shown = pane.wait_for("This is the recovery key")
    key = re.search(r"\b([0-9A-Z]{5}(?:-[0-9A-Z]{5}){3,})\b", shown)
    assert key, shown
    pane.type("WRONG")
    pane.keys("Enter")
    pane.wait_for("not the last group")
    pane.clear_field("Type its last group to show it is written down")
    pane.type(key.group(1).split("-")[-1].lower())
    pane.keys("Enter")

    dashboard = pane.wait_for(f"Unlocked by {ADMIN}", SITE_LINE)
    _no_crash(dashboard)
    assert key.group(1) not in dashboard  # the recovery key is shown once, then gone
    _quit(pane)

    # Reopen: the unlock screen, the same admin preselected, the same site.
    again = start_kiosk(store_path)
    unlock(again)
    again.wait_for(SITE_LINE, "rose.care@nhs.net")
    _quit(again)


def test_unlock_wrong_then_right_and_the_passphrase_is_never_on_argv(
    start_kiosk: StartKiosk, made_store: Path
) -> None:
    pane = start_kiosk(made_store)
    pane.wait_for("kiosk is locked", ADMIN)  # the only admin, preselected
    pane.type("not my passphrase at all")
    pane.keys("Enter")
    pane.wait_for("do not open this store")
    unlock(pane)
    pane.wait_for(SITE_LINE)
    for _pid, argv in pane.processes():
        assert not any(PASSPHRASE in part for part in argv), argv
    pane.keys("C-l")  # lock: back to the front door, nothing personal showing
    locked = pane.wait_for("kiosk is locked")
    assert "rose.care@nhs.net" not in locked and "Rose House" not in locked
    _quit(pane)


def test_term_linux(start_kiosk: StartKiosk, made_store: Path) -> None:
    """The Linux console's TERM: 16 colours, no mouse assumptions; everything still works."""
    pane = start_kiosk(made_store, env={"TERM": "linux"})
    unlock(pane)
    shown = pane.wait_until(_dashboard_whole, "the dashboard with its title and footer")
    _no_crash(shown)
    _quit(pane)


def test_no_color_shows_only_greys(start_kiosk: StartKiosk, made_store: Path) -> None:
    """NO_COLOR=1: every colour on the glass is a shade of grey. The same screen without it
    has real colours, so the check can fail."""
    coloured = start_kiosk(made_store)
    unlock(coloured)
    coloured.wait_for(SITE_LINE)
    assert not all(is_grey_sgr(c) for c in colours_on_screen(coloured.screen(escapes=True)))
    _quit(coloured)

    plain = start_kiosk(made_store, env={"NO_COLOR": "1"})
    unlock(plain)
    shown = plain.wait_for(SITE_LINE)
    _no_crash(shown)
    colours = colours_on_screen(plain.screen(escapes=True))
    assert colours, "no SGR at all: the capture is not showing attributes"
    assert all(is_grey_sgr(c) for c in colours), [c for c in colours if not is_grey_sgr(c)][:5]
    # The verdicts are in words, so nothing is lost without colour.
    assert "no owner" in shown
    _quit(plain)


def test_resize_from_120x40_to_80x24_mid_session(start_kiosk: StartKiosk, made_store: Path) -> None:
    pane = start_kiosk(made_store, size=(120, 40))
    unlock(pane)
    pane.wait_until(lambda s: _dashboard_whole(s, rows=40), "the dashboard at 120x40")

    pane.resize(80, 24)
    assert pane.size() == (80, 24)

    small = pane.wait_until(_dashboard_whole, "the dashboard repainted at 80x24, title and footer")
    _no_crash(small)
    assert all(len(line) <= 80 for line in small.splitlines())
    # Still alive and answering keys after the resize.
    pane.keys("C-l")
    pane.wait_for("kiosk is locked")
    _quit(pane)


@pytest.mark.slow
def test_idle_lock(start_kiosk: StartKiosk, made_store: Path) -> None:
    """Set the idle lock to its minimum (1 minute) in Settings, then press nothing: the
    kiosk locks itself and shows nothing personal."""
    pane = start_kiosk(made_store)
    unlock(pane)
    pane.wait_for(SITE_LINE)
    pane.keys("o")
    label = "Lock after this many minutes without a key press"
    pane.wait_for("Settings", label)
    pane.keys("End")  # the cursor starts in this field, which says 5
    pane.clear_field(label)
    pane.type("1")
    pane.keys("C-s")
    pane.wait_gone(label)
    pane.wait_for(SITE_LINE)
    locked = pane.wait_for("kiosk is locked", timeout=150)
    assert "Rose House" not in locked and "rose.care@nhs.net" not in locked
    unlock(pane)  # and it opens again as usual
    _quit(pane)

    from kiosk import records
    from store import Store

    store = Store.open(made_store, ADMIN, PASSPHRASE)
    try:
        assert records.settings(store.read()).idle_lock_minutes == 1
    finally:
        store.close()
