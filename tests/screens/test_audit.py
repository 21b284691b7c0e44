"""The Audit screen on a real store: every change newest first, the filter, the chain's
verdict at the top (intact, and broken after an insider edits an entry), at 80x24."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static

from kiosk.clock import FixedClock
from kiosk.session import Session
from screens.audit import AuditScreen
from store import AUDIT_TABLE, Store, WrongPassphrase
from tests.screens.harness import ScreenHarness
from tests.screens.stores import ADMIN, PASSPHRASE, three_site_store
from tests.store.helpers import rewrite

NOW = datetime(2026, 5, 20, 10, 0)


def harness(store: Store) -> ScreenHarness:
    return ScreenHarness(Session(store, FixedClock(NOW)), AuditScreen())


def table_rows(app: ScreenHarness) -> list[list[str]]:
    table = app.screen.query_one("#audit-table", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def test_audit_snapshot(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(harness(three_site_store(tmp_path)), terminal_size=(80, 24))


async def test_every_entry_newest_first_and_the_chain_verdict(tmp_path: Path) -> None:
    store = three_site_store(tmp_path)
    app = harness(store)
    async with app.run_test(size=(80, 24)):
        rows = table_rows(app)
        assert [r[2] for r in rows] == ["site.add"] * 3 + ["admin.add", "store.create"]
        assert rows[0][1] == ADMIN and rows[0][3] == "Site #3"
        assert rows[0][0] == "20/05/2026, 10:00"  # London time of 09:00 UTC in May
        chain = str(app.screen.query_one("#audit-chain", Static).render())
        assert "intact: 5 entries" in chain and store.audit_head[:16] in chain


async def test_filter_narrows_and_slash_focuses_it(tmp_path: Path) -> None:
    app = harness(three_site_store(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.screen.focused is app.screen.query_one("#audit-table", DataTable)
        await pilot.press("slash", "b", "e", "a")
        assert app.screen.query_one("#audit-filter", Input).value == "bea"
        assert [r[2] for r in table_rows(app)] == ["admin.add"]
        app.screen.query_one("#audit-filter", Input).value = "sites #2"
        await pilot.pause()
        assert [r[3] for r in table_rows(app)] == ["Site #2"]
        app.screen.query_one("#audit-filter", Input).value = ""
        await pilot.pause()
        assert len(table_rows(app)) == 5


async def test_an_edited_entry_shows_as_broken(tmp_path: Path) -> None:
    store = three_site_store(tmp_path)
    key = bytes(store._data_key or b"")  # an insider holding the key, as in tests/store

    def edit(body: dict[str, Any]) -> None:
        body["db"][AUDIT_TABLE]["2"]["detail"] = "Someone Else"

    store.close()
    rewrite(store.path, key, edit)
    reopened = Store.open(store.path, ADMIN, PASSPHRASE)
    app = harness(reopened)
    async with app.run_test(size=(80, 24)):
        chain = app.screen.query_one("#audit-chain", Static)
        assert "BROKEN at entry 2" in str(chain.render())
        assert chain.has_class("broken")


async def test_failed_unlock_attempts_are_listed(tmp_path: Path) -> None:
    store = three_site_store(tmp_path)
    store.close()
    for guess in ("wrong guess one", "wrong guess two"):
        with pytest.raises(WrongPassphrase):
            Store.open(store.path, ADMIN, guess)
    reopened = Store.open(store.path, ADMIN, PASSPHRASE)
    app = harness(reopened)
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.query_one("#audit-filter", Input).value = "unlock.failed"
        await pilot.pause()
        rows = table_rows(app)
        assert [(r[1], r[2]) for r in rows] == [(ADMIN, "unlock.failed")] * 2
        assert all("guess" not in " ".join(r) for r in rows)  # the typed text is never kept
