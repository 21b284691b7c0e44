"""``kiosk nas``: one line, exit 0 open / 3 closed / 1 bad input, and no store needed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def kiosk(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        # A store path that does not exist: `kiosk nas` must never open it.
        "KIOSK_STORE": str(home / "no-such.store"),
    }
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=home,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )


def test_open_on_a_working_morning(tmp_path: Path) -> None:
    done = kiosk("nas", "--at", "2026-11-24 09:00", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "NAS is open until 17:00\n"
    assert not (tmp_path / "no-such.store").exists()


def test_closed_from_christmas_eve_says_when_it_opens(tmp_path: Path) -> None:
    done = kiosk("nas", "--at", "2026-12-24 17:00", home=tmp_path)
    assert done.returncode == 3, done.stderr
    assert done.stdout == "NAS is closed; it opens Tuesday, 29 December 2026 at 09:00\n"


@pytest.mark.parametrize("bad", ["24/12/2026 17:00", "2026-02-30 10:00", "noon"])
def test_bad_input_is_one_line_and_exit_1(tmp_path: Path, bad: str) -> None:
    done = kiosk("nas", "--at", bad, home=tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "YYYY-MM-DD HH:MM" in done.stderr
    assert "Traceback" not in done.stderr


def test_without_at_answers_for_now(tmp_path: Path) -> None:
    # The answer depends on the real clock, so check only its shape and the exit status.
    done = kiosk("nas", home=tmp_path)
    assert done.returncode in (0, 3), done.stderr
    assert done.stdout.startswith("NAS is ")
    assert done.stdout.count("\n") == 1
    assert (done.returncode == 0) == done.stdout.startswith("NAS is open")


def test_run_does_not_import_the_store() -> None:
    code = (
        "import sys, argparse\n"
        "from kiosk.cli import nas as cli_nas\n"
        "status = cli_nas.run(argparse.Namespace(at='2026-11-28 10:00'))\n"
        "assert status == 3, status\n"
        "assert 'store' not in sys.modules, 'kiosk nas imported the store'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "NAS is closed; it opens Monday, 30 November 2026 at 09:00\n"
