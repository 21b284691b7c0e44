"""The command line as a script sees it: a real process, exit statuses, one-line errors,
and no passphrase anywhere but stdin."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import __version__

PASSPHRASE = "correct horse battery"
INIT = [
    "init",
    "--admin",
    "Ann Example",
    "--site-name",
    "Harbour View Care Home",
    "--ods",
    "VZZ01",
    "--cqc-location",
    "1-000000001",
    "--site-phone",
    "01632 960123",
    "--mailbox",
    "harbourview.care@nhs.net",
    "--passphrase-stdin",
]


def kiosk(
    *args: str, stdin: str = "", store: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_STORE"}
    if store is not None:
        env["KIOSK_STORE"] = str(store)
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_version() -> None:
    result = kiosk("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"kiosk {__version__}"


def test_help_documents_every_subcommand() -> None:
    from kiosk.cli import SUBCOMMANDS

    result = kiosk("--help")
    assert result.returncode == 0
    for name in SUBCOMMANDS:
        assert name in result.stdout
        sub = kiosk(name, "--help")
        assert sub.returncode == 0, name
        assert "usage: kiosk " + name in sub.stdout


def test_the_registry_is_every_subcommand_once_in_help_order() -> None:
    """SUBCOMMANDS is the one list: the parser has exactly its names, in its order, and a
    module that registers several (check, backup, restore) is asked once."""
    import argparse

    from kiosk.cli import SUBCOMMANDS, build_parser

    parser = build_parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert len(actions) == 1
    assert list(actions[0].choices) == list(SUBCOMMANDS)


def test_init_creates_a_store_and_prints_the_recovery_key_once(tmp_path: Path) -> None:
    path = tmp_path / "store" / "kiosk.store"
    result = kiosk(*INIT, stdin=PASSPHRASE + "\n", store=path)
    assert result.returncode == 0, result.stderr
    assert PASSPHRASE not in result.stdout + result.stderr
    # The key's own shape (five groups of five), not "has hyphens": the store's path may too.
    code_lines = [
        line.strip()
        for line in result.stdout.splitlines()
        if re.fullmatch(r"[A-Z0-9]{5}(-[A-Z0-9]{5}){4}", line.strip())
    ]
    assert len(code_lines) == 1
    from store import Store

    assert Store.admin_names(path) == ["Ann Example"]
    opened = Store.open_with_recovery(path, code_lines[0])
    from kiosk import records

    assert [s.mailbox for s in records.sites(opened.read())] == ["harbourview.care@nhs.net"]
    assert (path.stat().st_mode & 0o777) == 0o600
    assert (path.parent.stat().st_mode & 0o777) == 0o700


def test_init_refuses_an_existing_store_and_leaves_it_alone(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.store"
    assert kiosk(*INIT, stdin=PASSPHRASE + "\n", store=path).returncode == 0
    before = path.read_bytes()
    result = kiosk(*INIT, stdin=PASSPHRASE + "\n", store=path)
    assert result.returncode == 1
    assert "already exists" in result.stderr
    assert path.read_bytes() == before


def test_bad_field_is_one_line_naming_the_rule(tmp_path: Path) -> None:
    args = [a if a != "harbourview.care@nhs.net" else "office@example.org" for a in INIT]
    result = kiosk(*args, stdin=PASSPHRASE + "\n", store=tmp_path / "kiosk.store")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "@nhs.net" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "kiosk.store").exists()


def test_short_passphrase_is_refused(tmp_path: Path) -> None:
    result = kiosk(*INIT, stdin="short\n", store=tmp_path / "kiosk.store")
    assert result.returncode == 1
    assert "12" in result.stderr


def test_no_passphrase_without_a_terminal_is_a_user_error(tmp_path: Path) -> None:
    args = [a for a in INIT if a != "--passphrase-stdin"]
    result = kiosk(*args, store=tmp_path / "kiosk.store")
    assert result.returncode == 1
    assert "--passphrase-stdin" in result.stderr


def test_unknown_option_is_refused_without_a_traceback() -> None:
    result = kiosk("--no-such-option")
    assert result.returncode == 2  # argparse's own usage error
    assert "Traceback" not in result.stderr


def test_an_internal_fault_prints_where_but_no_values() -> None:
    script = (
        "import sys, kiosk.cli.nas as nas\n"
        "def run(args):\n"
        "    name, mobile = 'Jane Testperson', '07700900123'\n"
        "    raise ValueError(name + ' ' + mobile)\n"
        "nas.run = run\n"
        "from kiosk.cli import main\n"
        "sys.exit(main(['nas']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 70
    assert "ValueError" in result.stderr and " in run" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Jane" not in result.stderr and "900123" not in result.stderr


def test_store_given_before_or_after_the_subcommand_is_the_same_store(tmp_path: Path) -> None:
    """`kiosk --help` shows --store before the command; it must reach every subcommand."""
    path = tmp_path / "kiosk.store"
    init = [arg for arg in INIT if arg != "init"]
    made = kiosk("--store", str(path), "init", *init, stdin=PASSPHRASE + "\n")
    assert made.returncode == 0, made.stderr
    assert path.exists()
    for where in (["--store", str(path), "status"], ["status", "--store", str(path)]):
        args = [*where, "--admin", "Ann Example", "--passphrase-stdin"]
        result = kiosk(*args, stdin=PASSPHRASE + "\n")
        assert "no store" not in result.stderr.lower(), where
        assert "Harbour View Care Home" in result.stdout, (where, result.stderr)


def test_init_refuses_beside_the_backups_of_a_lost_store(tmp_path: Path) -> None:
    """The store file deleted or moved, its backups/ still there: `kiosk init` must not
    start an empty store next to the care group's history. It names `kiosk restore` (with
    the --store the admin typed) and touches nothing."""
    from tests.screens.test_missing_store import lost_store

    path, newest = lost_store(tmp_path)
    backups = {p.name: p.read_bytes() for p in (path.parent / "backups").iterdir()}
    result = kiosk("--store", str(path), *INIT, stdin=PASSPHRASE + "\n")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert f"kiosk restore {newest} --store {path}" in result.stderr
    assert "Traceback" not in result.stderr
    assert not path.exists()
    assert {p.name: p.read_bytes() for p in (path.parent / "backups").iterdir()} == backups


def test_init_checks_the_toolkit_version_against_the_date(tmp_path: Path) -> None:
    """kiosk init takes a DSPT version through the same rule as the Sites screen
    (kiosk.dspt.check_version): one not open on the publication date is refused."""
    path = tmp_path / "kiosk.store"
    dspt = ["--dspt-status", "met", "--dspt-date", "2026-10-15"]
    result = kiosk(*INIT, *dspt, "--dspt-version", "2027-28", stdin=PASSPHRASE + "\n", store=path)
    assert result.returncode == 1
    assert "2026-27" in result.stderr and "not open yet" in result.stderr
    assert not path.exists()
    made = kiosk(*INIT, *dspt, "--dspt-version", "2026/27", stdin=PASSPHRASE + "\n", store=path)
    assert made.returncode == 0, made.stderr
    from kiosk import records
    from store import Store

    site = records.sites(Store.open(path, "Ann Example", PASSPHRASE).read())[0]
    assert site.dspt_version == "2026-27"


def test_init_names_the_admin_name_rule(tmp_path: Path) -> None:
    """L4: kiosk init checked an admin name as a person's name (100 characters), then the
    store refused a 65-character one with a generic message after the passphrase."""
    path = tmp_path / "kiosk.store"
    args = [a if a != "Ann Example" else "A" * 70 for a in INIT]
    result = kiosk(*args, stdin=PASSPHRASE + "\n", store=path)
    assert result.returncode == 1
    assert "64" in result.stderr and "admin name" in result.stderr.lower()
    assert not path.exists()


def test_plain_kiosk_is_parsed_without_the_subcommands_and_as_the_whole_parser_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Start-up (issue 15): `kiosk [--store PATH] [--demo] [--locale L]` is read without
    registering (importing) every subcommand, with the values the whole parser gives;
    anything else goes to the whole parser, its help and its messages."""
    from kiosk import cli

    registered: list[str] = []
    real_import = cli.importlib.import_module

    def noting_import(name: str) -> object:
        registered.append(name)
        return real_import(name)

    monkeypatch.setattr(cli.importlib, "import_module", noting_import)
    plain = [
        [],
        ["--store", "/srv/kiosk/kiosk.store"],
        ["--store=/srv/x.store", "--demo"],
        ["--locale", "en_XA", "--store", "s"],
    ]
    for argv in plain:
        fast = cli._tui_args(argv)
        assert registered == [], argv
        assert fast is not None, argv
        assert vars(fast) == vars(cli.build_parser().parse_args(argv)), argv
        registered.clear()
    for argv in (
        ["status"],
        ["--store", "s", "nas"],
        ["--help"],
        ["--version"],
        ["--nope"],
        ["--store"],
        ["extra"],
    ):
        assert cli._tui_args(argv) is None, argv
    assert registered == []
