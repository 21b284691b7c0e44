"""Logins: everyone with an NHSmail account, most urgent first, in the lifecycle's bands.

Bands follow :data:`kiosk.lifecycle.URGENCY_ORDER`: gone, deleted (NAS can restore),
inactive, due soon, fine, disabled; accounts created but not yet signed in have a band of
their own before the fine ones, "Cannot sign in yet: not cover", as cover counts them.
Each band's heading row says what its date column means ("restore by", "sign in by",
"kept until"), and the line under the table carries
the person's advice from :func:`kiosk.lifecycle.account_state`, so the screen reads the
same with NO_COLOR=1. Writes go through :mod:`kiosk.activity` only.

Keys: space marks a person (or, on a band heading, the whole band); ``t`` records
activity today and ``o`` on an earlier day, for the marked people or the highlighted
one; ``d`` drafts the disable / re-enable request to NAS and records it once sent;
``j`` opens the person on the People screen; ``g`` starts a joiner request for a
person whose account is gone for good.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static

from kiosk import records, timefmt
from kiosk.activity import (
    ActivityError,
    activity_problem,
    leave_draft,
    leave_problem,
    record_activity,
    record_leave_request,
    sending_site,
)
from kiosk.drafts import Draft
from kiosk.i18n import _, ngettext
from kiosk.lifecycle import (
    AccountState,
    LifecycleState,
    PersonCode,
    person_status,
    state_label,
    states,
)
from kiosk.model import Person, Role, Site
from kiosk.validators import ValidationError, parse_day
from screens.widgets.base import KioskScreen
from screens.widgets.footer import Footer
from screens.widgets.header import KioskHeader
from screens.widgets.saving import save_in_thread, told
from screens.widgets.table import FIRST_ROWS, RowFeeder, name_cell
from screens.widgets.text import Literal, LiteralLabel, LiteralTable

MARK = "\u2714"
# An account created but never signed in is not cover (kiosk.coverage, and People's one
# status, PersonCode.FIRST_SIGN_IN): it has a band of its own, never "Active".
FIRST_SIGN_IN_BAND = "first_sign_in"
# Joiners and leavers in progress are not cover either, whatever their account's state:
# their band is their one status (People's Joining/Leaving), never "Active".
JOINING_BAND = "joining"
LEAVING_BAND = "leaving"
_PROGRESS_BANDS = {
    PersonCode.FIRST_SIGN_IN: FIRST_SIGN_IN_BAND,
    PersonCode.JOINING: JOINING_BAND,
    PersonCode.LEAVING: LEAVING_BAND,
}
BANDS: tuple[str, ...] = (
    LifecycleState.GONE.value,
    LifecycleState.DELETED.value,
    LifecycleState.INACTIVE.value,
    LifecycleState.DUE_SOON.value,
    FIRST_SIGN_IN_BAND,
    JOINING_BAND,
    LEAVING_BAND,
    LifecycleState.ACTIVE.value,
    LifecycleState.DISABLED.value,
)  # kiosk.lifecycle.URGENCY_ORDER, with first sign-in pending before Active
BAND_STYLES = {
    LifecycleState.GONE.value: "bold red",
    LifecycleState.DELETED.value: "bold red",
    LifecycleState.INACTIVE.value: "bold yellow",
    LifecycleState.DUE_SOON.value: "bold yellow",
    FIRST_SIGN_IN_BAND: "bold yellow",
    JOINING_BAND: "bold",
    LEAVING_BAND: "bold",
    LifecycleState.ACTIVE.value: "bold green",
    LifecycleState.DISABLED.value: "bold",
}


def _band_of(person: Person, state: AccountState, today: date) -> str:
    """The band a person's row goes in: joining, leaving or first sign-in pending by the
    one status (as People and cover read it), else the account's lifecycle state."""
    progress = _PROGRESS_BANDS.get(person_status(person, today).code)
    return progress if progress is not None else state.state.value


