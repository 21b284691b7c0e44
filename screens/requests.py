"""Every joiner, leaver and access request sent to NAS: status, days since sent, ticket.

A request open more than five NAS working days is marked ``!`` and the line under the
table gives the FAQ's escalation route (feedback@nhs.net with the ticket reference, or a
Subject Matter Expert on the phone). ``r`` records NAS's answer: done with the date and
ticket (and, for a new account, its NHSmail address), or rejected with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static
from textual.widgets.data_table import ColumnKey

from kiosk import records, timefmt
from kiosk.i18n import _
from kiosk.model import NasRequest, Person, RequestKind, RequestStatus, Site
from kiosk.nas_requests import (
    days_since_sent,
    escalation_advice,
    is_overdue,
    kind_label,
    role_word,
    status_label,
    working_days_open,
)
from screens.dialogs.answer import AnswerDialog
from screens.widgets.base import KioskScreen
from screens.widgets.footer import Footer
from screens.widgets.header import KioskHeader
from screens.widgets.table import FIRST_ROWS, RowFeeder, cursor_key, fit, keep_cursor
from screens.widgets.text import Literal, LiteralTable

PERSON_MIN_WIDTH = 8  # a name cut shorter than this says nothing


class RequestsScreen(KioskScreen):
    CSS_PATH = "requests.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "answer", _("NAS answer")),
        Binding("a", "toggle_all", _("Open/all")),
        Binding("p", "person", _("Person")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._show_all = False
        self._requests: dict[str, NasRequest] = {}
        self._people: dict[int, Person] = {}
        self._sites: dict[int, Site] = {}
        self._feeder: RowFeeder[NasRequest] = RowFeeder(self)

    def compose(self) -> ComposeResult:
        yield KioskHeader()
        table = LiteralTable(id="requests-table", cursor_type="row")
        for key, label in self._labels():
            table.add_column(label, key=key)
        yield table
        yield Literal("", id="request-detail")
        yield Footer()

    @staticmethod
    def _labels() -> list[tuple[str, str]]:
        return [
            ("sent", _("Sent")),
            ("kind", _("Request")),
            ("person", _("Person")),
            ("site", _("Site")),
            ("status", _("Status")),
            ("days", _("Days")),
            ("ticket", _("Ticket")),
        ]

    def _widths(self, rows: list[tuple[str, ...]]) -> list[int]:
        """Each column as wide as its longest value, but the Person column gets only what
        the others leave, so that every other one, the ticket reference above all, is
        shown whole at 80 columns (a cut reference passes for another one); a name cut to
        fit ends in an ellipsis. Set on the columns before the rows are added, so the
        header is drawn at the same widths as the rows straight away."""
        from rich.cells import cell_len

        labels = self._labels()
        widths = [
            max([cell_len(label)] + [cell_len(row[i]) for row in rows])
            for i, (_key, label) in enumerate(labels)
        ]
        person = [key for key, _label in labels].index("person")
        table = self.query_one("#requests-table", DataTable)
        room = table.size.width or self.app.size.width
        if not table.size.height or len(rows) + 1 > table.size.height:
            room -= table.styles.scrollbar_size_vertical  # the rows scroll: keep it free
        left = room - 2 * table.cell_padding * len(widths) - (sum(widths) - widths[person])
        widths[person] = max(PERSON_MIN_WIDTH, min(widths[person], left))
        return widths

    def _cells(self, request: NasRequest, today: date) -> tuple[str, ...]:
        """One request's row, as text (the widths are measured on it before it is shown)."""
        person = self._people.get(request.person_id or 0)
        site = self._sites.get(request.site_id)
        late = is_overdue(request, today)
        return (
            timefmt.day(request.sent, "short"),
            kind_label(request.kind),
            person.full_name if person else "\u2014",
            site.ods_code if site else "?",
            ("! " if late else "") + status_label(request.status),
            str(days_since_sent(request, request.resolved or today)),
            request.ticket or "\u2014",
        )

    def refresh_data(self) -> None:
        db = self.session.db()
        today = self.session.clock.today()
        self._people = {p.id: p for p in records.people(db)}
        self._sites = {s.id: s for s in records.sites(db, include_closed=True)}
        every = records.requests(db)
        shown = every if self._show_all else [r for r in every if r.status is RequestStatus.OPEN]
        shown.sort(key=lambda r: (r.status is not RequestStatus.OPEN, -r.sent.toordinal(), -r.id))
        table = self.query_one("#requests-table", DataTable)
        keep = table.cursor_row
        table.clear()
        self._requests = {str(request.id): request for request in shown}
        rows = [self._cells(request, today) for request in shown]
        widths = self._widths(rows)
        for (key, _label), width in zip(self._labels(), widths, strict=True):
            column = table.columns[ColumnKey(key)]
            column.auto_width = False
            column.width = width
        name_at = [key for key, _label in self._labels()].index("person")
        cells_of = {str(request.id): row for request, row in zip(shown, rows, strict=True)}

        def add(batch: Sequence[NasRequest]) -> None:
            for request in batch:
                cells = list(cells_of[str(request.id)])
                cells[name_at] = fit(cells[name_at], widths[name_at])
                table.add_row(*cells, key=str(request.id))

        # A screenful at once, the rest in batches after each refresh (as People and
        # Logins): at a care group's scale, all requests ("a") are thousands of rows.
        self._feeder.feed(shown, add, first=max(FIRST_ROWS, keep + 1))
        open_count = sum(1 for r in every if r.status is RequestStatus.OPEN)
        self.sub_title = (
            _("All requests ({open} open)").format(open=open_count)
            if self._show_all
            else _("Open requests")
        )
        if keep_cursor(table, keep):
            table.focus()
        self._show_detail()

    def on_resize(self) -> None:
        """The Person column's width depends on the terminal's."""
        if self.kiosk.unlocked:
            self.refresh_data()

    def _current(self) -> NasRequest | None:
        key = cursor_key(self.query_one("#requests-table", DataTable))
        return self._requests.get(key or "")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_answer()

    def _show_detail(self) -> None:
        detail = self.query_one("#request-detail", Static)
        request = self._current()
        if request is None:
            detail.update(
                _("No requests yet.")
                if self._show_all
                else _("No open requests to NAS. a shows all of them.")
            )
            return
        today = self.session.clock.today()
        lines = []
        if request.role is not None or request.kind is RequestKind.ACCESS_CHANGE:
            lines.append(
                _("{kind}: shared mailbox access {role}.").format(
                    kind=kind_label(request.kind), role=role_word(request.role)
                )
            )
        if request.status is RequestStatus.OPEN:
            days = working_days_open(request, today)
            lines.append(
                _("Sent {day}: {n} NAS working days ago. r records NAS's answer.").format(
                    day=timefmt.day(request.sent), n=days
                )
            )
            if is_overdue(request, today):
                lines.append(
                    _("! Open too long: {advice}").format(advice=escalation_advice(request))
                )
        elif request.status is RequestStatus.DONE:
            lines.append(
                _("Done {day}, ticket {ticket}.").format(
                    day=timefmt.day(request.resolved) if request.resolved else "?",
                    ticket=request.ticket or "—",
                )
            )
        else:
            lines.append(
                _("Rejected {day}: {reason}").format(
                    day=timefmt.day(request.resolved) if request.resolved else "?",
                    reason=request.reason,
                )
            )
        detail.update("\n".join(lines))

    def action_toggle_all(self) -> None:
        self._show_all = not self._show_all
        self.refresh_data()

    def action_answer(self) -> None:
        request = self._current()
        if request is None:
            return
        if request.status is not RequestStatus.OPEN:
            self.notify(_("This request already has an answer."), severity="warning")
            return
        person = self._people.get(request.person_id or 0)
        self.app.push_screen(AnswerDialog(request, person), lambda _ok: self.refresh_data())

    def action_person(self) -> None:
        request = self._current()
        if request is None or request.person_id is None:
            return
        self.kiosk.open_screen("people", person_id=request.person_id)
