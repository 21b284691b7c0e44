"""One truth about cover: the same people at lifecycle days 0, 30, 31, 61, 91, disabled,
first sign-in pending and leaver, and every place that shows them agrees on every person
and every site: the dashboard, the guards, People, Logins, ``kiosk reminders --json`` and
``kiosk status --json`` (the last two run as the real command on a real store)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable

from kiosk import records
from kiosk.clock import LONDON, FixedClock
from kiosk.coverage import AccessChange, amber, cover_sentence, coverage, guard
from kiosk.dashboard import build_dashboard
from kiosk.lifecycle import PersonCode, person_status
from kiosk.model import PEOPLE, SITES, DsptStatus, Person, PersonStatus, Role, Site
from kiosk.session import Session
from screens.people import PeopleScreen
from screens.reminders import RemindersScreen
from store import Store
from tests.conftest import KIOSK_ADMIN, KIOSK_PASSPHRASE
from tests.screens.harness import ScreenHarness

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)
ROSE, IVY = 1, 2

# name: (person fields, access, the one status expected)
PEOPLE_SPEC: dict[str, tuple[dict[str, Any], dict[int, Role], PersonCode]] = {
    "Ada Day0": ({"last_activity": TODAY}, {ROSE: Role.OWNER, IVY: Role.MEMBER}, PersonCode.ACTIVE),
    "Ben Day30": (
        {"last_activity": TODAY - timedelta(days=30)},
        {ROSE: Role.OWNER},
        PersonCode.DUE_SOON,
    ),
    "Cal Day31": (
        {"last_activity": TODAY - timedelta(days=31)},
        {ROSE: Role.MEMBER, IVY: Role.OWNER},
        PersonCode.INACTIVE,
    ),
    "Dan Day61": (
        {"last_activity": TODAY - timedelta(days=61)},
        {ROSE: Role.MEMBER},
        PersonCode.DELETED,
    ),
    "Eve Day91": (
        {"last_activity": TODAY - timedelta(days=91)},
        {ROSE: Role.OWNER, IVY: Role.OWNER},
        PersonCode.GONE,
    ),
    "Fay Disabled": (
        {"last_activity": TODAY - timedelta(days=3), "disabled_since": TODAY - timedelta(days=2)},
        {ROSE: Role.MEMBER},
        PersonCode.DISABLED,
    ),
    "Gus New": (
        {
            "first_login_done": False,
            "account_created": TODAY - timedelta(days=4),
            "last_activity": None,
        },
        {ROSE: Role.OWNER},
        PersonCode.FIRST_SIGN_IN,
    ),
    "Hal Leaver": (
        {
            "last_activity": TODAY - timedelta(days=1),
            "status": PersonStatus.LEFT,
            "leaver_marked": TODAY - timedelta(days=1),
        },
        {ROSE: Role.OWNER},
        PersonCode.LEFT,
    ),
}
USABLE = {"Ada Day0", "Ben Day30"}
# site: (owners, members, usable owners, usable members) on the day
COUNTS = {ROSE: (5, 3, 2, 0), IVY: (2, 1, 0, 1)}


@pytest.fixture
def world(kiosk_store: Store) -> tuple[Store, dict[str, int]]:
    ids: dict[str, int] = {}
    with kiosk_store.transaction() as tx:
        for name, ods, mailbox in (
            ("Rose House", "VZZ01", "rose.house@nhs.net"),
            ("Ivy Court", "VZZ02", "ivy.court@nhs.net"),
        ):
            records.save(
                tx,
                SITES,
                Site(
                    name,
                    ods,
                    "1-000000001",
                    "01632960001",
                    mailbox,
                    dspt_status=DsptStatus.MET,
                    dspt_published=date(2026, 10, 15),
                    dspt_version="2026-27",
                ),
                "site.add",
            )
        for n, (name, (fields, access, _code)) in enumerate(PEOPLE_SPEC.items()):
            local = name.lower().replace(" ", ".")
            person = Person(
                name,
                f"07700900{n:03d}",
                personal_email=f"{local}@example.org",
                nhsmail=f"{local}@nhs.net",
                access=access,
                **{"first_login_done": True, **fields},
            )
            ids[name] = records.save(tx, PEOPLE, person, "person.add")
    return kiosk_store, ids


def kiosk(home: Path, store: Store, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "KIOSK_STORE": str(store.path),
    }
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args, "--admin", KIOSK_ADMIN, "--passphrase-stdin"],
        capture_output=True,
        text=True,
        env=env,
        cwd=home,
        input=KIOSK_PASSPHRASE + "\n",
        timeout=120,
        check=False,
    )


def test_the_domain_verdicts(world: tuple[Store, dict[str, int]]) -> None:
    store, _ids = world
    people = records.people(store.read())
    for person in people:
        verdict = person_status(person, TODAY)
        assert verdict.code is PEOPLE_SPEC[person.full_name][2], person.full_name
        assert verdict.can_sign_in is (person.full_name in USABLE), person.full_name
    for site_id, counts in COUNTS.items():
        cover = coverage(site_id, people, TODAY)
        assert (cover.owners, cover.members, cover.usable_owners, cover.usable_members) == counts


def test_dashboard_and_guards_agree(world: tuple[Store, dict[str, int]]) -> None:
    store, ids = world
    db = store.read()
    people = records.people(db)
    board = build_dashboard(db, NOW)
    texts = [line.text for s in board.sites for line in s.lines]
    for site_id in COUNTS:
        sentence = cover_sentence(coverage(site_id, people, TODAY))
        assert any(sentence in t for t in texts)
    assert "ivy.court@nhs.net" in board.top[0].text and board.top[0].target == "scripts"
    assert not any("rose.house@nhs.net (Rose House): follow" in line.text for line in board.top)
    assert any(
        "Remove Hal Leaver's access to rose.house@nhs.net" in line.text for line in board.top
    )
    # logins: only usable-or-not accounts of people with access, leavers left out
    rose = next(s for s in board.sites if s.site.id == ROSE)
    assert any("Logins: 3 overdue, 1 due within 7 days" in line.text for line in rose.lines)
    # guards: the dead owners on record do not protect Rose House
    ada_leaves = AccessChange(ids["Ada Day0"], None, None)
    assert guard(ROSE, people, ada_leaves, TODAY) == [
        "fewer than two people can sign in to the shared mailbox today"
    ]
    assert amber(ROSE, people, ada_leaves, TODAY)  # one usable owner left: Ben
    assert guard(IVY, people, ada_leaves, TODAY) == []  # Ivy Court was already red
    without_ada = [p for p in people if p.id != ids["Ada Day0"]]
    warnings = guard(ROSE, without_ada, AccessChange(ids["Ben Day30"], None, None), TODAY)
    assert any("no owner can sign in today" in w for w in warnings)
    # removing a dead owner or the leaver changes nothing that counts
    for name in ("Eve Day91", "Hal Leaver", "Gus New"):
        assert guard(ROSE, people, AccessChange(ids[name], ROSE, None), TODAY) == []


@pytest.mark.asyncio
async def test_people_and_logins_agree(world: tuple[Store, dict[str, int]]) -> None:
    store, ids = world
    session = Session(store, FixedClock(NOW))
    app = ScreenHarness(session, PeopleScreen())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#people-table", DataTable)
        for name, (_fields, _access, code) in PEOPLE_SPEC.items():
            person = records.person(store.read(), ids[name])
            assert person is not None
            row = [str(c) for c in table.get_row(str(ids[name]))]
            assert person_status(person, TODAY).label in row, name
            assert person_status(person, TODAY).code is code
        assert "VZZ01: 2/5 owners, 0/3 members can sign in" in app.screen.sub_title
        assert "VZZ02: 0/2 owners, 1/1 members can sign in" in app.screen.sub_title
    app = ScreenHarness(session, RemindersScreen())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RemindersScreen)
        shown = {person.full_name: state for person, state in screen._rows.values()}
        assert "Hal Leaver" not in shown  # left: the lifecycle no longer applies
        for name, state in shown.items():
            person = records.person(store.read(), ids[name])
            assert person is not None
            verdict = person_status(person, TODAY)
            assert verdict.account is not None and state.state is verdict.account.state, name


def test_kiosk_reminders_and_kiosk_status_agree(
    world: tuple[Store, dict[str, int]], tmp_path: Path
) -> None:
    store, ids = world
    people = {p.id: p for p in records.people(store.read())}
    done = kiosk(tmp_path, store, "reminders", "--as-of", "2026-11-24", "--json")
    assert done.returncode == 4, done.stderr
    for entry in json.loads(done.stdout)["people"]:
        verdict = person_status(people[entry["id"]], TODAY)
        assert entry["status"] == verdict.code.value, entry["name"]
        assert verdict.account is not None and entry["state"] == verdict.account.state.value
    done = kiosk(tmp_path, store, "status", "--as-of", "2026-11-24", "--json")
    assert done.returncode == 4, done.stderr  # Ivy Court has no owner who can sign in
    doc = json.loads(done.stdout)
    assert doc["exit_status"] == 4 and doc["as_of"] == "2026-11-24"
    by_site = {s["id"]: s for s in doc["sites"]}
    assert set(by_site) == set(COUNTS)
    for site_id, (owners, members, usable_owners, usable_members) in COUNTS.items():
        cover = by_site[site_id]["cover"]
        assert (
            cover["owners"],
            cover["members"],
            cover["usable_owners"],
            cover["usable_members"],
        ) == (owners, members, usable_owners, usable_members)
        for entry in by_site[site_id]["people"]:
            verdict = person_status(people[entry["id"]], TODAY)
            assert entry["status"] == verdict.code.value
            assert entry["can_sign_in"] is verdict.can_sign_in
    assert by_site[ROSE]["cover"]["level"] == "ok" and by_site[ROSE]["exit_status"] == 3
    assert by_site[IVY]["cover"]["level"] == "bad" and by_site[IVY]["exit_status"] == 4
    assert by_site[ROSE]["access_to_remove"] == [{"id": ids["Hal Leaver"], "name": "Hal Leaver"}]
    assert by_site[ROSE]["logins"] == {"overdue": 3, "due": 1}
