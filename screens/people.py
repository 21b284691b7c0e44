"""Everyone on record and how they reach each site's shared mailbox, at a glance.

The table shows name, access per site, NHSmail address, the personal mobile masked
(``07••• ••• 123``: enough to tell two people apart, not enough to read out) until ``m``
reveals it, status and last NHSmail activity. Typing in the filter box narrows the list;
``o`` changes the order. The line under the table explains the highlighted person: a
joiner waiting on NAS, a new account's first sign-in checklist and its 30-day deadline, a
leaver's "Active (Leaver)" countdown and what to tell them.

Rows are built once per refresh as plain strings with a lower-cased search key, so
filtering and sorting 5,000 people never goes back to the store or to Babel (the rows and
columns: :mod:`screens.people_rows`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.widgets import DataTable, Input, Static

from kiosk import records, timefmt
from kiosk.coverage import CoverLevel, can_sign_in, cover_short, coverage
from kiosk.i18n import _, current_locale
from kiosk.lifecycle import PersonCode, person_status
from kiosk.model import NasRequest, Person, RequestStatus, Site
from kiosk.nas_requests import kind_label, working_days_open
from kiosk.people import (
    first_login_deadline,
    first_login_steps,
    leaver_handover,
    record_first_login,
)
from screens.people_rows import (
    SORTS,
    FixedWidthTable,
    Row,
    at_site,
    build_rows,
    column_specs,
    column_widths,
    filter_rows,
    sort_rows,
)
from screens.widgets.base import KioskScreen
from screens.widgets.footer import Footer
from screens.widgets.header import KioskHeader
from screens.widgets.key_guide import KeyGuide
from screens.widgets.saving import save_in_thread
from screens.widgets.table import FIRST_ROWS, RowFeeder, cursor_key, name_cell
from screens.widgets.text import Literal


class PeopleScreen(KioskScreen):
    """The staff list: who can reach each shared mailbox and how; joiners and leavers."""

    CSS_PATH = "people.tcss"
    # More keys than one footer line holds at 80 columns: they are listed in a key guide
    # above the footer instead (show=False keeps them out of the footer).
    KEYS: ClassVar[list[Binding]] = [
        Binding("a", "add", _("Add"), show=False),
        Binding("e", "edit", _("Edit"), show=False),
        Binding("j", "joiner", _("Joiner"), show=False),
        Binding("shift+j", "joiner_for", _("Joiner for this person"), key_display="J", show=False),
        Binding("l", "leaver", _("Leaver"), show=False),
        Binding("x", "access", _("Access"), show=False),
        Binding("r", "answer", _("NAS answer"), show=False),
        Binding("i", "first_login", _("Signed in"), show=False),
        Binding("m", "reveal", _("Mobiles"), show=False),
        Binding("o", "sort", _("Sort"), show=False),
        Binding("slash", "filter", _("Filter"), key_display="/", show=False),
        Binding("s", "site", _("Site"), show=False),
    ]
    BINDINGS: ClassVar[list[BindingType]] = list(KEYS)

    def __init__(self, person_id: int | None = None) -> None:
        super().__init__()
        self._select = person_id
        self._rows: list[Row] = []
        self._shown: list[Row] = []
        self._feeder: RowFeeder[Row] = RowFeeder(self)
        self._sorted: tuple[list[Row] | None, str, list[Row]] = (None, "", [])
        self._filtered: tuple[list[Row] | None, str, list[Row]] = (None, "", [])
        self._by_key: dict[str, Row] = {}
        self._reveal = False
        self._sort = 0
        self._sites: list[Site] = []
        self._site_id: int | None = None  # one site at a time (s), or None for all
        self._requests: list[NasRequest] = []
        self._columns: tuple[tuple[str, str, int], ...] = ()

    def compose(self) -> ComposeResult:
        yield KioskHeader()
        yield Input(placeholder=_("Type to filter (name, NHSmail, status)…"), id="people-filter")
        table = FixedWidthTable(id="people-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Literal("", id="people-detail")
        yield KeyGuide(self.KEYS, id="people-keys")
        yield Footer()

    def on_mount(self) -> None:
        # KioskScreen.on_mount (called by Textual after this one) loads the data.
        self.query_one("#people-table", DataTable).focus()

    def on_resize(self, event: events.Resize) -> None:
        if self._columns_for(event.size.width) != self._columns:
            current = self._current()
            self._fill(keep=current.key if current else None)

    def _columns_for(self, width: int) -> tuple[tuple[str, str, int], ...]:
        labels = {
            "name": _("Name"),
            "access": _("Access"),
            "nhsmail": _("NHSmail"),
            "mobile": _("Mobile"),
            "status": _("Status"),
            "activity": _("Active"),
        }
        sites = self._view_sites()
        for index, site in enumerate(sites):
            labels[f"site-{index}"] = site.ods_code
        specs = column_specs(len(sites))
        widths = column_widths(width, len(sites))
        return tuple(
            (key, labels[key], size) for (key, *_rest), size in zip(specs, widths, strict=True)
        )

    def _ensure_columns(self) -> None:
        """(Re)build the columns when the width or the number of sites changed."""
        wanted = self._columns_for(self.size.width or self.app.size.width)
        if wanted == self._columns:
            return
        self._columns = wanted
        table = self.query_one("#people-table", DataTable)
        table.clear(columns=True)
        for key, label, size in wanted:
            table.add_column(label, key=key, width=size)

    # -- data -----------------------------------------------------------------------------

    def refresh_data(self) -> None:
        db = self.session.db()
        today = self.session.clock.today()
        self._sites = records.sites(db)
        self._requests = records.requests(db)
        people = records.people(db)
        if self._site_id is not None and all(s.id != self._site_id for s in self._sites):
            self._site_id = None  # the site closed meanwhile
        sites, requests = self._view_sites(), self._requests
        # Rows and title are worked out once per store generation, day and site filter
        # (and shared by every People screen): at 10,000 people they take over a second.
        suffix = f"{self._site_id} {today.isoformat()} {current_locale()}"
        shown = people if self._site_id is None else at_site(people, requests, self._site_id)
        self._rows = records.derived(
            db, f"people rows {suffix}", lambda: build_rows(shown, sites, requests, today)
        )
        self._by_key = records.derived(
            db, f"people rows by key {suffix}", lambda: {row.key: row for row in self._rows}
        )
        self._fill(keep=self._select_key())
        self._select = None
        title = records.derived(
            db, f"people title {suffix}", lambda: self._title(shown, sites, today)
        )
        if self._site_id is not None:
            site = sites[0]
            title = _("{site} only (s: next site) · {cover}").format(site=site.name, cover=title)
        self.sub_title = title

    def _view_sites(self) -> list[Site]:
        """The sites whose access the table shows: all, or the one chosen with s."""
        if self._site_id is None:
            return self._sites
        return [s for s in self._sites if s.id == self._site_id]

    def action_site(self) -> None:
        """One site at a time, so that with many sites the access column stays readable
        and names keep their room: s moves to the next site, and after the last to all."""
        if len(self._sites) < 2:
            self.notify(_("There is only one site."))
            return
        ids = [s.id for s in self._sites]
        if self._site_id is None:
            self._site_id = ids[0]
        else:
            index = ids.index(self._site_id) + 1
            self._site_id = ids[index] if index < len(ids) else None
        self.refresh_data()

    @staticmethod
    def _title(people: Sequence[Person], sites: Sequence[Site], today: date) -> str:
        usable = can_sign_in(people, today)
        at_site: dict[int, list[Person]] = {}
        for person in people:
            for site_id in person.access:
                at_site.setdefault(site_id, []).append(person)
        parts = []
        for site in sites:
            cover = coverage(site.id, at_site.get(site.id, []), today, usable)
            mark = {CoverLevel.OK: "✔", CoverLevel.WARN: "!"}.get(cover.level, "✖")
            parts.append(
                _("{mark} {ods}: {cover}").format(
                    mark=mark, ods=site.ods_code, cover=cover_short(cover)
                )
            )
        return " · ".join(parts)

    def _select_key(self) -> str | None:
        if self._select is not None:
            return str(self._select)
        current = self._current()
        return current.key if current else None

    def _fill(self, keep: str | None = None) -> None:
        """Show the rows that match the filter, in order: the first screenfuls at once,
        the rest in small batches after each refresh, so the screen paints and answers
        keys at once even with 10,000 people (a later fill or filter drops the batches
        of an earlier one)."""
        table = self.query_one("#people-table", DataTable)
        text = self.query_one("#people-filter", Input).value
        order = SORTS[self._sort][0]
        # Sorted once per rows and order; typing in the filter only filters (keeping the
        # order), so each key costs a few milliseconds at 10,000 people.
        if self._sorted[0] is not self._rows or self._sorted[1] != order:
            self._sorted = (self._rows, order, sort_rows(self._rows, order))
        ordered = self._sorted[2]
        # Typing on narrows the last result: whatever matches "ada d" matched "ada".
        last_from, last_text, last_shown = self._filtered
        base = ordered
        if last_from is ordered and last_text and text.startswith(last_text):
            base = last_shown
        self._shown = filter_rows(base, text)
        self._filtered = (ordered, text, self._shown)
        self._ensure_columns()
        table.clear()
        keys = [r.key for r in self._shown]
        at = keys.index(keep) if keep is not None and keep in keys else -1
        first = max(FIRST_ROWS, at + FIRST_ROWS // 2)  # the kept row is in the first lot
        self._feeder.feed(self._shown, lambda rows: self._add_rows(table, rows), first)
        if at >= 0:
            table.move_cursor(row=at)
        self._show_detail()

    def _add_rows(self, table: DataTable[Any], rows: Sequence[Row]) -> None:
        reveal = self._reveal
        for row in rows:
            table.add_row(
                name_cell(row.name),
                *row.access,
                name_cell(row.nhsmail),
                row.mobile if reveal else row.masked,
                row.status_short,
                row.activity,
                key=row.key,
            )

    def _current(self) -> Row | None:
        try:
            table = self.query_one("#people-table", DataTable)
        except NoMatches:  # not composed yet
            return None
        return self._by_key.get(cursor_key(table) or "")

    # -- detail line ----------------------------------------------------------------------

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def _show_detail(self) -> None:
        detail = self.query_one("#people-detail", Static)
        row = self._current()
        if row is None:
            if self._rows:
                detail.update(_("Nobody matches the filter."))
            else:
                detail.update(_("Nobody on record yet: press a to add someone or j for a joiner."))
            return
        detail.update("\n".join(self.detail_lines(row.person)))

    def detail_lines(self, person: Person) -> list[str]:
        """What the admin should know or do about ``person`` now."""
        today = self.session.clock.today()
        activity = (
            _("last active {day}").format(day=timefmt.day(person.last_activity))
            if person.last_activity
            else _("no activity recorded")
        )
        verdict = person_status(person, today)
        lines = [f"{person.full_name} · {verdict.text} · {activity}"]
        for request in self._requests:
            if request.person_id == person.id and request.status is RequestStatus.OPEN:
                lines.append(
                    _(
                        "{kind} sent to NAS {day} ({n} working days): press r to record "
                        "NAS's answer."
                    ).format(
                        kind=kind_label(request.kind),
                        day=timefmt.day(request.sent),
                        n=working_days_open(request, today),
                    )
                )
        deadline = first_login_deadline(person)
        if deadline is not None and verdict.code is PersonCode.FIRST_SIGN_IN:
            lines.append(
                _(
                    "New account: first sign-in by {day}, or it goes inactive. Press i when done."
                ).format(day=timefmt.long_day(deadline))
            )
            lines.extend(f"☐ {step}" for step in first_login_steps(person))
        if verdict.leaver and person.nhsmail:
            lines.extend(leaver_handover(person, today))
        elif verdict.code is PersonCode.LEFT and person.access:
            lines.append(_("Left but still has shared mailbox access: press x to remove it."))
        return lines

    # -- actions --------------------------------------------------------------------------

    def _need_person(self) -> Person | None:
        row = self._current()
        if row is None:
            self.notify(_("Nobody selected."), severity="warning")
            return None
        return row.person

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "people-filter":
            self._fill(keep=None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "people-filter":
            self.query_one("#people-table", DataTable).focus()

    def action_filter(self) -> None:
        self.query_one("#people-filter", Input).focus()

    def action_sort(self) -> None:
        self._sort = (self._sort + 1) % len(SORTS)
        current = self._current()
        self._fill(keep=current.key if current else None)
        self.notify(_("Sorted by {order}.").format(order=_(SORTS[self._sort][1])), timeout=2)

    def action_reveal(self) -> None:
        self._reveal = not self._reveal
        current = self._current()
        self._fill(keep=current.key if current else None)

    def action_add(self) -> None:
        from screens.person_form import PersonFormScreen

        self.app.push_screen(PersonFormScreen())

    def action_edit(self) -> None:
        person = self._need_person()
        if person is not None:
            from screens.person_form import PersonFormScreen

            self.app.push_screen(PersonFormScreen(person_id=person.id))

    def action_joiner(self) -> None:
        from screens.joiner import JoinerWizard

        self.app.push_screen(JoinerWizard())

    def action_joiner_for(self) -> None:
        person = self._need_person()
        if person is not None:
            from screens.joiner import JoinerWizard

            self.app.push_screen(JoinerWizard(prefill_person_id=person.id))

    def action_leaver(self) -> None:
        person = self._need_person()
        if person is not None:
            from screens.leaver import LeaverWizard

            self.app.push_screen(LeaverWizard(person_id=person.id))

    def action_access(self) -> None:
        person = self._need_person()
        if person is not None:
            from screens.access import AccessScreen

            self.app.push_screen(AccessScreen(person_id=person.id))

    def action_answer(self) -> None:
        person = self._need_person()
        if person is None:
            return
        open_ones = [
            r for r in self._requests if r.person_id == person.id and r.status is RequestStatus.OPEN
        ]
        if not open_ones:
            self.notify(_("No open request to NAS for this person."), severity="warning")
            return
        from screens.dialogs.answer import AnswerDialog

        self.app.push_screen(AnswerDialog(open_ones[-1], person), lambda _done: self.refresh_data())

    def action_first_login(self) -> None:
        person = self._need_person()
        if person is None:
            return
        if first_login_deadline(person) is None:
            self.notify(_("No first sign-in is pending for this person."), severity="warning")
            return
        store, today = self.session.store, self.session.clock.today()

        def recorded(_result: object) -> None:
            self.notify(_("First sign-in recorded: the 30-day count starts again today."))
            self.refresh_data()

        save_in_thread(self, lambda: record_first_login(store, person.id, today), recorded)