def _band_title(band: str) -> str:
    titles = {
        LifecycleState.GONE.value: _("Gone for good"),
        LifecycleState.DELETED.value: _("Deleted: NAS can restore"),
        LifecycleState.INACTIVE.value: _("Inactive"),
        LifecycleState.DUE_SOON.value: _("Due soon"),
        FIRST_SIGN_IN_BAND: _("Cannot sign in yet: not cover"),
        JOINING_BAND: _("Joining: not cover yet"),
        LEAVING_BAND: _("Leaving: not cover"),
        LifecycleState.ACTIVE.value: _("Active"),
        LifecycleState.DISABLED.value: _("Disabled for leave"),
    }
    return titles[band]


def _band_label(band: str) -> str:
    """The band's word in the summary line (short: the line must fit 80 columns; the
    rows of that band say "(new)" too)."""
    words = {FIRST_SIGN_IN_BAND: _("New"), JOINING_BAND: _("Joining"), LEAVING_BAND: _("Leaving")}
    if band in words:
        return words[band]
    return state_label(LifecycleState(band))


def _band_date_meaning(band: str) -> str:
    """What the date column means in this band (shown on the band's heading row)."""
    meanings = {
        LifecycleState.GONE.value: _("last used"),
        LifecycleState.DELETED.value: _("restore by"),
        LifecycleState.INACTIVE.value: _("sign in by"),
        LifecycleState.DUE_SOON.value: _("sign in by"),
        FIRST_SIGN_IN_BAND: _("first sign-in by"),
        JOINING_BAND: _("sign in by"),
        LEAVING_BAND: _("sign in by"),
        LifecycleState.ACTIVE.value: _("sign in by"),
        LifecycleState.DISABLED.value: _("kept until"),
    }
    return meanings[band]


def _shown_day(state: AccountState) -> date | None:
    """The day in the date column: the last day to act, or the last use once gone."""
    return state.since if state.state is LifecycleState.GONE else state.last_day


def _role_word(person: Person, sites: list[Site]) -> str:
    roles = {person.role_at(s.id) for s in sites} - {None}
    if Role.OWNER in roles:
        return _("owner")
    if Role.MEMBER in roles:
        return _("member")
    return "-"


