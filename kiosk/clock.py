"""The one place that asks what time it is, so tests can fix the day.

NHSmail's rules (30 days without activity, NAS open 09:00-17:00) are all about the
care home's own day in England, so "now" is always an aware Europe/London time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware datetime in Europe/London."""
        ...

    def today(self) -> date:
        """The calendar day in Europe/London."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(LONDON)

    def today(self) -> date:
        return self.now().date()


@dataclass
class FixedClock:
    """A clock that says whatever a test sets; ``at`` may be naive (taken as London time)."""

    at: datetime

    def now(self) -> datetime:
        if self.at.tzinfo is None:
            return self.at.replace(tzinfo=LONDON)
        return self.at.astimezone(LONDON)

    def today(self) -> date:
        return self.now().date()
