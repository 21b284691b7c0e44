"""The records kiosk keeps, as typed values, and their TinyDB document form.

Each record lives in one TinyDB table of the encrypted store; its ``id`` is the TinyDB
document id (0 for a record not yet saved). Documents hold only JSON types: dates are ISO
strings, enums their values, and the per-site access map is keyed by the site id as a
string. Conversion lives here so that no screen or rule ever reads a raw document.

Data minimisation by design: a person has exactly the fields NAS can ask for (FAQ,
"How do I add new users?") plus the dates kiosk needs for its rules. There is no field
for date of birth, home address or anything else, so nothing can leak that was never kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from kiosk import facts
from kiosk.i18n import N_, _

# Table names in the store.
SITES = "sites"
PEOPLE = "people"
REQUESTS = "requests"
# The ticket log: every call or email to NAS, with its ticket. The stored table keeps its
# first name, "contacts": renaming it on disk needs a store format bump and a migration.
TICKETS = "contacts"
SETTINGS = "settings"
REVIEWS = "reviews"

# What each table's records are called on screen (the audit trail names them).
TABLE_LABELS: dict[str, str] = {
    SITES: N_("Site"),
    PEOPLE: N_("Person"),
    REQUESTS: N_("Request"),
    TICKETS: N_("NAS contact"),
    SETTINGS: N_("Settings"),
    REVIEWS: N_("Review"),
}


def record_label(table: str | None, record_id: int | None) -> str:
    """``Person #3``: a record as the audit trail shows it, in the admin's language."""
    if not table:
        return ""
    label = _(TABLE_LABELS[table]) if table in TABLE_LABELS else table
    return f"{label} #{record_id}" if record_id is not None else label


class Role(StrEnum):
    OWNER = "owner"
    MEMBER = "member"


class PersonStatus(StrEnum):
    ACTIVE = "active"
    JOINER = "joiner"  # joiner request sent, NAS has not answered yet
    LEAVER = "leaver"  # leaver request sent or leaving date set, not yet left
    LEFT = "left"


class DsptStatus(StrEnum):
    NOT_PUBLISHED = "not_published"
    NOT_MET = "not_met"  # published, but below NHSmail's minimum
    APPROACHING = "approaching"
    MET = "met"
    EXCEEDED = "exceeded"


class RequestKind(StrEnum):
    JOINER_NEW = "joiner_new"  # no NHSmail account yet: NAS creates one
    JOINER_EXISTING = "joiner_existing"  # has an account elsewhere: joined to this site
    LEAVER = "leaver"
    ACCESS_CHANGE = "access_change"  # promote, demote or remove shared mailbox access
    DISABLE = "disable"  # long-term leave
    ENABLE = "enable"  # back from long-term leave
    SHARED_ACCESS = "shared_access"  # has an account but no shared mailbox access
    NO_ACCESS = "no_access"  # no one on site can reach the shared mailbox


class RequestStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    REJECTED = "rejected"


class TicketStatus(StrEnum):
    OPEN = "open"
    WAITING = "waiting"
    RESOLVED = "resolved"


class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"


