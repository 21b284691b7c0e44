"""The row cursor of the kiosk's lists (sites, requests, calls, admins, backups, reviews).

Every list keys its rows by the record's id and re-reads the store on refresh; these two
keep what "the selected row" means, and where the cursor goes after a refill, the same on
every screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from rich.text import Text
from textual.widget import Widget
from textual.widgets import DataTable

from screens.widgets.text import cell

T = TypeVar("T")


def name_cell(name: str) -> Text:
    """A literal name that, cut to its column, ends in an ellipsis: a cut name never
    passes for a whole one ("Cara Example 0" for "Cara Example 00002")."""
    shown = cell(name)
    shown.overflow = "ellipsis"
    shown.no_wrap = True
    return shown


def cursor_key(table: DataTable[Any]) -> str | None:
    """The key of the row under the cursor; None when the table is empty."""
    if not table.row_count:
        return None
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


def keep_cursor(table: DataTable[Any], row: int) -> bool:
    """After a refill, put the cursor back on ``row`` (the last row if fewer are left).

    ``row`` is ``table.cursor_row`` read before ``table.clear()``. False when the table is
    empty, so a caller focuses the table only when there is a row to act on.
    """
    if not table.row_count:
        return False
    table.move_cursor(row=min(row, table.row_count - 1))
    return True


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells with a visible "…", never silently: a column of
    names or addresses narrower than its longest value shows where the rest went. A width
    of 0 (not known) leaves the text whole."""
    from rich.cells import cell_len, set_cell_size

    if width <= 0 or cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1) + "\u2026"


FIRST_ROWS = 80  # a screenful and more, added at once so the table paints straight away
FILL_BATCH = 150  # the rest, this many after each refresh, so keys are answered meanwhile


class RowFeeder(Generic[T]):
    """Adds a long list's rows a batch at a time after the first screenfuls.

    At 10,000 people a table filled in one go holds the screen for seconds; fed in batches
    it paints at once and keeps answering keys. A new :meth:`feed` (a refill after a
    filter or a save) cancels the batches still due from the previous one, and nothing is
    added once the screen has closed.
    """

    def __init__(self, owner: Widget) -> None:
        self._owner = owner
        self._token = 0

    def feed(
        self, items: Sequence[T], add: Callable[[Sequence[T]], None], first: int = FIRST_ROWS
    ) -> None:
        """Add ``items[:first]`` now through ``add``, and the rest in batches."""
        self._token += 1
        add(items[:first])
        if first < len(items):
            self._owner.call_after_refresh(self._more, self._token, items, add, first)

    def _more(
        self, token: int, items: Sequence[T], add: Callable[[Sequence[T]], None], start: int
    ) -> None:
        if token != self._token or not self._owner.is_attached:
            return  # refilled since, or the screen was closed meanwhile
        end = start + FILL_BATCH
        add(items[start:end])
        if end < len(items):
            self._owner.call_after_refresh(self._more, token, items, add, end)
