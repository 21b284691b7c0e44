"""The yardstick for kiosk's start-up: the barest Textual app with a Header, a DataTable
and a Footer, run headless, exiting as soon as its first screen has been painted.

Run on its own (``python benchmarks/bare_app.py``) it is one timed process of
``startup_bench.py``; nothing here imports kiosk, so it measures what Textual itself costs
on this machine: the interpreter, Textual's imports, CSS, the first layout and the first
compositor render. Kiosk's target is to stay within 1.2 times this.
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

# A handful of rows, like a small staff list, so the table has something to lay out.
ROWS = (
    ("Margaret Ellison", "owner", "1 day ago"),
    ("Priya Shah", "owner", "3 days ago"),
    ("Thomas Whitfield", "member", "5 days ago"),
    ("Aisha Rahman", "member", "2 days ago"),
)


class BareApp(App[int]):
    """Header, DataTable, Footer: what a minimal table screen costs in Textual alone."""

    BINDINGS = [("q", "quit", "Quit")]  # noqa: RUF012 (Textual's own idiom)

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Name", "Access", "Last activity")
        table.add_rows(ROWS)


class FirstPaintBareApp(BareApp):
    """Exits with status 0 right after the first frame (Textual's Ready event, sent once
    the first screen has been laid out and rendered) and the refresh that follows it."""

    def on_ready(self) -> None:
        self.call_after_refresh(self.exit)


def main() -> int:
    app = FirstPaintBareApp()
    app.run(headless=True, size=(80, 24))
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
