"""People and their shared-mailbox access: every change to a person goes through here.

The flows follow the FAQ. A **joiner** is a request to NAS from the site's shared mailbox;
the person shows as "joiner in progress" and gains access only when the admin records
NAS's answer. A **new account** then needs its owner's help (pass on the username, first
sign-in, acceptable use policy, security questions) within 30 days. A **leaver** has their
shared-mailbox permission removed by an owner (NHSmail leaves it in place) and is marked a
leaver by NAS, after which the account is "Active (Leaver)" for 30 days. An **access
change** is made by an owner in the NHSmail portal or asked of NAS.

Every write is one store transaction with audit entries that name the action and the
record id only, never personal data. Functions take ``today`` from the caller's clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from kiosk import facts, records
from kiosk.forms import FieldErrors
from kiosk.i18n import N_, _
from kiosk.lifecycle import leaver_days_left, leaver_deadline, person_status
from kiosk.model import (
    PEOPLE,
    REQUESTS,
    SITES,
    NasRequest,
    Person,
    PersonStatus,
    RequestKind,
    RequestStatus,
    Role,
    Site,
)
from kiosk.nas_requests import JoinerDetails, open_request, role_word
from kiosk.records import Tx
from kiosk.timefmt import day as fmt_day
from kiosk.validators import (
    ValidationError,
    display_phone,
    normalise_mobile,
    parse_day,
    validate_email,
    validate_full_name,
    validate_nhsmail,
    validate_personal_email,
    validate_ticket,
)

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

# The owner's checklist for a leaver. Translate with _() where shown.
LEAVER_STEPS: tuple[str, ...] = (
    N_(
        "Remove their permission to the shared mailbox: NHSmail leaves it in place until an "
        "owner removes it."
    ),
    N_(
        "Ask NAS to mark their account as a leaver, so that their next employer can add them "
        "as a joiner (the email below)."
    ),
)


# --- checking what the admin typed -------------------------------------------------------


@dataclass(frozen=True)
class PersonForm:
    """A person's fields exactly as typed (a form, a CSV row)."""

    full_name: str = ""
    personal_mobile: str = ""
    personal_email: str = ""
    nhsmail: str = ""
    last_activity: str = ""


@dataclass(frozen=True)
class Checked:
    """Cleaned values, or the rule each bad field broke (field name -> error)."""

    full_name: str = ""
    personal_mobile: str = ""
    personal_email: str | None = None
    nhsmail: str | None = None
    last_activity: date | None = None
    errors: FieldErrors = field(default_factory=FieldErrors)

    @property
    def ok(self) -> bool:
        return not self.errors


def duplicate_errors(
    people: Iterable[Person],
    *,
    mobile: str | None,
    nhsmail: str | None,
    exclude_id: int = 0,
) -> dict[str, ValidationError]:
    """The same mobile or NHSmail address on someone else, with that person named.

    Erased people (personal details removed under the retention rule) never match.
    """
    errors: dict[str, ValidationError] = {}
    for other in people:
        if (exclude_id and other.id == exclude_id) or other.erased is not None:
            continue
        if mobile and other.personal_mobile == mobile and "personal_mobile" not in errors:
            errors["personal_mobile"] = ValidationError(
                _("That mobile number is already recorded for {name}.").format(
                    name=other.full_name
                ),
                "duplicate_mobile",
            )
        if (
            nhsmail
            and other.nhsmail
            and other.nhsmail.casefold() == nhsmail.casefold()
            and "nhsmail" not in errors
        ):
            errors["nhsmail"] = ValidationError(
                _("That NHSmail address is already recorded for {name}.").format(
                    name=other.full_name
                ),
                "duplicate_nhsmail",
            )
    return errors