def _d(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True, slots=True)
class Site:
    """A CQC-registered location and its one shared mailbox."""

    name: str
    ods_code: str
    cqc_location_id: str
    site_phone: str  # the CQC-registered number NAS expects calls from
    mailbox: str  # cannot be changed (FAQ)
    dspt_status: DsptStatus = DsptStatus.NOT_PUBLISHED
    dspt_published: date | None = None
    dspt_previous_status: DsptStatus | None = None  # the publication before the current one
    dspt_version: str | None = None  # the Toolkit version the publication answers: "2025-26"
    dspt_approaching_used: date | None = None  # the one Approaching Standards ever accepted
    mailbox_last_sent: date | None = None
    last_review: date | None = None
    closed: date | None = None  # set when an ODS change closes this mailbox
    replaced_by: int | None = None  # the site record that took over after an ODS change
    id: int = 0

    def to_doc(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ods_code": self.ods_code,
            "cqc_location_id": self.cqc_location_id,
            "site_phone": self.site_phone,
            "mailbox": self.mailbox,
            "dspt_status": self.dspt_status.value,
            "dspt_published": _iso(self.dspt_published),
            "dspt_previous_status": (
                self.dspt_previous_status.value if self.dspt_previous_status else None
            ),
            "dspt_version": self.dspt_version,
            "dspt_approaching_used": _iso(self.dspt_approaching_used),
            "mailbox_last_sent": _iso(self.mailbox_last_sent),
            "last_review": _iso(self.last_review),
            "closed": _iso(self.closed),
            "replaced_by": self.replaced_by,
        }

    @classmethod
    def from_doc(cls, doc_id: int, doc: Mapping[str, Any]) -> Site:
        prev = doc.get("dspt_previous_status")
        return cls(
            id=doc_id,
            name=doc["name"],
            ods_code=doc["ods_code"],
            cqc_location_id=doc["cqc_location_id"],
            site_phone=doc["site_phone"],
            mailbox=doc["mailbox"],
            dspt_status=DsptStatus(doc.get("dspt_status", DsptStatus.NOT_PUBLISHED)),
            dspt_published=_d(doc.get("dspt_published")),
            dspt_previous_status=DsptStatus(prev) if prev else None,
            dspt_version=doc.get("dspt_version") or None,
            dspt_approaching_used=_d(doc.get("dspt_approaching_used")),
            mailbox_last_sent=_d(doc.get("mailbox_last_sent")),
            last_review=_d(doc.get("last_review")),
            closed=_d(doc.get("closed")),
            replaced_by=doc.get("replaced_by"),
        )


@dataclass(frozen=True, slots=True)
class Person:
    """A member of staff and how they reach each site's shared mailbox."""

    full_name: str
    personal_mobile: str  # stored as 07 + 9 digits
    personal_email: str | None = None  # not needed for a joiner who already has an account
    nhsmail: str | None = None  # ...@nhs.net, once they have an account
    access: Mapping[int, Role] = field(default_factory=dict)  # site id -> role
    status: PersonStatus = PersonStatus.ACTIVE
    status_since: date | None = None
    leaving_date: date | None = None
    leaver_marked: date | None = None  # NAS marked the account a leaver: "Active (Leaver)"
    last_activity: date | None = None  # last NHSmail sign-in, Office 365 use or email sent
    account_created: date | None = None  # when NAS created a new account
    first_login_done: bool = False  # acceptable use policy accepted, security questions set
    disabled_since: date | None = None  # account disabled through NAS for long-term leave
    erased: date | None = None  # personal details erased under the retention rule
    id: int = 0

    def role_at(self, site_id: int) -> Role | None:
        return self.access.get(site_id)

    def to_doc(self) -> dict[str, Any]:
        return {
            "full_name": self.full_name,
            "personal_mobile": self.personal_mobile,
            "personal_email": self.personal_email,
            "nhsmail": self.nhsmail,
            "access": {str(site): role.value for site, role in self.access.items()},
            "status": self.status.value,
            "status_since": _iso(self.status_since),
            "leaving_date": _iso(self.leaving_date),
            "leaver_marked": _iso(self.leaver_marked),
            "last_activity": _iso(self.last_activity),
            "account_created": _iso(self.account_created),
            "first_login_done": self.first_login_done,
            "disabled_since": _iso(self.disabled_since),
            "erased": _iso(self.erased),
        }

    @classmethod
    def from_doc(cls, doc_id: int, doc: Mapping[str, Any]) -> Person:
        return cls(
            id=doc_id,
            full_name=doc["full_name"],
            personal_mobile=doc.get("personal_mobile") or "",
            personal_email=doc.get("personal_email"),
            nhsmail=doc.get("nhsmail"),
            access={int(k): Role(v) for k, v in (doc.get("access") or {}).items()},
            status=PersonStatus(doc.get("status", PersonStatus.ACTIVE)),
            status_since=_d(doc.get("status_since")),
            leaving_date=_d(doc.get("leaving_date")),
            leaver_marked=_d(doc.get("leaver_marked")),
            last_activity=_d(doc.get("last_activity")),
            account_created=_d(doc.get("account_created")),
            first_login_done=bool(doc.get("first_login_done", False)),
            disabled_since=_d(doc.get("disabled_since")),
            erased=_d(doc.get("erased")),
        )


