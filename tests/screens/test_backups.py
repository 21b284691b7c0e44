"""The Backups screen on a real store: generations with date and admin, restore after a
confirmation (and undo it), a damaged generation refused, the old passphrase asked for
only when needed; and its look at 80x24."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input

from kiosk import records
from kiosk.clock import FixedClock
from kiosk.session import Session
from screens.backups import BackupsScreen, OldPassphraseDialog
from screens.dialogs.confirm import ConfirmDialog
from store import NotOpenable, Store
from tests.screens.harness import ScreenHarness
from tests.screens.stores import ADMIN, three_site_store

NOW = datetime(2026, 5, 20, 10, 0)


def harness(store: Store) -> ScreenHarness:
    return ScreenHarness(Session(store, FixedClock(NOW)), BackupsScreen())


def site_names(store: Store) -> list[str]:
    return [s.name for s in records.sites(store.read())]


def generation_rows(app: ScreenHarness) -> list[list[str]]:
    table = app.screen.query_one("#backups-table", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def test_backups_snapshot(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(harness(three_site_store(tmp_path)), terminal_size=(80, 24))


async def settle(pilot: Any) -> None:
    """Let the restore worker finish and its result reach the screen."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.holds_save
async def test_restore_runs_in_a_worker_and_shows_it_is_working(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = three_site_store(tmp_path)
    release = threading.Event()
    real_restore = store.restore

    def slow_restore(path: Any, *, passphrase: str | None = None) -> None:
        assert threading.current_thread() is not threading.main_thread()
        release.wait(10)
        real_restore(path, passphrase=passphrase)

    monkeypatch.setattr(store, "restore", slow_restore)
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "r", "y")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BackupsScreen)
        assert screen.query_one("#backups-table").loading
        assert "Restoring generation 3" in screen.sub_title
        await pilot.press("r")  # keys still answered; a second restore is not started
        assert app.screen is screen
        release.set()
        await settle(pilot)
        assert not screen.query_one("#backups-table").loading
        assert screen.sub_title == "Backups"
    assert site_names(store) == ["Site 1"]


async def test_restore_after_confirming_and_undo_it(tmp_path: Path) -> None:
    store = three_site_store(tmp_path)
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        rows = generation_rows(app)
        assert [r[0] for r in rows] == ["4", "3", "2", "1"]
        assert rows[0][1:] == ["20/05/2026, 10:00", ADMIN, "intact"]
        await pilot.press("down", "r")  # generation 3: one site
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        assert site_names(store) == ["Site 1", "Site 2", "Site 3"]
        await pilot.press("r", "y")
        await settle(pilot)
        assert site_names(store) == ["Site 1"]
        # the records it replaced are now the newest generation: restoring it undoes it
        assert generation_rows(app)[0][0] == "5"
        await pilot.press("up", "enter", "y")
        await settle(pilot)
        assert site_names(store) == ["Site 1", "Site 2", "Site 3"]
    actions = [e.action for e in store.audit_entries()]
    assert actions[-1] == "store.restore"


async def test_damaged_generation_is_shown_and_refused(tmp_path: Path) -> None:
    store = three_site_store(tmp_path)
    newest = store.generations()[0].path
    data = bytearray(newest.read_bytes())
    data[20] ^= 0x01  # inside the header: its checksum no longer holds
    newest.write_bytes(bytes(data))
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        assert generation_rows(app)[0][3] == "DAMAGED"
        await pilot.press("r")
        assert isinstance(app.screen, BackupsScreen)  # no question: nothing to restore
    assert site_names(store) == ["Site 1", "Site 2", "Site 3"]


async def test_old_passphrase_is_asked_only_when_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = three_site_store(tmp_path)
    calls: list[str | None] = []
    real_restore = store.restore

    def restore(path: Any, *, passphrase: str | None = None) -> None:
        calls.append(passphrase)
        if passphrase is None:
            raise NotOpenable()
        real_restore(path)

    monkeypatch.setattr(store, "restore", restore)
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", "y")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, OldPassphraseDialog)
        assert dialog.query_one("#field-passphrase", Input).password
        dialog.query_one("#field-passphrase", Input).value = "the old one, typed"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BackupsScreen)
    assert calls == [None, "the old one, typed"]
    assert site_names(store) == ["Site 1", "Site 2"]  # generation 4
