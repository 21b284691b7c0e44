"""Walking one call script, a step at a time, with the site's details filled in.

Enter moves on, Escape goes back a step (and leaves from the first). Every line can be
copied (``c``); a drafted email can be copied whole (``e``); ``s`` saves the whole script
as printable text. Steps that need details ask for them in a small form: the new owner
(``o``), the ticket being escalated (``t``), the person without mailbox access (``p``),
and the record of the call or email (``r``); those forms are in
:mod:`screens.script_run_dialogs`. The wording lives in :mod:`kiosk.call_scripts`
and every write in :mod:`kiosk.tickets`; this screen only gathers input and renders.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import ClassVar

from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from kiosk import call_scripts, records, scripts, tickets, timefmt
from kiosk.i18n import _
from kiosk.model import PersonStatus, Site, TicketEntry
from kiosk.scripts import FilledLine, FilledStep, Form, LineKind, Script, ScriptContext
from kiosk.tickets import NewOwner
from screens.dialogs.save_file import save_to_drafts
from screens.script_run_dialogs import (
    OwnerDialog,
    PersonDialog,
    RecordCallDialog,
    RecordEmailDialog,
    TicketDialog,
)
from screens.widgets.base import KioskScreen
from screens.widgets.footer import Footer
from screens.widgets.header import KioskHeader
from screens.widgets.text import Literal, choice


class ScriptRunScreen(KioskScreen):
    """One script for one site; ``contact_id`` pre-fills the ticket being escalated."""

    CSS_PATH = "script_run.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", _("Back")),
        Binding("enter", "next", _("Next"), priority=True),
        Binding("c", "copy_line", _("Copy")),
        Binding("e", "copy_email", _("Copy email")),
        Binding("s", "save_text", _("Save")),
        Binding("o", "owner", _("New owner")),
        Binding("t", "ticket", _("Ticket")),
        Binding("p", "person", _("Person")),
        Binding("r", "record", _("Record")),
    ]

    def __init__(
        self,
        script_id: str = tickets.SCRIPT_NO_ACCESS,
        *,
        site_id: int | None = None,
        contact_id: int | None = None,
    ) -> None:
        super().__init__()
        self.script: Script = call_scripts.script(script_id)
        self.site_id = site_id
        self.contact_id = contact_id
        self.step = 0
        self.owner: NewOwner | None = None
        self.ticket = ""
        self.call_at: datetime | None = None
        self.follow_up: date | None = None
        self.person_name = ""
        self.person_nhsmail = ""
        self.no_access = False  # escalating a no-access ticket: send from the admin
        self.recorded = ""  # what was saved on this run, shown under the last step
        self._warned_unrecorded = False
        self._lines: list[FilledLine | None] = []
        self._filled: FilledStep | None = None
        self._prefilled = False

    def compose(self) -> ComposeResult:
        yield KioskHeader()
        yield Literal("", id="step-title")
        yield OptionList(id="step-lines")
        yield Literal("", id="step-status")
        yield Footer()

    # -- data --------------------------------------------------------------------------

    def site(self) -> Site | None:
        db = self.session.db()
        if self.site_id is not None:
            return records.site(db, self.site_id)
        open_sites = records.sites(db)
        return open_sites[0] if open_sites else None

    def context(self, site: Site) -> ScriptContext:
        return ScriptContext(
            site=site,
            now=self.session.clock.now(),
            owner=self.owner,
            ticket=self.ticket,
            call_at=self.call_at,
            follow_up=self.follow_up,
            person_name=self.person_name,
            person_nhsmail=self.person_nhsmail,
            no_access=self.no_access,
            admin_nhsmail=scripts.admin_nhsmail(
                records.people(self.session.db()), self.session.admin
            )
            if self.no_access
            else "",
        )

    def _prefill(self) -> None:
        """Escalating a logged ticket: take its reference, time and site from the log."""
        self._prefilled = True
        if self.contact_id is None:
            return
        found = tickets.entry(self.session.db(), self.contact_id)
        if found is None:
            return
        self.ticket = found.ticket
        self.call_at = found.at
        self.no_access = found.script == tickets.SCRIPT_NO_ACCESS
        if self.site_id is None:
            self.site_id = found.site_id

    def refresh_data(self) -> None:
        if not self._prefilled:
            self._prefill()
        self.sub_title = _(self.script.title)
        site = self.site()
        lines = self.query_one("#step-lines", OptionList)
        lines.clear_options()
        self._lines = []
        if site is None:
            self._filled = None
            self.query_one("#step-title", Static).update(
                _("No site on record yet: add one in Sites first.")
            )
            self.query_one("#step-status", Static).update("")
            self.refresh_bindings()
            return
        steps = scripts.fill(self.script, self.context(site))
        self.step = min(self.step, len(steps) - 1)
        filled = steps[self.step]
        self._filled = filled
        self.query_one("#step-title", Static).update(
            _("Step {n} of {total}: {title}").format(
                n=self.step + 1, total=len(steps), title=filled.title
            )
        )
        options: list[Option | None] = []  # None draws a rule; it is not an option
        for line in filled.lines:
            options.append(Option(_line_text(line)))
            self._lines.append(line)
        if filled.draft is not None:
            options.append(None)
            options.append(
                Option(Text(_("Email to send (e copies it whole):"), "italic"), disabled=True)
            )
            self._lines.append(None)
            parts = scripts.draft_lines(filled.draft)
            for number, line in enumerate(parts):
                if number == len(parts) - 1:
                    options.append(None)  # the body, under the headers
                options.append(Option(Padding(choice(line.text, newlines=True), (0, 0, 0, 2))))
                self._lines.append(line)
        lines.add_options(options)
        first = next((i for i, line in enumerate(self._lines) if line is not None), None)
        if first is not None:
            lines.highlighted = first
        lines.focus()
        self.query_one("#step-status", Static).update(Text(self._status(filled)))
        self.refresh_bindings()

    def _status(self, filled: FilledStep) -> str:
        if self.recorded and filled.form in (Form.RECORD_CALL, Form.RECORD_EMAIL):
            return self.recorded
        if filled.form is Form.OWNER and self.owner is not None:
            chosen = _("New owner: {name}. Press o to change.").format(name=self.owner.full_name)
            warning = self._owner_warning()
            return f"{chosen} {warning}" if warning else chosen
        hints = {
            Form.OWNER: _("Press o to choose the new owner."),
            Form.RECORD_CALL: _("Press r to record the call."),
            Form.RECORD_EMAIL: _("Press r to record the email once it is sent."),
            Form.TICKET: _("Press t to choose the ticket or type its details."),
            Form.PERSON: _("Press p to give your name and NHSmail address."),
        }
        return hints.get(filled.form, "")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        filled = self._filled
        form = filled.form if filled else Form.NONE
        wanted = {
            "owner": Form.OWNER,
            "ticket": Form.TICKET,
            "person": Form.PERSON,
        }
        if action in wanted:
            return form is wanted[action]
        if action == "record":
            return form in (Form.RECORD_CALL, Form.RECORD_EMAIL)
        if action == "copy_email":
            return bool(filled and filled.draft)
        if action in ("copy_line", "save_text", "next"):
            return filled is not None
        return True

    # -- moving ------------------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_next()

    def action_next(self) -> None:
        if self._filled is None:
            return
        last = self.step >= len(self.script.steps) - 1
        if not last:
            self.step += 1
            self._warned_unrecorded = False
            self.refresh_data()
            return
        unrecorded = self._filled.form is Form.RECORD_CALL and not self.recorded
        if unrecorded and not self._warned_unrecorded:
            self._warned_unrecorded = True
            self.notify(
                _(
                    "The call is not recorded yet: press r to record it, or Enter again "
                    "to leave without recording."
                ),
                severity="warning",
            )
            return
        self.app.pop_screen()

    def action_back(self) -> None:
        if self.step > 0:
            self.step -= 1
            self._warned_unrecorded = False
            self.refresh_data()
        else:
            super().action_back()

    # -- copying and saving --------------------------------------------------------------

    def action_copy_line(self) -> None:
        index = self.query_one("#step-lines", OptionList).highlighted
        if index is None or index >= len(self._lines):
            return
        line = self._lines[index]
        if line is not None:
            self.copy(line.copy)

    def action_copy_email(self) -> None:
        if self._filled is not None and self._filled.draft is not None:
            self.copy(self._filled.draft.as_text())

    def action_save_text(self) -> None:
        """The printable script, saved into ``drafts/`` beside the store."""
        site = self.site()
        if site is None:
            return
        text = scripts.script_text(self.script, self.context(site))
        save_to_drafts(
            self,
            text,
            f"{self.script.id.replace('_', '-')}-{site.ods_code}",
            _("Saved to {path}. It is not encrypted: keep it safe."),
        )

    # -- forms -----------------------------------------------------------------------------

    def action_owner(self) -> None:
        people = [
            p
            for p in records.people(self.session.db())
            if p.erased is None and p.status is not PersonStatus.LEFT
        ]
        self.app.push_screen(OwnerDialog(people, self.owner), self._owner_chosen)

    def _owner_chosen(self, owner: NewOwner | None) -> None:
        if owner is not None:
            self.owner = owner
            self.refresh_data()
            warning = self._owner_warning()
            if warning:
                self.notify(warning, severity="warning", timeout=10)

    def _owner_warning(self) -> str:
        if self.owner is None or self.owner.person_id is None:
            return ""
        person = records.person(self.session.db(), self.owner.person_id)
        if person is None:
            return ""
        return tickets.new_owner_warning(person, self.session.clock.today())

    def action_ticket(self) -> None:
        db = self.session.db()
        site = self.site()
        open_tickets = [
            c
            for c in tickets.log(db)
            if tickets.is_unresolved(c) and (site is None or c.site_id == site.id)
        ]
        self.app.push_screen(
            TicketDialog(open_tickets, self.ticket, self.call_at, self.contact_id),
            self._ticket_chosen,
        )

    def _ticket_chosen(self, result: tuple[str, datetime | None, int | None] | None) -> None:
        if result is not None:
            self.ticket, self.call_at, self.contact_id = result
            self.refresh_data()

    def action_person(self) -> None:
        people = [
            p
            for p in records.people(self.session.db())
            if p.erased is None and p.nhsmail and p.status is not PersonStatus.LEFT
        ]
        self.app.push_screen(
            PersonDialog(people, self.person_name, self.person_nhsmail), self._person_chosen
        )

    def _person_chosen(self, result: tuple[str, str] | None) -> None:
        if result is not None:
            self.person_name, self.person_nhsmail = result
            self.refresh_data()

    def action_record(self) -> None:
        site = self.site()
        if site is None or self._filled is None:
            return
        if self.recorded:
            self.notify(_("Already recorded: see Tickets to change it."))
            return
        now = self.session.clock.now()
        if self._filled.form is Form.RECORD_CALL:
            if self.owner is None:
                self.notify(
                    _("Choose the new owner first: go back to step 1 and press o."),
                    severity="warning",
                )
                return
            self.app.push_screen(
                RecordCallDialog(site, self.owner, now, self.ticket), self._call_recorded
            )
        else:
            escalates = self.contact_id if self.script.id == tickets.SCRIPT_ESCALATE else None
            self.app.push_screen(
                RecordEmailDialog(site, self.script.id, now, self.ticket, escalates),
                self._email_recorded,
            )

    def _call_recorded(self, done: tickets.NoAccessRecord | None) -> None:
        if done is None:
            return
        saved = tickets.entry(self.session.db(), done.entry_id)
        if saved is not None:
            self.ticket, self.call_at, self.follow_up = saved.ticket, saved.at, saved.follow_up
        if self.owner is not None and self.owner.person_id is None:
            self.owner = replace(self.owner, person_id=done.person_id)
        self.recorded = _(
            "Recorded: ticket {ticket}, {when}. {name} is now a joiner in progress, as owner."
        ).format(
            ticket=self.ticket or _("(none given)"),
            when=timefmt.moment(self.call_at, "short") if self.call_at else "",
            name=self.owner.full_name if self.owner else "",
        )
        self.notify(_("Call recorded."))
        self.refresh_data()

    def _email_recorded(self, saved: TicketEntry | None) -> None:
        if saved is None:
            return
        self.follow_up = saved.follow_up
        self.recorded = _("Recorded: email sent {when}; follow up on {day}.").format(
            when=timefmt.moment(saved.at, "short"),
            day=timefmt.day(saved.follow_up) if saved.follow_up else "-",
        )
        self.notify(_("Email recorded."))
        self.refresh_data()


def _line_text(line: FilledLine) -> Table:
    """The marker in its own column, so a wrapped sentence hangs under its first word."""
    marker, _space, text = scripts.line_label(line).partition(" ")
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(
        marker, choice(text, style="bold" if line.kind is LineKind.SAY else "", newlines=True)
    )
    return grid
