"""Tickets (the screen users open with t): every call and email to NAS, its ticket, status
and follow-up.

A ticket NAS has not resolved by its follow-up day is marked "!" in words and symbol (it
must read the same with NO_COLOR=1), and the escalation script is one key away with the
ticket's reference and call time already filled in. Contacts made outside a script (an
email sent from Outlook, a call NAS made back) are added by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import DataTable, Select, Static

from kiosk import records, scripts, tickets, timefmt
from kiosk.forms import FieldErrors
from kiosk.i18n import _
from kiosk.model import Channel, Site, TicketEntry, TicketStatus
from kiosk.nas_hours import parse_london
from kiosk.validators import ValidationError, parse_day
from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.field_dialog import (
    Field,
    FieldDialog,
    day_text,
    form_errors,
    optional_value,
)
from screens.widgets.base import KioskScreen
from screens.widgets.footer import Footer
from screens.widgets.header import KioskHeader
from screens.widgets.saving import save_in_thread
from screens.widgets.table import cursor_key
from screens.widgets.text import Literal, LiteralLabel, LiteralSelect, LiteralTable


class TicketsScreen(KioskScreen):
    CSS_PATH = "tickets.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", _("Add")),
        Binding("s", "status", _("Status")),
        Binding("d", "edit", _("Edit")),
        Binding("f", "follow_up", _("Follow-up")),
        Binding("e", "escalate", _("Escalate")),
    ]

    def __init__(self, contact_id: int | None = None) -> None:
        """``contact_id`` selects that contact; otherwise the oldest overdue ticket is."""
        super().__init__()
        self._select = contact_id
        self._contacts: dict[str, TicketEntry] = {}

    def compose(self) -> ComposeResult:
        yield KioskHeader()
        table = LiteralTable(id="tickets-table", cursor_type="row")
        table.add_column(_("When"), key="when")
        table.add_column(_("How"), key="how")
        table.add_column(_("About"), key="script")
        table.add_column(_("Ticket"), key="ticket")
        table.add_column(_("Status"), key="status")
        table.add_column(_("Follow up"), key="follow_up")
        yield table
        yield Literal("", id="ticket-detail")
        yield Footer()

    def refresh_data(self) -> None:
        self.sub_title = _("Calls and tickets")
        db = self.session.db()
        today = self.session.clock.today()
        log = tickets.log(db)
        late = tickets.overdue_followups(log, today)
        overdue = {c.id for c in late}
        table = self.query_one("#tickets-table", DataTable)
        current = self._current()
        if self._select is None and current is None and late:
            self._select = late[0].id  # opened from the dashboard: the ticket to escalate
        keep = self._select if self._select is not None else (current.id if current else None)
        self._select = None
        table.clear()
        self._contacts = {}
        for entry in log:
            key = str(entry.id)
            self._contacts[key] = entry
            if entry.follow_up is None:
                follow: str | Text = ""
            elif entry.id in overdue:
                follow = Text("! " + timefmt.day(entry.follow_up, "short"), style="bold red")
            else:
                follow = timefmt.day(entry.follow_up, "short")
            table.add_row(
                timefmt.moment(entry.at, "short"),
                tickets.channel_label(entry.channel),
                tickets.script_label(entry.script),
                entry.ticket or "-",
                tickets.status_label(entry.status),
                follow,
                key=key,
            )
        if table.row_count:
            keys = list(self._contacts)
            row = keys.index(str(keep)) if keep is not None and str(keep) in keys else 0
            table.move_cursor(row=row)
        table.focus()
        self._show_detail()
        self.refresh_bindings()

    def _current(self) -> TicketEntry | None:
        key = cursor_key(self.query_one("#tickets-table", DataTable))
        return self._contacts.get(key or "")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()
        self.refresh_bindings()

    def _show_detail(self) -> None:
        detail = self.query_one("#ticket-detail", Static)
        entry = self._current()
        if entry is None:
            detail.update(
                _("No calls or emails to NAS yet. Press a to add one, or use the call scripts.")
            )
            return
        today = self.session.clock.today()
        site = records.site(self.session.db(), entry.site_id)
        lines = [
            _("{how} on {when} for {site}").format(
                how=tickets.channel_label(entry.channel),
                when=scripts.when_text(entry.at),
                site=site.name if site else "?",
            )
        ]
        if entry.follow_up is not None and tickets.is_unresolved(entry):
            due = timefmt.relative_days(entry.follow_up, today)
            if entry.follow_up < today:
                lines.append(_("! Follow-up was due {due}: press e to escalate.").format(due=due))
            else:
                lines.append(_("Follow up {due}.").format(due=due))
        if entry.notes:
            lines.append(_("Notes: {notes}").format(notes=entry.notes))
        detail.update(Text("\n".join(lines)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("status", "edit", "follow_up", "escalate"):
            entry = self._contacts and self._current()
            if not entry:
                return False
            if action == "escalate":
                return tickets.is_unresolved(entry)
        return True

    # -- actions ----------------------------------------------------------------------------

    def action_status(self) -> None:
        """The next status (open, waiting, resolved), after a confirmation: it changes every
        contact of the ticket and goes into the audit trail."""
        entry = self._current()
        if entry is None:
            return
        new = tickets.next_status(entry.status)

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            store = self.session.store

            def changed(_result: object) -> None:
                self.notify(_("Ticket set to {status}.").format(status=tickets.status_label(new)))
                self.refresh_data()

            save_in_thread(self, lambda: tickets.set_status(store, entry.id, new), changed)

        self.app.push_screen(
            ConfirmDialog(
                _("Change the ticket's status"),
                _(
                    "Set ticket {ticket} to {status}? Every call and email logged with it "
                    "changes too, and the change is audited."
                ).format(
                    ticket=entry.ticket or _("(no reference)"),
                    status=tickets.status_label(new),
                ),
                _("set it to {status}").format(status=tickets.status_label(new)),
            ),
            answered,
        )

    def action_edit(self) -> None:
        entry = self._current()
        if entry is not None:
            self.app.push_screen(EditTicketDialog(entry), self._changed)

    def action_follow_up(self) -> None:
        entry = self._current()
        if entry is not None:
            self.app.push_screen(FollowUpDialog(entry), self._changed)

    def action_add(self) -> None:
        sites = records.sites(self.session.db())
        if not sites:
            self.notify(_("Add a site first: every contact belongs to one."), severity="warning")
            return
        now = self.session.clock.now()
        self.app.push_screen(AddContactDialog(sites, now.strftime("%Y-%m-%d %H:%M")), self._added)

    def _added(self, saved: TicketEntry | None) -> None:
        if saved is not None:
            self._select = saved.id
            self.notify(_("Contact added."))
            self.refresh_data()

    def _changed(self, saved: TicketEntry | None) -> None:
        if saved is not None:
            self.refresh_data()

    def action_escalate(self) -> None:
        entry = self._current()
        if entry is None:
            return
        from screens.script_run import ScriptRunScreen

        self.app.push_screen(
            ScriptRunScreen(tickets.SCRIPT_ESCALATE, site_id=entry.site_id, contact_id=entry.id)
        )


class EditTicketDialog(FieldDialog[TicketEntry]):
    """Correct a contact's ticket reference and notes; the change is audited."""

    def __init__(self, entry: TicketEntry) -> None:
        super().__init__(
            _("Edit the ticket"),
            [
                Field("ticket", _("Ticket reference"), entry.ticket, _("e.g. INC0123456")),
                Field("notes", _("Notes"), entry.notes),
            ],
        )
        self._entry = entry

    def submit(self, values: dict[str, str]) -> TicketEntry | None:
        store, entry_id = self.session.store, self._entry.id
        self.save_then_close(
            lambda: tickets.edit_ticket(store, entry_id, values["ticket"], values["notes"]),
            form_errors,
        )
        return None


