"""RowFeeder: long lists reach their table in batches, all of them, and a refill cancels
the batches still due from the fill before it (else a filtered list would grow back)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from screens.widgets.table import FIRST_ROWS, RowFeeder


class FeedApp(App[None]):
    def compose(self) -> ComposeResult:
        table: DataTable[Any] = DataTable()
        table.add_column("n")
        yield table

    def on_mount(self) -> None:
        self.feeder: RowFeeder[int] = RowFeeder(self.screen)

    def add(self, numbers: Sequence[int]) -> None:
        table = self.query_one(DataTable)
        for n in numbers:
            table.add_row(str(n))


async def settle(pilot: Any, rounds: int = 30) -> None:
    for _ in range(rounds):
        await pilot.pause()


async def test_every_row_arrives_in_order_after_the_first_screenful() -> None:
    app = FeedApp()
    async with app.run_test() as pilot:
        table = app.query_one(DataTable)
        app.feeder.feed(list(range(1000)), app.add)
        assert table.row_count == FIRST_ROWS  # at once: the screen paints straight away
        await settle(pilot)
        assert table.row_count == 1000
        assert [table.get_row_at(i)[0] for i in (0, 999)] == ["0", "999"]


async def test_a_refill_cancels_the_batches_of_the_fill_before_it() -> None:
    app = FeedApp()
    async with app.run_test() as pilot:
        table = app.query_one(DataTable)
        app.feeder.feed(list(range(1000)), app.add)
        table.clear()
        app.feeder.feed([7, 8, 9], app.add)
        await settle(pilot)
        assert [table.get_row_at(i)[0] for i in range(table.row_count)] == ["7", "8", "9"]
