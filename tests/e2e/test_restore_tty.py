"""``kiosk restore N`` confirmed at a real terminal (issue 13): the passphrase and the
answer are typed into a tmux pane, as an admin would; "y" restores, "n" refuses."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.e2e.terminal import ADMIN, PASSPHRASE, Tmux

pytestmark = pytest.mark.e2e


def _second_generation(kiosk_bin: str, store: Path, tmp_path: Path) -> None:
    """One import after ``kiosk init``: generation 1 is then in backups/."""
    csv_file = tmp_path / "staff.csv"
    csv_file.write_text(
        "full_name,personal_mobile,personal_email,nhsmail,access,last_activity,site\n"
        "Bea Example,07700900111,bea@example.org,,member,,VZZ01\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [kiosk_bin, "import", str(csv_file), "--store", str(store), "--admin", ADMIN,
         "--passphrase-stdin"],
        input=PASSPHRASE + "\n", capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("answer", "restored"), [("y", True), ("n", False)])
def test_restore_asks_at_the_terminal(
    tmux: Tmux, kiosk_bin: str, made_store: Path, tmp_path: Path, answer: str, restored: bool
) -> None:
    _second_generation(kiosk_bin, made_store, tmp_path)
    before = made_store.read_bytes()
    pane = tmux.start(
        [kiosk_bin, "restore", "1", "--store", str(made_store), "--admin", ADMIN],
        size=(100, 24),
    )
    pane.wait_for("assphrase")
    pane.type(PASSPHRASE)
    pane.keys("Enter")
    pane.wait_for("Type y to restore")
    pane.type(answer)
    pane.keys("Enter")
    status = pane.wait_exit()
    screen = pane.screen()
    assert status == 0, screen
    assert "confirmation typed at a terminal" not in screen
    if restored:
        assert "Restored" in screen
        assert made_store.read_bytes() != before
    else:
        assert "Nothing was restored" in screen
        assert made_store.read_bytes() == before
