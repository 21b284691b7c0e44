"""``kiosk check``, ``kiosk backup`` and ``kiosk restore`` on real stores: a good store, a
flipped byte, an edited audit entry, a backup/restore round trip, a damaged store put back
from its newest good generation. Never a traceback, whatever is on disk."""

from __future__ import annotations

import io
import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kiosk import records
from kiosk.cli import main
from kiosk.model import SITES, Site
from store import AUDIT_TABLE, Store
from tests.conftest import FAST_KDF
from tests.store.helpers import rewrite

REPO = Path(__file__).resolve().parents[2]
ADMIN = "Ann Admin"
PASSPHRASE = "correct horse battery"


@dataclass
class Made:
    path: Path
    code: str


def add_site(store: Store, n: int) -> None:
    with store.transaction() as tx:
        records.save(
            tx,
            SITES,
            Site(f"Site {n}", f"VZZ{n:02d}", "1-123456789", "01632960001", f"site{n}@nhs.net"),
            "site.add",
        )


def site_names(path: Path) -> list[str]:
    store = Store.open(path, ADMIN, PASSPHRASE)
    try:
        return [s.name for s in records.sites(store.read())]
    finally:
        store.close()


@pytest.fixture
def made(tmp_path: Path) -> Iterator[Made]:
    path = tmp_path / "home" / "kiosk.store"
    store, code = Store.create(path, ADMIN, PASSPHRASE, kdf=FAST_KDF)
    for n in (1, 2, 3):
        add_site(store, n)
    store.close()
    yield Made(path, code)


def run_in_process(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *argv: str,
    stdin: str = PASSPHRASE + "\n",
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def run_process(
    *argv: str,
    stdin: str = PASSPHRASE + "\n",
    home: Path | None = None,
    store_env: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """``home``: run as a user whose default store is in there, with ``$KIOSK_STORE``
    set to ``store_env`` (unset when None)."""
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_COLOR="1")
    if home is not None:
        env.pop("KIOSK_STORE", None)
        env.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local" / "share"))
        if store_env is not None:
            env["KIOSK_STORE"] = str(store_env)
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )


def store_args(made: Made, command: str, *rest: str) -> list[str]:
    return [command, *rest, "--store", str(made.path), "--admin", ADMIN, "--passphrase-stdin"]


def data_key(path: Path) -> bytes:
    store = Store.open(path, ADMIN, PASSPHRASE)
    key = bytes(store._data_key or b"")  # the insider who holds the key, as in tests/store
    store.close()
    return key


