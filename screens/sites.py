"""Every site with its ODS code, shared mailbox and DSPT verdict; add, edit, record a new
DSPT publication, and change a site's ODS code or owner keeping the old one on record.

The DSPT column carries the verdict in words and a mark ("! due 30 Jun"), so it reads the
same with NO_COLOR=1; the line under the table says what to do.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Select, Static

from kiosk import records, timefmt
from kiosk.activity import ActivityError, record_mailbox_email
from kiosk.dspt import dspt_verdict, status_label, suggest_version
from kiosk.forms import FieldErrors
from kiosk.i18n import _
from kiosk.model import DsptStatus, Site
from kiosk.sites import SiteError, history, people_with_access, record_publication
from kiosk.validators import ValidationError, display_phone, parse_day
from screens.dialogs.field_dialog import Field, FieldDialog
from screens.widgets.base import KioskModal, KioskScreen
from screens.widgets.footer import Footer
from screens.widgets.header import KioskHeader
from screens.widgets.saving import save_in_thread, saving_on, say_still_saving
from screens.widgets.table import cursor_key, keep_cursor
from screens.widgets.text import Literal, LiteralLabel, LiteralSelect, LiteralTable

MARKS = {"ok": "\u2714", "warn": "!", "bad": "\u2716"}
STYLES = {"ok": "green", "warn": "yellow", "bad": "bold red"}


class SitesScreen(KioskScreen):
    CSS_PATH = "sites.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", _("Add")),
        Binding("e", "edit", _("Edit")),
        Binding("d", "publication", _("New DSPT")),
        Binding("o", "change_ods", _("ODS change")),
        Binding("c", "toggle_closed", _("Closed")),
        Binding("m", "mailbox_sent", _("Mailbox sent")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._show_closed = False
        self._sites: dict[str, Site] = {}

    def compose(self) -> ComposeResult:
        yield KioskHeader()
        table = LiteralTable(id="sites-table", cursor_type="row")
        table.add_column(_("Site"), key="name")
        table.add_column(_("ODS"), key="ods")
        table.add_column(_("DSPT"), key="dspt")
        table.add_column(_("Renewal"), key="due")
        table.add_column(_("People"), key="people")
        yield table
        yield Literal("", id="site-detail")
        yield Footer()

    def refresh_data(self) -> None:
        db = self.session.db()
        today = self.session.clock.today()
        sites = records.sites(db, include_closed=self._show_closed)
        people = records.people(db)
        table = self.query_one("#sites-table", DataTable)
        keep = table.cursor_row
        table.clear()
        self._sites = {}
        for site in sites:
            key = str(site.id)
            self._sites[key] = site
            if site.closed is not None:
                dspt: str | Text = _("closed {day}").format(day=timefmt.day(site.closed, "short"))
                due = ""
            else:
                verdict = dspt_verdict(site, today)
                dspt = Text.assemble(
                    (f"{MARKS[verdict.level]} ", STYLES[verdict.level]),
                    status_label(site.dspt_status),
                )
                due = timefmt.day(verdict.deadline, "short") if verdict.deadline else ""
            count = len(people_with_access(people, site.id))
            table.add_row(site.name, site.ods_code, dspt, due, str(count), key=key)
        self.sub_title = _("Sites, including closed ones") if self._show_closed else _("Sites")
        if keep_cursor(table, keep):
            table.focus()
        self._show_detail()

    def _current(self) -> Site | None:
        key = cursor_key(self.query_one("#sites-table", DataTable))
        return self._sites.get(key or "")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def _show_detail(self) -> None:
        detail = self.query_one("#site-detail", Static)
        site = self._current()
        if site is None:
            detail.update(_("No sites yet: press a to add one."))
            return
        today = self.session.clock.today()
        lines = [
            _("Shared mailbox: {mailbox}").format(mailbox=site.mailbox),
            _("CQC location {cqc} \u00b7 site phone {phone}").format(
                cqc=site.cqc_location_id, phone=display_phone(site.site_phone)
            ),
        ]
        if site.closed is not None:
            replaced = records.site(self.session.db(), site.replaced_by or 0)
            lines.append(
                _("Closed on {day}; replaced by {name} ({ods}).").format(
                    day=timefmt.day(site.closed),
                    name=replaced.name if replaced else "?",
                    ods=replaced.ods_code if replaced else "?",
                )
            )
        else:
            verdict = dspt_verdict(site, today)
            lines.append(
                _("DSPT: {mark} {message}").format(
                    mark=MARKS[verdict.level], message=verdict.message
                )
            )
        all_sites = records.sites(self.session.db(), include_closed=True)
        for earlier in history(all_sites, site.id):
            lines.append(
                _("Was {ods} ({name}) until {day}.").format(
                    ods=earlier.ods_code,
                    name=earlier.name,
                    day=timefmt.day(earlier.closed) if earlier.closed else "?",
                )
            )
        detail.update("\n".join(lines))

    # -- actions ------------------------------------------------------------------------

    def _open_site(self, *, need_open: bool = True) -> Site | None:
        site = self._current()
        if site is None:
            self.notify(_("No site selected."), severity="warning")
            return None
        if need_open and site.closed is not None:
            self.notify(
                _("A closed site is kept as history and cannot be changed."), severity="warning"
            )
            return None
        return site

    def action_add(self) -> None:
        from screens.site_form import SiteFormScreen

        self.app.push_screen(SiteFormScreen())

    def action_edit(self) -> None:
        site = self._open_site()
        if site is not None:
            from screens.site_form import SiteFormScreen

            self.app.push_screen(SiteFormScreen(site_id=site.id))

    def action_change_ods(self) -> None:
        site = self._open_site()
        if site is not None:
            from screens.site_form import SiteFormScreen

            self.app.push_screen(SiteFormScreen(replacing=site.id))

    def action_publication(self) -> None:
        site = self._open_site()
        if site is not None:
            self.app.push_screen(PublicationDialog(site), lambda _result: self.refresh_data())

    def action_mailbox_sent(self) -> None:
        """NHSmail flags a shared mailbox that sends nothing for 6 months: note an email
        sent from it outside kiosk (kiosk's own drafts are noted when recorded)."""
        site = self._open_site()
        if site is not None:
            self.app.push_screen(MailboxSentDialog(site), lambda _result: self.refresh_data())

    def action_toggle_closed(self) -> None:
        self._show_closed = not self._show_closed
        self.refresh_data()


class PublicationDialog(KioskModal[bool]):
    """Record a new DSPT publication: the status it reached and the day it was published."""

    CSS_PATH = "sites.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", _("Cancel")),
        Binding("ctrl+s", "save", _("Save")),
    ]

    def __init__(self, site: Site) -> None:
        super().__init__()
        self._site = site
        self._suggested = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="publication-box"):
            yield Literal(
                _("New DSPT publication for {name}").format(name=self._site.name),
                id="publication-title",
            )
            yield LiteralLabel(_("Status reached"))
            yield LiteralSelect(
                [
                    (status_label(status), status.value)
                    for status in DsptStatus
                    if status != DsptStatus.NOT_PUBLISHED
                ],
                value=DsptStatus.MET.value,
                allow_blank=False,
                id="publication-status",
            )
            yield LiteralLabel(_("Published on"))
            yield Input(placeholder=_("YYYY-MM-DD or DD/MM/YYYY"), id="publication-date")
            yield LiteralLabel(_("Toolkit version it answers (suggested from the date: check it)"))
            yield Input(placeholder=_("e.g. 2025-26"), id="publication-version")
            yield Literal("", id="publication-error", classes="field-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#publication-date", Input).focus()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self.app.run_action("save", self)  # a failed save: told, dialog kept

    def on_input_changed(self, event: Input.Changed) -> None:
        """Suggest the version from the date until the admin types one of their own."""
        if event.input.id != "publication-date":
            return
        version = self.query_one("#publication-version", Input)
        try:
            published = parse_day(event.value)
        except ValidationError:
            return
        if not version.value or version.value == self._suggested:
            self._suggested = suggest_version(published)
            version.value = self._suggested

    def action_cancel(self) -> None:
        if saving_on(self):  # the publication's save comes back to this dialog
            say_still_saving(self)
            return
        self.dismiss(False)

    def action_save(self) -> None:
        error = self.query_one("#publication-error", Static)
        try:
            published = parse_day(self.query_one("#publication-date", Input).value)
        except ValidationError as problem:
            error.update(problem.message)
            return
        status = DsptStatus(str(self.query_one("#publication-status", Select).value))
        store, site_id, today = self.session.store, self._site.id, self.session.clock.today()
        version = self.query_one("#publication-version", Input).value.strip() or None

        def refused(problem: Exception) -> bool:
            if isinstance(problem, SiteError):
                error.update(str(problem))
                return True
            return False

        def recorded(_result: object) -> None:
            self.notify(_("DSPT publication recorded."))
            self.dismiss(True)

        save_in_thread(
            self,
            lambda: record_publication(store, site_id, status, published, today, version),
            recorded,
            refused=refused,
        )


class MailboxSentDialog(FieldDialog[Site]):
    """The day an email was last sent from a site's shared mailbox (default: today)."""

    def __init__(self, site: Site) -> None:
        self._site = site
        last = site.mailbox_last_sent
        super().__init__(
            _("Email sent from {mailbox}").format(mailbox=site.mailbox),
            [Field("day", _("Sent on"), "", _("YYYY-MM-DD or DD/MM/YYYY; empty for today"))],
            intro=(
                _("Last recorded: {day}.").format(day=timefmt.day(last))
                if last
                else _("No email from this shared mailbox is recorded yet.")
            ),
        )

    def submit(self, values: dict[str, str]) -> Site | None:
        store, site_id, today = self.session.store, self._site.id, self.session.clock.today()
        try:
            day = parse_day(values["day"]) if values["day"].strip() else today
        except ValidationError as problem:
            self.show_errors(FieldErrors(day=str(problem)))
            return None
        self.save_then_close(
            lambda: record_mailbox_email(store, site_id, day, today),
            lambda problem: {"day": str(problem)} if isinstance(problem, ActivityError) else None,
        )
        return None
