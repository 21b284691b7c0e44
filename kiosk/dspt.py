"""The DSPT rule NHSmail applies to a site, with the Toolkit's calendar kept as data.

NHSmail needs the organisation's Data Security and Protection Toolkit (DSPT) published at
"Approaching Standards" or better (FAQ). The Toolkit changes its calendar from time to time,
so the deadlines are data (:data:`CALENDAR`): a year whose deadline moves is one entry in
``DeadlineCalendar.exceptions``, not a code change.

How kiosk reads the rule (pinned here and tested day by day in tests/kiosk/test_dspt.py):

* **Toolkit years.** Each year of the Toolkit ends on its annual deadline (30 June by default,
  :data:`kiosk.facts.DSPT_DEADLINE_MONTH_DAY`). A publication dated ``P`` answers the Toolkit
  year ending on the first deadline on or after ``P``.
* **A publication counts for one year.** Having answered its own year, it stays current
  through the *next* year, so the renewal is due on the following deadline. Published on
  15 June 2025 (answering the year to 30 June 2025): renew by 30 June 2026. Published on
  1 July 2025 (early for the year to 30 June 2026): renew by 30 June 2027. The deadline day
  itself still counts; the day after, the publication has **lapsed** (level ``bad``).
* **Warning window.** From :data:`kiosk.facts.DSPT_WARN_DAYS` (60) days before the renewal
  deadline, inclusive, the verdict is ``warn``; 61 days before it is still ``ok``.
* **Approaching Standards once.** It is accepted only once in a row: if the latest
  publication is Approaching Standards and the one before it (``Site.dspt_previous_status``)
  was too, the site does not meet NHSmail's minimum (``bad``). A first Approaching Standards
  qualifies, but kiosk warns for the whole year that the next publication must reach
  Standards Met, because a second Approaching Standards in a row would not qualify. Only the
  publication immediately before counts: Approaching, Met, Approaching is acceptable.
* **Nothing published** is ``bad``: NHSmail's minimum is not met. A published status with no
  date cannot be checked and is ``warn`` (add the date). A closed site (after an ODS change)
  needs nothing and is ``ok``.

Pure: no store, no clock; the caller passes ``today``. Messages are translated when the
verdict is made, so call it at render time; they do not repeat "DSPT", because the
dashboard and the Sites screen show them after a "DSPT" label.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType
from typing import Literal

from kiosk import facts, timefmt
from kiosk.i18n import N_, _
from kiosk.model import DsptStatus, Site

Level = Literal["ok", "warn", "bad"]

STATUS_LABELS: Mapping[DsptStatus, str] = MappingProxyType(
    {
        DsptStatus.NOT_PUBLISHED: N_("Not yet published"),
        DsptStatus.APPROACHING: N_("Approaching Standards"),
        DsptStatus.MET: N_("Standards Met"),
        DsptStatus.EXCEEDED: N_("Standards Exceeded"),
    }
)


def status_label(status: DsptStatus) -> str:
    """The Toolkit's own name for a status, translated."""
    return _(STATUS_LABELS[status])


@dataclass(frozen=True, slots=True)
class DeadlineCalendar:
    """When each Toolkit year ends.

    ``exceptions`` maps the calendar year in which a Toolkit year ends to its real
    deadline when that differs from ``month_day`` (the Toolkit has moved a deadline before);
    an exception may fall in a different month but must stay in its own calendar year.
    """

    month_day: tuple[int, int] = facts.DSPT_DEADLINE_MONTH_DAY
    exceptions: Mapping[int, date] = field(default_factory=dict)

    def deadline(self, year: int) -> date:
        """The deadline of the Toolkit year that ends in calendar ``year``."""
        if year in self.exceptions:
            return self.exceptions[year]
        month, day = self.month_day
        return date(year, month, day)

    def answered_deadline(self, published: date) -> date:
        """The deadline of the Toolkit year a publication on ``published`` answers."""
        this_year = self.deadline(published.year)
        return this_year if published <= this_year else self.deadline(published.year + 1)

    def renewal_deadline(self, published: date) -> date:
        """The day by which the publication after ``published`` must be made."""
        return self.deadline(self.answered_deadline(published).year + 1)


# The Toolkit's calendar: add an entry to ``exceptions`` when a year's deadline moves.
CALENDAR = DeadlineCalendar(exceptions=MappingProxyType({}))


@dataclass(frozen=True)
class DsptVerdict:
    """What the dashboard shows for a site's DSPT: a level, one sentence, the deadline."""

    ok: bool  # level == "ok"
    level: Level
    message: str  # translated
    deadline: date | None  # the renewal deadline that applies, None when none can be named


def _verdict(level: Level, message: str, deadline: date | None) -> DsptVerdict:
    return DsptVerdict(ok=level == "ok", level=level, message=message, deadline=deadline)


def dspt_verdict(site: Site, today: date, calendar: DeadlineCalendar = CALENDAR) -> DsptVerdict:
    """The DSPT verdict for ``site`` on ``today`` (see the module docstring for the rule)."""
    if site.closed is not None:
        return _verdict(
            "ok",
            _("This site's shared mailbox was closed on {day}: no DSPT is needed for it.").format(
                day=timefmt.day(site.closed)
            ),
            None,
        )
    status = site.dspt_status
    if status == DsptStatus.NOT_PUBLISHED:
        return _verdict(
            "bad",
            _(
                "No publication recorded: NHSmail needs the Toolkit published at "
                "Approaching Standards or better."
            ),
            None,
        )
    label = status_label(status)
    published = site.dspt_published
    if published is None:
        return _verdict(
            "warn",
            _(
                "{status}, but the publication date is missing: add it so kiosk can track "
                "the renewal."
            ).format(status=label),
            None,
        )
    if published > today:
        return _verdict(
            "warn",
            _("The publication date {day} is in the future: check it.").format(
                day=timefmt.day(published)
            ),
            None,
        )
    due = calendar.renewal_deadline(published)
    repeat_approaching = (
        status == DsptStatus.APPROACHING and site.dspt_previous_status == DsptStatus.APPROACHING
    )
    if today > due:
        return _verdict(
            "bad",
            _(
                "The publication of {published} lapsed after {due}: publish the Toolkit "
                "again; NHSmail needs it current."
            ).format(published=timefmt.day(published), due=timefmt.day(due)),
            due,
        )
    if repeat_approaching:
        return _verdict(
            "bad",
            _(
                "A second Approaching Standards in a row does not meet NHSmail's minimum: "
                "publish the Toolkit at Standards Met."
            ),
            due,
        )
    when = _("by {day} ({relative})").format(
        day=timefmt.day(due), relative=timefmt.relative_days(due, today)
    )
    if status == DsptStatus.APPROACHING:
        return _verdict(
            "warn",
            _(
                "Approaching Standards is accepted only once: the next publication, due "
                "{when}, must reach Standards Met."
            ).format(when=when),
            due,
        )
    if (due - today).days <= facts.DSPT_WARN_DAYS:
        return _verdict(
            "warn",
            _("{status}; the renewal is due {when}.").format(status=label, when=when),
            due,
        )
    return _verdict(
        "ok",
        _("{status}, published {published}; renewal due {when}.").format(
            status=label, published=timefmt.day(published), when=when
        ),
        due,
    )


def warn_from(due: date) -> date:
    """The first day the renewal ``due`` is warned about (for the site form's hint)."""
    return due - timedelta(days=facts.DSPT_WARN_DAYS)