def check_person(
    form: PersonForm,
    people: Iterable[Person],
    today: date,
    *,
    exclude_id: int = 0,
    require_email: bool = False,
    require_nhsmail: bool = False,
) -> Checked:
    """Validate every field (each error names its rule) and refuse duplicates."""
    errors: dict[str, ValidationError] = {}
    values: dict[str, object] = {}

    def attempt(name: str, func: object, *args: object) -> None:
        try:
            values[name] = func(*args)  # type: ignore[operator]
        except ValidationError as error:
            errors[name] = error

    attempt("full_name", validate_full_name, form.full_name)
    attempt("personal_mobile", normalise_mobile, form.personal_mobile)
    if form.personal_email.strip() or require_email:
        # Without an NHSmail account the personal email is where NAS sends the new one.
        without_account = require_email or not (form.nhsmail.strip() or require_nhsmail)
        check = validate_personal_email if without_account else validate_email
        attempt("personal_email", check, form.personal_email)
    if form.nhsmail.strip() or require_nhsmail:
        personal = values.get("personal_email")
        attempt("nhsmail", validate_nhsmail, form.nhsmail, personal if personal else None)
    if form.last_activity.strip():
        attempt("last_activity", parse_day, form.last_activity)
        activity = values.get("last_activity")
        if isinstance(activity, date) and activity > today:
            errors["last_activity"] = ValidationError(
                _("The last activity date cannot be in the future."), "day_future"
            )
    mobile = values.get("personal_mobile")
    nhsmail = values.get("nhsmail")
    for name, error in duplicate_errors(
        people,
        mobile=mobile if isinstance(mobile, str) else None,
        nhsmail=nhsmail if isinstance(nhsmail, str) else None,
        exclude_id=exclude_id,
    ).items():
        errors.setdefault(name, error)
    if errors:
        return Checked(errors=FieldErrors.of(errors))
    activity = values.get("last_activity")
    email = values.get("personal_email")
    return Checked(
        full_name=str(values["full_name"]),
        personal_mobile=str(values["personal_mobile"]),
        personal_email=str(email) if email else None,
        nhsmail=str(nhsmail) if nhsmail else None,
        last_activity=activity if isinstance(activity, date) else None,
    )


def form_of(person: Person) -> PersonForm:
    """A person's stored values as a form, for editing."""
    return PersonForm(
        full_name=person.full_name,
        personal_mobile=display_phone(person.personal_mobile),
        personal_email=person.personal_email or "",
        nhsmail=person.nhsmail or "",
        last_activity=person.last_activity.isoformat() if person.last_activity else "",
    )


# --- add and edit ------------------------------------------------------------------------


@dataclass(frozen=True)
class Saved:
    """The id written, or the errors that stopped the write (nothing was written)."""

    person_id: int = 0
    errors: FieldErrors = field(default_factory=FieldErrors)

    @property
    def ok(self) -> bool:
        return not self.errors


def add_person(
    store: records.StoreLike,
    form: PersonForm,
    today: date,
    access: Mapping[int, Role] | None = None,
) -> Saved:
    """Add someone already working here (an existing account, or the import)."""
    with store.transaction() as tx:
        checked = check_person(form, records.people(tx.db), today)
        if not checked.ok:
            return Saved(errors=checked.errors)
        person = Person(
            full_name=checked.full_name,
            personal_mobile=checked.personal_mobile,
            personal_email=checked.personal_email,
            nhsmail=checked.nhsmail,
            access=dict(access or {}),
            status_since=today,
            last_activity=checked.last_activity,
            first_login_done=checked.nhsmail is not None,
        )
        return Saved(person_id=records.save(tx, PEOPLE, person, "person.add"))


def edit_person(store: records.StoreLike, person_id: int, form: PersonForm, today: date) -> Saved:
    """Correct a person's details; their access and status change only through the flows."""
    with store.transaction() as tx:
        current = _person(tx, person_id)
        checked = check_person(form, records.people(tx.db), today, exclude_id=person_id)
        if not checked.ok:
            return Saved(errors=checked.errors)
        updated = replace(
            current,
            full_name=checked.full_name,
            personal_mobile=checked.personal_mobile,
            personal_email=checked.personal_email,
            nhsmail=checked.nhsmail,
            last_activity=checked.last_activity,
        )
        return Saved(person_id=records.save(tx, PEOPLE, updated, "person.edit"))


def _person(tx: Tx, person_id: int) -> Person:
    found = records.person(tx.db, person_id)
    if found is None:
        raise KeyError(f"person {person_id} does not exist")
    return found


def _site(tx: Tx, site_id: int) -> Site:
    found = records.site(tx.db, site_id)
    if found is None:
        raise KeyError(f"site {site_id} does not exist")
    return found


# --- joiners -----------------------------------------------------------------------------


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
        _site(tx, site_id)
        base = _person(tx, person_id) if person_id else Person(full_name="", personal_mobile="")
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


