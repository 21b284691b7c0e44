"""NAS's answer to a request: done (a joiner's access and new account, a leaver marked,
an access change, the new owner after a no-access call) or rejected with a reason, recorded
on the person and the request in one transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from kiosk import records
from kiosk.i18n import _
from kiosk.model import (
    PEOPLE,
    REQUESTS,
    NasRequest,
    Person,
    PersonStatus,
    RequestKind,
    RequestStatus,
    Role,
)
from kiosk.people.common import with_role
from kiosk.people.form import duplicate_errors
from kiosk.timefmt import day as fmt_day
from kiosk.validators import ValidationError, validate_nhsmail, validate_ticket


def record_answer(
    store: records.StoreLike,
    request_id: int,
    *,
    done: bool,
    day: date,
    ticket: str = "",
    reason: str = "",
    nhsmail: str | None = None,
) -> None:
    """NAS did it (with the date and ticket reference) or rejected it (with the reason).

    Done applies what was asked: a joiner gets the requested access (a new account also
    its NHSmail address and the 30-day first sign-in countdown), a leaver is marked
    "Active (Leaver)", an access change takes effect.
    """
    ticket = validate_ticket(ticket)
    reason = " ".join(reason.split())
    if not done and not reason:
        raise ValidationError(_("Say why NAS rejected the request."), "reason_required")
    with store.transaction() as tx:
        doc = tx.db.table(REQUESTS).get(doc_id=request_id)
        if doc is None:
            raise KeyError(f"request {request_id} does not exist")
        request = NasRequest.from_doc(request_id, doc)
        if request.status is not RequestStatus.OPEN:
            raise ValidationError(_("This request already has an answer."), "request_closed")
        if day < request.sent:
            raise ValidationError(
                _("NAS cannot have answered before the request was sent ({day}).").format(
                    day=fmt_day(request.sent)
                ),
                "day_before_sent",
            )
        ticket = ticket or request.ticket  # kept: an answer without one never erases it
        person = records.person(tx.db, request.person_id) if request.person_id else None
        new_account = done and needs_new_address(request, person)
        if new_account and not nhsmail and person is not None and not person.nhsmail:
            raise ValidationError(
                _(
                    "Type the new NHSmail address NAS gave: the 30-day first sign-in count "
                    "needs it."
                ),
                "nhsmail_required",
            )
        if new_account and nhsmail:
            address = validate_nhsmail(nhsmail, person.personal_email if person else None)
            others = records.people(tx.db)
            dup = duplicate_errors(
                others, mobile=None, nhsmail=address, exclude_id=person.id if person else 0
            )
            if dup:
                raise dup["nhsmail"]
        else:
            address = None
        status = RequestStatus.DONE if done else RequestStatus.REJECTED
        records.save(
            tx,
            REQUESTS,
            replace(request, status=status, resolved=day, ticket=ticket, reason=reason),
            "request.done" if done else "request.rejected",
            detail=request.kind.value,
        )
        if person is None:
            return
        updated = _answered(person, request, done, day, address)
        if updated != person:
            records.save(tx, PEOPLE, updated, "person.status", detail=request.kind.value)


def needs_new_address(request: NasRequest, person: Person | None) -> bool:
    """Whether NAS's Done gives a brand-new account, whose address the admin types: a new
    joiner, or a no-access owner who had no NHSmail address on record."""
    if request.kind is RequestKind.JOINER_NEW:
        return True
    return request.kind is RequestKind.NO_ACCESS and person is not None and not person.nhsmail


def _answered(
    person: Person, request: NasRequest, done: bool, day: date, nhsmail: str | None
) -> Person:
    kind = request.kind
    if kind is RequestKind.NO_ACCESS:
        return _no_access_answered(person, request, done, day, nhsmail)
    if kind in (RequestKind.JOINER_NEW, RequestKind.JOINER_EXISTING):
        if not done:
            return replace(person, status=PersonStatus.ACTIVE, status_since=day)
        access = dict(person.access)
        if request.role is not None:
            access[request.site_id] = request.role
        person = replace(person, status=PersonStatus.ACTIVE, status_since=day, access=access)
        if kind is RequestKind.JOINER_NEW:
            person = replace(
                person,
                account_created=day,
                first_login_done=False,
                nhsmail=nhsmail or person.nhsmail,
            )
        return person
    if kind is RequestKind.LEAVER and done:
        return replace(person, status=PersonStatus.LEFT, status_since=day, leaver_marked=day)
    if kind is RequestKind.ACCESS_CHANGE and done:
        return with_role(person, request.site_id, request.role)
    return person


def _no_access_answered(
    person: Person, request: NasRequest, done: bool, day: date, nhsmail: str | None
) -> Person:
    """NAS's answer to the no-access call. A new owner the call added ("Joining") stops
    joining either way: Done, they own the shared mailbox and a new account (or one never
    signed in) has its first sign-in pending as for any joiner; Rejected, the owner role
    the call recorded is taken away. Someone picked from the people on record was left as
    they were by the call: Done gives them the owner role (and a new account's address
    when NAS made one), Rejected changes nothing."""
    added_by_call = person.status is PersonStatus.JOINER
    if not added_by_call:
        if not done:
            return person
        person = with_role(person, request.site_id, request.role or Role.OWNER)
        if nhsmail:
            person = replace(person, nhsmail=nhsmail, account_created=day, first_login_done=False)
        return person
    person = replace(person, status=PersonStatus.ACTIVE, status_since=day)
    if not done:
        return with_role(person, request.site_id, None)
    person = with_role(person, request.site_id, request.role or Role.OWNER)
    if nhsmail or (person.last_activity is None and not person.first_login_done):
        person = replace(
            person,
            nhsmail=nhsmail or person.nhsmail,
            account_created=day,
            first_login_done=False,
        )
    return person
