"""Escape sequences in an older store's records never reach a real terminal (issue 13).

Before, highlighting a person whose name carried OSC sequences set the tmux pane title
and filled tmux's clipboard buffer (OSC 52). Here the installed kiosk runs in tmux on a
store whose records hold them (planted as an older kiosk could have written them: today's
model refuses them), People is opened and every row highlighted, and the pane title and
the paste buffers are checked: untouched.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store import Store
from tests.e2e.terminal import ADMIN, PASSPHRASE, Tmux, unlock
from tests.e2e.test_workflows import _open_people

pytestmark = pytest.mark.e2e

TITLE = "\x1b]2;pwned-title\x07"
CLIP = "\x1b]52;c;cHduZWQtY2xpcA==\x07"  # "pwned-clip"


def _plant(store_path: Path) -> None:
    store = Store.open(store_path, ADMIN, PASSPHRASE)
    try:
        with store.transaction() as tx:
            people = tx.db.table("people")
            for n, name in enumerate([f"Tia {TITLE}Title", f"Cal {CLIP}Clip", "Bo \x9b2J C1"]):
                people.insert({
                    "full_name": name, "personal_mobile": f"0770090090{n}",
                    "personal_email": None, "nhsmail": None, "access": {"1": "member"},
                    "status": "active",
                })
            tx.audit("test.plant", None, None)
    finally:
        store.close()


def test_no_escape_sequence_from_a_record_reaches_the_terminal(
    tmux: Tmux, kiosk_bin: str, made_store: Path
) -> None:
    _plant(made_store)
    pane = tmux.start([kiosk_bin, "--store", str(made_store)], size=(100, 30))
    title_before = pane.info("#{pane_title}")
    unlock(pane)
    _open_people(pane)
    pane.wait_for("Tia", "Cal", "Bo ")
    for _row in range(4):
        pane.keys("Down")
    pane.keys("Up", "Up", "Up", "Up")
    screen = pane.wait_for("Tia")
    assert "pwned-title" not in pane.info("#{pane_title}")
    assert pane.info("#{pane_title}") == title_before or "kiosk" in pane.info("#{pane_title}")
    buffers = tmux.run("list-buffers", check=False).stdout
    assert "pwned" not in buffers
    assert "\u241b" in screen  # the escape is shown as a symbol, not obeyed
    pane.keys("C-q")
    assert pane.wait_exit() == 0
