"""Dates and relative times through Babel in the current locale (en_GB by default).

Screens and drafts never call ``strftime``: a care home in England reads "24 Nov 2026",
and a translated kiosk reads its own form.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

from babel.dates import format_date, format_datetime, format_timedelta

from kiosk.clock import LONDON
from kiosk.i18n import current_locale


# Babel takes about 0.1 ms a date; a dashboard at 10,000 people formats tens of thousands
# of them, but only a few hundred different days. Cached by day, format and locale.
@lru_cache(maxsize=4096)
def _format_day(d: date, fmt: str, locale: str) -> str:
    return format_date(d, format=fmt, locale=locale)


def day(d: date, fmt: str = "medium") -> str:
    """A calendar day, e.g. ``24 Nov 2026`` (medium) or ``24/11/2026`` (short)."""
    return _format_day(d, fmt, current_locale())


def long_day(d: date) -> str:
    """A day with its weekday, for deadlines: ``Tuesday, 24 November 2026``."""
    return _format_day(d, "full", current_locale())


def moment(dt: datetime, fmt: str = "medium") -> str:
    """A date and time shown in Europe/London, whatever zone ``dt`` carries."""
    return format_datetime(dt, format=fmt, tzinfo=LONDON, locale=current_locale())


def time_of_day(dt: datetime) -> str:
    """Hours and minutes in Europe/London, e.g. ``09:00``."""
    return format_datetime(dt, format="HH:mm", tzinfo=LONDON, locale=current_locale())


def relative_days(target: date, today: date) -> str:
    """ "in 3 days", "4 days ago", "today" (Babel's wording, so it translates)."""
    delta = target - today
    if delta == timedelta(0):
        from kiosk.i18n import _

        return _("today")
    return _format_delta(delta, current_locale())


@lru_cache(maxsize=4096)
def _format_delta(delta: timedelta, locale: str) -> str:
    return format_timedelta(
        delta, granularity="day", threshold=10**6, add_direction=True, locale=locale
    )
