"""The Report screen: what the assurance report for inspectors will hold, and writing it.

It shows, site by site, what the printed report will say (the same
:func:`kiosk.report.build_report` that ``kiosk report`` renders, so the screen and the file
never disagree), then writes the report (``r``) or the emergency call card (``c``) as a
self-contained HTML page into the drafts folder beside the store, never to a typed path
(:func:`kiosk.drafts.save_draft`'s confinement), and says where it went. ``w`` switches
between every site and one site. Writing is audited as ``kiosk report`` is.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll

from kiosk import records
from kiosk.call_card import call_card
from kiosk.coverage import cover_sentence
from kiosk.i18n import _, ngettext
from kiosk.model import Site
from kiosk.report import (
    ACTION_CARD,
    AssuranceReport,
    ReportError,
    SiteReport,
    build_report,
    make_report,
    record_generation,
    select_sites,
)
from kiosk.report_html import render_report
from kiosk.timefmt import day
from screens.dialogs.save_file import save_to_drafts
from screens.widgets.base import KioskScreen
from screens.widgets.footer import Footer
from screens.widgets.header import KioskHeader
from screens.widgets.saving import save_in_thread, told
from screens.widgets.text import Literal, say


class ReportScreen(KioskScreen):
    CSS_PATH = "report.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "write_report", _("Write report")),
        Binding("c", "write_card", _("Write call card")),
        Binding("w", "switch_site", _("Switch site")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._sites: list[Site] = []
        self._choice = 0  # 0: every site; n: the n-th site only

    def compose(self) -> ComposeResult:
        yield KioskHeader()
        yield Literal("", id="report-scope")
        with VerticalScroll(id="report-preview", can_focus=True):
            yield Literal("", id="report-sites")
            yield Literal("", id="report-assurance")
        yield Literal("", id="report-written")
        yield Footer()

    def _ods(self) -> str | None:
        return self._sites[self._choice - 1].ods_code if self._choice else None

    def refresh_data(self) -> None:
        self.sub_title = _("Report for inspectors")
        session = self.session
        self._sites = records.sites(session.db())
        if self._choice > len(self._sites):
            self._choice = 0
        scope = self.query_one("#report-scope", Literal)
        sites_box = self.query_one("#report-sites", Literal)
        assurance = self.query_one("#report-assurance", Literal)
        try:
            sites = select_sites(session.db(), self._ods())
        except ReportError as error:
            scope.update(str(error))
            sites_box.update("")
            assurance.update("")
            self.refresh_bindings()
            return
        built = build_report(
            session.store, sites, now=session.clock.now(), as_of=session.clock.today()
        )
        scope.update(self._scope_line(built))
        sites_box.update("\n\n".join(_site_lines(site) for site in built.sites))
        assurance.update(_assurance_lines(built))
        self.query_one("#report-preview", VerticalScroll).focus()
        self.refresh_bindings()

    def _scope_line(self, built: AssuranceReport) -> str:
        what = _("every site") if not self._choice else self._sites[self._choice - 1].name
        return _(
            "The report for {what}, as of {day}: names, roles and NHSmail addresses, never "
            "personal mobiles or emails. It is written into the drafts folder."
        ).format(what=what, day=day(built.assurance.as_of))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "switch_site":
            return len(self._sites) > 1
        if action in ("write_report", "write_card"):
            return bool(self._sites)
        return True

    def action_switch_site(self) -> None:
        if len(self._sites) > 1:
            self._choice = (self._choice + 1) % (len(self._sites) + 1)
            self.refresh_data()

    def action_write_report(self) -> None:
        session, ods = self.session, self._ods()
        now, today = session.clock.now(), session.clock.today()
        save_in_thread(  # the audit entry is a save: off the event loop
            self,
            lambda: make_report(session.store, ods, now=now, as_of=today, render=render_report),
            lambda made: self._write_report(made[0]),
            refused=told(self, ReportError, timeout=10),
        )

    def _write_report(self, html: str) -> None:
        path = save_to_drafts(
            self,
            html,
            f"report-{self._ods() or 'all-sites'}",
            _(
                "Saved the report to {path}. It holds personal data outside the encrypted "
                "record: keep it safe, never email it, and delete it once printed."
            ),
            suffix=".html",
        )
        if path is not None:
            self.query_one("#report-written", Literal).update(
                say(_("Report written to {path}"), path=path)
            )

    def action_write_card(self) -> None:
        session = self.session
        try:
            sites = select_sites(session.db(), self._ods())
        except ReportError as error:
            self.notify(str(error), severity="error")
            return
        save_in_thread(  # the audit entry is a save: off the event loop
            self,
            lambda: record_generation(session.store, ACTION_CARD, sites),
            lambda _done: self._write_card(sites),
        )

    def _write_card(self, sites: list[Site]) -> None:
        path = save_to_drafts(
            self,
            call_card(sites, self.session.clock.today()),
            f"call-card-{self._ods() or 'all-sites'}",
            _("Saved the call card to {path}. It holds no personal data: print it for the wall."),
            suffix=".html",
        )
        if path is not None:
            self.query_one("#report-written", Literal).update(
                say(_("Call card written to {path}"), path=path)
            )


def _site_lines(site: SiteReport) -> str:
    s = site.site
    lines = [
        f"{s.name} ({s.ods_code}) \u00b7 {s.mailbox} \u00b7 {s.cqc_location_id}",
        "  " + _("Cover: {cover}").format(cover=cover_sentence(site.cover)),
    ]
    lines += ["  ! " + problem for problem in site.cover.problems]
    lines.append(
        "  "
        + ngettext(
            "Access register: {n} person", "Access register: {n} people", len(site.register)
        ).format(n=len(site.register))
    )
    lines.append(
        "  "
        + _("Last membership review: {last}; leavers: {leavers}").format(
            last=day(site.last_review) if site.last_review else _("none recorded"),
            leavers=len(site.leavers),
        )
    )
    lines.append(
        "  "
        + _("Requests to NAS: {requests}; tickets: {tickets} (open and recently closed)").format(
            requests=len(site.requests), tickets=len(site.tickets)
        )
    )
    lines.append("  " + _("DSPT: {message}").format(message=site.dspt.message))
    return "\n".join(lines)


def _assurance_lines(built: AssuranceReport) -> str:
    info = built.assurance
    chain = _("intact") if info.audit_ok else _("BROKEN")
    return _(
        "Assurance: audit chain {chain}, {n} entries, generation {generation}; made by {admin}."
    ).format(chain=chain, n=info.audit_length, generation=info.generation, admin=info.made_by)
