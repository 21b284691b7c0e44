"""``kiosk reminders``: the report, its JSON shape, the table, and exit statuses.

In-process tests build the report from a FakeStore; the subprocess tests at the end run
the real command against a real encrypted store (the ``kiosk_store`` fixture).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk import records
from kiosk.cli import reminders as cli_reminders
from kiosk.cli.common import UserError
from kiosk.cli.reminders import (
    EXIT_DUE,
    EXIT_NONE_DUE,
    EXIT_OVERDUE,
    as_json,
    as_table,
    build_report,
    parse_as_of,
    parse_within,
)
from kiosk.model import PEOPLE, SITES, Person, PersonStatus, Role, Site
from store import Store
from tests.conftest import KIOSK_ADMIN, KIOSK_PASSPHRASE
from tests.fakes import FakeStore

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 11, 24)


def add_site(store: FakeStore, name: str = "Rose House", **kw: Any) -> int:
    site = Site(name, "VZZ01", "1-000000001", "01632960001", "rose.house@nhs.net", **kw)
    with store.transaction() as tx:
        return records.save(tx, SITES, site, "site.add")


def add_person(store: FakeStore, name: str, days: int | None, **kw: Any) -> int:
    local = name.lower().replace(" ", ".")
    base: dict[str, Any] = {
        "personal_email": f"{local}@example.org",
        "nhsmail": f"{local}@nhs.net",
        "first_login_done": True,
        "last_activity": AS_OF - timedelta(days=days) if days is not None else None,
    }
    base.update(kw)
    person = Person(name, "07700900" + f"{len(name):03d}", **base)
    with store.transaction() as tx:
        return records.save(tx, PEOPLE, person, "person.add")


@pytest.fixture
def fine_store() -> FakeStore:
    store = FakeStore()
    sid = add_site(store)
    add_person(store, "Ann Fine", 2, access={sid: Role.OWNER})
    add_person(store, "Ben Fine", 20, access={sid: Role.MEMBER})
    add_person(store, "Cal Left", 200, status=PersonStatus.LEFT)
    add_person(store, "Dee Nomail", 200, nhsmail=None)
    return store


# ---- option parsing ------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [("0", 0), ("7", 7), (" 30 ", 30), ("99999", 99999)])
def test_within_accepts_whole_days(text: str, value: int) -> None:
    assert parse_within(text) == value


@pytest.mark.parametrize("text", ["-1", "seven", "1.5", "", "100000", "٣"])
def test_within_refuses_naming_the_rule(text: str) -> None:
    with pytest.raises(UserError, match="whole number of days"):
        parse_within(text)


@pytest.mark.parametrize("text", ["24/11/2026", "2026-02-30", "2026-1-5", "today", ""])
def test_as_of_refuses_naming_the_form(text: str) -> None:
    with pytest.raises(UserError, match="YYYY-MM-DD"):
        parse_as_of(text)


def test_as_of_accepts_iso() -> None:
    assert parse_as_of("2028-02-29") == date(2028, 2, 29)


# ---- the report and exit statuses ----------------------------------------------------


def test_nobody_due_exits_0_and_leaves_out_left_and_no_account(fine_store: FakeStore) -> None:
    report = build_report(fine_store.read(), AS_OF, 7)
    assert report.reminders == ()
    assert report.exit_status == EXIT_NONE_DUE
    assert "Nobody needs to sign in within 7 days" in as_table(report)


def test_due_within_the_window_exits_3(fine_store: FakeStore) -> None:
    add_person(fine_store, "Eve Due", 30)  # day 30: last day to act, due not overdue
    report = build_report(fine_store.read(), AS_OF, 7)
    assert [r.person.full_name for r in report.reminders] == ["Eve Due"]
    assert report.exit_status == EXIT_DUE


def test_within_widens_and_narrows_the_window(fine_store: FakeStore) -> None:
    # Ben Fine signed in 20 days ago: 11 days left.
    assert build_report(fine_store.read(), AS_OF, 10).exit_status == EXIT_NONE_DUE
    wide = build_report(fine_store.read(), AS_OF, 11)
    assert [r.person.full_name for r in wide.reminders] == ["Ben Fine"]
    assert wide.exit_status == EXIT_DUE
    add_person(fine_store, "Eve Due", 30)
    assert build_report(fine_store.read(), AS_OF, 0).exit_status == EXIT_NONE_DUE


@pytest.mark.parametrize(("days", "state"), [(31, "inactive"), (61, "deleted"), (91, "gone")])
def test_past_the_30_days_exits_4(fine_store: FakeStore, days: int, state: str) -> None:
    add_person(fine_store, "Eve Due", 30)
    add_person(fine_store, "Fay Late", days)
    report = build_report(fine_store.read(), AS_OF, 7)
    assert report.exit_status == EXIT_OVERDUE
    assert [r.state.state.value for r in report.reminders] == [state, "due_soon"]


def test_as_of_moves_the_day(fine_store: FakeStore) -> None:
    # Ben Fine's day 31 is 11 days after AS_OF.
    later = build_report(fine_store.read(), AS_OF + timedelta(days=11), 7)
    assert later.exit_status == EXIT_OVERDUE


def test_an_unknown_date_counts_as_overdue(fine_store: FakeStore) -> None:
    add_person(fine_store, "Gus Unknown", None)
    report = build_report(fine_store.read(), AS_OF, 7)
    assert report.exit_status == EXIT_OVERDUE
    doc = as_json(report)
    assert doc["people"][0]["date_unknown"] is True
    assert doc["people"][0]["days_left"] is None
    assert "(no date)" in as_table(report)


def test_a_leave_ending_within_the_window_is_due(fine_store: FakeStore) -> None:
    # Disabled 28 Nov 2024: kept 18 months, to 27 May 2026.
    add_person(fine_store, "Hal Away", None, disabled_since=date(2024, 11, 28))
    assert build_report(fine_store.read(), date(2026, 5, 1), 7).exit_status == EXIT_NONE_DUE
    report = build_report(fine_store.read(), date(2026, 5, 22), 7)
    assert report.exit_status == EXIT_DUE
    assert [r.state.state.value for r in report.reminders] == ["disabled"]


# ---- JSON shape and the table ------------------------------------------------------------


def test_json_shape(fine_store: FakeStore) -> None:
    ivy = add_site(fine_store, "Ivy Court")
    pid = add_person(fine_store, "Eve Due", 27, access={1: Role.OWNER, ivy: Role.MEMBER})
    add_person(fine_store, "Fay Late", 95)
    new = add_person(
        fine_store,
        "Joe New",
        None,
        first_login_done=False,
        account_created=AS_OF - timedelta(days=29),
    )
    doc = json.loads(json.dumps(as_json(build_report(fine_store.read(), AS_OF, 7))))
    assert set(doc) == {"as_of", "within_days", "exit_status", "counts", "people"}
    assert doc["as_of"] == "2026-11-24" and doc["within_days"] == 7 and doc["exit_status"] == 4
    assert doc["counts"] == {"gone": 1, "deleted": 0, "inactive": 0, "due_soon": 2, "disabled": 0}
    assert [p["name"] for p in doc["people"]] == ["Fay Late", "Joe New", "Eve Due"]
    eve = doc["people"][2]
    assert doc["people"][1]["status"] == "first_sign_in"
    assert eve == {
        "id": pid,
        "name": "Eve Due",
        "nhsmail": "eve.due@nhs.net",
        "status": "due_soon",
        "sites": [
            {"id": 1, "name": "Rose House", "role": "owner"},
            {"id": ivy, "name": "Ivy Court", "role": "member"},
        ],
        "state": "due_soon",
        "since": "2026-10-28",
        "next_change": "2026-11-28",
        "last_day": "2026-11-27",
        "days_left": 4,
        "never_used": False,
        "date_unknown": False,
        "advice": eve["advice"],
    }
    assert "27 Nov 2026" in eve["advice"]
    gone = doc["people"][0]
    assert gone["state"] == "gone" and gone["next_change"] is None and gone["days_left"] is None
    assert gone["last_day"] is None and gone["since"] == "2026-08-21"
    joe = doc["people"][1]
    assert joe["id"] == new and joe["never_used"] is True and joe["sites"] == []


def test_no_personal_contact_details_anywhere(fine_store: FakeStore) -> None:
    add_person(fine_store, "Eve Due", 30, access={1: Role.OWNER})
    add_person(fine_store, "Fay Late", 95)
    report = build_report(fine_store.read(), AS_OF, 30)
    for text in (as_table(report), json.dumps(as_json(report))):
        assert "07700900" not in text
        assert "example.org" not in text


def test_table(fine_store: FakeStore) -> None:
    add_person(fine_store, "Eve Due", 30, access={1: Role.OWNER})
    add_person(fine_store, "Fay Late", 65)
    lines = as_table(build_report(fine_store.read(), AS_OF, 7)).splitlines()
    assert lines[0] == "As of 24 Nov 2026: 1 account past the 30 days, 1 due within 7 days."
    assert lines[1] == ""
    assert lines[2].split() == ["Name", "NHSmail", "Sites", "State", "Act", "by", "When"]
    assert lines[3].split() == [
        "Fay",
        "Late",
        "fay.late@nhs.net",
        "-",
        "Deleted",
        "19",
        "Dec",
        "2026",
        "in",
        "25",
        "days",
    ]
    assert lines[4].split() == [
        "Eve",
        "Due",
        "eve.due@nhs.net",
        "Rose",
        "House",
        "(owner)",
        "Due",
        "soon",
        "24",
        "Nov",
        "2026",
        "today",
    ]
    # Columns line up: each column starts at the same offset on every line.
    state_at = lines[2].index("State")
    assert lines[3][state_at:].startswith("Deleted") and lines[4][state_at:].startswith("Due")


def test_control_characters_in_a_name_are_not_sent_to_the_terminal(fine_store: FakeStore) -> None:
    person_id = add_person(fine_store, "Eve Due", 30)
    # As an older store file (or a restore) may hold it: the model now refuses to write it.
    with fine_store.transaction() as tx:
        tx.db.table(PEOPLE).update({"full_name": "Eve\x1b]0;pwned\x07 Due"}, doc_ids=[person_id])
    text = as_table(build_report(fine_store.read(), AS_OF, 7))
    assert "\x1b" not in text and "\x07" not in text


def test_run_in_process(
    fine_store: FakeStore, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_person(fine_store, "Eve Due", 30)
    monkeypatch.setattr("kiosk.cli.common.open_store", lambda args: fine_store)
    args = argparse.Namespace(within="7", as_of="2026-11-24", json=True)
    assert cli_reminders.run(args) == EXIT_DUE
    assert json.loads(capsys.readouterr().out)["people"][0]["name"] == "Eve Due"


def test_bad_option_fails_before_asking_for_the_passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not_open(args: argparse.Namespace) -> None:
        raise AssertionError("opened the store")

    monkeypatch.setattr("kiosk.cli.common.open_store", must_not_open)
    with pytest.raises(UserError):
        cli_reminders.run(argparse.Namespace(within="x", as_of=None, json=False))
    with pytest.raises(UserError):
        cli_reminders.run(argparse.Namespace(within="7", as_of="tomorrow", json=False))


# ---- the real command against a real store ------------------------------------------------


def seed(store: Store, people: list[tuple[str, int | None]]) -> Path:
    """Rose House and ``people`` (name, days since last activity) in the real store."""
    with store.transaction() as tx:
        sid = records.save(
            tx,
            SITES,
            Site("Rose House", "VZZ01", "1-000000001", "01632960001", "rose.house@nhs.net"),
            "site.add",
        )
        for name, days in people:
            local = name.lower().replace(" ", ".")
            records.save(
                tx,
                PEOPLE,
                Person(
                    name,
                    "07700900123",
                    personal_email=f"{local}@example.org",
                    nhsmail=f"{local}@nhs.net",
                    access={sid: Role.OWNER},
                    first_login_done=True,
                    last_activity=AS_OF - timedelta(days=days) if days is not None else None,
                ),
                "person.add",
            )
    return store.path


def kiosk(
    home: Path, store_path: Path, *args: str, stdin: str = KIOSK_PASSPHRASE + "\n"
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "KIOSK_STORE": str(store_path),
    }
    command = ["reminders", "--admin", KIOSK_ADMIN, "--passphrase-stdin", *args]
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *command],
        capture_output=True,
        text=True,
        env=env,
        cwd=home,
        input=stdin,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("days", "status"),
    [(29, 3), (30, 3), (31, 4), (61, 4), (91, 4), (20, 0)],
)
def test_exit_status_from_the_real_command(
    kiosk_store: Store, tmp_path: Path, days: int, status: int
) -> None:
    path = seed(kiosk_store, [("Eve Due", days)])
    done = kiosk(tmp_path, path, "--as-of", "2026-11-24")
    assert done.returncode == status, done.stderr
    assert done.stderr == ""
    assert "07700900123" not in done.stdout and "example.org" not in done.stdout
    if status:
        assert "eve.due@nhs.net" in done.stdout
    else:
        assert done.stdout.startswith("Nobody needs to sign in within 7 days")


def test_json_from_the_real_command(kiosk_store: Store, tmp_path: Path) -> None:
    path = seed(kiosk_store, [("Eve Due", 27), ("Fay Late", 40)])
    done = kiosk(tmp_path, path, "--as-of", "2026-11-24", "--within", "3", "--json")
    assert done.returncode == 4, done.stderr
    doc = json.loads(done.stdout)
    assert doc["within_days"] == 3 and doc["exit_status"] == 4
    assert [(p["name"], p["state"]) for p in doc["people"]] == [("Fay Late", "inactive")]
    wide = json.loads(kiosk(tmp_path, path, "--as-of", "2026-11-24", "--json").stdout)
    assert [p["state"] for p in wide["people"]] == ["inactive", "due_soon"]


def test_the_command_changes_nothing(kiosk_store: Store, tmp_path: Path) -> None:
    path = seed(kiosk_store, [("Eve Due", 40)])
    before = path.read_bytes()
    assert kiosk(tmp_path, path, "--as-of", "2026-11-24").returncode == 4
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "stdin", "says"),
    [
        (("--within", "-3"), KIOSK_PASSPHRASE + "\n", "--within"),
        (("--as-of", "24/11/2026"), KIOSK_PASSPHRASE + "\n", "YYYY-MM-DD"),
        ((), "not the passphrase\n", "passphrase"),
    ],
)
def test_user_errors_exit_1_in_one_line(
    kiosk_store: Store, tmp_path: Path, args: tuple[str, ...], stdin: str, says: str
) -> None:
    path = seed(kiosk_store, [("Eve Due", 3)])
    done = kiosk(tmp_path, path, *args, stdin=stdin)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and says in done.stderr
    assert "Traceback" not in done.stderr


def test_no_store_is_a_user_error(tmp_path: Path) -> None:
    done = kiosk(tmp_path, tmp_path / "none" / "kiosk.store", "--as-of", "2026-11-24")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1


def test_table_state_is_the_one_status(fine_store: FakeStore) -> None:
    """A leaver whose account is due shows 'Leaving' in the table, as People and Logins do."""
    add_person(fine_store, "Gil Going", 30, access={1: Role.MEMBER}, status=PersonStatus.LEAVER)
    table = as_table(build_report(fine_store.read(), AS_OF, 7))
    (row,) = [line for line in table.splitlines() if line.startswith("Gil Going")]
    assert "Leaving" in row and "Due soon" not in row
