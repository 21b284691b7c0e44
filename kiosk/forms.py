"""Form errors: the one shape every form's check returns and every form shows.

A form is checked whole, by one domain function, and every field that breaks a rule gets
its own sentence, so the admin fixes them all in one go and keeps what they typed.
:class:`FieldErrors` maps a field's name to that sentence; an error that belongs to no
single field (the last admin, a recovery-only action) is under :data:`FORM`. A check that
returns its verdict returns a ``FieldErrors`` (empty when all is well); a domain flow that
refuses a change raises :class:`FormRejected`, which carries one. The screens' field
dialog (``screens/dialogs/field_dialog.py``) shows a ``FieldErrors`` as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiosk.validators import ValidationError

FORM = "_form"  # the key of an error that belongs to the whole form, not one field


class FieldErrors(dict[str, str]):
    """Field name -> the translated sentence naming the rule it broke (FORM: the form).

    A dict, so a check fills it as it goes (``errors[name] = message``) and a form reads it
    by name; falsy when empty, so ``if errors:`` means "something is wrong". ``rules``
    keeps the rule code of each error made from a ValidationError (field -> code), for
    what reports rules by name, such as the CSV import's problems.
    """

    rules: dict[str, str]

    def __init__(self, *args: Any, **kwargs: str) -> None:
        super().__init__(*args, **kwargs)
        self.rules = {}

    @classmethod
    def of(cls, errors: Mapping[str, ValidationError | str]) -> FieldErrors:
        """The sentences of ``errors``, whose values may be ValidationErrors (the message is
        the sentence, the rule code goes into ``rules``)."""
        made = cls()
        for name, error in errors.items():
            if isinstance(error, ValidationError):
                made[name] = error.message
                made.rules[name] = error.rule
            else:
                made[name] = error
        return made

    @classmethod
    def form(cls, message: str) -> FieldErrors:
        """One error about the whole form."""
        return cls({FORM: message})


class FormRejected(ValueError):
    """A domain flow refused a form's change; ``errors`` says why, field by field.

    Nothing was saved. Its text (all sentences joined) is for a log or a one-line CLI
    message; a form shows ``errors`` beside each field.
    """

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = errors if isinstance(errors, FieldErrors) else FieldErrors(errors)
        super().__init__("; ".join(self.errors.values()))
