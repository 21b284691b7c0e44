"""Every joiner, leaver and access request sent to NAS: status, days since sent, ticket.

A request open more than five NAS working days is marked ``!`` and the line under the
table gives the FAQ's escalation route (feedback@nhs.net with the ticket reference, or a
Subject Matter Expert on the phone). ``r`` records NAS's answer: done with the date and
ticket (and, for a new account, its NHSmail address), or rejected with the reason.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Header, Input, RadioSet, Static

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
from kiosk.people import needs_new_address, record_answer
from kiosk.validators import ValidationError, parse_day
from screens.widgets.base import KioskScreen
from screens.widgets.footer import Footer
from screens.widgets.table import cursor_key, keep_cursor
from screens.widgets.text import Literal, LiteralLabel, LiteralTable
from screens.widgets.toggles import Choice


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

    def compose(self) -> ComposeResult:
        yield Header()
        table = LiteralTable(id="requests-table", cursor_type="row")
        table.add_column(_("Sent"), key="sent")
        table.add_column(_("Request"), key="kind")
        table.add_column(_("Person"), key="person")
        table.add_column(_("Site"), key="site")
        table.add_column(_("Status"), key="status")
        table.add_column(_("Days"), key="days")
        table.add_column(_("Ticket"), key="ticket")
        yield table
        yield Literal("", id="request-detail")
        yield Footer()

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
        self._requests = {}
        for request in shown:
            key = str(request.id)
            self._requests[key] = request
            person = self._people.get(request.person_id or 0)
            site = self._sites.get(request.site_id)
            late = is_overdue(request, today)
            table.add_row(
                timefmt.day(request.sent, "short"),
                kind_label(request.kind),
                person.full_name if person else "—",
                site.ods_code if site else "?",
                ("! " if late else "") + status_label(request.status),
                str(days_since_sent(request, request.resolved or today)),
                request.ticket or "—",
                key=key,
            )
        open_count = sum(1 for r in every if r.status is RequestStatus.OPEN)
        self.sub_title = (
            _("All requests ({open} open)").format(open=open_count)
            if self._show_all
            else _("Open requests")
        )
        if keep_cursor(table, keep):
            table.focus()
        self._show_detail()

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
        from screens.people import PeopleScreen

        self.app.push_screen(PeopleScreen(person_id=request.person_id))


FIELD_FOR_RULE = {
    "reason_required": "reason",
    "day_format": "day",
    "day_invalid": "day",
    "day_before_sent": "day",
    "day_future": "day",
}


class AnswerDialog(ModalScreen[bool]):
    """NAS's answer to one request: done (date, ticket, new NHSmail address) or rejected."""

    CSS_PATH = "requests.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", _("Cancel")),
        Binding("ctrl+s", "save", _("Save")),
    ]

    def __init__(self, request: NasRequest, person: Person | None) -> None:
        super().__init__()
        self._request = request
        self._person = person

    @property
    def _new_account(self) -> bool:
        return needs_new_address(self._request, self._person)

    def compose(self) -> ComposeResult:
        name = self._person.full_name if self._person else _("(no person)")
        with Vertical(id="answer-box"):
            yield Literal(
                _("NAS's answer: {kind} for {name}, sent {day}").format(
                    kind=kind_label(self._request.kind),
                    name=name,
                    day=timefmt.day(self._request.sent),
                ),
                id="answer-title",
                markup=False,
            )
            with RadioSet(id="answer-outcome"):
                yield Choice(_("Done"), id="outcome-done", value=True)
                yield Choice(_("Rejected"), id="outcome-rejected")
            yield LiteralLabel(_("Date of NAS's answer"), classes="field-label")
            yield Input(id="answer-day")
            yield Literal("", id="answer-day-error", classes="field-error")
            yield LiteralLabel(_("Ticket reference"), classes="field-label")
            yield Input(id="answer-ticket", placeholder=_("e.g. INC1234567"))
            yield LiteralLabel(
                _("The new NHSmail address (the username NAS gave)"),
                classes="field-label",
                id="answer-nhsmail-label",
            )
            yield Input(id="answer-nhsmail", placeholder=_("e.g. ann.example@nhs.net"))
            yield Literal("", id="answer-nhsmail-error", classes="field-error")
            yield LiteralLabel(
                _("Why NAS rejected it"), classes="field-label", id="answer-reason-label"
            )
            yield Input(id="answer-reason")
            yield Literal("", id="answer-reason-error", classes="field-error")
            yield Literal("", id="answer-error", classes="field-error")
        yield Footer()

    def on_mount(self) -> None:
        today = self.app.session.clock.today()  # type: ignore[attr-defined]
        self.query_one("#answer-day", Input).value = today.isoformat()
        # The reference NAS gave when the request was logged: kept, and shown to confirm.
        self.query_one("#answer-ticket", Input).value = self._request.ticket
        self._show_fields()
        self.query_one("#answer-outcome", RadioSet).focus()

    def _done(self) -> bool:
        pressed = self.query_one("#answer-outcome", RadioSet).pressed_button
        return pressed is None or pressed.id == "outcome-done"

    def _show_fields(self) -> None:
        done = self._done()
        for suffix in ("-label", "", "-error"):
            self.query_one(f"#answer-nhsmail{suffix}").display = done and self._new_account
            self.query_one(f"#answer-reason{suffix}").display = not done

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self._show_fields()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self.app.run_action("save", self)  # a failed save: told, dialog kept

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_save(self) -> None:
        errors = {name: "" for name in ("day", "nhsmail", "reason", "")}
        store = self.app.session.store  # type: ignore[attr-defined]
        try:
            day = parse_day(self.query_one("#answer-day", Input).value)
            nhsmail = self.query_one("#answer-nhsmail", Input).value.strip()
            record_answer(
                store,
                self._request.id,
                done=self._done(),
                day=day,
                ticket=self.query_one("#answer-ticket", Input).value,
                reason=self.query_one("#answer-reason", Input).value,
                nhsmail=nhsmail if self._done() and self._new_account and nhsmail else None,
            )
        except ValidationError as error:
            field = FIELD_FOR_RULE.get(error.rule, "")
            if error.rule.startswith("nhsmail") or error.rule == "duplicate_nhsmail":
                field = "nhsmail"
            errors[field] = error.message
            for name, text in errors.items():
                suffix = f"-{name}-error" if name else "-error"
                self.query_one(f"#answer{suffix}", Static).update(text)
            return
        self.notify(_("NAS's answer recorded."))
        self.dismiss(True)
