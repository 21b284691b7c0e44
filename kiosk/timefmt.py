"""Dates and relative times through Babel in the current locale (en_GB by default).

Screens and drafts never call ``strftime``: a care home in England reads "24 Nov 2026",
and a translated kiosk reads its own form.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from babel.dates import format_date, format_datetime, format_timedelta

from kiosk.clock import LONDON
from kiosk.i18n import current_locale


def day(d: date, fmt: str = "medium") -> str:
    """A calendar day, e.g. ``24 Nov 2026`` (medium) or ``24/11/2026`` (short)."""
    return format_date(d, format=fmt, locale=current_locale())


def long_day(d: date) -> str:
    """A day with its weekday, for deadlines: ``Tuesday, 24 November 2026``."""
    return format_date(d, format="full", locale=current_locale())


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
    return format_timedelta(
        delta, granularity="day", threshold=10**6, add_direction=True, locale=current_locale()
    )
