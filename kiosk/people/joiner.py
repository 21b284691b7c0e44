"""Joiners: a request to NAS from the site's shared mailbox, and the new account's first
sign-in.

The person shows as "joiner in progress" and gains access only when the admin records
NAS's answer (:mod:`kiosk.people.answer`). A new account then needs its owner's help (pass
on the username, first sign-in, acceptable use policy, security questions) within 30 days."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta

from kiosk import facts, records
from kiosk.forms import FieldErrors
from kiosk.i18n import N_, _
from kiosk.model import PEOPLE, NasRequest, Person, PersonStatus, Role
from kiosk.nas_requests import JoinerDetails, open_request
from kiosk.people.common import person_in, site_in
from kiosk.people.form import PersonForm, check_person

# The owner's part once NAS has created a new account (FAQ: shared mailbox owners cascade
# usernames and support the first sign-in). Translate with _() where shown.
FIRST_LOGIN_STEPS: tuple[str, ...] = (
    N_(
        "Pass on their NHSmail username ({nhsmail}). NAS sends the temporary password to "
        "their own mobile and personal email, never to you."
    ),
    N_("Help them sign in to NHSmail for the first time."),
    N_("Make sure they accept the acceptable use policy and set their security questions."),
)


def joiner_details(
    form: PersonForm, has_account: bool, people: Iterable[Person], today: date, exclude_id: int = 0
) -> tuple[JoinerDetails | None, FieldErrors]:
    """Check exactly the FAQ's fields for the case: new (name, mobile, personal email) or
    existing (name, NHSmail address, the mobile linked to it)."""
    form = replace(form, personal_email="") if has_account else replace(form, nhsmail="")
    checked = check_person(
        replace(form, last_activity=""),
        people,
        today,
        exclude_id=exclude_id,
        require_email=not has_account,
        require_nhsmail=has_account,
    )
    if not checked.ok:
        return None, checked.errors
    return (
        JoinerDetails(
            has_account=has_account,
            full_name=checked.full_name,
            mobile=checked.personal_mobile,
            personal_email=checked.personal_email,
            nhsmail=checked.nhsmail,
        ),
        FieldErrors(),
    )


def record_joiner(
    store: records.StoreLike,
    site_id: int,
    details: JoinerDetails,
    role: Role,
    today: date,
    person_id: int | None = None,
) -> tuple[int, int]:
    """Record the joiner request the admin sent from the shared mailbox today.

    Creates the person (or updates ``person_id``) as "joiner in progress" and opens the
    request; access is granted when NAS's answer is recorded. Returns (person, request).
    """
    with store.transaction() as tx:
        site_in(tx, site_id)
        base = person_in(tx, person_id) if person_id else Person(full_name="", personal_mobile="")
        person = replace(
            base,
            full_name=details.full_name,
            personal_mobile=details.mobile,
            personal_email=details.personal_email
            if not details.has_account
            else base.personal_email,
            nhsmail=details.nhsmail if details.has_account else base.nhsmail,
            status=PersonStatus.JOINER,
            status_since=today,
            leaving_date=None,
            leaver_marked=None,
        )
        pid = records.save(tx, PEOPLE, person, "person.edit" if person_id else "person.add")
        request_id = open_request(
            tx,
            NasRequest(kind=details.kind, site_id=site_id, sent=today, person_id=pid, role=role),
        )
        return pid, request_id


# --- a new account's first sign-in -------------------------------------------------------


def first_login_deadline(person: Person) -> date | None:
    """The last day for a new account's first sign-in (None when not pending)."""
    if person.account_created is None or person.first_login_done:
        return None
    return person.account_created + timedelta(days=facts.NEW_ACCOUNT_FIRST_LOGIN_DAYS)


def first_login_steps(person: Person) -> list[str]:
    """The owner's checklist for a new account, in plain words."""
    username = person.nhsmail or _("the address NAS gave you")
    return [_(step).format(nhsmail=username) for step in FIRST_LOGIN_STEPS]


def record_first_login(store: records.StoreLike, person_id: int, day: date) -> None:
    """The first sign-in is done (policy accepted, security questions set): a sign-in counts
    as activity, so the 30-day clock restarts from ``day``."""
    with store.transaction() as tx:
        person = person_in(tx, person_id)
        activity = max(d for d in (person.last_activity, day) if d is not None)
        records.save(
            tx,
            PEOPLE,
            replace(person, first_login_done=True, last_activity=activity),
            "person.first_login",
        )
