"""Erasing the personal details of people who left long ago (UK GDPR storage limitation).

kiosk keeps a leaver's personal mobile and personal email only while NAS might still need
them. Once a person has LEFT more than ``Settings.retention_months`` months ago (default
12, :data:`kiosk.facts.RETENTION_MONTHS_DEFAULT`), those two fields are erased; the name,
the NHSmail address and every date stay, so the audit trail and the history of who could
reach a shared mailbox still make sense. The erasure itself is audited (which record, never
what was erased).

The rule, pinned:

* Only people whose status is ``left`` are considered; a leaver who has not left yet, or
  someone who came back, is never erased.
* The day they left is ``Person.leaving_date``, or failing that ``Person.status_since``
  (the day the status became ``left``). With neither, kiosk cannot tell and erases nothing.
* "More than N months ago": due when the day they left is before the same calendar day N
  months before ``today`` (clamped to the month's last day). Left 15 March 2025 with N = 12:
  still kept on 15 March 2026, due on 16 March 2026.
* Someone with nothing left to erase (no mobile, no personal email) is not due.

``due_for_erasure`` is pure; :func:`pending` is the prompt's one decision (who is due and
the period to name), which the unlock flow and the Admins screen show before asking;
``erase`` runs inside the caller's transaction and re-checks the rule there, so a person
changed by another admin in the meantime is never erased by mistake.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from tinydb import TinyDB

from kiosk import records
from kiosk.model import PEOPLE, Person, PersonStatus, Settings
from kiosk.records import Tx

ERASE_ACTION = "person.erase"


def months_before(day: date, months: int) -> date:
    """The same calendar day ``months`` months earlier, clamped to that month's last day."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def left_on(person: Person) -> date | None:
    """The day ``person`` left, or None if they have not left or the day is not known."""
    if person.status != PersonStatus.LEFT:
        return None
    return person.leaving_date or person.status_since


def has_personal_details(person: Person) -> bool:
    return bool(person.personal_mobile) or bool(person.personal_email)


def erasure_cutoff(settings: Settings, today: date) -> date:
    """People who left before this day are due for erasure."""
    return months_before(today, settings.retention_months)


def is_due(person: Person, settings: Settings, today: date) -> bool:
    left = left_on(person)
    return (
        left is not None and left < erasure_cutoff(settings, today) and has_personal_details(person)
    )


def due_for_erasure(people: Iterable[Person], settings: Settings, today: date) -> list[Person]:
    """Who is due for erasure on ``today``, longest gone first (then by name)."""
    due = [p for p in people if is_due(p, settings, today)]
    return sorted(due, key=lambda p: (left_on(p) or today, p.full_name.casefold(), p.id))


@dataclass(frozen=True, slots=True)
class Pending:
    """Whose personal details the admin should be asked to erase, and the retention period
    (months) the question names; ``people`` empty means nothing to ask."""

    people: list[Person]
    months: int


def pending(db: TinyDB, today: date) -> Pending:
    """The retention prompt's decision, read from the store: everyone due on ``today``
    (as :func:`due_for_erasure` orders them) under the store's own retention setting.
    The unlock flow and the Admins screen both ask this, and say what it returns."""
    settings = records.settings(db)
    return Pending(due_for_erasure(records.people(db), settings, today), settings.retention_months)


def erased_copy(person: Person, today: date) -> Person:
    """``person`` without personal mobile and personal email, marked erased ``today``."""
    return replace(person, personal_mobile="", personal_email=None, erased=today)


def erase(tx: Tx, ids: Iterable[int], today: date) -> list[int]:
    """Erase the personal details of the people ``ids`` who are still due; return who was.

    Runs in the caller's transaction and re-reads each person and the settings there, so
    only people still due on ``today`` are touched; an id that is no longer due or no longer
    exists is skipped. Each erasure is one audit entry naming the record, not the data.
    """
    settings = records.settings(tx.db)
    done: list[int] = []
    for person_id in dict.fromkeys(ids):
        person = records.person(tx.db, person_id)
        if person is None or not is_due(person, settings, today):
            continue
        records.save(
            tx,
            PEOPLE,
            erased_copy(person, today),
            ERASE_ACTION,
            detail=f"retention: left more than {settings.retention_months} months ago",
        )
        done.append(person_id)
    return done


def erase_due(store: records.StoreLike, today: date) -> list[int]:
    """Erase everyone due on ``today`` in one transaction (after the admin agreed)."""
    with store.transaction() as tx:
        due = due_for_erasure(records.people(tx.db), records.settings(tx.db), today)
        return erase(tx, [p.id for p in due], today)
