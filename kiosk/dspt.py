"""The DSPT rule NHSmail applies to a site, by Toolkit version, with the calendar as data.

NHSmail needs the organisation's Data Security and Protection Toolkit (DSPT) published at
"Approaching Standards" or better (FAQ, "My application has been rejected because my
organisation does not meet the minimum requirement for the Data Security and Protection
Toolkit"). The Toolkit must be republished at least once a year or it goes out of date
(Digital Care Hub, "Review and update your DSPT"), and each year's *version* of the
Toolkit runs to a 30 June deadline (``shared/reference/nhsmail-facts.md``; DSPT,
"Key dates"), with the new version usually opening around September. The deadlines are
data (:data:`CALENDAR`): a version whose deadline moves is one entry in
``DeadlineCalendar.exceptions``, not a code change.

How kiosk reads the rule (pinned here and tested in tests/kiosk/test_dspt.py):

* **Versions.** A version is named by the two years it spans, "2025-26", and ends on the
  deadline in its second year (30 June 2026). Every publication records the version it
  answers, which the admin confirms: the date alone cannot say it, because a home that
  publishes in July or August is usually finishing the version that has just ended.
* **Suggested version** (:func:`suggest_version`): from 1 July to 30 September
  (:data:`LATE_WINDOW`) the version that has just ended (15 Jul 2026: 2025-26); from
  1 October to 30 June the version whose deadline is next (15 Oct 2026: 2026-27;
  20 Jun 2026: 2025-26). Publications recorded before versions were kept get the
  suggested version when read (:func:`version_of`).
* **Renewal** is due on the deadline at the end of the *next* version: a publication for
  2025-26 keeps the site current through 2026-27, due by 30 June 2027, whether it was made
  on 20 June or 15 July 2026; one for 2026-27 (15 Oct 2026) is due by 30 June 2028. The
  deadline day still counts; the day after, the publication has **lapsed** (``bad``).
* **Warning window.** From :data:`kiosk.facts.DSPT_WARN_DAYS` (60) days before the renewal
  deadline, inclusive, the verdict is ``warn``.
* **Approaching Standards once per site, ever.** The first Approaching Standards is
  accepted (``warn`` for the whole period: the next must reach Standards Met); any later
  one, however many Met publications came between, does not meet NHSmail's minimum
  (``bad``). ``Site.dspt_approaching_used`` remembers the one that was used; for records
  from before it was kept, two Approaching Standards in a row tell the same.
* **Not Met** (below Approaching Standards) and **nothing published** are ``bad``. A
  published status with no date cannot be checked and is ``warn``. A closed site (after
  an ODS change) needs nothing and is ``ok``.

Pure: no store, no clock; the caller passes ``today``. Messages are translated when the
verdict is made, so call it at render time; they do not repeat "DSPT", because the
dashboard and the Sites screen show them after a "DSPT" label.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType
from typing import Literal

from kiosk import facts, timefmt
from kiosk.i18n import N_, _
from kiosk.model import DsptStatus, Site
from kiosk.validators import ValidationError

Level = Literal["ok", "warn", "bad"]

STATUS_LABELS: Mapping[DsptStatus, str] = MappingProxyType(
    {
        DsptStatus.NOT_PUBLISHED: N_("Not yet published"),
        DsptStatus.NOT_MET: N_("Not Met"),
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

    def renewal_deadline(self, version_end: int) -> date:
        """The day by which the publication after one for the version ending in
        ``version_end`` must be made: the deadline at the end of the next version."""
        return self.deadline(version_end + 1)


# The Toolkit's calendar: add an entry to ``exceptions`` when a version's deadline moves.
CALENDAR = DeadlineCalendar(exceptions=MappingProxyType({}))

# Publications from 1 July to 30 September suggest the version that has just ended
# (month, day of the first and last day of the window).
LATE_WINDOW: tuple[tuple[int, int], tuple[int, int]] = ((7, 1), (9, 30))

_VERSION = re.compile(r"(\d{4})\s*[-/\u2013]\s*(\d{2}|\d{4})")


def version_name(end_year: int) -> str:
    """``2026`` -> ``"2025-26"``: the version whose deadline falls in ``end_year``."""
    return f"{end_year - 1}-{end_year % 100:02d}"


def parse_version(text: str) -> int:
    """``"2025-26"`` (or ``2025/26``, ``2025-2026``) -> 2026, the year its deadline falls in.

    ValidationError names the rule: two consecutive years.
    """
    match = _VERSION.fullmatch(text.strip())
    if match:
        start = int(match.group(1))
        end_text = match.group(2)
        end = int(end_text)
        if len(end_text) == 2:
            end += start - start % 100
            end += 100 if end <= start else 0
        if end == start + 1:
            return end
    raise ValidationError(
        _("The Toolkit version is two consecutive years, for example 2025-26."), "dspt_version"
    )


def suggest_version(published: date, calendar: DeadlineCalendar = CALENDAR) -> str:
    """The version a publication on ``published`` most likely answers (module docstring)."""
    (start_m, start_d), (end_m, end_d) = LATE_WINDOW
    if date(published.year, start_m, start_d) <= published <= date(published.year, end_m, end_d):
        return version_name(published.year)
    this_year = calendar.deadline(published.year)
    return version_name(published.year if published <= this_year else published.year + 1)


def check_version(
    text: str, published: date, calendar: DeadlineCalendar = CALENDAR
) -> str:
    """The Toolkit version typed for a publication on ``published``, named ("2025-26"),
    or ValidationError naming the rule.

    A publication answers the version whose deadline is next (the one open that day) or
    the one before it (finished late, as most July to September publications are); never
    a later one, which is not open yet and would put the renewal a year or more later
    than the Toolkit allows, nor an earlier one. The one check for every way a version is
    typed (the Sites screen's publication, ``kiosk init``, the site form)."""
    end = parse_version(text)
    current = published.year if published <= calendar.deadline(published.year) else (
        published.year + 1
    )
    if end not in (current, current - 1):
        raise ValidationError(
            _(
                "A publication on {day} answers the Toolkit version {current} or the one "
                "before it, {previous}: {version} is not open yet or ended long before."
            ).format(
                day=timefmt.day(published),
                current=version_name(current),
                previous=version_name(current - 1),
                version=version_name(end),
            ),
            "dspt_version_date",
        )
    return version_name(end)


def version_of(site: Site) -> str | None:
    """The version the site's publication answers: recorded, or suggested for a publication
    recorded before versions were kept (the upgrade); None when nothing is published."""
    if site.dspt_version:
        return site.dspt_version
    if site.dspt_published is None or site.dspt_status == DsptStatus.NOT_PUBLISHED:
        return None
    return suggest_version(site.dspt_published)


def approaching_used(
    before: Site | None, status: DsptStatus, published: date | None
) -> date | None:
    """The day of the one Approaching Standards the site has used, once its DSPT reads
    ``status`` published on ``published``; ``before`` is the site as recorded (None for a
    new one). The one place the allowance is decided: a new site, the edit form and a new
    publication all take ``dspt_approaching_used`` from here, so no way of recording a
    status can hand the allowance out twice (:func:`approaching_refused` then reads it).

    Re-entering the recorded publication (same date) is a correction: it never uses the
    allowance up afresh, and correcting the Approaching one to another status gives it
    back. A record from before the day was kept counts an Approaching current or previous
    status as used (on an unknown earlier day when only the previous one says so)."""
    used = before.dspt_approaching_used if before is not None else None
    same = before is not None and before.dspt_published is not None and (
        published == before.dspt_published
    )
    if before is not None and used is None:
        if before.dspt_previous_status == DsptStatus.APPROACHING:
            used = date.min
        elif before.dspt_status == DsptStatus.APPROACHING and not same:
            used = before.dspt_published or date.min
    if same and used == published and status != DsptStatus.APPROACHING:
        used = None
    if used is None and status == DsptStatus.APPROACHING:
        used = published or date.min
    return used


def approaching_refused(site: Site) -> bool:
    """The site's latest publication is an Approaching Standards after the one allowed
    (recorded by :func:`approaching_used`)."""
    if site.dspt_status != DsptStatus.APPROACHING:
        return False
    used = site.dspt_approaching_used
    if used is not None:
        return used != site.dspt_published
    return site.dspt_previous_status == DsptStatus.APPROACHING


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
    version = version_of(site)
    assert version is not None
    due = calendar.renewal_deadline(parse_version(version))
    repeat_approaching = approaching_refused(site)
    if status == DsptStatus.NOT_MET:
        return _verdict(
            "bad",
            _(
                "Not Met ({version}): below NHSmail's minimum of Approaching Standards. "
                "Publish the Toolkit again at Approaching Standards or better."
            ).format(version=version),
            due,
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
                "Approaching Standards is accepted only once per site, and this site has "
                "used it: publish the Toolkit at Standards Met."
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
        _("{status} ({version}), published {published}; renewal due {when}.").format(
            status=label, version=version, published=timefmt.day(published), when=when
        ),
        due,
    )


def warn_from(due: date) -> date:
    """The first day the renewal ``due`` is warned about (for the site form's hint)."""
    return due - timedelta(days=facts.DSPT_WARN_DAYS)
