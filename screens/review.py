"""The membership review: site by site, everyone who can reach the shared mailbox, and
for each person keep, change (owner or member) or remove; then record the date.

NHSmail asks owners to review shared-mailbox access regularly (the dashboard reminds when
the last review is older than the configured months). The owner makes any change in
Outlook or the NHSmail portal; kiosk records the outcome. The same coverage guard as the
leaver wizard shows in red what the decisions would break, and recording then needs a tick.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from kiosk import records, timefmt
from kiosk.coverage import cover_sentence, coverage, new_problems, new_warnings
from kiosk.i18n import _
from kiosk.model import Person, Role, Site
from kiosk.nas_requests import next_review, review_due, role_word
from kiosk.people import apply_decisions, record_review, with_access_at
from screens.widgets.base import KioskScreen
from screens.widgets.footer import Footer
from screens.widgets.header import KioskHeader
from screens.widgets.saving import save_in_thread
from screens.widgets.table import cursor_key, fit, keep_cursor
from screens.widgets.text import Literal, LiteralTable
from screens.widgets.toggles import Check

KEEP = "keep"


NAME_WIDTH = 20


class ReviewScreen(KioskScreen):
    CSS_PATH = "review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "decide('keep')", _("Keep")),
        Binding("o", "decide('owner')", _("Owner")),
        Binding("m", "decide('member')", _("Member")),
        Binding("x", "decide('remove')", _("Remove")),
        Binding("n", "next_site", _("Next site")),
        Binding("ctrl+s", "record", _("Record review")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._site_index = 0
        self._sites: list[Site] = []
        self._people: list[Person] = []
        self._reviewed: list[Person] = []
        self._decisions: dict[int, Role | None] = {}

    def compose(self) -> ComposeResult:
        yield KioskHeader()
        yield Literal("", id="review-intro")
        table = LiteralTable(id="review-table", cursor_type="row")
        table.add_column(_("Name"), key="name", width=NAME_WIDTH)
        table.add_column(_("Now"), key="now", width=8)
        table.add_column(_("Decision"), key="decision", width=16)
        table.add_column(_("NHSmail"), key="nhsmail")
        yield table
        yield Literal("", id="review-cover")
        yield Literal("", id="review-problems", classes="danger")
        yield Check(_("I understand the risk and want to record this review"), id="review-confirm")
        yield Footer()

    def refresh_data(self) -> None:
        db = self.session.db()
        self._sites = records.sites(db)
        self._people = records.people(db)
        if self._site_index >= len(self._sites):
            self._site_index = 0
            self._decisions = {}
        # Another admin's save must not wipe the decisions made so far on this site.
        site = self._site()
        still_there = {p.id for p in self._people if site and site.id in p.access}
        self._decisions = {k: v for k, v in self._decisions.items() if k in still_there}
        self._show()

    def _site(self) -> Site | None:
        return self._sites[self._site_index] if self._sites else None

    def _show(self) -> None:
        site = self._site()
        intro = self.query_one("#review-intro", Static)
        table = self.query_one("#review-table", DataTable)
        keep = table.cursor_row
        table.clear()
        if site is None:
            intro.update(_("No sites yet: add one on Sites first."))
            self._update_cover()
            return
        today = self.session.clock.today()
        settings = records.settings(self.session.db())
        if site.last_review is None:
            when = _("Never reviewed: due now.")
        else:
            due = next_review(site, settings)
            when = _("Last reviewed {day}; {state} {due}.").format(
                day=timefmt.day(site.last_review),
                state=_("due since") if review_due(site, settings, today) else _("next due"),
                due=timefmt.day(due) if due else "?",
            )
        self.sub_title = _("Review {ods} ({n} of {total})").format(
            ods=site.ods_code, n=self._site_index + 1, total=len(self._sites)
        )
        intro.update(
            site.name
            + ". "
            + when
            + " "
            + _(
                "For each person: k keep, o owner, m member, x remove. Make any change in "
                "Outlook or the NHSmail portal, then ctrl+s records the review."
            )
        )
        self._reviewed = with_access_at(self._people, site.id)
        # What is left of the width for the address (2 cells of padding per column and
        # the scrollbar): cut with "…" there rather than silently at the edge.
        address_width = max(10, (self.size.width or self.app.size.width) - NAME_WIDTH - 24 - 10)
        for person in self._reviewed:
            table.add_row(
                fit(person.full_name, NAME_WIDTH),
                role_word(person.access.get(site.id)),
                self._decision_text(person, site),
                fit(person.nhsmail or "—", address_width),
                key=str(person.id),
            )
        if keep_cursor(table, keep):
            table.focus()
        self._update_cover()

    def _decision_text(self, person: Person, site: Site) -> str:
        if person.id not in self._decisions:
            return _("keep")
        role = self._decisions[person.id]
        if role is None:
            return _("✖ remove")
        if role == person.access.get(site.id):
            return _("keep")
        return _("→ {role}").format(role=role_word(role))

    def _update_cover(self) -> None:
        site = self._site()
        cover = self.query_one("#review-cover", Static)
        problems = self.query_one("#review-problems", Static)
        confirm = self.query_one("#review-confirm", Check)
        if site is None:
            cover.update("")
            problems.update("")
            confirm.display = False
            return
        before = coverage(site.id, self._people, self.session.clock.today())
        after = coverage(
            site.id,
            apply_decisions(self._people, site.id, self._decisions),
            self.session.clock.today(),
        )
        cover.update(
            _("Now: {now}. After this review: {after}.").format(
                now=cover_sentence(before),
                after=cover_sentence(after),
            )
        )
        warnings = new_problems(before, after)
        problems.update(
            "\n".join(
                [_("✖ {problem}").format(problem=w) for w in warnings]
                + [_("! {problem}").format(problem=w) for w in new_warnings(before, after)]
            )
        )
        confirm.display = bool(warnings)
        if not warnings:
            confirm.value = False

    def _current(self) -> Person | None:
        key = cursor_key(self.query_one("#review-table", DataTable))
        return next((p for p in self._reviewed if str(p.id) == key), None)

    def action_decide(self, choice: str) -> None:
        person, site = self._current(), self._site()
        if person is None or site is None:
            return
        if choice == KEEP:
            self._decisions.pop(person.id, None)
        else:
            self._decisions[person.id] = None if choice == "remove" else Role(choice)
        table = self.query_one("#review-table", DataTable)
        table.update_cell(str(person.id), "decision", self._decision_text(person, site))
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)
        self._update_cover()

    def action_next_site(self) -> None:
        if len(self._sites) < 2:
            return
        if self._decisions:
            self.notify(
                _("Record this site's review (ctrl+s) or undo its changes (k) first."),
                severity="warning",
            )
            return
        self._site_index = (self._site_index + 1) % len(self._sites)
        self._decisions = {}
        self._show()

    def action_record(self) -> None:
        site = self._site()
        if site is None:
            return
        confirm = self.query_one("#review-confirm", Check)
        if confirm.display and not confirm.value:
            self.notify(
                _("Tick the box to record a review that leaves the mailbox at risk."),
                severity="error",
            )
            confirm.focus()
            return
        store, decisions = self.session.store, dict(self._decisions)
        today = self.session.clock.today()
        save_in_thread(
            self,
            lambda: record_review(store, site.id, decisions, today),
            lambda changed: self._recorded(site, changed),
        )

    def _recorded(self, site: Site, changed: int) -> None:
        self.notify(
            _("Review of {ods} recorded ({n} changed).").format(ods=site.ods_code, n=changed)
        )
        if self._site_index < len(self._sites) - 1:
            self._site_index += 1
        self._decisions = {}
        self.refresh_data()