# --- NAS's answer ------------------------------------------------------------------------


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
        return _with_role(person, request.site_id, request.role)
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
        person = _with_role(person, request.site_id, request.role or Role.OWNER)
        if nhsmail:
            person = replace(person, nhsmail=nhsmail, account_created=day, first_login_done=False)
        return person
    person = replace(person, status=PersonStatus.ACTIVE, status_since=day)
    if not done:
        return _with_role(person, request.site_id, None)
    person = _with_role(person, request.site_id, request.role or Role.OWNER)
    if nhsmail or (person.last_activity is None and not person.first_login_done):
        person = replace(
            person,
            nhsmail=nhsmail or person.nhsmail,
            account_created=day,
            first_login_done=False,
        )
    return person


def _with_role(person: Person, site_id: int, role: Role | None) -> Person:
    access = dict(person.access)
    if role is None:
        access.pop(site_id, None)
    else:
        access[site_id] = role
    return replace(person, access=access)


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
        person = _person(tx, person_id)
        activity = max(d for d in (person.last_activity, day) if d is not None)
        records.save(
            tx,
            PEOPLE,
            replace(person, first_login_done=True, last_activity=activity),
            "person.first_login",
        )


# --- leavers -----------------------------------------------------------------------------


def leaver_site(person: Person, sites: Sequence[Site]) -> Site | None:
    """The site whose shared mailbox sends the leaver email: the first they can reach."""
    for site in sites:
        if site.id in person.access:
            return site
    return sites[0] if sites else None


def record_leaver(
    store: records.StoreLike,
    person_id: int,
    leaving: date,
    today: date,
    *,
    site_id: int | None,
    access_removed: bool,
) -> int | None:
    """Record someone leaving on ``leaving``; returns the leaver request id, if any.

    With an NHSmail account a leaver request goes from ``site_id``'s shared mailbox; with
    none there is nothing to ask of NAS and they simply leave. ``access_removed`` says an
    owner has already taken away their shared-mailbox permission.
    """
    with store.transaction() as tx:
        person = _person(tx, person_id)
        if person.status is PersonStatus.LEFT:
            raise ValidationError(_("This person has already left."), "already_left")
        if person.status is PersonStatus.LEAVER:
            raise ValidationError(
                _("A leaver is already recorded for this person."), "already_leaving"
            )
        needs_nas = bool(person.nhsmail)
        status = PersonStatus.LEAVER if needs_nas else PersonStatus.LEFT
        updated = replace(person, status=status, status_since=today, leaving_date=leaving)
        if access_removed:
            updated = replace(updated, access={})
        records.save(tx, PEOPLE, updated, "person.leaver")
        if not needs_nas:
            return None
        if site_id is None:
            raise ValueError("a leaver request needs a site to send it from")
        _site(tx, site_id)
        return open_request(
            tx,
            NasRequest(kind=RequestKind.LEAVER, site_id=site_id, sent=today, person_id=person_id),
        )


def leaver_handover(person: Person, today: date) -> list[str]:
    """What to tell the leaver, so they keep their NHSmail account at their next job."""
    deadline = leaver_deadline(person)
    lines: list[str] = []
    if deadline is not None:
        left = leaver_days_left(person, today) or 0
        if left:
            lines.append(
                _(
                    "NHSmail shows their account as Active (Leaver) until {day} ({n} days left); "
                    "after that it is deleted unless a new organisation joins them."
                ).format(day=fmt_day(deadline), n=left)
            )
        else:
            lines.append(
                _("The Active (Leaver) period ended on {day}: the account is deleted.").format(
                    day=fmt_day(deadline)
                )
            )
    else:
        lines.append(
            _(
                "Once NAS marks them as a leaver, NHSmail shows the account as Active (Leaver) "
                "for {n} days; after that it is deleted unless a new organisation joins them."
            ).format(n=facts.LEAVER_ACTIVE_DAYS)
        )
    lines.append(
        _(
            "Tell them to give their next employer their NHSmail address and the mobile linked "
            "to it, and not to apply for a new account: the new employer asks NAS to add them "
            "as a joiner."
        )
    )
    lines.append(
        _("Remove their access to the shared mailbox if an owner has not done it yet.")
        if person.access
        else _("Their shared mailbox access has been removed.")
    )
    return lines


