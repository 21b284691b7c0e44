"""People and their shared-mailbox access: every change to a person goes through here.

The flows follow the FAQ. A **joiner** is a request to NAS from the site's shared mailbox;
the person shows as "joiner in progress" and gains access only when the admin records
NAS's answer. A **new account** then needs its owner's help (pass on the username, first
sign-in, acceptable use policy, security questions) within 30 days. A **leaver** has their
shared-mailbox permission removed by an owner (NHSmail leaves it in place) and is marked a
leaver by NAS, after which the account is "Active (Leaver)" for 30 days. An **access
change** is made by an owner in the NHSmail portal or asked of NAS.

One module per flow: :mod:`~kiosk.people.form` (checking a person's details, add, edit),
:mod:`~kiosk.people.joiner` (joiners and the first sign-in), :mod:`~kiosk.people.answer`
(NAS's answer to a request), :mod:`~kiosk.people.leaver`, :mod:`~kiosk.people.access`
(access changes and the People table's summary) and :mod:`~kiosk.people.review` (the
membership review). This package re-exports what screens, the CLI and other domain
modules use, so they import from ``kiosk.people`` and need not know which flow holds it.

Every write is one store transaction with audit entries that name the action and the
record id only, never personal data. Functions take ``today`` from the caller's clock.
"""

from __future__ import annotations

from kiosk.lifecycle import leaver_days_left, leaver_deadline
from kiosk.nas_requests import role_word
from kiosk.people.access import access_summary, record_access_change
from kiosk.people.answer import needs_new_address, record_answer
from kiosk.people.form import (
    Checked,
    PersonForm,
    Saved,
    add_person,
    check_person,
    duplicate_errors,
    edit_person,
    form_of,
)
from kiosk.people.joiner import (
    FIRST_LOGIN_STEPS,
    first_login_deadline,
    first_login_steps,
    joiner_details,
    record_first_login,
    record_joiner,
)
from kiosk.people.leaver import (
    LEAVER_STEPS,
    access_to_remove,
    leaver_handover,
    leaver_site,
    record_leaver,
)
from kiosk.people.review import apply_decisions, record_review, with_access_at

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