@dataclass(frozen=True, slots=True)
class NasRequest:
    """A request emailed to NAS from a shared mailbox (joiner, leaver, access change...)."""

    kind: RequestKind
    site_id: int
    sent: date
    person_id: int | None = None
    role: Role | None = None  # the role asked for (joiner, access change)
    status: RequestStatus = RequestStatus.OPEN
    ticket: str = ""
    resolved: date | None = None
    reason: str = ""  # why NAS rejected it, or what changed
    id: int = 0

    def to_doc(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "site_id": self.site_id,
            "sent": _iso(self.sent),
            "person_id": self.person_id,
            "role": self.role.value if self.role else None,
            "status": self.status.value,
            "ticket": self.ticket,
            "resolved": _iso(self.resolved),
            "reason": self.reason,
        }

    @classmethod
    def from_doc(cls, doc_id: int, doc: Mapping[str, Any]) -> NasRequest:
        sent = _d(doc.get("sent"))
        assert sent is not None
        return cls(
            id=doc_id,
            kind=RequestKind(doc["kind"]),
            site_id=int(doc["site_id"]),
            sent=sent,
            person_id=doc.get("person_id"),
            role=Role(doc["role"]) if doc.get("role") else None,
            status=RequestStatus(doc.get("status", RequestStatus.OPEN)),
            ticket=doc.get("ticket", ""),
            resolved=_d(doc.get("resolved")),
            reason=doc.get("reason", ""),
        )


@dataclass(frozen=True, slots=True)
class TicketEntry:
    """One call or email to NAS and the ticket it produced."""

    at: datetime  # aware; stored in UTC
    channel: Channel
    script: str  # the call script followed, e.g. "no_access"
    site_id: int
    ticket: str = ""
    status: TicketStatus = TicketStatus.OPEN
    follow_up: date | None = None
    notes: str = ""
    request_id: int | None = None
    escalates: int | None = None  # the contact (usually a call) this email escalates
    id: int = 0

    def to_doc(self) -> dict[str, Any]:
        return {
            "at": _iso(self.at),
            "channel": self.channel.value,
            "script": self.script,
            "site_id": self.site_id,
            "ticket": self.ticket,
            "status": self.status.value,
            "follow_up": _iso(self.follow_up),
            "notes": self.notes,
            "request_id": self.request_id,
            "escalates": self.escalates,
        }

    @classmethod
    def from_doc(cls, doc_id: int, doc: Mapping[str, Any]) -> TicketEntry:
        at = _dt(doc.get("at"))
        assert at is not None
        return cls(
            id=doc_id,
            at=at,
            channel=Channel(doc["channel"]),
            script=doc["script"],
            site_id=int(doc["site_id"]),
            ticket=doc.get("ticket", ""),
            status=TicketStatus(doc.get("status", TicketStatus.OPEN)),
            follow_up=_d(doc.get("follow_up")),
            notes=doc.get("notes", ""),
            request_id=doc.get("request_id"),
            escalates=doc.get("escalates"),
        )


@dataclass(frozen=True, slots=True)
class LocalSupport:
    """The care home's own local support team (the FAQ's example: a county's team)."""

    name: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class Settings:
    """Store-wide preferences, kept as the single document of the settings table."""

    idle_lock_minutes: int = facts.IDLE_LOCK_MINUTES_DEFAULT
    review_months: int = facts.REVIEW_MONTHS_DEFAULT
    retention_months: int = facts.RETENTION_MONTHS_DEFAULT
    local_support: LocalSupport = field(default_factory=LocalSupport)

    def to_doc(self) -> dict[str, Any]:
        return {
            "idle_lock_minutes": self.idle_lock_minutes,
            "review_months": self.review_months,
            "retention_months": self.retention_months,
            "local_support": {
                "name": self.local_support.name,
                "email": self.local_support.email,
                "phone": self.local_support.phone,
            },
        }

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any] | None) -> Settings:
        if not doc:
            return cls()
        support = doc.get("local_support") or {}
        return cls(
            idle_lock_minutes=int(doc.get("idle_lock_minutes", facts.IDLE_LOCK_MINUTES_DEFAULT)),
            review_months=int(doc.get("review_months", facts.REVIEW_MONTHS_DEFAULT)),
            retention_months=int(doc.get("retention_months", facts.RETENTION_MONTHS_DEFAULT)),
            local_support=LocalSupport(
                name=support.get("name", ""),
                email=support.get("email", ""),
                phone=support.get("phone", ""),
            ),
        )
