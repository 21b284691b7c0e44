"""What the home screen says, worked out without Textual so it can be tested by date.

Each line carries a level (so the screen can colour it and a plain terminal can still
read it from its words), its sentence, and the screen that fixes it. The rules behind
each line live in their own modules (coverage, lifecycle, NAS hours, DSPT, requests,
tickets); this module only gathers them, site by site, most urgent first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import IntEnum

from tinydb import TinyDB

from kiosk import facts, records
from kiosk.clock import LONDON
from kiosk.coverage import Coverage, CoverLevel, cover_sentence
from kiosk.dspt import dspt_verdict
from kiosk.i18n import _, current_locale, ngettext
from kiosk.lifecycle import (
    mailbox_silence,
    owners_at_risk,
)
from kiosk.model import (
    NasRequest,
    PersonStatus,
    RequestStatus,
    Settings,
    Site,
    TicketEntry,
)
from kiosk.nas_hours import describe, nas_status
from kiosk.nas_requests import overdue_requests, review_due
from kiosk.people import access_to_remove
from kiosk.site_status import read_status
from kiosk.tickets import open_tickets


class Level(IntEnum):
    """Ordered so that sorting puts the worst first."""

    BAD = 0
    WARN = 1
    INFO = 2
    OK = 3


MARKS = {Level.BAD: "\u2716", Level.WARN: "!", Level.INFO: "\u2022", Level.OK: "\u2714"}


def mark(level: Level) -> str:
    """The one mark for a level, on the dashboard and in ``kiosk status`` alike (a plain
    terminal without colour still tells a cross from a tick)."""
    return MARKS[level]


def cover_level(cover: Coverage) -> Level:
    return {CoverLevel.OK: Level.OK, CoverLevel.WARN: Level.WARN}.get(cover.level, Level.BAD)


def logins_level(overdue: int, due: int) -> Level:
    if overdue:
        return Level.BAD
    return Level.WARN if due else Level.OK


def requests_level(open_count: int, late_count: int) -> Level:
    """Open too long is wrong now (``kiosk status`` exits 4): a joiner or leaver is stuck."""
    if late_count:
        return Level.BAD
    return Level.INFO if open_count else Level.OK


def tickets_level(open_count: int, late_count: int) -> Level:
    if late_count:
        return Level.WARN
    return Level.INFO if open_count else Level.OK


def dspt_level(verdict_level: str) -> Level:
    return {"ok": Level.OK, "warn": Level.WARN}.get(verdict_level, Level.BAD)


ACCESS_TO_REMOVE_LEVEL = Level.WARN  # a leaver's access still to take away


@dataclass(frozen=True, slots=True)
class Line:
    level: Level
    text: str
    target: str | None = None  # a screen's name in screens.nav.NAV
    link: tuple[tuple[str, int], ...] = ()  # keyword arguments for that screen, e.g. person_id


@dataclass(slots=True)
class SiteSummary:
    site: Site
    lines: list[Line] = field(default_factory=list)


@dataclass(slots=True)
class Dashboard:
    top: list[Line]  # store-wide lines, worst first: owners at risk, overdue tickets
    nas: Line
    sites: list[SiteSummary]


def build_dashboard(db: TinyDB, now: datetime) -> Dashboard:
    """Everything the home screen shows, as of ``now`` (aware, any zone).

    Worked out once per store generation and minute (and language): coming back to the
    dashboard from another screen costs nothing until something is saved.
    """
    minute = now.replace(second=0, microsecond=0).isoformat()
    return records.derived(db, f"dashboard {minute} {current_locale()}", lambda: _build(db, now))


def _build(db: TinyDB, now: datetime) -> Dashboard:
    today = now.astimezone(LONDON).date()
    sites = records.sites(db)
    everyone = records.people(db)
    people = [p for p in everyone if p.status is not PersonStatus.LEFT]
    requests = records.requests(db)
    contacts = records.ticket_entries(db)
    settings = records.settings(db)

    report = read_status(db, today)
    by_site = {status.site.id: status for status in report.sites}
    covers = {site_id: status.cover for site_id, status in by_site.items()}
    top: list[Line] = [
        _no_owner_line(site, covers[site.id])
        for site in sites
        if site.id in covers and covers[site.id].no_usable_owner
    ]
    for site, person, state in owners_at_risk(sites, people, today):
        top.append(
            Line(
                Level.BAD,
                _("Owner {name} at {site}: {advice}").format(
                    name=person.full_name, site=site.name, advice=state.advice
                ),
                "reminders",
                (("person_id", person.id),),
            )
        )
    for person, site in access_to_remove(everyone, sites, today):
        top.append(
            Line(
                ACCESS_TO_REMOVE_LEVEL,
                _(
                    "Remove {name}'s access to {mailbox}: they are a leaver. An owner removes "
                    "it in the NHSmail portal; then record it (x on People)."
                ).format(name=person.full_name, mailbox=site.mailbox),
                "people",
                (("person_id", person.id),),
            )
        )
    top.extend(_ticket_lines(contacts, today))

    status = nas_status(now)
    nas = Line(Level.OK if status.open else Level.INFO, describe(status, now), "contacts")

    summaries: list[SiteSummary] = []
    for site in sites:
        summary = SiteSummary(site)
        here = by_site[site.id]
        summary.lines.extend(_coverage_lines(site, here.cover))
        summary.lines.append(_logins_line(here.logins_overdue, here.logins_due))
        summary.lines.extend(_request_lines(site, requests, today))
        summary.lines.append(_dspt_line(site, today))
        silence = mailbox_silence(site, today)
        if silence is not None:
            summary.lines.append(Line(Level.WARN, silence.message, "sites"))
        summary.lines.extend(_review_lines(site, settings, today))
        summary.lines.sort(key=lambda line: line.level)
        summaries.append(summary)
    return Dashboard(top=top, nas=nas, sites=summaries)


def _coverage_lines(site: Site, cover: Coverage) -> list[Line]:
    counts = _("{mailbox}: {cover}").format(mailbox=site.mailbox, cover=cover_sentence(cover))
    level = cover_level(cover)
    if cover.ok:
        return [Line(level, counts, "people")]
    return [Line(level, counts + " \u2014 " + "; ".join(cover.problems), "people")]


def _no_owner_line(site: Site, cover: Coverage) -> Line:
    """First on the dashboard: with no owner who can sign in, only NAS can give access.

    A site with nobody on record at all is most often a new store, not an emergency: the
    admin is first asked to record who already uses the mailbox, and told what to do if
    really nobody can.
    """
    if cover.total == 0:
        return Line(
            Level.BAD,
            _(
                "No one is on record with access to {mailbox} ({site}): add the people who "
                "use it (p). If nobody can open it, follow the No-access script."
            ).format(mailbox=site.mailbox, site=site.name),
            "people",
        )
    return Line(
        Level.BAD,
        _(
            "Nobody who can sign in today owns {mailbox} ({site}): follow the No-access "
            "script now (call NAS from the site phone)."
        ).format(mailbox=site.mailbox, site=site.name),
        "scripts",
    )


def _logins_line(overdue: int, due: int) -> Line:
    level = logins_level(overdue, due)
    text = _("Logins: {overdue}, {due}").format(
        overdue=ngettext("{n} overdue", "{n} overdue", overdue).format(n=overdue),
        due=ngettext("{n} due within {days} days", "{n} due within {days} days", due).format(
            n=due, days=facts.DUE_SOON_DAYS
        ),
    )
    return Line(level, text, "reminders")


def _request_lines(site: Site, requests: Sequence[NasRequest], today: date) -> list[Line]:
    open_here = [r for r in requests if r.site_id == site.id and r.status is RequestStatus.OPEN]
    if not open_here:
        return [Line(Level.OK, _("No open requests to NAS"), "requests")]
    late = overdue_requests(open_here, today)
    text = ngettext("{n} open request to NAS", "{n} open requests to NAS", len(open_here)).format(
        n=len(open_here)
    )
    if late:
        text += " \u2014 " + ngettext(
            "{n} open more than {days} working days: escalate",
            "{n} open more than {days} working days: escalate",
            len(late),
        ).format(n=len(late), days=facts.REQUEST_ESCALATE_WORKING_DAYS)
    return [Line(requests_level(len(open_here), len(late)), text, "requests")]


def _ticket_lines(contacts: Sequence[TicketEntry], today: date) -> list[Line]:
    """One line per ticket past its follow-up day, else how many tickets are open: a ticket
    logged as a call and an email is still one ticket."""
    open_ones = open_tickets(contacts)
    late = [t for t in open_ones if t.overdue(today)]
    lines: list[Line] = []
    for ticket in late:
        lines.append(
            Line(
                tickets_level(len(open_ones), len(late)),
                _("Ticket {ticket} is past its follow-up date: escalate it").format(
                    ticket=ticket.reference or _("(no reference)")
                ),
                "tickets",
                (("contact_id", ticket.entries[-1].id),),
            )
        )
    if open_ones and not late:
        lines.append(
            Line(
                tickets_level(len(open_ones), 0),
                ngettext("{n} open NAS ticket", "{n} open NAS tickets", len(open_ones)).format(
                    n=len(open_ones)
                ),
                "tickets",
            )
        )
    return lines


def _dspt_line(site: Site, today: date) -> Line:
    verdict = dspt_verdict(site, today)
    text = _("DSPT: {message}").format(message=verdict.message)
    return Line(dspt_level(verdict.level), text, "sites")


def _review_lines(site: Site, settings: Settings, today: date) -> list[Line]:
    if review_due(site, settings, today):
        return [Line(Level.WARN, _("Membership review is due"), "review")]
    return []