def access_to_remove(
    people: Iterable[Person], sites: Sequence[Site], today: date
) -> list[tuple[Person, Site]]:
    """Leavers whose shared mailbox access is still on record, by site.

    NHSmail does not remove a leaver's permission: an owner must, in the portal. Until the
    admin records that (an access change on People), the access stays in the record, never
    counts as cover, and the dashboard keeps this to-do.
    """
    found: list[tuple[Person, Site]] = []
    for person in people:
        if not person.access or not person_status(person, today).leaver:
            continue
        found.extend((person, site) for site in sites if site.id in person.access)
    return sorted(found, key=lambda pair: (pair[0].full_name.casefold(), pair[1].name.casefold()))


# --- access changes ----------------------------------------------------------------------


def record_access_change(
    store: records.StoreLike,
    person_id: int,
    site_id: int,
    role: Role | None,
    today: date,
    *,
    via_nas: bool,
) -> int | None:
    """Promote, demote, give or remove access at one site.

    An owner can do it in the NHSmail portal (``via_nas`` False: it takes effect now), or
    the admin asked NAS from the shared mailbox (a request, applied when NAS answers).
    Returns the request id when one was opened.
    """
    with store.transaction() as tx:
        person = _person(tx, person_id)
        _site(tx, site_id)
        if via_nas:
            return open_request(
                tx,
                NasRequest(
                    kind=RequestKind.ACCESS_CHANGE,
                    site_id=site_id,
                    sent=today,
                    person_id=person_id,
                    role=role,
                ),
            )
        records.save(tx, PEOPLE, _with_role(person, site_id, role), "person.access")
        return None


# --- membership review -------------------------------------------------------------------


def with_access_at(people: Sequence[Person], site_id: int) -> list[Person]:
    """Everyone who can reach ``site_id``'s shared mailbox (not yet left), owners first."""
    found = [p for p in people if site_id in p.access and p.status is not PersonStatus.LEFT]
    return sorted(
        found, key=lambda p: (p.access[site_id] is not Role.OWNER, p.full_name.casefold())
    )


def apply_decisions(
    people: Sequence[Person], site_id: int, decisions: Mapping[int, Role | None]
) -> list[Person]:
    """``people`` as they would be after the review's decisions (for the coverage guard)."""
    return [_with_role(p, site_id, decisions[p.id]) if p.id in decisions else p for p in people]


def record_review(
    store: records.StoreLike, site_id: int, decisions: Mapping[int, Role | None], today: date
) -> int:
    """Record a membership review of one site: the changes the owner made in the portal
    (person id -> new role, None removes) and the date. Returns how many changed."""
    changed = 0
    with store.transaction() as tx:
        site = _site(tx, site_id)
        for person_id, role in decisions.items():
            person = _person(tx, person_id)
            if person.access.get(site_id) == role:
                continue
            records.save(
                tx, PEOPLE, _with_role(person, site_id, role), "person.access", detail="review"
            )
            changed += 1
        records.save(tx, SITES, replace(site, last_review=today), "site.review")
    return changed


# --- what the People table shows ---------------------------------------------------------


def access_summary(
    person: Person, sites: Sequence[Site], pending: Mapping[int, Role | None] | None = None
) -> str:
    """``owner`` (one site) or ``VZZ01 owner, VZZ02 member``; a requested role in brackets."""
    parts: list[str] = []
    pending = pending or {}
    for site in sites:
        role = person.access.get(site.id)
        word = role_word(role) if role else ""
        if site.id in pending:
            asked = role_word(pending[site.id])
            word = _("{now} → {asked}?").format(now=word or "—", asked=asked)
        if not word:
            continue
        parts.append(word if len(sites) == 1 else f"{site.ods_code} {word}")
    return ", ".join(parts) if parts else "—"


__all__ = [
    "FIRST_LOGIN_STEPS",
    "LEAVER_STEPS",
    "Checked",
    "PersonForm",
    "Saved",
    "access_summary",
    "access_to_remove",
    "add_person",
    "apply_decisions",
    "check_person",
    "duplicate_errors",
    "edit_person",
    "first_login_deadline",
    "first_login_steps",
    "form_of",
    "joiner_details",
    "leaver_days_left",
    "leaver_deadline",
    "leaver_handover",
    "leaver_site",
    "needs_new_address",
    "record_access_change",
    "record_answer",
    "record_first_login",
    "record_joiner",
    "record_leaver",
    "record_review",
    "role_word",
    "with_access_at",
]
