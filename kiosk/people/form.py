"""A person's form: checking what the admin typed (one rule per field, duplicates across
the record) and adding or editing a person with it.

Every screen and import that takes a person's details (the person form, the joiner wizard,
a CSV row) checks them here, so a rule is written once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from kiosk import records
from kiosk.forms import FieldErrors
from kiosk.i18n import _
from kiosk.model import PEOPLE, Person, Role
from kiosk.people.common import person_in
from kiosk.validators import (
    ValidationError,
    display_phone,
    normalise_mobile,
    parse_day,
    validate_email,
    validate_full_name,
    validate_nhsmail,
    validate_personal_email,
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
        current = person_in(tx, person_id)
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