class FollowUpDialog(FieldDialog[TicketEntry]):
    """The day to chase NAS if the ticket is still unresolved; empty clears it."""

    def __init__(self, entry: TicketEntry) -> None:
        super().__init__(
            _("Follow-up date"),
            [
                Field(
                    "follow_up",
                    _("Follow up on"),
                    day_text(entry.follow_up),
                    _("DD/MM/YYYY, or empty for none"),
                )
            ],
            intro=_("Ticket {ticket}").format(ticket=entry.ticket or "-"),
        )
        self._entry = entry

    def submit(self, values: dict[str, str]) -> TicketEntry | None:
        errors = FieldErrors()
        follow_up = optional_value(values, "follow_up", parse_day, errors)
        if errors:
            self.show_errors(errors)
            return None
        store, entry_id = self.session.store, self._entry.id
        self.save_then_close(lambda: tickets.set_follow_up(store, entry_id, follow_up), form_errors)
        return None


class AddContactDialog(FieldDialog[TicketEntry]):
    """A call or email to NAS made outside the scripts, logged by hand."""

    def __init__(self, sites: Sequence[Site], now_text: str) -> None:
        super().__init__(
            _("Add a call or email"),
            [
                Field("at", _("When"), now_text, _("YYYY-MM-DD HH:MM")),
                Field("ticket", _("Ticket reference, if any"), "", _("e.g. INC0123456")),
                Field("follow_up", _("Follow up on"), "", _("DD/MM/YYYY, or empty for none")),
                Field("notes", _("Notes"), ""),
            ],
        )
        self._sites = list(sites)

    def compose_top(self) -> Sequence[Widget]:
        widgets: list[Widget] = [
            LiteralLabel(_("How")),
            LiteralSelect(
                [(tickets.channel_label(c), c.value) for c in Channel],
                value=Channel.PHONE.value,
                allow_blank=False,
                id="contact-channel",
                compact=True,
            ),
            LiteralLabel(_("About")),
            LiteralSelect(
                [(tickets.script_label(s), s) for s in tickets.HAND_LOGGED_SCRIPTS],
                value=tickets.SCRIPT_OTHER,
                allow_blank=False,
                id="contact-script",
                compact=True,
            ),
        ]
        if len(self._sites) > 1:
            widgets += [
                LiteralLabel(_("Site")),
                LiteralSelect(
                    [(f"{s.name} ({s.ods_code})", str(s.id)) for s in self._sites],
                    value=str(self._sites[0].id),
                    allow_blank=False,
                    id="contact-site",
                    compact=True,
                ),
            ]
        return widgets

    def submit(self, values: dict[str, str]) -> TicketEntry | None:
        errors = FieldErrors()
        try:
            at = parse_london(values["at"])
        except ValidationError as error:
            errors["at"] = error.message
        follow_up = optional_value(values, "follow_up", parse_day, errors)
        if errors:
            self.show_errors(errors)
            return None
        site_id = self._sites[0].id
        if len(self._sites) > 1:
            site_id = int(str(self.query_one("#contact-site", Select).value))
        store = self.session.store
        channel = Channel(str(self.query_one("#contact-channel", Select).value))
        script = str(self.query_one("#contact-script", Select).value)
        self.save_then_close(
            lambda: tickets.record_entry(
                store,
                site_id=site_id,
                at=at,
                channel=channel,
                script=script,
                ticket=values["ticket"],
                notes=values["notes"],
                follow_up=follow_up,
                status=TicketStatus.OPEN,
            ),
            form_errors,
        )
        return None
