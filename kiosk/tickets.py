"""The call and ticket log: every call or email to NAS, its ticket, status and follow-up.

When no one on site can open the shared mailbox, the admin's only way back in is a phone
call to NAS, and the only proof of that call is the ticket reference. Losing it means
starting again, so every contact is recorded here with its follow-up date, and an open
ticket past that date is put in front of the admin with the escalation route the FAQ
gives (feedback@nhs.net with the ticket reference and the date and time of the call).

Every write is one store transaction with an audit entry that names the record and the
action, never the personal data (names, numbers and notes stay in the encrypted records).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from tinydb import TinyDB

from kiosk import facts, records
from kiosk.clock import LONDON
from kiosk.forms import FieldErrors, FormRejected
from kiosk.i18n import N_, _
from kiosk.model import (
    PEOPLE,
    REQUESTS,
    TICKETS,
    Channel,
    LocalSupport,
    NasRequest,
    Person,
    PersonStatus,
    RequestKind,
    Role,
    TicketEntry,
    TicketStatus,
)
from kiosk.nas_hours import add_working_days
from kiosk.validators import (
    ValidationError,
    check_text,
    normalise_mobile,
    validate_email,
    validate_full_name,
    validate_nhsmail,
    validate_ticket,
    validate_uk_phone,
)

# The scripts a contact can be recorded against (kiosk.call_scripts uses the same ids).
SCRIPT_NO_ACCESS = "no_access"
SCRIPT_ESCALATE = "escalate"
SCRIPT_SHARED_ACCESS = "shared_access"
SCRIPT_ODS_CHANGE = "ods_change"
SCRIPT_OUTSIDE_HOURS = "outside_hours"
SCRIPT_OTHER = "other"  # a contact the admin logs by hand, outside any script

_NOTES_MAX = 2000


# --- reading the log -------------------------------------------------------------------


def is_unresolved(contact: TicketEntry) -> bool:
    return contact.status in (TicketStatus.OPEN, TicketStatus.WAITING)


def overdue_followups(contacts: Sequence[TicketEntry], today: date) -> list[TicketEntry]:
    """Open or waiting tickets whose follow-up day has passed, oldest follow-up first.

    The follow-up day itself is not overdue: it is the day to chase, and the dashboard
    should not nag before it is over.
    """
    due = [
        c for c in contacts if is_unresolved(c) and c.follow_up is not None and c.follow_up < today
    ]
    return sorted(due, key=lambda c: (c.follow_up or today, c.at, c.id))


@dataclass(frozen=True)
class Ticket:
    """One NAS ticket, however many calls and emails it took: contacts that share a
    reference (case and spaces ignored) are one ticket, and so is an escalation email with
    the contact it escalates (its ``escalates`` link), with or without a reference; any
    other contact with no reference is a ticket of its own."""

    reference: str  # "" when none was given (the oldest reference among its contacts)
    entries: tuple[TicketEntry, ...]  # oldest first

    @property
    def site_id(self) -> int:
        return self.entries[0].site_id

    @property
    def unresolved(self) -> bool:
        return any(is_unresolved(c) for c in self.entries)

    def overdue(self, today: date) -> bool:
        """Unresolved and a follow-up day of an unresolved contact has passed."""
        return any(
            is_unresolved(c) and c.follow_up is not None and c.follow_up < today
            for c in self.entries
        )


def ticket_key(reference: str) -> str:
    return "".join(reference.split()).upper()


def tickets(contacts: Iterable[TicketEntry]) -> list[Ticket]:
    """The contacts grouped into tickets (see :class:`Ticket`), oldest first.

    The one grouping every count uses (the dashboard, ``kiosk status``, the report, the
    Tickets screen's changes): a call and its escalation email are one ticket."""
    ordered = sorted(contacts, key=lambda c: (c.at, c.id))
    parent: dict[int, int] = {c.id: c.id for c in ordered}

    def root(cid: int) -> int:
        while parent[cid] != cid:
            parent[cid] = parent[parent[cid]]
            cid = parent[cid]
        return cid

    def join(a: int, b: int) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    by_reference: dict[str, int] = {}
    for c in ordered:
        if c.ticket.strip():
            join(c.id, by_reference.setdefault(ticket_key(c.ticket), c.id))
        if c.escalates is not None and c.escalates in parent:
            join(c.id, c.escalates)
    groups: dict[int, list[TicketEntry]] = {}
    for c in ordered:
        groups.setdefault(root(c.id), []).append(c)
    found = [
        Ticket(next((c.ticket.strip() for c in group if c.ticket.strip()), ""), tuple(group))
        for group in groups.values()
    ]
    return sorted(found, key=lambda t: (t.entries[0].at, t.entries[0].id))


def ticket_of(contacts: Iterable[TicketEntry], entry_id: int) -> Ticket | None:
    """The ticket the contact ``entry_id`` belongs to."""
    return next((t for t in tickets(contacts) if any(c.id == entry_id for c in t.entries)), None)


def open_tickets(contacts: Iterable[TicketEntry]) -> list[Ticket]:
    """Tickets with a contact still open or waiting."""
    return [t for t in tickets(contacts) if t.unresolved]


def log(db: TinyDB) -> list[TicketEntry]:
    """Every contact, newest first (the order the Tickets screen shows)."""
    return sorted(records.ticket_entries(db), key=lambda c: (c.at, c.id), reverse=True)


def entry(db: TinyDB, entry_id: int) -> TicketEntry | None:
    """The ticket entry ``entry_id``, or None once it is gone."""
    doc = db.table(TICKETS).get(doc_id=entry_id)
    return TicketEntry.from_doc(entry_id, doc) if doc is not None else None


def default_follow_up(day: date) -> date:
    """When to chase a new ticket: the number of NAS working days kiosk flags requests after."""
    return add_working_days(day, facts.REQUEST_ESCALATE_WORKING_DAYS)


# --- field rules ------------------------------------------------------------------------


def validate_notes(text: str) -> str:
    """Free notes on a contact: trimmed, at most 2000 characters, no control characters."""
    value = text.strip().replace("\r\n", "\n")
    return check_text(value, field=_("Notes"), limit=_NOTES_MAX, newlines=True, rule="notes")


def _checked_ticket_and_notes(ticket: str, notes: str) -> tuple[str, str]:
    """The ticket reference and notes every logged contact carries, each by its own rule;
    FormRejected names both problems at once."""
    errors = FieldErrors()
    try:
        ticket = validate_ticket(ticket)
    except ValidationError as error:
        errors["ticket"] = error.message
    try:
        notes = validate_notes(notes)
    except ValidationError as error:
        errors["notes"] = error.message
    if errors:
        raise FormRejected(errors)
    return ticket, notes


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("a contact time must be an aware datetime")
    return at.astimezone(UTC)


# --- writing the log --------------------------------------------------------------------


def record_entry(
    store: records.StoreLike,
    *,
    site_id: int,
    at: datetime,
    channel: Channel,
    script: str,
    ticket: str = "",
    notes: str = "",
    follow_up: date | None = None,
    status: TicketStatus = TicketStatus.OPEN,
    request_id: int | None = None,
) -> TicketEntry:
    """Add one call or email to the log (validated, one transaction, audited)."""
    ticket, notes = _checked_ticket_and_notes(ticket, notes)
    logged = TicketEntry(
        at=_utc(at),
        channel=channel,
        script=script,
        site_id=site_id,
        ticket=ticket,
        status=status,
        follow_up=follow_up,
        notes=notes,
        request_id=request_id,
    )
    with store.transaction() as tx:
        detail = f"{channel.value} {script}"
        new_id = records.save(tx, TICKETS, logged, "contact.add", detail=detail)
    return replace(logged, id=new_id)


def _change(
    store: records.StoreLike, entry_id: int, action: str, detail: str, **changes: object
) -> TicketEntry:
    with store.transaction() as tx:
        current = entry(tx.db, entry_id)
        if current is None:
            raise KeyError(f"ticket entry {entry_id} no longer exists")
        updated = replace(current, **changes)  # type: ignore[arg-type]
        records.save(tx, TICKETS, updated, action, detail=detail)
    return updated


def set_status(store: records.StoreLike, entry_id: int, status: TicketStatus) -> TicketEntry:
    """Mark a ticket open, waiting (on NAS) or resolved: every contact that shares its
    reference (one ticket, however many calls and emails), each change audited."""
    with store.transaction() as tx:
        current = entry(tx.db, entry_id)
        if current is None:
            raise KeyError(f"ticket entry {entry_id} no longer exists")
        group = ticket_of(records.ticket_entries(tx.db), entry_id)
        assert group is not None
        for logged in group.entries:
            if logged.status is not status:
                records.save(
                    tx, TICKETS, replace(logged, status=status), "contact.status", status.value
                )
    return replace(current, status=status)


def edit_ticket(store: records.StoreLike, entry_id: int, ticket: str, notes: str) -> TicketEntry:
    """Correct a ticket's reference and a contact's notes (validated, each change audited).

    The reference belongs to the ticket, so every contact of it takes the new one (a call
    corrected alone would split from its emails into two tickets); the notes stay the
    edited contact's own."""
    ticket, notes = _checked_ticket_and_notes(ticket, notes)
    with store.transaction() as tx:
        current = entry(tx.db, entry_id)
        if current is None:
            raise KeyError(f"ticket entry {entry_id} no longer exists")
        group = ticket_of(records.ticket_entries(tx.db), entry_id)
        assert group is not None
        for logged in group.entries:
            if logged.id == entry_id:
                continue
            if logged.ticket != ticket:
                records.save(
                    tx, TICKETS, replace(logged, ticket=ticket), "contact.edit", "ticket"
                )
        updated = replace(current, ticket=ticket, notes=notes)
        records.save(tx, TICKETS, updated, "contact.edit", detail="ticket and notes")
    return updated


def set_follow_up(store: records.StoreLike, entry_id: int, follow_up: date | None) -> TicketEntry:
    """Set (or clear) the day to chase NAS if the ticket is still unresolved."""
    detail = follow_up.isoformat() if follow_up else "cleared"
    return _change(store, entry_id, "contact.follow_up", detail, follow_up=follow_up)


def record_email(
    store: records.StoreLike,
    *,
    site_id: int,
    at: datetime,
    script: str,
    ticket: str = "",
    notes: str = "",
    follow_up: date | None = None,
    escalates: int | None = None,
) -> TicketEntry:
    """Log an email sent to NAS; an escalation also puts the escalated ticket on waiting.

    Both changes are one transaction, so the log never shows an escalation email while
    the ticket it escalated still looks untouched.
    """
    ticket, notes = _checked_ticket_and_notes(ticket, notes)
    day = at.astimezone(LONDON).date()
    due = follow_up if follow_up is not None else default_follow_up(day)
    logged = TicketEntry(
        at=_utc(at),
        channel=Channel.EMAIL,
        script=script,
        site_id=site_id,
        ticket=ticket,
        follow_up=due,
        notes=notes,
    )
    with store.transaction() as tx:
        if escalates is not None:
            earlier = entry(tx.db, escalates)
            if earlier is None:
                raise KeyError(f"ticket entry {escalates} no longer exists")
            logged = replace(logged, request_id=earlier.request_id, escalates=earlier.id)
            waiting = replace(earlier, status=TicketStatus.WAITING, follow_up=due)
            records.save(tx, TICKETS, waiting, "contact.status", detail="waiting (escalated)")
        new_id = records.save(tx, TICKETS, logged, "contact.add", detail=f"email {script}")
    return replace(logged, id=new_id)


# --- the no-access call -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewOwner:
    """Who NAS is asked to make the shared mailbox's new owner, exactly as NAS asks (FAQ).

    ``person_id`` is set when the admin picked someone already on record; otherwise the
    details were typed in and a new person is created when the call is recorded.
    """

    full_name: str
    personal_mobile: str
    personal_email: str | None = None
    nhsmail: str | None = None
    person_id: int | None = None

    @classmethod
    def from_person(cls, person: Person) -> NewOwner:
        return cls(
            full_name=person.full_name,
            personal_mobile=person.personal_mobile,
            personal_email=person.personal_email,
            nhsmail=person.nhsmail,
            person_id=person.id,
        )


def new_owner_warning(person: Person, today: date) -> str:
    """What the admin must know before naming someone on record as the new owner: an
    account that is gone for good cannot be given access, so NAS must make a new one
    ("" when there is nothing to say)."""
    from kiosk.lifecycle import LifecycleState, account_state

    state = account_state(person, today)
    if state is None or state.state is not LifecycleState.GONE:
        return ""
    return _(
        "{name}'s NHSmail account is gone for good: NAS cannot restore it or give it access. "
        "Ask NAS for a new account for them (their personal mobile and personal email), "
        "or choose someone else."
    ).format(name=person.full_name)


def new_owner_from_form(name: str, mobile: str, email: str, nhsmail: str) -> NewOwner:
    """Check the typed-in new owner's details, each field by its own rule.

    The FAQ asks for name, personal mobile (07...) and personal email, and for the NHSmail
    address first when the person already has one. A personal email is only optional then:
    NAS needs it to send a brand-new account's details.
    """
    errors = FieldErrors()
    values: dict[str, str | None] = {}
    checks: tuple[tuple[str, Callable[[str], str], str], ...] = (
        ("full_name", validate_full_name, name),
        ("personal_mobile", normalise_mobile, mobile),
    )
    for field, check, text in checks:
        try:
            values[field] = check(text)
        except ValidationError as error:
            errors[field] = error.message
    values["personal_email"] = None
    if email.strip():
        try:
            values["personal_email"] = validate_email(email)
        except ValidationError as error:
            errors["personal_email"] = error.message
    elif not nhsmail.strip():
        errors["personal_email"] = _(
            "A personal email is required when the new owner has no NHSmail account: "
            "NAS sends the new account's details to it."
        )
    values["nhsmail"] = None
    if nhsmail.strip():
        try:
            values["nhsmail"] = validate_nhsmail(nhsmail, values["personal_email"])
        except ValidationError as error:
            errors["nhsmail"] = error.message
    if errors:
        raise FormRejected(errors)
    return NewOwner(
        full_name=values["full_name"] or "",
        personal_mobile=values["personal_mobile"] or "",
        personal_email=values["personal_email"],
        nhsmail=values["nhsmail"],
    )


def _same_person(db: TinyDB, owner: NewOwner) -> Person | None:
    """Someone already on record with the new owner's mobile or NHSmail address."""
    for person in records.people(db):
        if person.erased is not None:
            continue
        if person.personal_mobile == owner.personal_mobile:
            return person
        if owner.nhsmail and person.nhsmail and person.nhsmail.lower() == owner.nhsmail.lower():
            return person
    return None


@dataclass(frozen=True, slots=True)
class NoAccessRecord:
    entry_id: int
    person_id: int
    request_id: int


def record_no_access_call(
    store: records.StoreLike,
    *,
    site_id: int,
    at: datetime,
    owner: NewOwner,
    ticket: str,
    notes: str = "",
    follow_up: date | None = None,
) -> NoAccessRecord:
    """Record the call that asked NAS for a new owner, all in one transaction.

    A new owner typed in is added as a joiner with the owner role at the site; someone
    picked from the people on record is left exactly as they are (the call asks NAS, it
    changes nothing yet). A NO_ACCESS request tracks NAS's answer, and the call itself goes
    into the log with its ticket, linked to the request. All is saved or none is.
    """
    ticket, notes = _checked_ticket_and_notes(ticket, notes)
    at_utc = _utc(at)
    day = at.astimezone(LONDON).date()
    with store.transaction() as tx:
        if owner.person_id is not None:
            # Someone on record: the call only asks NAS. Their record (details, role,
            # status) is left as it is until NAS's answer is recorded (people.record_answer).
            if records.person(tx.db, owner.person_id) is None:
                raise KeyError(f"person {owner.person_id} no longer exists")
            person_id = owner.person_id
        else:
            twin = _same_person(tx.db, owner)
            if twin is not None:
                raise FormRejected(
                    {
                        "personal_mobile": _(
                            "{name} is already on record with this mobile or NHSmail address: "
                            "pick them from the list instead."
                        ).format(name=twin.full_name)
                    }
                )
            person = Person(
                full_name=owner.full_name,
                personal_mobile=owner.personal_mobile,
                personal_email=owner.personal_email,
                nhsmail=owner.nhsmail,
                access={site_id: Role.OWNER},
                status=PersonStatus.JOINER,
                status_since=day,
            )
            person_id = records.save(tx, PEOPLE, person, "person.add", detail="no_access owner")
        request = NasRequest(
            kind=RequestKind.NO_ACCESS,
            site_id=site_id,
            sent=day,
            person_id=person_id,
            role=Role.OWNER,
            ticket=ticket,
        )
        request_id = records.save(tx, REQUESTS, request, "request.add", detail="no_access")
        logged = TicketEntry(
            at=at_utc,
            channel=Channel.PHONE,
            script=SCRIPT_NO_ACCESS,
            site_id=site_id,
            ticket=ticket,
            status=TicketStatus.OPEN,
            follow_up=follow_up if follow_up is not None else default_follow_up(day),
            notes=notes,
            request_id=request_id,
        )
        entry_id = records.save(tx, TICKETS, logged, "contact.add", detail="phone no_access")
    return NoAccessRecord(entry_id=entry_id, person_id=person_id, request_id=request_id)


# --- labels ---------------------------------------------------------------------------------

_SCRIPT_LABELS = {
    SCRIPT_NO_ACCESS: N_("No access"),
    SCRIPT_ESCALATE: N_("Escalation"),
    SCRIPT_SHARED_ACCESS: N_("Mailbox access"),
    SCRIPT_ODS_CHANGE: N_("ODS change"),
    SCRIPT_OUTSIDE_HOURS: N_("Outside hours"),
    SCRIPT_OTHER: N_("Other"),
}
_STATUS_LABELS = {
    TicketStatus.OPEN: N_("open"),
    TicketStatus.WAITING: N_("waiting"),
    TicketStatus.RESOLVED: N_("resolved"),
}
_CHANNEL_LABELS = {Channel.PHONE: N_("Call"), Channel.EMAIL: N_("Email")}

# The scripts a contact logged by hand can be about (the others are recorded by scripts).
HAND_LOGGED_SCRIPTS = (
    SCRIPT_OTHER,
    SCRIPT_NO_ACCESS,
    SCRIPT_ESCALATE,
    SCRIPT_SHARED_ACCESS,
    SCRIPT_ODS_CHANGE,
)


def script_label(script_id: str) -> str:
    """A short translated name for the script a contact followed (unknown ids as they are)."""
    label = _SCRIPT_LABELS.get(script_id)
    return _(label) if label else script_id


def status_label(status: TicketStatus) -> str:
    return _(_STATUS_LABELS[status])


def channel_label(channel: Channel) -> str:
    return _(_CHANNEL_LABELS[channel])


def next_status(status: TicketStatus) -> TicketStatus:
    """open -> waiting -> resolved -> open: one key steps a ticket through its life."""
    order = (TicketStatus.OPEN, TicketStatus.WAITING, TicketStatus.RESOLVED)
    return order[(order.index(status) + 1) % len(order)]


# --- the local support team -----------------------------------------------------------------


def check_local_support(name: str, email: str, phone: str) -> LocalSupport:
    """The care home's own support team: a name and at least one way to reach it.

    All three empty clears it. The FAQ's own example is a county team with an email and a
    phone number, so both are checked by the same rules as everywhere else.
    """
    if not (name.strip() or email.strip() or phone.strip()):
        return LocalSupport()
    errors = FieldErrors()
    values = {"name": "", "email": "", "phone": ""}
    try:
        values["name"] = validate_full_name(name)
    except ValidationError as error:
        errors["name"] = (
            _("The team's name is required.") if error.rule == "name_required" else error.message
        )
    if email.strip():
        try:
            values["email"] = validate_email(email)
        except ValidationError as error:
            errors["email"] = error.message
    if phone.strip():
        try:
            values["phone"] = validate_uk_phone(phone)
        except ValidationError as error:
            errors["phone"] = error.message
    if not email.strip() and not phone.strip():
        errors["email"] = _("Give an email address, a telephone number, or both.")
    if errors:
        raise FormRejected(errors)
    return LocalSupport(**values)


def save_local_support(store: records.StoreLike, name: str, email: str, phone: str) -> LocalSupport:
    """Check and save the local support team into the settings (audited as a settings change)."""
    support = check_local_support(name, email, phone)
    with store.transaction() as tx:
        current = records.settings(tx.db)
        records.save_settings(tx, replace(current, local_support=support))
    return support
