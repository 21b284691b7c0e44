"""``kiosk import`` and ``kiosk export`` as real processes on a real encrypted store:
import, export with the stderr warning, the round trip, and a bad CSV reported in full
with nothing imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kiosk import records
from kiosk.model import PEOPLE, SITES, Person, Role
from store import AUDIT_TABLE, Store
from tests.conftest import FAST_KDF, KIOSK_ADMIN, KIOSK_PASSPHRASE
from tests.kiosk.people_fixtures import HARBOUR, MEADOW

REPO = Path(__file__).resolve().parents[2]
HEADER = "full_name,personal_mobile,personal_email,nhsmail,access,last_activity"


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk.store"
    store, _code = Store.create(path, KIOSK_ADMIN, KIOSK_PASSPHRASE, kdf=FAST_KDF)
    with store.transaction() as tx:
        records.save(tx, SITES, HARBOUR, "site.add")
        records.save(tx, SITES, MEADOW, "site.add")
        records.save(
            tx,
            PEOPLE,
            Person(
                full_name="Olu Owner",
                personal_mobile="07700900101",
                nhsmail="olu.owner@nhs.net",
                access={1: Role.OWNER},
            ),
            "person.add",
        )
    store.close()
    return path


def kiosk(store_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_COLOR="1")
    env.pop("KIOSK_STORE", None)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            *argv,
            "--store",
            str(store_path),
            "--admin",
            KIOSK_ADMIN,
            "--passphrase-stdin",
        ],
        input=KIOSK_PASSPHRASE + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def people_in(store_path: Path) -> list[Person]:
    store = Store.open(store_path, KIOSK_ADMIN, KIOSK_PASSPHRASE)
    try:
        return records.people(store.read())
    finally:
        store.close()


def test_import_adds_everyone_and_audits_without_personal_data(
    store_path: Path, tmp_path: Path
) -> None:
    csv_file = tmp_path / "staff.csv"
    csv_file.write_text(
        "\ufeff" + HEADER + ",site\n"  # Excel's "CSV UTF-8" starts with a BOM
        "Ann Example,07700 900111,ann@example.org,ann.example@nhs.net,owner,2026-11-20,VZZ01\n"
        "Ravi Patel,07700900295,ravi@example.org,ravi.patel@nhs.net,member,20/11/2026,VZZ01\n"
        "Ravi Patel,07700900295,ravi@example.org,ravi.patel@nhs.net,member,20/11/2026,VZZ02\n",
        encoding="utf-8",
    )
    result = kiosk(store_path, "import", str(csv_file))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Imported 2 people."
    people = {p.full_name: p for p in people_in(store_path)}
    assert people["Ann Example"].access == {1: Role.OWNER}
    assert people["Ravi Patel"].access == {1: Role.MEMBER, 2: Role.MEMBER}
    store = Store.open(store_path, KIOSK_ADMIN, KIOSK_PASSPHRASE)
    try:
        audit = store.read().table(AUDIT_TABLE).all()
    finally:
        store.close()
    entries = [e for e in audit if e.get("action") == "person.add"]
    assert len(entries) == 3  # Olu from the fixture, then Ann and Ravi
    for entry in entries:
        assert "07700" not in json.dumps(entry) and "example.org" not in json.dumps(entry)


def test_bad_csv_is_reported_in_full_and_nothing_is_imported(
    store_path: Path, tmp_path: Path
) -> None:
    rows = [
        "Ann Example,07700900111,ann@example.org,,owner,",  # 2
        "Bob Example,07700900112,bob@example.org,,member,",  # 3
        "Cat Example,07700900113,cat@example.org,,member,",  # 4
        "Dan Example,07700900114,dan@example.org,,member,",  # 5
        "Eve Example,07700900115,eve@example.org,,member,",  # 6
        "Fay Example,0770090011,fay@example.org,,member,",  # 7: bad mobile (10 digits)
        "Gus Example,07700900117,gus@example.org,OLU.OWNER@nhs.net,member,",  # 8: dup of store
        "Bob Again,07700900112,bob2@example.org,,member,",  # 9: duplicate of line 3
    ]
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = kiosk(store_path, "import", str(csv_file))
    assert result.returncode == 1
    err = result.stderr.splitlines()
    assert any(
        line.startswith("line 7, personal_mobile: ") and "[mobile_format]" in line for line in err
    )
    assert any(
        line.startswith("line 8, nhsmail: ") and "[duplicate_nhsmail]" in line for line in err
    )
    assert any(line.startswith("line 9, personal_mobile: ") and "line 3" in line for line in err)
    assert err[-1] == "Nothing was imported: 3 lines have problems."
    assert "Olu Owner" not in result.stderr and "Traceback" not in result.stderr
    assert [p.full_name for p in people_in(store_path)] == ["Olu Owner"]


def test_wrong_columns_are_refused(store_path: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "cols.csv"
    csv_file.write_text("name,phone\nAnn,07700900111\n", encoding="utf-8")
    result = kiosk(store_path, "import", str(csv_file))
    assert result.returncode == 1
    assert result.stderr.startswith("line 1: The header must name the columns")
    assert len(people_in(store_path)) == 1


def test_missing_file_is_one_line(store_path: Path, tmp_path: Path) -> None:
    result = kiosk(store_path, "import", str(tmp_path / "nope.csv"))
    assert result.returncode == 1
    assert result.stderr.strip().startswith("kiosk: There is no file")


def test_export_warns_and_round_trips(store_path: Path, tmp_path: Path) -> None:
    exported = kiosk(store_path, "export")
    assert exported.returncode == 0, exported.stderr
    assert "unencrypted personal data" in exported.stderr
    lines = exported.stdout.splitlines()
    # the documented name for the NHSmail column, and the one status as of today
    assert lines[0] == HEADER.replace(",nhsmail,", ",nhsmail_address,") + ",site,status"
    assert lines[1] == "Olu Owner,07700900101,,olu.owner@nhs.net,owner,,VZZ01,inactive"
    as_json = kiosk(store_path, "export", "--format", "json")
    assert json.loads(as_json.stdout)[0]["nhsmail_address"] == "olu.owner@nhs.net"

    # import the export into a fresh store with the same sites: the same people come back
    fresh = tmp_path / "fresh.store"
    store, _code = Store.create(fresh, KIOSK_ADMIN, KIOSK_PASSPHRASE, kdf=FAST_KDF)
    with store.transaction() as tx:
        records.save(tx, SITES, HARBOUR, "site.add")
        records.save(tx, SITES, MEADOW, "site.add")
    store.close()
    csv_file = tmp_path / "export.csv"
    csv_file.write_text(exported.stdout, encoding="utf-8")
    imported = kiosk(fresh, "import", str(csv_file))
    assert imported.returncode == 0, imported.stderr
    again = kiosk(fresh, "export")
    assert again.stdout == exported.stdout
    # importing the same file again refuses every row as a duplicate
    twice = kiosk(fresh, "import", str(csv_file))
    assert twice.returncode == 1 and "[duplicate_mobile]" in twice.stderr


def test_a_file_over_the_size_limit_is_refused_naming_it(store_path: Path, tmp_path: Path) -> None:
    from kiosk.csv_io import MAX_IMPORT_BYTES

    csv_file = tmp_path / "huge.csv"
    with csv_file.open("w", encoding="utf-8") as handle:
        handle.write(HEADER + "\n")
        handle.truncate(MAX_IMPORT_BYTES + 1)  # sparse: no need to write 20 MB
    result = kiosk(store_path, "import", str(csv_file))
    assert result.returncode == 1
    assert "20 MB or 50,000 rows" in result.stderr
    assert "split it into smaller files" in result.stderr
    assert len(people_in(store_path)) == 1


def test_a_bad_file_is_reported_while_another_admin_holds_the_lock(
    store_path: Path, tmp_path: Path
) -> None:
    """The file is read and checked before the lock is taken: nobody waits on it, and a
    bad file is reported at once even while another admin is saving."""
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text(HEADER + "\nNo Mobile,,,,member,\n", encoding="utf-8")
    other = Store.open(store_path, KIOSK_ADMIN, KIOSK_PASSPHRASE)
    try:
        with other.transaction():
            result = kiosk(store_path, "import", str(csv_file))
    finally:
        other.close()
    assert result.returncode == 1
    assert "line 2, personal_mobile" in result.stderr
    assert "busy" not in result.stderr.lower()
    assert len(people_in(store_path)) == 1


def test_an_import_checked_before_another_admins_save_is_checked_again(
    store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another admin adds someone with the same mobile between the check and the lock:
    the plan is checked again inside the lock and nothing is imported."""
    import argparse

    from kiosk.cli import common as cli_common
    from kiosk.cli import people as cli_people

    csv_file = tmp_path / "one.csv"
    csv_file.write_text(HEADER + "\nNew Example,07700 900555,,,member,\n", encoding="utf-8")
    real_open = cli_common.open_store

    def open_then_other_admin_saves(args: argparse.Namespace) -> Store:
        store = real_open(args)
        real_read = store.read

        def read_then_save() -> Any:
            db = real_read()
            other = Store.open(store_path, KIOSK_ADMIN, KIOSK_PASSPHRASE)
            try:
                with other.transaction() as tx:
                    records.save(
                        tx,
                        PEOPLE,
                        Person(full_name="Same Mobile", personal_mobile="07700900555"),
                        "person.add",
                    )
            finally:
                other.close()
            store.read = real_read  # type: ignore[method-assign]
            return db

        store.read = read_then_save  # type: ignore[method-assign]
        return store

    monkeypatch.setattr(cli_common, "open_store", open_then_other_admin_saves)
    monkeypatch.setattr(cli_common, "read_passphrase", lambda args: KIOSK_PASSPHRASE)
    args = argparse.Namespace(
        file=str(csv_file), store=str(store_path), admin=KIOSK_ADMIN, passphrase_stdin=True
    )
    assert cli_people.run_import(args) == 1
    assert sorted(p.full_name for p in people_in(store_path)) == ["Olu Owner", "Same Mobile"]


def test_an_export_to_a_full_disk_says_the_output_could_not_be_written(store_path: Path) -> None:
    """L5: `kiosk export > file` on a full disk said 'nothing was saved' (the store was
    never asked to save) or claimed nothing at all; it must say the output could not be
    written and exit non-zero."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system to stand for a full disk")
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_COLOR="1")
    env.pop("KIOSK_STORE", None)
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "kiosk", "export", "--store", str(store_path), "--admin",
             KIOSK_ADMIN, "--passphrase-stdin"],
            input=KIOSK_PASSPHRASE + "\n", stdout=full, stderr=subprocess.PIPE, text=True,
            env=env, timeout=120, check=False,
        )
    assert result.returncode != 0
    assert "Output could not be written: No space left on device" in result.stderr
    assert "saved" not in result.stderr and "Exception ignored" not in result.stderr
