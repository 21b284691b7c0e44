"""Requests to NAS: the emails kiosk drafts, recording them, and when one is open too long.

NAS takes joiner, leaver and access requests by email to Helpdesk@nhs.net **from the
site's shared mailbox** (FAQ, "How do I add new users?"). Each draft here names the site
and its ODS code, carries exactly the fields the FAQ lists for the case and the
owner/member choice, and nothing else: the FAQ asks providers not to send personal data
NAS does not need (no date of birth, no home address). Golden-file tests pin the wording.

Recording a drafted request means the shared mailbox sent an email, so the site's
``mailbox_last_sent`` moves in the same transaction (NHSmail flags a shared mailbox that
has sent nothing for about six months).

A request open more than ``REQUEST_ESCALATE_WORKING_DAYS`` NAS working days (Monday to
Friday, not England bank holidays: :func:`kiosk.nas_hours.is_working_day`) is overdue, and
the escalation route is the FAQ's: feedback@nhs.net with the ticket reference.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from kiosk import facts, records
from kiosk.activity import record_mailbox_sent
from kiosk.drafts import Draft
from kiosk.i18n import N_, _
from kiosk.lifecycle import add_months
from kiosk.model import (
    REQUESTS,
    NasRequest,
    Person,
    RequestKind,
    RequestStatus,
    Role,
    Settings,
    Site,
)
from kiosk.nas_hours import is_working_day
from kiosk.records import Tx
from kiosk.timefmt import day as fmt_day
from kiosk.validators import display_phone

# Short names of request kinds for tables; translate with _() where shown.
KIND_LABELS: dict[RequestKind, str] = {
    RequestKind.JOINER_NEW: N_("Joiner (new)"),
    RequestKind.JOINER_EXISTING: N_("Joiner (existing)"),
    RequestKind.LEAVER: N_("Leaver"),
    RequestKind.ACCESS_CHANGE: N_("Access change"),
    RequestKind.DISABLE: N_("Disable (long leave)"),
    RequestKind.ENABLE: N_("Re-enable"),
    RequestKind.SHARED_ACCESS: N_("Shared mailbox access"),
    RequestKind.NO_ACCESS: N_("No one has access"),
}

STATUS_LABELS: dict[RequestStatus, str] = {
    RequestStatus.OPEN: N_("Open"),
    RequestStatus.DONE: N_("Done"),
    RequestStatus.REJECTED: N_("Rejected"),
}

# Audit actions for requests (no personal data ever goes in an audit detail).
ACTION_FOR_KIND: dict[RequestKind, str] = {
    RequestKind.JOINER_NEW: "request.joiner",
    RequestKind.JOINER_EXISTING: "request.joiner",
    RequestKind.LEAVER: "request.leaver",
    RequestKind.ACCESS_CHANGE: "request.access",
}


def kind_label(kind: RequestKind) -> str:
    return _(KIND_LABELS[kind])


def status_label(status: RequestStatus) -> str:
    return _(STATUS_LABELS[status])


def role_word(role: Role | None) -> str:
    """ "owner", "member" or "none": the words the drafts and tables use for access."""
    if role is Role.OWNER:
        return _("owner")
    if role is Role.MEMBER:
        return _("member")
    return _("none")


# --- the details a joiner request carries -------------------------------------------------


@dataclass(frozen=True)
class JoinerDetails:
    """Exactly the FAQ's fields for a joiner, already validated.

    A new user (``has_account`` False): full name, personal mobile, personal email.
    An existing NHSmail user: full name, NHSmail address, the mobile linked to it.
    """

    has_account: bool
    full_name: str
    mobile: str  # 07 + 9 digits
    personal_email: str | None = None
    nhsmail: str | None = None

    @property
    def kind(self) -> RequestKind:
        return RequestKind.JOINER_EXISTING if self.has_account else RequestKind.JOINER_NEW


# --- drafts -------------------------------------------------------------------------------


def _where(site: Site) -> str:
    return _("{site} (ODS code {ods})").format(site=site.name, ods=site.ods_code)


def _sign_off(site: Site) -> str:
    return _("Many thanks,\n{site}\nODS code {ods}").format(site=site.name, ods=site.ods_code)


def _email(site: Site, subject: str, paragraphs: Iterable[str]) -> Draft:
    body = "\n\n".join([_("Hello,"), *paragraphs, _sign_off(site)]) + "\n"
    return Draft(to=facts.NAS_EMAIL, sender=site.mailbox, subject=subject, body=body)


def _fields(pairs: Iterable[tuple[str, str]]) -> str:
    return "\n".join(f"{label}: {value}" for label, value in pairs)


def draft_joiner(site: Site, details: JoinerDetails, role: Role) -> Draft:
    """The joiner email: new account or existing account, as owner or member."""
    if details.has_account:
        return draft_existing_joiner(site, details, role)
    return draft_new_joiner(site, details, role)


def draft_new_joiner(site: Site, details: JoinerDetails, role: Role) -> Draft:
    """A new user without an NHSmail account: name, personal mobile, personal email."""
    subject = _("New NHSmail user for {where}").format(where=_where(site))
    intro = _(
        "Please create an NHSmail account for a new member of staff at {where}, and link it "
        "to our shared mailbox (the address this email is sent from) as {a_role}."
    ).format(where=_where(site), a_role=_article_role(role))
    fields = _fields(
        [
            (_("Full name"), details.full_name),
            (_("Personal mobile number"), display_phone(details.mobile)),
            (_("Personal email address"), details.personal_email or ""),
        ]
    )
    access = _fields([(_("Shared mailbox access"), role_word(role))])
    return _email(site, subject, [intro, fields, access])


def draft_existing_joiner(site: Site, details: JoinerDetails, role: Role) -> Draft:
    """A user who already has an NHSmail account: added as a joiner, the FAQ's word."""
    subject = _("Joiner with an existing NHSmail account for {where}").format(where=_where(site))
    intro = _(
        "Please add the following user to {where} as a joiner. They already have an NHSmail "
        "account: please link it to our shared mailbox (the address this email is sent from) "
        "as {a_role}."
    ).format(where=_where(site), a_role=_article_role(role))
    fields = _fields(
        [
            (_("Full name"), details.full_name),
            (_("NHSmail address"), details.nhsmail or ""),
            (_("Mobile number linked to the account"), display_phone(details.mobile)),
        ]
    )
    access = _fields([(_("Shared mailbox access"), role_word(role))])
    return _email(site, subject, [intro, fields, access])


