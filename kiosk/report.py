"""The assurance report: what an inspector is shown, worked out once for the CLI and the screen.

A CQC inspector, a DSPT auditor or a data protection lead asks "who can read your shared
mailbox, and how do you know?". This module gathers the answer from the record, site by
site, as plain values (no HTML, no Textual): :mod:`kiosk.report_html` turns it into the
printable page, ``kiosk report`` and the Report screen both call :func:`build_report` and
:func:`make_report` (which audits, builds and renders), so the two can never disagree.

No rule is worked out here. Every verdict comes from the module that owns it, through the
same read :func:`kiosk.site_status.read_status` gives ``kiosk status`` and the dashboard:
each person's one status and whether they can sign in (:func:`kiosk.lifecycle.person_status`),
usable cover (:mod:`kiosk.coverage`), overdue requests (:mod:`kiosk.nas_requests`),
tickets (:mod:`kiosk.tickets`), the DSPT (:mod:`kiosk.dspt`), the review period
(:func:`kiosk.nas_requests.review_due`). The last-activity band is the lifecycle state
put in words, never a date: the register says how recently, not when.

Data minimisation: a person appears with their name, role, NHSmail address and what the
rules say about them, and nothing else: never a personal mobile or personal email
(the page says so), never the notes typed against a ticket (they may hold anything).

The record as it stands is read; ``as_of`` only moves the day the verdicts are worked out
for (the clock), as ``kiosk status --as-of`` does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from tinydb import TinyDB

from kiosk import facts, records
from kiosk.clock import LONDON
from kiosk.coverage import Coverage, CoverLevel
from kiosk.dspt import DsptVerdict
from kiosk.dspt import status_label as dspt_status_label
from kiosk.i18n import _
from kiosk.lifecycle import LifecycleState, PersonVerdict, person_status
from kiosk.model import (
    PEOPLE,
    SITES,
    NasRequest,
    Person,
    PersonStatus,
    RequestKind,
    RequestStatus,
    Role,
    Site,
)
from kiosk.nas_requests import is_overdue, kind_label, next_review, review_due, role_word
from kiosk.nas_requests import status_label as request_status_label
from kiosk.site_status import SiteStatus, read_status
from kiosk.tickets import Ticket, open_tickets, tickets
from kiosk.tickets import script_label as ticket_script_label
from kiosk.tickets import status_label as ticket_status_label

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from kiosk.records import Tx
    from store.models import AuditEntry, AuditReport, Generation

# Audit actions: generating a report takes personal data out of the encrypted store.
ACTION_ASSURANCE = "report.assurance"
ACTION_CARD = "report.card"

# Requests and tickets closed this many days before the report's day are still shown:
# the inspector sees how the last quarter's joiners, leavers and calls ended.
RECENT_DAYS = 90

# The audit actions that can take a person's shared mailbox access away.
_ACCESS_ACTIONS = frozenset({"person.access", "person.leaver"})


class ReportError(ValueError):
    """A report that cannot be made as asked; the message is one translated sentence."""


class ReportSource(Protocol):
    """What a report reads from an open store (``store.Store`` has all of it)."""

    @property
    def admin(self) -> str: ...

    @property
    def generation(self) -> int: ...

    def read(self) -> TinyDB: ...

    def audit_entries(self) -> list[AuditEntry]: ...

    def verify_audit(self) -> AuditReport: ...

    def generations(self) -> list[Generation]: ...

    def transaction(self) -> AbstractContextManager[Tx]: ...


# --- the values on the page ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """One line of the access register: exactly what the issue lists, nothing more."""

    name: str
    role: str  # translated "owner" / "member"
    nhsmail: str  # "" when none is recorded
    can_sign_in: bool  # the coverage rule's test, from the person's one status
    status: str  # the one status's short label, e.g. "Deleted", "Leaving"
    activity: str  # the last-activity band (words, no date)
    first_sign_in: bool | None  # None: no account to sign in to


@dataclass(frozen=True, slots=True)
class LeaverRow:
    name: str
    status: str  # the one status with its date, e.g. "Left: Active (Leaver), 12 days"
    leaving: date | None
    still_has_access: bool  # the access is still on record: an owner must remove it
    removed_at: datetime | None  # when the record last changed their access (audit trail)
    removed_by: str


@dataclass(frozen=True, slots=True)
class ReviewRow:
    at: datetime
    admin: str
    changed: tuple[str, ...]  # names of the people whose access the review changed


@dataclass(frozen=True, slots=True)
class RequestRow:
    kind: str
    person: str  # "" for a request about no one person
    sent: date
    ticket: str
    status: str
    resolved: date | None
    overdue: bool  # open more than NAS's working days: escalate


@dataclass(frozen=True, slots=True)
class TicketRow:
    reference: str
    about: str  # the call script's short name
    opened: datetime
    last: datetime
    status: str
    follow_up: date | None
    overdue: bool  # past its follow-up day


@dataclass(frozen=True, slots=True)
class SiteReport:
    site: Site
    cover: Coverage
    register: tuple[RegisterRow, ...]
    leavers: tuple[LeaverRow, ...]
    last_review: date | None
    next_review: date | None
    review_due: bool
    reviews: tuple[ReviewRow, ...]
    requests: tuple[RequestRow, ...]  # open first, then recently closed
    tickets: tuple[TicketRow, ...]
    dspt: DsptVerdict
    dspt_version: str | None
    dspt_status: str  # translated

    @property
    def cover_ok(self) -> bool:
        return self.cover.level is CoverLevel.OK


@dataclass(frozen=True, slots=True)
class Assurance:
    """Why the record can be trusted, and who made this report when."""

    audit_ok: bool
    audit_message: str
    audit_length: int
    audit_head: str
    generation: int
    warnings: tuple[str, ...]
    backups: int  # generations in backups/
    backups_intact: int  # ... whose header and checksum are intact (not decrypted)
    newest_backup: int | None  # the newest generation there
    made_at: datetime
    made_by: str
    as_of: date


@dataclass(frozen=True, slots=True)
class AssuranceReport:
    sites: tuple[SiteReport, ...]
    assurance: Assurance


# --- choosing sites and days ---------------------------------------------------------------


def select_sites(db: TinyDB, ods: str | None) -> list[Site]:
    """The open sites a report covers: all of them, or the one with ``ods`` (any case)."""
    sites = records.sites(db)
    if ods:
        wanted = ods.strip().upper()
        sites = [site for site in sites if site.ods_code.upper() == wanted]
        if not sites:
            raise ReportError(
                _("There is no open site with ODS code {ods} in this store.").format(
                    ods=ods.strip()
                )
            )
    if not sites:
        raise ReportError(_("This store has no open site yet: add one first."))
    return sites


def check_as_of(as_of: date, today: date) -> date:
    """A report is evidence of what was, not a forecast: the day cannot be after today."""
    if as_of > today:
        raise ReportError(
            _(
                "--as-of cannot be after today ({today}): a report shows what the record "
                "says on a day that has come."
            ).format(today=today.isoformat())
        )
    return as_of


# --- the register ----------------------------------------------------------------------------


def activity_band(person: Person, verdict: PersonVerdict) -> str:
    """How recently the account was used, in words and no date: the lifecycle state the
    rules worked out (:func:`kiosk.lifecycle.account_state`), told as a band."""
    account = verdict.account
    if account is None:
        return _("No NHSmail account") if not person.nhsmail else "\u2014"
    if account.state is LifecycleState.DISABLED or person.disabled_since is not None:
        return _("Disabled for long-term leave")
    if account.unknown:
        return _("No sign-in recorded")
    if account.never_used:
        return _("Not signed in yet (new account)")
    window = facts.ACTIVITY_WINDOW_DAYS
    deleted = window + facts.INACTIVE_TO_DELETED_DAYS
    gone = deleted + facts.RESTORABLE_DAYS
    bands = {
        LifecycleState.ACTIVE: _("Within the last {n} days").format(n=window),
        LifecycleState.DUE_SOON: _("Within the last {n} days (due soon)").format(n=window),
        LifecycleState.INACTIVE: _("{low} to {high} days ago").format(low=window + 1, high=deleted),
        LifecycleState.DELETED: _("{low} to {high} days ago").format(low=deleted + 1, high=gone),
        LifecycleState.GONE: _("More than {n} days ago").format(n=gone),
    }
    return bands[account.state]


def _register(status: SiteStatus) -> tuple[RegisterRow, ...]:
    """Owners first, then by name: the order the membership review shows."""
    people = sorted(
        status.people, key=lambda t: (t[1] is not Role.OWNER, t[0].full_name.casefold(), t[0].id)
    )
    return tuple(
        RegisterRow(
            name=person.full_name,
            role=role_word(role),
            nhsmail=person.nhsmail or "",
            can_sign_in=verdict.can_sign_in,
            status=verdict.label,
            activity=activity_band(person, verdict),
            first_sign_in=person.first_login_done if person.nhsmail else None,
        )
        for person, role, verdict in people
    )


# --- leavers, reviews, requests and tickets ----------------------------------------------


@dataclass(frozen=True, slots=True)
class _Trail:
    """What the report reads from the audit trail, found in one pass over it (a report of
    50 sites must not walk 100,000 entries 50 times)."""

    access: dict[int, list[AuditEntry]]  # person id -> entries that can remove access
    reviews: dict[int, list[ReviewRow]]  # site id -> reviews, newest first


def _read_trail(entries: Sequence[AuditEntry], names: dict[int, str]) -> _Trail:
    access: dict[int, list[AuditEntry]] = {}
    reviews: dict[int, list[ReviewRow]] = {}
    for index, entry in enumerate(entries):
        if entry.table == PEOPLE and entry.action in _ACCESS_ACTIONS and entry.record_id:
            access.setdefault(entry.record_id, []).append(entry)
        elif entry.action == "site.review" and entry.table == SITES and entry.record_id:
            reviews.setdefault(entry.record_id, []).insert(0, _review(entries, index, names))
    return _Trail(access, reviews)


def _review(entries: Sequence[AuditEntry], index: int, names: dict[int, str]) -> ReviewRow:
    """A recorded review, with whose access it changed: the people saved just before it in
    the same transaction, as :func:`kiosk.people.record_review` writes them."""
    changed: list[str] = []
    back = index - 1
    while back >= 0:
        before = entries[back]
        if before.action != "person.access" or before.detail != "review":
            break
        if before.record_id is not None:
            changed.append(names.get(before.record_id, _("(a person since removed)")))
        back -= 1
    entry = entries[index]
    return ReviewRow(entry.time, entry.admin, tuple(reversed(changed)))


def _access_removed(
    trail: _Trail, person: Person, became_leaver: date | None
) -> tuple[datetime | None, str]:
    """When, and by whom, the record last took access away from a leaver: the last
    access-changing entry on their record since they became a leaver."""
    for entry in reversed(trail.access.get(person.id, [])):
        if became_leaver is None or entry.time.astimezone(LONDON).date() >= became_leaver:
            return entry.time, entry.admin
    return None, ""


def _leavers(
    site: Site,
    leavers: Sequence[Person],
    requests: Sequence[NasRequest],
    to_remove: Sequence[Person],
    trail: _Trail,
    as_of: date,
) -> tuple[LeaverRow, ...]:
    """Leavers of this site: asked NAS to mark them from its mailbox, or still on record here."""
    still = {p.id for p in to_remove}
    leaver_requests = [r for r in requests if r.kind is RequestKind.LEAVER]
    asked = {r.person_id for r in leaver_requests if r.site_id == site.id}
    rows: list[LeaverRow] = []
    for person in leavers:
        if person.id not in still and person.id not in asked:
            continue
        sent = [r.sent for r in leaver_requests if r.person_id == person.id]
        became = min(sent) if sent else person.status_since
        removed_at, removed_by = (
            (None, "") if person.id in still else _access_removed(trail, person, became)
        )
        rows.append(
            LeaverRow(
                name=person.full_name,
                status=person_status(person, as_of).text,
                leaving=person.leaving_date,
                still_has_access=person.id in still,
                removed_at=removed_at,
                removed_by=removed_by,
            )
        )
    rows.sort(key=lambda r: (not r.still_has_access, r.leaving or date.min, r.name.casefold()))
    return tuple(rows)


def _requests(
    site: Site, requests: Sequence[NasRequest], names: dict[int, str], as_of: date
) -> tuple[RequestRow, ...]:
    since = as_of - timedelta(days=RECENT_DAYS)
    here = [
        r
        for r in requests
        if r.site_id == site.id
        and (r.status is RequestStatus.OPEN or (r.resolved is not None and r.resolved >= since))
    ]
    here.sort(key=lambda r: (r.status is not RequestStatus.OPEN, r.sent, r.id))
    return tuple(
        RequestRow(
            kind=kind_label(r.kind),
            person=names.get(r.person_id, "") if r.person_id is not None else "",
            sent=r.sent,
            ticket=r.ticket,
            status=request_status_label(r.status),
            resolved=r.resolved,
            overdue=is_overdue(r, as_of),
        )
        for r in here
    )


def _tickets(
    site: Site, all_tickets: Sequence[Ticket], open_ones: Sequence[Ticket], as_of: date
) -> tuple[TicketRow, ...]:
    since = datetime.combine(as_of - timedelta(days=RECENT_DAYS), datetime.min.time(), LONDON)
    unresolved = {id(t.entries[0]) for t in open_ones}
    rows: list[tuple[bool, TicketRow]] = []
    for ticket in all_tickets:
        if ticket.site_id != site.id:
            continue
        is_open = id(ticket.entries[0]) in unresolved
        first, last = ticket.entries[0], ticket.entries[-1]
        if not is_open and last.at < since:
            continue
        follow = [c.follow_up for c in ticket.entries if c.follow_up is not None]
        rows.append(
            (
                is_open,
                TicketRow(
                    reference=ticket.reference,
                    about=ticket_script_label(first.script),
                    opened=first.at,
                    last=last.at,
                    status=ticket_status_label(last.status),
                    follow_up=max(follow) if is_open and follow else None,
                    overdue=ticket.overdue(as_of),
                ),
            )
        )
    rows.sort(key=lambda pair: (not pair[0], pair[1].opened))
    return tuple(row for _open, row in rows)


# --- the whole report --------------------------------------------------------------------------


def build_report(
    source: ReportSource, sites: Sequence[Site], *, now: datetime, as_of: date
) -> AssuranceReport:
    """The report for ``sites`` (from :func:`select_sites`), verdicts worked out for
    ``as_of``, made at ``now`` by the source's admin."""
    db = source.read()
    status = read_status(db, as_of)
    by_site = {s.site.id: s for s in status.sites}
    people = records.people(db)
    names = {p.id: p.full_name for p in people}
    requests = records.requests(db)
    settings = records.settings(db)
    contacts = records.ticket_entries(db)
    all_tickets = tickets(contacts)
    unresolved = open_tickets(contacts)
    trail = _read_trail(source.audit_entries(), names)
    leavers = [p for p in people if p.status in (PersonStatus.LEAVER, PersonStatus.LEFT)]
    found: list[SiteReport] = []
    for site in sites:
        here = by_site[site.id]
        found.append(
            SiteReport(
                site=site,
                cover=here.cover,
                register=_register(here),
                leavers=_leavers(
                    site,
                    leavers,
                    requests,
                    here.access_to_remove,
                    trail,
                    as_of,
                ),
                last_review=site.last_review,
                next_review=next_review(site, settings),
                review_due=review_due(site, settings, as_of),
                reviews=tuple(trail.reviews.get(site.id, ())),
                requests=_requests(site, requests, names, as_of),
                tickets=_tickets(site, all_tickets, unresolved, as_of),
                dspt=here.dspt,
                dspt_version=here.dspt_version,
                dspt_status=dspt_status_label(site.dspt_status),
            )
        )
    check = source.verify_audit()
    kept = source.generations()
    assurance = Assurance(
        audit_ok=check.ok,
        audit_message=check.message,
        audit_length=check.length,
        audit_head=check.head,
        generation=source.generation,
        warnings=tuple(str(w) for w in getattr(source, "warnings", ())),
        backups=len(kept),
        backups_intact=sum(1 for g in kept if g.ok),
        newest_backup=max((g.generation for g in kept), default=None),
        made_at=now,
        made_by=source.admin,
        as_of=as_of,
    )
    return AssuranceReport(tuple(found), assurance)


def record_generation(source: ReportSource, action: str, sites: Sequence[Site]) -> None:
    """Audit that a report or card was made (who and when the store records; which sites,
    by ODS code, here): it takes personal data out of the encrypted store."""
    with source.transaction() as tx:
        tx.audit(action, SITES, None, ",".join(site.ods_code for site in sites))


def make_report(
    source: ReportSource,
    ods: str | None,
    *,
    now: datetime,
    as_of: date,
    render: Callable[[AssuranceReport], str],
) -> tuple[str, list[Site]]:
    """Audit the report first, then build and render it from the store as it is after
    that entry: the head hash printed on the page is the one ``kiosk check`` shows next."""
    sites = select_sites(source.read(), ods)
    record_generation(source, ACTION_ASSURANCE, sites)
    return render(build_report(source, sites, now=now, as_of=as_of)), sites
