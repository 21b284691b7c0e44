"""A fictional care group for ``kiosk --demo``: two homes and 25 staff in every situation.

Someone trying kiosk for the first time should meet, on the first dashboard, every
warning the product exists to give: a site whose only owner is about to go inactive,
logins overdue at each stage of NHSmail's lifecycle (inactive, deleted but restorable,
gone), joiners and a leaver waiting on NAS, an overdue NAS ticket, a shared mailbox that
has been silent for five and a half months, and a DSPT at "Approaching Standards". The
other home is healthy, so the contrast shows what "fine" looks like.

Everything is fictional and deterministic. Mobiles come from Ofcom's drama range
(07700 900000-900999), landlines from 01632 960000-960999, personal emails from
example.org / example.com and ODS codes from the obviously fake ``VZZ`` range
(``nhsmail-facts.md``, "Identifiers"). Every date is an offset from the ``today`` passed
in, so the demo looks the same whichever day it is opened, and tests can pin the day.

The records go in through :func:`kiosk.records.save` in one store transaction, so the
demo's audit trail reads like real use: one entry per record, action ``demo.populate``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from kiosk import records
from kiosk.clock import LONDON
from kiosk.dspt import suggest_version
from kiosk.model import (
    PEOPLE,
    REQUESTS,
    SITES,
    TICKETS,
    Channel,
    DsptStatus,
    LocalSupport,
    NasRequest,
    Person,
    PersonStatus,
    RequestKind,
    RequestStatus,
    Role,
    Settings,
    Site,
    TicketEntry,
    TicketStatus,
)

DEMO_ADMIN = "Demo Admin"
DEMO_PASSPHRASE = "demo passphrase 2026"  # shown on the unlock screen; >= 12 characters
AUDIT_ACTION = "demo.populate"

OWNER = Role.OWNER
MEMBER = Role.MEMBER

# The two homes, by index into _SITES; person specs name sites by these indexes.
HARBOUR = 0
MEADOW = 1


@dataclass(frozen=True, slots=True)
class _SiteSpec:
    name: str
    ods_code: str
    cqc_location_id: str
    site_phone: str
    mailbox: str
    dspt_status: DsptStatus
    last_sent_days_ago: int
    last_review_days_ago: int | None


_SITES: tuple[_SiteSpec, ...] = (
    _SiteSpec(
        name="Harbour View Care Home",
        ods_code="VZZ01",
        cqc_location_id="1-000000001",
        site_phone="01632960101",
        mailbox="harbourview.care@nhs.net",
        dspt_status=DsptStatus.MET,
        last_sent_days_ago=1,
        last_review_days_ago=41,
    ),
    _SiteSpec(
        name="Meadowbank Lodge",
        ods_code="VZZ02",
        cqc_location_id="1-000000002",
        site_phone="01632960202",
        mailbox="meadowbank.lodge@nhs.net",
        dspt_status=DsptStatus.APPROACHING,
        # About five and a half months: past kiosk's 5-month warning
        # (facts.SHARED_MAILBOX_WARN_MONTHS), before NHSmail's 6-month flag.
        last_sent_days_ago=168,
        last_review_days_ago=130,  # older than the default 3-month review period
    ),
)


@dataclass(frozen=True, slots=True)
class _Staff:
    """One person of the demo; days are counted back from ``today``."""

    name: str
    mobile: int  # the last three digits after 07700 900
    email_domain: str  # example.org or example.com
    access: Mapping[int, Role]  # site index -> role
    active_days_ago: int | None  # last NHSmail activity
    nhsmail: bool = True  # has an NHSmail account (firstname.lastname@nhs.net)
    personal_email: bool = True


# Ordinary staff: everyone with an account in use, from fine to gone. The roles and the
# day counts are chosen so that each band of the login reminders has somebody in it:
# nearly due (27-29 days), inactive (40), deleted but restorable (70), gone (100).
_STAFF: tuple[_Staff, ...] = (
    # Harbour View: the registered manager and the administrator own the mailbox (FAQ:
    # "typically including at least two staff members like the registered manager and
    # administrator").
    _Staff("Margaret Ellison", 114, "example.org", {HARBOUR: OWNER}, 1),
    _Staff("Priya Shah", 127, "example.com", {HARBOUR: OWNER}, 3),
    _Staff("Thomas Whitfield", 135, "example.org", {HARBOUR: MEMBER}, 5),
    _Staff("Aisha Rahman", 142, "example.com", {HARBOUR: MEMBER}, 2),
    _Staff("Gareth Hughes", 158, "example.org", {HARBOUR: MEMBER}, 12),
    _Staff("Hannah Clarke", 163, "example.com", {HARBOUR: MEMBER}, 27),
    _Staff("Siobhan Murphy", 171, "example.org", {HARBOUR: MEMBER}, 29),
    _Staff("Oliver Bennett", 186, "example.com", {HARBOUR: MEMBER}, 40),
    _Staff("Chloe Davies", 194, "example.org", {HARBOUR: MEMBER}, 8),
    _Staff("Daniel Price", 203, "example.com", {HARBOUR: MEMBER}, 70),
    _Staff("Jack Thornton", 219, "example.org", {HARBOUR: MEMBER}, 18),
    # Meadowbank Lodge: a single owner, nearly due: the dashboard's first warning.
    _Staff("David Okafor", 226, "example.com", {MEADOW: OWNER}, 28),
    _Staff("Fiona MacLeod", 238, "example.org", {MEADOW: MEMBER}, 1),
    _Staff("Samuel Adeyemi", 245, "example.com", {MEADOW: MEMBER}, 15),
    _Staff("Rebecca Turner", 251, "example.org", {MEADOW: MEMBER}, 20),
    _Staff("Lewis Morgan", 267, "example.com", {MEADOW: MEMBER}, 100),
    _Staff("Grace O'Connor", 274, "example.org", {MEADOW: MEMBER}, 6),
    _Staff("Natalie Evans", 282, "example.com", {MEADOW: MEMBER}, 3),
    # Bank staff who work at both homes.
    _Staff("Ravi Patel", 295, "example.org", {HARBOUR: MEMBER, MEADOW: MEMBER}, 9),
)

# The people with a story of their own (dates set in populate()).
_ON_LEAVE = _Staff("Emily Watson", 308, "example.com", {HARBOUR: MEMBER}, 125)
_NEW_ACCOUNT = _Staff("Joseph Kowalski", 316, "example.org", {HARBOUR: MEMBER}, None)
_LEAVING = _Staff("Karen Fletcher", 329, "example.com", {HARBOUR: MEMBER}, 4)
_LEFT = _Staff("Brian Holloway", 337, "example.org", {}, 420)
_JOINER_NEW = _Staff("Ellie Robinson", 342, "example.com", {}, None, nhsmail=False)
_JOINER_EXISTING = _Staff("Marcus Reid", 358, "example.org", {}, 2, personal_email=False)


def mobile(last_three: int) -> str:
    """A number from Ofcom's drama range, stored as kiosk stores mobiles (07 + 9 digits)."""
    if not 0 <= last_three <= 999:
        raise ValueError("outside the drama range")
    return f"07700900{last_three:03d}"


