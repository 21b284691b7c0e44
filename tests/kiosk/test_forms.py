"""kiosk.forms: the one shape of form errors (FieldErrors) and the one refusal (FormRejected)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

import pytest

from kiosk import admins, people, preferences, site_fields, tickets
from kiosk.forms import FORM, FieldErrors, FormRejected
from kiosk.model import Settings
from kiosk.validators import ValidationError

TODAY = date(2026, 3, 16)


def test_of_keeps_the_sentence_and_the_rule() -> None:
    errors = FieldErrors.of(
        {"nhsmail": ValidationError("Use an @nhs.net address.", "nhsmail_domain"), "x": "Plain."}
    )
    assert errors == {"nhsmail": "Use an @nhs.net address.", "x": "Plain."}
    assert errors.rules == {"nhsmail": "nhsmail_domain"}
    assert FieldErrors.form("Whole form.") == {FORM: "Whole form."}
    assert not FieldErrors() and FieldErrors().rules == {}


def test_a_refusal_carries_field_errors_as_they_are() -> None:
    errors = FieldErrors.of({"name": ValidationError("A name is required.", "name_required")})
    refused = FormRejected(errors)
    assert refused.errors is errors and refused.errors.rules == {"name": "name_required"}
    assert str(FormRejected({"a": "One.", "b": "Two."})) == "One.; Two."
    assert isinstance(FormRejected({"a": "One."}).errors, FieldErrors)


@pytest.mark.parametrize(
    "check",
    [
        lambda: site_fields.check_site({}, today=TODAY).errors,
        lambda: preferences.check_settings({}, Settings()),
        lambda: admins.new_admin_problems("", "short", "other", []),
        lambda: people.check_person(people.PersonForm(), [], TODAY).errors,
    ],
    ids=["site", "settings", "new admin", "person"],
)
def test_every_form_check_answers_in_field_errors(check: Callable[[], Mapping[str, str]]) -> None:
    errors = check()
    assert type(errors) is FieldErrors and errors
    assert all(isinstance(message, str) and message for message in errors.values())


def test_no_other_error_shape_is_left() -> None:
    assert not hasattr(tickets, "FormErrors")
    assert not hasattr(admins, "AdminChangeError")
