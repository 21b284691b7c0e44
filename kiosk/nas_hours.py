"""Is the NAS helpdesk open at this moment, and if not, when does it next open?

The FAQ says NAS works 09:00 to 17:00, Monday to Friday, excluding bank holidays. NAS is
in England, so "bank holidays" are England's and the hours are Europe/London wall-clock
hours whatever zone the caller's clock is in (a kiosk on a UTC server must still say
"open" at 09:30 in July). Bank holidays come from the ``holidays`` library rather than
our own Easter arithmetic, so one-off holidays (a coronation, a state funeral) and the
"observed" Monday after a weekend Christmas are right without anyone editing kiosk.

This module is pure: it never asks the system clock; callers pass the moment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from kiosk import facts
from kiosk.clock import LONDON
from kiosk.i18n import _
from kiosk.timefmt import long_day, time_of_day
from kiosk.validators import ValidationError

# More than any real run of closed days (Christmas and New Year together is 6), so the
# search for the next opening always ends; reaching it would mean a broken calendar.
_MAX_CLOSED_DAYS = 31


@dataclass(frozen=True)
class NasStatus:
    """The answer for one moment: open until ``closes_at``, or closed until ``next_open``.

    Exactly one of the two datetimes is set; both are aware and in Europe/London.
    """

    open: bool
    closes_at: datetime | None
    next_open: datetime | None


@lru_cache(maxsize=16)
def _bank_holidays(year: int) -> frozenset[date]:
    """England's bank holidays in ``year`` (cached: the library builds them on each call)."""
    found = holidays.country_holidays(
        facts.NAS_HOLIDAY_COUNTRY, subdiv=facts.NAS_HOLIDAY_SUBDIVISION, years=year
    )
    return frozenset(found.keys())


def is_bank_holiday(day: date) -> bool:
    """True on an England bank holiday, including an "observed" substitute day."""
    return day in _bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    """A day NAS works: Monday to Friday and not an England bank holiday."""
    return day.weekday() < 5 and not is_bank_holiday(day)


def _opens(day: date) -> datetime:
    return datetime.combine(day, facts.NAS_OPENS, tzinfo=LONDON)


def _closes(day: date) -> datetime:
    return datetime.combine(day, facts.NAS_CLOSES, tzinfo=LONDON)


def _london(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("NAS hours need an aware datetime")
    return at.astimezone(LONDON)


def nas_status(at: datetime) -> NasStatus:
    """Open or closed at ``at`` (aware, any zone); 09:00 exactly is open, 17:00 closed."""
    local = _london(at)
    today = local.date()
    if is_working_day(today) and _opens(today) <= local < _closes(today):
        return NasStatus(open=True, closes_at=_closes(today), next_open=None)
    return NasStatus(open=False, closes_at=None, next_open=next_opening(local))


def next_opening(at: datetime) -> datetime:
    """The first 09:00 London on a working day strictly after ``at``.

    From inside opening hours this is the next working day's opening, which is what
    "when can I call tomorrow?" needs; :func:`nas_status` only asks it when closed.
    """
    local = _london(at)
    day = local.date()
    for _i in range(_MAX_CLOSED_DAYS):
        if is_working_day(day) and _opens(day) > local:
            return _opens(day)
        day += timedelta(days=1)
    raise RuntimeError("no NAS working day found in a month")  # pragma: no cover


def add_working_days(start: date, days: int) -> date:
    """The NAS working day ``days`` working days after ``start`` (for follow-up dates)."""
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def describe(status: NasStatus, now: datetime) -> str:
    """One translated line for the dashboard, the scripts and ``kiosk nas``."""
    if status.open and status.closes_at is not None:
        return _("NAS is open until {time}").format(time=time_of_day(status.closes_at))
    if status.next_open is None:  # pragma: no cover - nas_status always sets one
        return _("NAS is closed")
    opens = status.next_open.astimezone(LONDON)
    today = _london(now).date()
    if opens.date() == today:
        return _("NAS is closed; it opens today at {time}").format(time=time_of_day(opens))
    if opens.date() == today + timedelta(days=1):
        return _("NAS is closed; it opens tomorrow at {time}").format(time=time_of_day(opens))
    return _("NAS is closed; it opens {day} at {time}").format(
        day=long_day(opens.date()), time=time_of_day(opens)
    )


_MOMENT = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})\s*$")
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def parse_london(text: str, today: date | None = None) -> datetime:
    """Read "YYYY-MM-DD HH:MM" (or, given ``today``, just "HH:MM") as London wall-clock time.

    Used wherever an admin types a moment (``kiosk nas --at``, the time of a call). Raises
    :class:`ValidationError` (a ``ValueError``) whose message names the expected form.
    """
    rule = (
        _(
            "Enter the date and time as YYYY-MM-DD HH:MM, e.g. 2026-11-24 09:30, "
            "or just HH:MM for today."
        )
        if today is not None
        else _("Enter the date and time as YYYY-MM-DD HH:MM, e.g. 2026-11-24 09:30.")
    )
    match = _MOMENT.match(text)
    try:
        if match:
            year, month, dom, hour, minute = (int(g) for g in match.groups())
            return datetime(year, month, dom, hour, minute, tzinfo=LONDON)
        short = _TIME.match(text)
        if short and today is not None:
            hour, minute = (int(g) for g in short.groups())
            return datetime(today.year, today.month, today.day, hour, minute, tzinfo=LONDON)
    except ValueError:
        pass
    raise ValidationError(rule, "moment_format")
