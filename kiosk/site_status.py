"""Where every site stands on a day, read once: what ``kiosk status`` prints and what the
dashboard shows for cover, logins, requests, tickets, leavers' access and the DSPT.

Each figure comes from the module that owns its rule (the one status and usable cover from
:mod:`kiosk.lifecycle` and :mod:`kiosk.coverage`, requests from :mod:`kiosk.nas_requests`,
tickets from :mod:`kiosk.tickets`, the DSPT from :mod:`kiosk.dspt`); this module only
gathers them per open site and grades the whole:

- **wrong now** (:data:`EXIT_WRONG`, 4): no usable owner, fewer than two usable people,
  the DSPT lapsed or below NHSmail's minimum, or a request to NAS open too long;
- **due soon** (:data:`EXIT_DUE`, 3): only one usable owner, a login overdue or due, a
  DSPT warning, a ticket past its follow-up day, or a leaver's access still to remove;
- **all well** (:data:`EXIT_OK`, 0) otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tinydb import TinyDB

from kiosk import records
from kiosk.coverage import Coverage, CoverLevel, can_sign_in, coverage
from kiosk.dspt import DsptVerdict, dspt_verdict, version_of
from kiosk.lifecycle import LifecycleState, PersonVerdict, person_statuses
from kiosk.model import NasRequest, Person, RequestStatus, Role, Site
from kiosk.nas_requests import overdue_requests
from kiosk.people import access_to_remove
from kiosk.tickets import Ticket, open_tickets

EXIT_OK = 0
EXIT_DUE = 3
EXIT_WRONG = 4


@dataclass(frozen=True)
class SiteStatus:
    """One open site on the day."""

    site: Site
    cover: Coverage
    people: tuple[tuple[Person, Role, PersonVerdict], ...]  # everyone with access here
    logins_overdue: int  # people with access whose account is inactive, deleted or gone
    logins_due: int  # ... due to sign in soon
    open_requests: tuple[NasRequest, ...]
    overdue_requests: tuple[NasRequest, ...]
    open_tickets: tuple[Ticket, ...]
    overdue_tickets: tuple[Ticket, ...]
    access_to_remove: tuple[Person, ...]  # leavers whose access here is still on record
    dspt: DsptVerdict
    dspt_version: str | None

    @property
    def exit_status(self) -> int:
        if self.cover.level is CoverLevel.BAD or self.dspt.level == "bad" or self.overdue_requests:
            return EXIT_WRONG
        if (
            self.cover.level is CoverLevel.WARN
            or self.logins_overdue
            or self.logins_due
            or self.dspt.level == "warn"
            or self.overdue_tickets
            or self.access_to_remove
        ):
            return EXIT_DUE
        return EXIT_OK


@dataclass(frozen=True)
class StatusReport:
    as_of: date
    sites: tuple[SiteStatus, ...]
    verdicts: dict[int, PersonVerdict]  # everyone's one status, by person id

    @property
    def exit_status(self) -> int:
        return max((s.exit_status for s in self.sites), default=EXIT_OK)


def read_status(db: TinyDB, today: date) -> StatusReport:
    """Every open site's status on ``today``, from one read of the store."""
    sites = [s for s in records.sites(db) if s.closed is None]
    people = records.people(db)
    requests = records.requests(db)
    contacts = records.ticket_entries(db)
    verdicts = person_statuses(people, today)
    usable = can_sign_in(people, today)
    to_remove = access_to_remove(people, sites, today)
    tickets = open_tickets(contacts)
    # Each site's people found once, in record order: 50 sites x 10,000 people would be
    # half a million look-ups (a third of a second) on every dashboard.
    at_site: dict[int, list[Person]] = {}
    for person in people:
        for site_id in person.access:
            at_site.setdefault(site_id, []).append(person)
    found: list[SiteStatus] = []
    for site in sites:
        mine = at_site.get(site.id, [])
        here = tuple(
            (p, role, verdicts[p.id]) for p in mine if (role := p.access.get(site.id)) is not None
        )
        states = [v.account for _p, _r, v in here if v.account is not None and not v.leaver]
        open_here = tuple(
            r for r in requests if r.site_id == site.id and r.status is RequestStatus.OPEN
        )
        tickets_here = tuple(t for t in tickets if t.site_id == site.id)
        found.append(
            SiteStatus(
                site=site,
                cover=coverage(site.id, mine, today, usable),
                people=here,
                logins_overdue=sum(1 for s in states if s.overdue),
                logins_due=sum(1 for s in states if s.state is LifecycleState.DUE_SOON),
                open_requests=open_here,
                overdue_requests=tuple(overdue_requests(open_here, today)),
                open_tickets=tickets_here,
                overdue_tickets=tuple(t for t in tickets_here if t.overdue(today)),
                access_to_remove=tuple(p for p, s in to_remove if s.id == site.id),
                dspt=dspt_verdict(site, today),
                dspt_version=version_of(site),
            )
        )
    return StatusReport(today, tuple(found), verdicts)