def test_check_good_store_prints_the_head_and_exits_0(
    made: Made, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_in_process(monkeypatch, capsys, *store_args(made, "check"))
    assert status == 0, out + err
    store = Store.open(made.path, ADMIN, PASSPHRASE)
    head = store.audit_head
    store.close()
    assert f"Audit head:   {head}" in out
    assert "Audit chain:  ok, 4 entries" in out
    assert "3 of 3 generations good" in out
    assert "Result: all is well." in out
    # the check wrote nothing into the real store or its backups
    assert len(Store.list_generations(made.path)) == 3


@pytest.mark.parametrize(
    ("where", "mode", "fix"),
    [("folder", 0o755, "chmod 700"), ("file", 0o644, "chmod 600"), ("backups", 0o755, "chmod 700")],
)
def test_check_reports_a_store_open_to_other_users_with_the_fix(
    made: Made,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    where: str,
    mode: int,
    fix: str,
) -> None:
    """Review: unlock warned that the folder was open to other users, then ``kiosk check``
    said "all is well". Both say it now, with the command that puts it right."""
    target = {
        "folder": made.path.parent,
        "file": made.path,
        "backups": made.path.parent / "backups",
    }[where]
    os.chmod(target, mode)
    try:
        status, out, err = run_in_process(monkeypatch, capsys, *store_args(made, "check"))
    finally:
        os.chmod(target, 0o700 if target.is_dir() else 0o600)
    text = " ".join(out.split())
    assert status == 0, out + err  # not damage
    assert "all is well" not in text
    assert f"{fix} {target}" in text
    assert "other users" in text.split("Result:", 1)[1]


def test_check_with_wrong_passphrase_is_a_user_error(
    made: Made, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _out, err = run_in_process(
        monkeypatch, capsys, *store_args(made, "check"), stdin="not the passphrase\n"
    )
    assert status == 1
    assert err.strip().splitlines() == [
        "kiosk: That admin name and passphrase do not open this store."
    ]


def test_check_missing_store_is_a_user_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _out, err = run_in_process(
        monkeypatch,
        capsys,
        "check",
        "--store",
        str(tmp_path / "none.store"),
        "--admin",
        ADMIN,
        "--passphrase-stdin",
    )
    assert status == 1 and "kiosk init" in err


@pytest.mark.parametrize("where", ["header", "body", "last"])
def test_flipped_byte_in_the_store_exits_2_and_names_the_newest_good_backup(
    made: Made, where: str
) -> None:
    data = bytearray(made.path.read_bytes())
    index = {"header": 20, "body": len(data) - 60, "last": len(data) - 1}[where]
    data[index] ^= 0x01
    made.path.write_bytes(bytes(data))
    before = made.path.read_bytes()

    result = run_process(*store_args(made, "check"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "Store file:   DAMAGED" in result.stdout
    newest = Store.list_generations(made.path)[0]
    assert f"Newest good backup: generation {newest.generation}" in result.stdout
    assert f"kiosk restore {newest.path}" in result.stdout
    assert made.path.read_bytes() == before  # left exactly as it was


@pytest.mark.parametrize("store_option", ["given", "from the environment"])
def test_checks_restore_advice_works_as_printed(
    made: Made, tmp_path: Path, store_option: str
) -> None:
    """A store outside the default place: the command ``kiosk check`` prints carries
    ``--store`` (without it, ``kiosk restore`` looked for the default store and said
    "run kiosk init"), and the restore it runs names the file the damaged copy is in."""
    data = made.path.read_bytes()
    made.path.write_bytes(data[: len(data) // 2])
    home = tmp_path / "someone"
    home.mkdir()
    if store_option == "given":
        checked = run_process(*store_args(made, "check"), home=home)
    else:
        checked = run_process(
            "check", "--admin", ADMIN, "--passphrase-stdin", home=home, store_env=made.path
        )
    assert checked.returncode == 2, checked.stdout + checked.stderr
    advice = checked.stdout.split("Restore it with: ", 1)[1].splitlines()[0]
    words = shlex.split(advice)
    assert words[:2] == ["kiosk", "restore"], advice
    restored = run_process(*words[1:], "--passphrase-stdin", "--yes", home=home)
    out = restored.stdout + restored.stderr
    assert restored.returncode == 0, out
    assert "kiosk init" not in out
    kept = [p for p in made.path.parent.iterdir() if ".damaged-" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes() == data[: len(data) // 2]
    assert str(kept[0]) in " ".join(restored.stdout.split())


def test_restore_with_no_store_there_names_the_place_not_kiosk_init(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "elsewhere" / "kiosk.store"
    status, _out, err = run_in_process(
        monkeypatch, capsys, "restore", "3", "--store", str(path), "--admin", ADMIN,
        "--passphrase-stdin", "--yes",
    )
    assert status == 1
    assert str(path) in err and "--store" in err
    assert "kiosk init" not in err


def test_flipped_byte_in_a_generation_is_found(
    made: Made, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    gens = Store.list_generations(made.path)
    target = gens[0].path
    data = bytearray(target.read_bytes())
    data[len(data) - 30] ^= 0x40
    target.write_bytes(bytes(data))
    status, out, _err = run_in_process(monkeypatch, capsys, *store_args(made, "check"))
    assert status == 2
    assert f"backup generation {gens[0].generation} is damaged" in out
    assert f"Newest good backup: generation {gens[1].generation}" in out
    assert "the store itself is fine" in out


def test_edited_audit_entry_exits_2_without_traceback(made: Made) -> None:
    def edit(body: dict[str, Any]) -> None:
        body["db"][AUDIT_TABLE]["3"]["detail"] = "nothing to see"

    rewrite(made.path, data_key(made.path), edit)
    result = run_process(*store_args(made, "check"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "Encryption:   ok" in result.stdout  # a key holder re-encrypted it...
    assert "Audit chain:  BROKEN at entry 3" in result.stdout  # ...but the chain tells
    assert "the audit chain is broken at entry 3" in result.stdout


def test_backup_and_restore_round_trip(
    made: Made,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    status, out, err = run_in_process(monkeypatch, capsys, *store_args(made, "backup", str(folder)))
    assert status == 0, err
    (copy,) = folder.iterdir()
    assert str(copy) in out
    # the copy opens with the same passphrase and the same recovery key
    assert site_names(copy) == ["Site 1", "Site 2", "Site 3"]
    Store.open_with_recovery(copy, made.code).close()
    # writing over an existing file is refused
    status, _out, err = run_in_process(monkeypatch, capsys, *store_args(made, "backup", str(copy)))
    assert status == 1 and "already exists" in err

    store = Store.open(made.path, ADMIN, PASSPHRASE)
    add_site(store, 4)
    store.close()
    assert site_names(made.path)[-1] == "Site 4"

    status, out, err = run_in_process(
        monkeypatch, capsys, *store_args(made, "restore", str(copy), "--yes")
    )
    assert status == 0, err
    assert site_names(made.path) == ["Site 1", "Site 2", "Site 3"]
    # the replaced state was kept as a generation: restoring it brings Site 4 back
    newest = Store.list_generations(made.path)[0]
    status, out, err = run_in_process(
        monkeypatch, capsys, *store_args(made, "restore", str(newest.generation), "--yes")
    )
    assert status == 0, err
    assert site_names(made.path)[-1] == "Site 4"
    status, out, _err = run_in_process(monkeypatch, capsys, *store_args(made, "check"))
    assert status == 0, out
    store = Store.open(made.path, ADMIN, PASSPHRASE)
    actions = [e.action for e in store.audit_entries()]
    store.close()
    # the restored generation's own trail comes back, then the restore itself
    assert actions[-1] == "store.restore" and actions.count("site.add") == 4


def test_restore_without_a_terminal_needs_yes(
    made: Made, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    oldest = Store.list_generations(made.path)[-1]
    monkeypatch.setattr("kiosk.cli.restore._ask_terminal", lambda question: None)
    status, _out, err = run_in_process(
        monkeypatch, capsys, *store_args(made, "restore", str(oldest.path))
    )
    assert status == 1 and "--yes" in err
    assert site_names(made.path) == ["Site 1", "Site 2", "Site 3"]


def test_restore_asks_and_a_no_restores_nothing(
    made: Made, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    oldest = Store.list_generations(made.path)[-1]
    asked: list[str] = []
    monkeypatch.setattr(
        "kiosk.cli.restore._ask_terminal", lambda question: asked.append(question) or "no\n"
    )
    status, out, _err = run_in_process(
        monkeypatch, capsys, *store_args(made, "restore", str(oldest.path))
    )
    assert status == 0 and "Nothing was restored." in out
    assert f"generation {oldest.generation}" in asked[0] and "Type y to restore" in asked[0]
    assert site_names(made.path) == ["Site 1", "Site 2", "Site 3"]
    monkeypatch.setattr("kiosk.cli.restore._ask_terminal", lambda question: "yes\n")
    status, out, _err = run_in_process(
        monkeypatch, capsys, *store_args(made, "restore", str(oldest.path))
    )
    assert status == 0 and "Restored generation" in out
    assert site_names(made.path) == []  # the oldest generation: the store as created


def test_damaged_store_is_restored_from_its_newest_good_generation(
    made: Made, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = bytearray(made.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    made.path.write_bytes(bytes(data))
    newest = Store.list_generations(made.path)[0]
    status, _out, err = run_in_process(
        monkeypatch, capsys, *store_args(made, "restore", str(newest.generation), "--yes")
    )
    assert status == 0, err
    assert site_names(made.path) == ["Site 1", "Site 2"]  # the save before the damage
    set_aside = [p for p in made.path.parent.iterdir() if ".damaged-" in p.name]
    assert len(set_aside) == 1 and set_aside[0].read_bytes() == bytes(data)


def test_restore_of_a_damaged_store_checks_the_passphrase_before_asking(
    made: Made, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """New-admin walk: the restore was confirmed first, then the passphrase was found
    wrong. Now a wrong one is said at once, with no question and nothing written."""
    data = bytearray(made.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    made.path.write_bytes(bytes(data))
    newest = Store.list_generations(made.path)[0]
    asked: list[str] = []
    monkeypatch.setattr(
        "kiosk.cli.restore._ask_terminal", lambda question: asked.append(question) or "y\n"
    )
    status, _out, err = run_in_process(
        monkeypatch,
        capsys,
        *store_args(made, "restore", str(newest.generation)),
        stdin="not the passphrase at all\n",
    )
    assert status == 1 and "nothing was restored" in err
    assert asked == []
    assert made.path.read_bytes() == bytes(data)
    assert not [p for p in made.path.parent.iterdir() if ".damaged-" in p.name]
    status, out, err = run_in_process(
        monkeypatch, capsys, *store_args(made, "restore", str(newest.generation))
    )
    assert status == 0, err
    assert len(asked) == 1 and "Restored generation" in out


def test_restore_unknown_source_is_a_user_error(
    made: Made, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _out, err = run_in_process(
        monkeypatch, capsys, *store_args(made, "restore", "999", "--yes")
    )
    assert status == 1 and "999" in err


def test_any_flipped_byte_is_damage_never_a_crash(
    made: Made, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A sweep across the whole file: every flipped byte is reported as damage (exit 2),
    with the newest good backup named, and the file left as it was."""
    original = made.path.read_bytes()
    newest = Store.list_generations(made.path)[0]
    step = max(1, len(original) // 24)
    for index in [*range(0, len(original), step), len(original) - 1]:
        damaged = bytearray(original)
        damaged[index] ^= 0x10
        made.path.write_bytes(bytes(damaged))
        status, out, err = run_in_process(monkeypatch, capsys, *store_args(made, "check"))
        assert status == 2, (index, out, err)
        assert f"Newest good backup: generation {newest.generation}" in out, index
        assert made.path.read_bytes() == bytes(damaged)