def draft_leaver(site: Site, person: Person, leaving: date) -> Draft:
    """Ask NAS to mark the account as a leaver, so the next employer can join them."""
    subject = _("Leaver from {where}").format(where=_where(site))
    intro = _(
        "Please mark the following user as a leaver from {where}. Their last day with us is {day}."
    ).format(where=_where(site), day=fmt_day(leaving, "long"))
    fields = _fields(
        [(_("Full name"), person.full_name), (_("NHSmail address"), person.nhsmail or "")]
    )
    return _email(site, subject, [intro, fields])


def draft_access_change(site: Site, person: Person, role: Role | None) -> Draft:
    """Promote, demote, give or remove one person's access to the shared mailbox."""
    current = person.access.get(site.id)
    where = _where(site)
    if role is None:
        subject = _("Remove shared mailbox access at {where}").format(where=where)
        intro = _(
            "Please remove the following user's access to the shared mailbox of {where}, "
            "which this email is sent from."
        ).format(where=where)
    elif current is None:
        subject = _("Shared mailbox access at {where}").format(where=where)
        intro = _(
            "Please give the following user access, as {a_role}, to the shared mailbox of "
            "{where}, which this email is sent from."
        ).format(where=where, a_role=_article_role(role))
    elif role is Role.OWNER:
        subject = _("Make a shared mailbox member an owner at {where}").format(where=where)
        intro = _(
            "Please make the following user an owner of the shared mailbox of {where}, which "
            "this email is sent from. They are a member now."
        ).format(where=where)
    else:
        subject = _("Change a shared mailbox owner to a member at {where}").format(where=where)
        intro = _(
            "Please change the following user from owner to member of the shared mailbox of "
            "{where}, which this email is sent from."
        ).format(where=where)
    fields = _fields(
        [(_("Full name"), person.full_name), (_("NHSmail address"), person.nhsmail or "")]
    )
    access = _fields([(_("Shared mailbox access"), role_word(role))])
    return _email(site, subject, [intro, fields, access])


def _article_role(role: Role) -> str:
    return _("an owner") if role is Role.OWNER else _("a member")


# --- recording ----------------------------------------------------------------------------


def open_request(tx: Tx, request: NasRequest) -> int:
    """Save a new request drafted by kiosk and sent from the site's shared mailbox."""
    action = ACTION_FOR_KIND.get(request.kind, "request.add")
    request_id = records.save(tx, REQUESTS, request, action, detail=request.kind.value)
    record_mailbox_sent(tx, request.site_id, request.sent)  # sent from the shared mailbox
    return request_id


def open_requests_for(requests: Iterable[NasRequest], person_id: int) -> list[NasRequest]:
    return [r for r in requests if r.person_id == person_id and r.status is RequestStatus.OPEN]


# --- how long a request has been open ------------------------------------------------------


def working_days_open(request: NasRequest, today: date) -> int:
    """NAS working days after the day it was sent, up to and including ``today``."""
    end = request.resolved if request.resolved is not None else today
    count = 0
    day = request.sent + timedelta(days=1)
    while day <= end:
        if is_working_day(day):
            count += 1
        day += timedelta(days=1)
    return count


def days_since_sent(request: NasRequest, today: date) -> int:
    return (today - request.sent).days


def is_overdue(request: NasRequest, today: date) -> bool:
    return (
        request.status is RequestStatus.OPEN
        and working_days_open(request, today) > facts.REQUEST_ESCALATE_WORKING_DAYS
    )


def overdue_requests(requests: Iterable[NasRequest], today: date) -> list[NasRequest]:
    """Open requests NAS has had for more than five working days, oldest first."""
    late = [r for r in requests if is_overdue(r, today)]
    return sorted(late, key=lambda r: (r.sent, r.id))


def escalation_advice(request: NasRequest) -> str:
    """What to do about an overdue request (FAQ: escalate to feedback@nhs.net)."""
    if request.ticket:
        return _(
            "Email {email} with ticket {ticket} to escalate, or call NAS on {phone} and ask for "
            "a {expert}."
        ).format(
            email=facts.ESCALATION_EMAIL,
            ticket=request.ticket,
            phone=facts.NAS_PHONE,
            expert=facts.ESCALATION_ON_CALL,
        )
    return _(
        "Email {email} with the date the request was sent ({day}) to escalate, or call NAS on "
        "{phone} and ask for a {expert}."
    ).format(
        email=facts.ESCALATION_EMAIL,
        day=fmt_day(request.sent),
        phone=facts.NAS_PHONE,
        expert=facts.ESCALATION_ON_CALL,
    )


# --- membership review ---------------------------------------------------------------------


def next_review(site: Site, settings: Settings) -> date | None:
    """The day the next membership review falls due (None: never reviewed, due now)."""
    if site.last_review is None:
        return None
    return add_months(site.last_review, settings.review_months)


def review_due(site: Site, settings: Settings, today: date) -> bool:
    """Whether the last review is older than ``settings.review_months`` (or never done)."""
    due_on = next_review(site, settings)
    return due_on is None or today > due_on
