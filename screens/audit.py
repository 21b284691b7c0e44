"""The audit trail: every change, who made it and to which record, newest first, with the
chain's verification result at the top.

The trail is hash-chained by the store: the line at the top says whether every link holds
(and its head hash, which an auditor can note and compare next time, as ``kiosk check``
prints it). Entries hold no personal data, only actions and record numbers, so this screen
is safe to show an inspector. Type in the filter to narrow it (admin, action, table,
record number or detail).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Static

from kiosk import timefmt
from kiosk.i18n import _, ngettext
from kiosk.model import record_label
from screens.widgets.base import KioskScreen
from screens.widgets.footer import Footer
from screens.widgets.header import KioskHeader
from screens.widgets.table import RowFeeder
from screens.widgets.text import Literal, LiteralLabel, LiteralTable

if TYPE_CHECKING:
    from store import AuditEntry


def entry_matches(entry: AuditEntry, words: list[str]) -> bool:
    """Every word of the filter appears somewhere in the entry (case-insensitive)."""
    haystack = " ".join(
        [
            entry.admin,
            entry.action,
            entry.table or "",
            record_label(entry.table, entry.record_id),
            entry.detail,
            str(entry.seq),
        ]
    ).casefold()
    return all(word in haystack for word in words)


class AuditScreen(KioskScreen):
    CSS_PATH = "audit.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", _("Filter")),
        Binding("ctrl+y", "copy_head", _("Copy head hash")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._entries: list[AuditEntry] = []
        self._matching: list[AuditEntry] = []
        self._feeder: RowFeeder[AuditEntry] = RowFeeder(self)
        self._head = ""

    def compose(self) -> ComposeResult:
        yield KioskHeader()
        yield Literal("", id="audit-chain")
        with Horizontal(id="audit-filter-row"):
            yield LiteralLabel(_("Filter (/):"), id="audit-filter-label")
            yield Input(
                placeholder=_("admin, action, record or detail"),
                id="audit-filter",
                compact=True,
            )
        table = LiteralTable(id="audit-table", cursor_type="row")
        table.add_column(_("When"), key="when")
        table.add_column(_("Admin"), key="admin")
        table.add_column(_("Action"), key="action")
        table.add_column(_("Record"), key="record")
        table.add_column(_("Detail"), key="detail")
        yield table
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#audit-table", DataTable).focus()

    def refresh_data(self) -> None:
        store = self.session.store
        report = store.verify_audit()
        self._head = report.head
        chain = self.query_one("#audit-chain", Static)
        if report.ok:
            chain.update(
                Text.assemble(
                    ("\u2714 ", "green"),
                    ngettext(
                        "Audit chain intact: {n} entry. Head {head}",
                        "Audit chain intact: {n} entries. Head {head}",
                        report.length,
                    ).format(n=report.length, head=report.head[:16]),
                )
            )
            chain.remove_class("broken")
        else:
            chain.update(
                Text.assemble(
                    ("\u2716 ", "bold red"),
                    _("Audit chain BROKEN at entry {n}: {message} Run 'kiosk check'.").format(
                        n=report.first_broken, message=report.message
                    ),
                )
            )
            chain.add_class("broken")
        self._entries = list(reversed(store.audit_entries()))
        self._render_rows()
        self.sub_title = _("Audit trail")

    def _render_rows(self) -> None:
        """The matching entries, newest first: the first screenfuls at once and the rest
        in small batches after each refresh (a care group's trail has tens of thousands
        of entries, each with a date to format), so the screen paints at once."""
        words = self.query_one("#audit-filter", Input).value.casefold().split()
        table = self.query_one("#audit-table", DataTable)
        table.clear()
        self._matching = [e for e in self._entries if not words or entry_matches(e, words)]
        self._feeder.feed(self._matching, lambda entries: self._add_entries(table, entries))

    def _add_entries(self, table: DataTable[Any], entries: Sequence[AuditEntry]) -> None:
        for entry in entries:
            table.add_row(
                timefmt.moment(entry.time, "short"),
                entry.admin,
                entry.action,
                record_label(entry.table, entry.record_id),
                entry.detail,
                key=str(entry.seq),
            )

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "audit-filter":
            self._render_rows()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#audit-table", DataTable).focus()

    def action_filter(self) -> None:
        self.query_one("#audit-filter", Input).focus()

    def action_copy_head(self) -> None:
        if self._head:
            self.copy(self._head)