class RemindersScreen(KioskScreen):
    """The 30-day login reminders and the inactive -> deleted -> gone countdown."""

    CSS_PATH = "reminders.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_mark", _("Mark")),
        Binding("t", "record_today", _("Today")),
        Binding("o", "record_earlier", _("Earlier")),
        Binding("d", "leave", _("Leave")),
        Binding("j", "jump", _("Person")),
        Binding("g", "new_account", _("Joiner")),
    ]

    def __init__(self, person_id: int | None = None) -> None:
        super().__init__()
        self._focus_person = person_id
        self._marked: set[int] = set()
        self._specs: list[tuple[str, tuple[str | Text, ...] | None]] = []
        self._feeder: RowFeeder[tuple[str, tuple[str | Text, ...] | None]] = RowFeeder(self)
        self._rows: dict[str, tuple[Person, AccountState]] = {}
        self._bands: dict[str, list[int]] = {}
        self._sites: list[Site] = []
        self._today = date.min

    def compose(self) -> ComposeResult:
        yield KioskHeader()
        yield Literal("", id="reminders-summary")
        table = LiteralTable(id="reminders-table", cursor_type="row")
        table.add_column(" ", key="mark")
        table.add_column(_("Name"), key="name")
        table.add_column(_("Role"), key="role")
        table.add_column(_("Date"), key="date")
        table.add_column(_("When"), key="when")
        yield table
        yield Literal("", id="reminders-detail")
        yield Footer()

    # ---- reading ---------------------------------------------------------------------

    def refresh_data(self) -> None:
        self.title = _("Logins")
        self.sub_title = _("Today {day}").format(day=timefmt.day(self.session.clock.today()))
        db = self.session.db()
        self._today = self.session.clock.today()
        self._sites = records.sites(db)
        found = states(records.people(db), self._today)
        table = self.query_one("#reminders-table", DataTable)
        current = self._current_key()
        if self._focus_person is not None:
            current, self._focus_person = f"p{self._focus_person}", None
        self._marked &= {p.id for p, _s in found}
        table.clear()
        self._rows.clear()
        self._bands.clear()
        counts: dict[str, int] = {}
        # Every row in order: a band's heading carries its cells, a person's are made
        # when the row is added (so a mark set meanwhile shows).
        specs: list[tuple[str, tuple[str | Text, ...] | None]] = []
        by_band: dict[str, list[tuple[Person, AccountState]]] = {}
        for person, state in found:
            by_band.setdefault(_band_of(person, state, self._today), []).append((person, state))
        for band in BANDS:
            members = by_band.get(band, [])
            if not members:
                continue
            counts[band] = len(members)
            band_key = f"band:{band}"
            self._bands[band_key] = [p.id for p, _s in members]
            specs.append(
                (
                    band_key,
                    (
                        "",
                        Text(f"{_band_title(band)} ({len(members)})", style=BAND_STYLES[band]),
                        "",
                        Text(_band_date_meaning(band), style="italic"),
                        "",
                    ),
                )
            )
            for person, state in members:
                key = f"p{person.id}"
                self._rows[key] = (person, state)
                specs.append((key, None))
        self._specs = specs
        self._show_summary(counts)
        keys = [key for key, _band in specs]
        if current is None or current not in keys:
            current = next(iter(self._rows), None)
        at = keys.index(current) if current is not None else -1
        # The first screenfuls at once, the rest in small batches after each refresh: at
        # 10,000 people the screen paints and answers keys at once.
        first = max(FIRST_ROWS, at + FIRST_ROWS // 2)
        self._feeder.feed(specs, lambda rows: self._add_specs(table, rows), first)
        if at >= 0:
            table.move_cursor(row=at)
        self._show_detail()

    def _add_specs(
        self, table: DataTable[Any], specs: Sequence[tuple[str, tuple[str | Text, ...] | None]]
    ) -> None:
        for key, band in specs:
            table.add_row(*(band if band is not None else self._cells(*self._rows[key])), key=key)

    def _cells(self, person: Person, state: AccountState) -> tuple[str | Text, ...]:
        name = person.full_name
        verdict = person_status(person, self._today)
        if verdict.code in (PersonCode.JOINING, PersonCode.LEAVING):
            # The one status, as People shows it: they do not count as cover.
            name = _("{name} ({status})").format(name=name, status=verdict.label)
        elif state.never_used:
            name = _("{name} (new)").format(name=name)
        shown = _shown_day(state)
        if shown is None:
            day_cell, when = _("not recorded"), ""
        else:
            day_cell, when = timefmt.day(shown), timefmt.relative_days(shown, self._today)
        return (
            MARK if person.id in self._marked else "",
            name_cell(name),
            _role_word(person, self._sites),
            day_cell,
            when,
        )

    def _show_summary(self, counts: dict[str, int]) -> None:
        summary = self.query_one("#reminders-summary", Static)
        if not counts:
            summary.update(_("Nobody has an NHSmail account recorded yet."))
            return
        parts = [
            _("{state} {n}").format(state=_band_label(band), n=counts[band])
            for band in BANDS
            if band in counts
        ]
        marked = len(self._marked)
        line = " · ".join(parts)
        if marked:
            line += " · " + ngettext("{n} marked", "{n} marked", marked).format(n=marked)
        summary.update(line)

    def _current_key(self) -> str | None:
        table = self.query_one("#reminders-table", DataTable)
        if table.row_count == 0:
            return None
        try:
            row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except Exception:  # the cursor is outside the (just cleared) table
            return None
        return str(row_key.value) if row_key.value is not None else None

    def _current(self) -> tuple[Person, AccountState] | None:
        key = self._current_key()
        return self._rows.get(key) if key else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one("#reminders-detail", Static)
        key = self._current_key()
        if key is None:
            detail.update(
                _("Add people with their NHSmail addresses on the People screen to see them here.")
            )
            return
        if key in self._bands:
            detail.update(
                _("Space marks everyone in this band; t then records that they signed in today.")
            )
            return
        person, state = self._rows[key]
        reach = ", ".join(
            _("{site} ({role})").format(
                site=s.name, role=_("owner") if role is Role.OWNER else _("member")
            )
            for s in self._sites
            if (role := person.role_at(s.id)) is not None
        )
        head = " · ".join(x for x in (person.full_name, person.nhsmail or "", reach) if x)
        detail.update(
            Text.assemble((head, "bold"), "\n", self._since_line(state), "\n", state.advice)
        )

    def _since_line(self, state: AccountState) -> str:
        if state.since is None:
            return _("No sign-in or account creation date is recorded.")
        when = timefmt.relative_days(state.since, self._today)
        if state.state is LifecycleState.DISABLED:
            return _("Disabled since {day} ({when}).").format(
                day=timefmt.day(state.since), when=when
            )
        if state.never_used:
            return _("Account created {day} ({when}); first sign-in not done.").format(
                day=timefmt.day(state.since), when=when
            )
        return _("Last used {day} ({when}).").format(day=timefmt.day(state.since), when=when)

    # ---- marking ---------------------------------------------------------------------

    def action_toggle_mark(self) -> None:
        key = self._current_key()
        if key is None:
            return
        if key in self._bands:
            ids = set(self._bands[key])
            if ids <= self._marked:
                self._marked -= ids
            else:
                self._marked |= ids
        else:
            person_id = self._rows[key][0].id
            self._marked ^= {person_id}
        self._redraw_marks()

    def _redraw_marks(self) -> None:
        table = self.query_one("#reminders-table", DataTable)
        for key, (person, _state) in self._rows.items():
            if key in table.rows:  # rows still to come are drawn with their mark
                table.update_cell(key, "mark", MARK if person.id in self._marked else "")
        counts = {k.split(":", 1)[1]: len(v) for k, v in self._bands.items()}
        self._show_summary(counts)

    def _targets(self) -> list[Person]:
        """The marked people, or else the highlighted one (empty on a band heading)."""
        if self._marked:
            return [p for p, _s in self._rows.values() if p.id in self._marked]
        current = self._current()
        return [current[0]] if current else []

    # ---- recording activity ----------------------------------------------------------

    def action_record_today(self) -> None:
        self._record(self._targets(), self.session.clock.today())

    def action_record_earlier(self) -> None:
        people = self._targets()
        if not people:
            self.notify(_("Highlight a person or mark some with space first."), severity="warning")
            return

        def done(day: date | None) -> None:
            if day is not None:
                self._record(people, day)

        self.app.push_screen(ActivityDayDialog(people, self.session.clock.today()), done)

    def _record(self, people: list[Person], day: date) -> None:
        if not people:
            self.notify(_("Highlight a person or mark some with space first."), severity="warning")
            return
        today = self.session.clock.today()
        store, ids = self.session.store, [p.id for p in people]
        save_in_thread(
            self,
            lambda: record_activity(store, ids, day, today),
            lambda saved: self._recorded(saved, day, today),
            refused=told(self, ActivityError),
        )

    def _recorded(self, saved: list[Person], day: date, today: date) -> None:
        self._marked.clear()
        when = _("today") if day == today else timefmt.day(day)
        self.notify(
            ngettext(
                "Recorded NHSmail activity {when} for {n} person.",
                "Recorded NHSmail activity {when} for {n} people.",
                len(saved),
            ).format(when=when, n=len(saved))
        )
        self.refresh_data()

    # ---- long-term leave ---------------------------------------------------------------

    def action_leave(self) -> None:
        current = self._current()
        if current is None:
            self.notify(_("Highlight a person first."), severity="warning")
            return
        person, _state = current
        problem = leave_problem(person, self.session.clock.today())
        if problem:
            self.notify(problem, severity="warning", timeout=8)
            return
        site = sending_site(person, self._sites)
        if site is None:
            self.notify(_("Add a site with its shared mailbox first."), severity="error")
            return
        draft = leave_draft(person, site)
        enabling = person.disabled_since is not None

        def done(sent: bool | None) -> None:
            if not sent:
                return
            store, today = self.session.store, self.session.clock.today()

            def recorded(_result: object) -> None:
                message = (
                    _("Recorded: {name}'s account re-enabled; they must sign in within 30 days.")
                    if enabling
                    else _("Recorded: {name}'s account disabled for long-term leave.")
                )
                self.notify(message.format(name=person.full_name))
                self.refresh_data()

            save_in_thread(
                self,
                lambda: record_leave_request(store, person.id, site.id, today),
                recorded,
                refused=told(self, ActivityError),
            )

        self.app.push_screen(DraftDialog(draft, enabling), done)

    # ---- elsewhere -------------------------------------------------------------------

    def action_jump(self) -> None:
        current = self._current()
        if current is None:
            self.notify(_("Highlight a person first."), severity="warning")
            return
        self.kiosk.open_screen("people", person_id=current[0].id)

    def action_new_account(self) -> None:
        current = self._current()
        if current is None or current[1].state is not LifecycleState.GONE:
            self.notify(
                _("A new account is only needed once an account is gone for good."),
                severity="warning",
            )
            return
        from screens.joiner import JoinerWizard  # a step of People's flows, not a NAV screen

        self.app.push_screen(JoinerWizard(prefill_person_id=current[0].id))


class ActivityDayDialog(ModalScreen[date | None]):
    """Ask for the day they last signed in; checked against every chosen person."""

    CSS_PATH = "reminders.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", _("Cancel")),
    ]

    def __init__(self, people: list[Person], today: date) -> None:
        super().__init__()
        self._people = people
        self._today = today

    def compose(self) -> ComposeResult:
        names = ", ".join(p.full_name for p in self._people[:3])
        if len(self._people) > 3:
            names += " " + _("and {n} more").format(n=len(self._people) - 3)
        with Vertical(id="day-box"):
            yield LiteralLabel(_("When did they last use NHSmail?"), id="day-title")
            yield LiteralLabel(names, id="day-people")
            yield Input(placeholder=_("DD/MM/YYYY or YYYY-MM-DD"), id="day-input")
            yield LiteralLabel("", id="day-error", classes="field-error")
            yield LiteralLabel(_("Enter records it, Escape cancels."), classes="hint")
        yield Footer()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        error = self.query_one("#day-error", Label)
        try:
            day = parse_day(event.value)
        except ValidationError as problem:
            error.update(problem.message)
            return
        for person in self._people:
            problem_text = activity_problem(person, day, self._today)
            if problem_text:
                error.update(problem_text)
                return
        self.dismiss(day)

    def action_cancel(self) -> None:
        self.dismiss(None)


class DraftDialog(ModalScreen[bool]):
    """Show the drafted email to NAS; copy it, then record it as sent (or cancel)."""

    CSS_PATH = "reminders.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy", _("Copy")),
        Binding("r", "record", _("Record as sent")),
        Binding("escape", "cancel", _("Cancel")),
    ]

    def __init__(self, draft: Draft, enabling: bool) -> None:
        super().__init__()
        self._draft = draft
        self._enabling = enabling

    def compose(self) -> ComposeResult:
        title = (
            _("Re-enable after long-term leave")
            if self._enabling
            else _("Disable for long-term leave")
        )
        with Vertical(id="draft-box"):
            yield LiteralLabel(title, id="draft-title")
            yield LiteralLabel(
                _(
                    "Send this from the shared mailbox {mailbox}: c copies it, r records it as "
                    "sent, Escape cancels."
                ).format(mailbox=self._draft.sender),
                classes="hint",
            )
            with VerticalScroll(id="draft-scroll"):
                yield Literal(self._draft.as_text(), id="draft-text")
        yield Footer()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self._draft.as_text())
        self.notify(_("Copied to the clipboard."), timeout=3)

    def action_record(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
