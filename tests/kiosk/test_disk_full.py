"""A save that fails because the disk is full (RLIMIT_FSIZE in the child) is told truthfully
(issue 13): the store file is untouched, the message says nothing was saved, exit 1."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

from tests.kiosk.test_cli_people import HEADER, KIOSK_ADMIN, KIOSK_PASSPHRASE, REPO, store_path

__all__ = ["store_path"]  # the fixture, shared with the CLI people tests


def _limit_file_size() -> None:
    # Writes past 4 KiB fail with EFBIG, as on a full disk (SIGXFSZ ignored so the
    # process sees the error instead of being killed).
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def test_an_import_that_cannot_be_written_says_nothing_was_saved(
    store_path: Path, tmp_path: Path
) -> None:
    csv_file = tmp_path / "staff.csv"
    rows = "".join(
        f"Person Number{n:03d},07700900{n:03d},p{n}@example.org,p{n}.x@nhs.net,member,\n"
        for n in range(200, 400)
    )
    csv_file.write_text(HEADER + ",site\n" + rows.replace(",\n", ",,VZZ01\n"), encoding="utf-8")
    before = store_path.read_bytes()
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_COLOR="1")
    env.pop("KIOSK_STORE", None)
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "import", str(csv_file), "--store", str(store_path),
         "--admin", KIOSK_ADMIN, "--passphrase-stdin"],
        input=KIOSK_PASSPHRASE + "\n", capture_output=True, text=True, env=env, timeout=120,
        preexec_fn=_limit_file_size, check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "every change is saved" not in result.stderr
    assert "NOT saved" in result.stderr or "Nothing was saved" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert store_path.read_bytes() == before