def _local_part(full_name: str) -> str:
    """``Grace O'Connor`` -> ``grace.oconnor``: the usual NHSmail firstname.lastname form."""
    words = ["".join(ch for ch in word if ch.isalnum()) for word in full_name.lower().split()]
    return ".".join(word for word in words if word)


def _person(staff: _Staff, today: date, sites: list[int]) -> Person:
    local = _local_part(staff.name)
    active = staff.active_days_ago
    return Person(
        full_name=staff.name,
        personal_mobile=mobile(staff.mobile),
        personal_email=f"{local}@{staff.email_domain}" if staff.personal_email else None,
        nhsmail=f"{local}@nhs.net" if staff.nhsmail else None,
        access={sites[index]: role for index, role in staff.access.items()},
        last_activity=today - timedelta(days=active) if active is not None else None,
        first_login_done=staff.nhsmail,
    )


def _weekday_before(day: date) -> date:
    """The day itself, or the Friday before it: NAS answers the phone on weekdays only."""
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _moment(day: date, hour: int, minute: int) -> datetime:
    """A London wall-clock time on ``day``, as the aware UTC value TicketEntry stores."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def dspt_published(today: date) -> date:
    """When Harbour View published its DSPT: last 15 October (or today, on the day).

    By mid-October the new Toolkit version is open, so the publication answers it and stays
    current until the end of the version after (kiosk.dspt): Standards Met with nothing to
    do, whichever day the demo is opened.
    """
    year = today.year if (today.month, today.day) >= (10, 15) else today.year - 1
    return min(date(year, 10, 15), today)


def _sites(today: date) -> list[Site]:
    harbour_dspt = dspt_published(today)
    # Meadowbank published later in the same Toolkit year, never in the future.
    meadow_dspt = min(harbour_dspt + timedelta(days=35), today)
    published = (harbour_dspt, meadow_dspt)
    return [
        Site(
            name=spec.name,
            ods_code=spec.ods_code,
            cqc_location_id=spec.cqc_location_id,
            site_phone=spec.site_phone,
            mailbox=spec.mailbox,
            dspt_status=spec.dspt_status,
            dspt_published=published[index],
            dspt_version=suggest_version(published[index]),
            mailbox_last_sent=today - timedelta(days=spec.last_sent_days_ago),
            last_review=(
                today - timedelta(days=spec.last_review_days_ago)
                if spec.last_review_days_ago is not None
                else None
            ),
        )
        for index, spec in enumerate(_SITES)
    ]


SETTINGS = Settings(
    local_support=LocalSupport(
        name="Seaport County Care Providers' Support",
        email="care.support@example.org",
        phone="01632960999",
    )
)


def populate(store: records.StoreLike, today: date) -> None:
    """Fill a freshly created store with the demo care group, relative to ``today``.

    Refuses a store that already has sites or people: the demo must never be mixed
    into a real record by mistake.
    """

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    with store.transaction() as tx:
        if len(tx.db.table(SITES)) or len(tx.db.table(PEOPLE)):
            raise ValueError("the demo fills an empty store only")

        def save_person(person: Person) -> int:
            return records.save(tx, PEOPLE, person, AUDIT_ACTION)

        def save_request(request: NasRequest) -> int:
            return records.save(tx, REQUESTS, request, AUDIT_ACTION)

        records.save_settings(tx, SETTINGS)
        site_ids = [records.save(tx, SITES, site, AUDIT_ACTION) for site in _sites(today)]
        harbour, meadow = site_ids

        for staff in _STAFF:
            save_person(_person(staff, today, site_ids))

        # On maternity leave: the account was disabled through NAS (kept for up to 18
        # months without activity) and the request is done.
        on_leave = _person(_ON_LEAVE, today, site_ids)
        on_leave_id = save_person(replace(on_leave, disabled_since=ago(120)))
        save_request(
            NasRequest(
                kind=RequestKind.DISABLE,
                site_id=harbour,
                sent=ago(124),
                person_id=on_leave_id,
                status=RequestStatus.DONE,
                ticket="INC4170233",
                resolved=ago(120),
            )
        )

        # A new account NAS created ten days ago; first sign-in not done yet, so it
        # goes inactive 30 days after creation unless the owner helps them in.
        new_account = _person(_NEW_ACCOUNT, today, site_ids)
        new_account_id = save_person(
            replace(new_account, account_created=ago(10), first_login_done=False)
        )
        save_request(
            NasRequest(
                kind=RequestKind.JOINER_NEW,
                site_id=harbour,
                sent=ago(15),
                person_id=new_account_id,
                role=MEMBER,
                status=RequestStatus.DONE,
                ticket="INC4182907",
                resolved=ago(10),
            )
        )

        # Leaving in ten days: the leaver request is with NAS; their shared mailbox
        # permission stays until an owner removes it.
        leaving = _person(_LEAVING, today, site_ids)
        leaving_id = save_person(
            replace(
                leaving,
                status=PersonStatus.LEAVER,
                status_since=ago(4),
                leaving_date=today + timedelta(days=10),
            )
        )
        save_request(
            NasRequest(
                kind=RequestKind.LEAVER,
                site_id=harbour,
                sent=ago(4),
                person_id=leaving_id,
            )
        )

        # Left fourteen months ago: past the 12-month retention period, so the
        # retention feature offers to erase the personal details.
        left = _person(_LEFT, today, site_ids)
        left_id = save_person(
            replace(
                left,
                status=PersonStatus.LEFT,
                status_since=ago(420),
                leaving_date=ago(420),
                leaver_marked=ago(418),
            )
        )
        save_request(
            NasRequest(
                kind=RequestKind.LEAVER,
                site_id=harbour,
                sent=ago(423),
                person_id=left_id,
                status=RequestStatus.DONE,
                ticket="INC3650418",
                resolved=ago(418),
            )
        )

        # Two joiners waiting on NAS: a brand-new account for Harbour View (sent two
        # days ago), and an existing NHSmail account joining Meadowbank as its second
        # owner (sent twelve days ago: more than five working days, so it is flagged).
        joiner_new = _person(_JOINER_NEW, today, site_ids)
        joiner_new_id = save_person(
            replace(joiner_new, status=PersonStatus.JOINER, status_since=ago(2))
        )
        save_request(
            NasRequest(
                kind=RequestKind.JOINER_NEW,
                site_id=harbour,
                sent=ago(2),
                person_id=joiner_new_id,
                role=MEMBER,
            )
        )
        joiner_existing = _person(_JOINER_EXISTING, today, site_ids)
        joiner_existing_id = save_person(
            replace(joiner_existing, status=PersonStatus.JOINER, status_since=ago(12))
        )
        save_request(
            NasRequest(
                kind=RequestKind.JOINER_EXISTING,
                site_id=meadow,
                sent=ago(12),
                person_id=joiner_existing_id,
                role=OWNER,
            )
        )

        # The call and ticket log: an open "no access" call at Meadowbank whose
        # follow-up date has passed, and an emailed request that NAS resolved.
        call_day = _weekday_before(ago(8))
        records.save(
            tx,
            TICKETS,
            TicketEntry(
                at=_moment(call_day, 10, 20),
                channel=Channel.PHONE,
                script="no_access",
                site_id=meadow,
                ticket="INC4190562",
                status=TicketStatus.OPEN,
                follow_up=ago(2),
                notes="Night staff could not open the shared mailbox. NAS logged it and "
                "said they would call the site phone back within two working days.",
            ),
            AUDIT_ACTION,
        )
        email_day = _weekday_before(ago(40))
        records.save(
            tx,
            TICKETS,
            TicketEntry(
                at=_moment(email_day, 14, 5),
                channel=Channel.EMAIL,
                script="shared_access",
                site_id=meadow,
                ticket="INC4127719",
                status=TicketStatus.RESOLVED,
                notes="Bank carer working at both homes had an NHSmail account but could "
                "not open the Meadowbank mailbox; NAS added the permission.",
            ),
            AUDIT_ACTION,
        )
