"""The Report screen with Pilot on a real encrypted demo store: what the report will hold,
writing the report and the call card into the drafts folder (0600, never a typed path,
audited), switching site, Escape, hostile names shown literally, 80x24 with NO_COLOR=1, and
one snapshot."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk import demo, records
from kiosk.clock import FixedClock
from kiosk.model import PEOPLE, SITES
from kiosk.report import ACTION_ASSURANCE, ACTION_CARD
from kiosk.session import Session
from screens.report import ReportScreen
from screens.widgets.text import Literal
from store import Store
from tests.conftest import FAST_KDF, KIOSK_ADMIN, KIOSK_PASSPHRASE
from tests.screens.harness import ScreenHarness

NOW = datetime(2026, 11, 24, 10, 30)
STORE_TIME = datetime(2026, 11, 24, 9, 15, tzinfo=UTC)
HOSTILE = "[bold]Crash[/] <script>x</script>"


@pytest.fixture
def demo_store(tmp_path: Path) -> Iterator[Store]:
    store, _code = Store.create(
        tmp_path / "k" / "kiosk.store",
        KIOSK_ADMIN,
        KIOSK_PASSPHRASE,
        kdf=FAST_KDF,
        now=lambda: STORE_TIME,
    )
    demo.populate(store, NOW.date())
    yield store
    store.close()


def harness(store: Store) -> ScreenHarness:
    return ScreenHarness(
        Session(store, clock=FixedClock(NOW)), ReportScreen(), store_path=store.path
    )


def text_of(app: ScreenHarness, selector: str) -> str:
    return str(app.screen.query_one(selector, Literal).render())


def drafts(store: Store) -> list[Path]:
    folder = store.path.parent / "drafts"
    return sorted(folder.iterdir()) if folder.exists() else []


async def test_shows_what_the_report_will_hold(demo_store: Store) -> None:
    app = harness(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        scope = text_of(app, "#report-scope")
        assert "every site" in scope and "never personal mobiles" in scope
        sites = text_of(app, "#report-sites")
        assert "Harbour View Care Home (VZZ01)" in sites and "Meadowbank Lodge (VZZ02)" in sites
        assert "Access register: 15 people" in sites
        assert "only one owner can sign in today" in sites  # Meadowbank's warning
        assert "audit chain intact" in text_of(app, "#report-assurance")
        assert drafts(demo_store) == []  # looking writes nothing


async def test_r_writes_the_report_into_drafts_audited(demo_store: Store) -> None:
    app = harness(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        written = drafts(demo_store)
        assert [p.name for p in written] == ["report-all-sites-2026-11-24.html"]
        assert stat.S_IMODE(written[0].stat().st_mode) == 0o600
        assert stat.S_IMODE(written[0].parent.stat().st_mode) == 0o700
        html = written[0].read_text(encoding="utf-8")
        assert "Shared mailbox access and assurance report" in html
        assert "Meadowbank Lodge" in html
        assert str(written[0]) in text_of(app, "#report-written")
        last = demo_store.audit_entries()[-1]
        assert (last.action, last.detail, last.admin) == (
            ACTION_ASSURANCE,
            "VZZ01,VZZ02",
            KIOSK_ADMIN,
        )
        await pilot.press("r")  # a second one never overwrites the first
        await pilot.pause()
        assert len(drafts(demo_store)) == 2


async def test_w_then_c_writes_one_sites_call_card(demo_store: Store) -> None:
    app = harness(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert "Meadowbank Lodge" in text_of(app, "#report-scope")
        assert "Harbour View" not in text_of(app, "#report-sites")
        await pilot.press("c")
        await pilot.pause()
        written = drafts(demo_store)
        assert [p.name for p in written] == ["call-card-VZZ02-2026-11-24.html"]
        assert '<section class="card">' in written[0].read_text(encoding="utf-8")
        last = demo_store.audit_entries()[-1]
        assert (last.action, last.detail) == (ACTION_CARD, "VZZ02")
        await pilot.press("w")  # back round to every site
        await pilot.pause()
        assert "every site" in text_of(app, "#report-scope")


async def test_escape_goes_back(demo_store: Store) -> None:
    app = harness(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ReportScreen)


async def test_a_drafts_symlink_is_refused_and_says_nothing_was_saved(
    demo_store: Store, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (demo_store.path.parent / "drafts").symlink_to(elsewhere)
    app = harness(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert list(elsewhere.iterdir()) == []
        assert text_of(app, "#report-written") == ""
        assert any("Nothing was saved" in str(n.message) for n in app._notifications)


async def test_hostile_stored_names_are_shown_literally(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    with demo_store.transaction() as tx:
        site = records.sites(tx.db)[0]
        records.save(tx, SITES, replace(site, name=HOSTILE), "site.edit")
        person = records.people(tx.db)[0]
        records.save(tx, PEOPLE, replace(person, full_name=HOSTILE), "person.edit")
    app = harness(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert HOSTILE in text_of(app, "#report-sites")
        await pilot.press("r")
        await pilot.pause()
        html = drafts(demo_store)[0].read_text(encoding="utf-8")
        assert "<script>x" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def test_report_screen_snapshot(demo_store: Store, snap_compare, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(harness(demo_store), terminal_size=(80, 24))
