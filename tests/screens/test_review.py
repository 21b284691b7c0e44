"""The membership review with Pilot: decisions per person, the guard in red with a tick
needed, recording the changes and the date, site by site; and a snapshot."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from textual.widgets import DataTable, Static

from kiosk import records
from kiosk.clock import FixedClock
from kiosk.model import Role
from kiosk.session import Session
from screens.review import ReviewScreen
from screens.widgets.toggles import Check
from tests.fakes import FakeStore
from tests.kiosk.people_fixtures import HARBOUR, MEADOW, active, store_with
from tests.screens.harness import ScreenHarness

NOW = datetime(2026, 11, 24, 10, 0)


def seeded() -> tuple[FakeStore, list[int]]:
    from dataclasses import replace

    store, _sites, ids = store_with(
        active(101, "Olu Owner", {1: Role.OWNER}),
        active(102, "Ola Owner", {1: Role.OWNER, 2: Role.OWNER}),
        active(103, "Mia Member", {1: Role.MEMBER, 2: Role.MEMBER}),
        active(104, "Not Here"),
        sites=(replace(HARBOUR, last_review=date(2026, 8, 1)), MEADOW),
    )
    return store, ids


def harness(store: FakeStore) -> ScreenHarness:
    return ScreenHarness(Session(store, FixedClock(NOW)), ReviewScreen())  # type: ignore[arg-type]


def text_of(app: ScreenHarness, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@pytest.mark.asyncio
async def test_review_walks_everyone_with_access_and_records() -> None:
    store, (olu, _ola, mia, _not_here) = seeded()
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#review-table", DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == [
            "Ola Owner",
            "Olu Owner",
            "Mia Member",
        ]
        assert "Last reviewed 1 Aug 2026; due since 1 Nov 2026." in text_of(app, "#review-intro")
        await pilot.press("k", "x", "o")  # keep Ola, remove Olu, promote Mia
        assert [str(table.get_row_at(i)[2]) for i in range(3)] == ["keep", "✖ remove", "→ owner"]
        assert (
            "After this review: 2 owners and 0 members on record; 2 owners and 0 members can "
            "sign in today."
        ) in text_of(app, "#review-cover")
        assert "fewer than two" not in text_of(app, "#review-problems")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "VZZ02" in app.screen.sub_title  # on to the next site
    db = store.read()
    assert records.person(db, olu).access == {}  # type: ignore[union-attr]
    assert records.person(db, mia).access == {1: Role.OWNER, 2: Role.MEMBER}  # type: ignore[union-attr]
    assert records.site(db, 1).last_review == NOW.date()  # type: ignore[union-attr]
    assert records.site(db, 2).last_review is None  # type: ignore[union-attr]


@pytest.mark.asyncio
async def test_review_guard_needs_a_tick() -> None:
    store, (olu, ola, _mia, _n) = seeded()
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("x", "x")  # remove both owners
        problems = text_of(app, "#review-problems")
        assert "no owner" in problems
        confirm = app.screen.query_one("#review-confirm", Check)
        assert confirm.display is True
        await pilot.press("ctrl+s")
        assert records.site(store.read(), 1).last_review == date(2026, 8, 1)  # type: ignore[union-attr]
        confirm.value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert records.person(store.read(), olu).access == {}  # type: ignore[union-attr]
    assert records.person(store.read(), ola).access == {2: Role.OWNER}  # type: ignore[union-attr]


def test_review_snapshot(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        await pilot.press("k", "x")

    assert snap_compare(harness(seeded()[0]), terminal_size=(80, 24), run_before=run)
