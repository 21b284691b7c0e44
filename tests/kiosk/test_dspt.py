"""The DSPT rule, day by day: the deadlines, the 60-day window, lapsing and the one-time
Approaching Standards allowance (the rule is pinned in kiosk/dspt.py's docstring)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk import facts
from kiosk.dspt import (
    CALENDAR,
    DeadlineCalendar,
    dspt_verdict,
    parse_version,
    status_label,
    suggest_version,
    version_name,
    version_of,
    warn_from,
)
from kiosk.model import DsptStatus, Site
from kiosk.sites import SiteError, with_publication


def site(
    status: DsptStatus = DsptStatus.MET,
    published: date | None = date(2025, 6, 15),
    previous: DsptStatus | None = None,
    closed: date | None = None,
) -> Site:
    return Site(
        name="Test House",
        ods_code="VZZ01",
        cqc_location_id="1-123456789",
        site_phone="01632960001",
        mailbox="test.house@nhs.net",
        dspt_status=status,
        dspt_published=published,
        dspt_previous_status=previous,
        closed=closed,
        id=1,
    )


@pytest.mark.parametrize(
    ("published", "due"),
    [
        (date(2025, 6, 15), date(2026, 6, 30)),  # answers the year to 30 June 2025
        (date(2025, 6, 30), date(2026, 6, 30)),  # on the deadline day: still that year
        (date(2025, 7, 1), date(2026, 6, 30)),  # late for 2024-25: due again by 30 Jun 2026
        (date(2025, 9, 30), date(2026, 6, 30)),
        (date(2025, 10, 1), date(2027, 6, 30)),  # the 2025-26 version
        (date(2025, 12, 31), date(2027, 6, 30)),
        (date(2026, 1, 1), date(2027, 6, 30)),
    ],
)
def test_renewal_deadline_by_suggested_version(published: date, due: date) -> None:
    assert CALENDAR.renewal_deadline(parse_version(suggest_version(published))) == due
    assert dspt_verdict(site(published=published), published).deadline == due


@pytest.mark.parametrize(
    ("published", "version", "due"),
    [
        (date(2026, 6, 20), "2025-26", date(2027, 6, 30)),
        (date(2026, 7, 15), "2025-26", date(2027, 6, 30)),  # not 30 Jun 2028
        (date(2026, 10, 15), "2026-27", date(2028, 6, 30)),
    ],
)
def test_due_dates_by_toolkit_version(published: date, version: str, due: date) -> None:
    assert suggest_version(published) == version
    recorded = with_publication(
        site(published=None, status=DsptStatus.NOT_PUBLISHED), DsptStatus.MET, published, version
    )
    assert recorded.dspt_version == version
    verdict = dspt_verdict(recorded, published)
    assert verdict.deadline == due
    assert version in verdict.message


def test_the_admin_confirms_the_version_not_the_date() -> None:
    """Published on 15 Jul 2026 but for the new 2026-27 version: due by 30 Jun 2028."""
    recorded = with_publication(site(), DsptStatus.MET, date(2026, 7, 15), "2026/27")
    assert recorded.dspt_version == "2026-27"
    assert dspt_verdict(recorded, date(2026, 7, 15)).deadline == date(2028, 6, 30)
    with pytest.raises(SiteError, match="two consecutive years"):
        with_publication(site(), DsptStatus.MET, date(2026, 7, 15), "2026-28")


def test_existing_publications_get_the_suggested_version_when_read() -> None:
    old = site(published=date(2026, 7, 15))
    assert old.dspt_version is None
    assert version_of(old) == "2025-26"
    assert dspt_verdict(old, date(2026, 8, 1)).deadline == date(2027, 6, 30)


@pytest.mark.parametrize("text", ["2025-26", "2025/26", "2025-2026", "2025 – 26", "2099-00"])
def test_version_names(text: str) -> None:
    assert version_name(parse_version(text)) in ("2025-26", "2099-00")


def test_approaching_standards_is_accepted_once_per_site_ever() -> None:
    first = with_publication(
        site(published=None, status=DsptStatus.NOT_PUBLISHED),
        DsptStatus.APPROACHING,
        date(2025, 10, 1),
    )
    assert dspt_verdict(first, date(2025, 10, 2)).level == "warn"
    met = with_publication(first, DsptStatus.MET, date(2026, 10, 1))
    assert dspt_verdict(met, date(2026, 10, 2)).level == "ok"
    again = with_publication(met, DsptStatus.APPROACHING, date(2027, 10, 1))
    verdict = dspt_verdict(again, date(2027, 10, 2))
    assert verdict.level == "bad" and "only once per site" in verdict.message
    # correcting the first publication's status gives the allowance back
    fixed = with_publication(first, DsptStatus.MET, date(2025, 10, 1))
    assert fixed.dspt_approaching_used is None


def test_not_met_is_below_the_minimum() -> None:
    verdict = dspt_verdict(site(status=DsptStatus.NOT_MET), date(2025, 7, 1))
    assert verdict.level == "bad" and "Not Met" in verdict.message


def test_warns_from_60_days_before_the_deadline_inclusive() -> None:
    due = date(2026, 6, 30)
    assert facts.DSPT_WARN_DAYS == 60
    assert dspt_verdict(site(), due - timedelta(days=61)).level == "ok"
    day60 = dspt_verdict(site(), due - timedelta(days=60))
    assert day60.level == "warn"
    assert not day60.ok
    assert "30 Jun 2026" in day60.message
    assert warn_from(due) == date(2026, 5, 1)
    assert dspt_verdict(site(), date(2026, 5, 1)).level == "warn"
    assert dspt_verdict(site(), date(2026, 4, 30)).level == "ok"
    assert dspt_verdict(site(), due).level == "warn"  # the deadline day still counts


def test_lapses_the_day_after_the_deadline() -> None:
    verdict = dspt_verdict(site(), date(2026, 7, 1))
    assert verdict.level == "bad"
    assert verdict.deadline == date(2026, 6, 30)
    assert "lapsed" in verdict.message
    assert dspt_verdict(site(status=DsptStatus.EXCEEDED), date(2027, 1, 1)).level == "bad"


def test_ok_far_from_the_deadline() -> None:
    verdict = dspt_verdict(site(status=DsptStatus.EXCEEDED), date(2025, 9, 1))
    assert verdict.ok
    assert verdict.level == "ok"
    assert "Standards Exceeded" in verdict.message
    assert "30 Jun 2026" in verdict.message


def test_first_approaching_standards_qualifies_but_warns_all_year() -> None:
    first = site(status=DsptStatus.APPROACHING, previous=DsptStatus.MET)
    verdict = dspt_verdict(first, date(2025, 9, 1))  # far from the deadline
    assert verdict.level == "warn"
    assert "Standards Met" in verdict.message
    assert verdict.deadline == date(2026, 6, 30)
    never_before = site(status=DsptStatus.APPROACHING, previous=None)
    assert dspt_verdict(never_before, date(2025, 9, 1)).level == "warn"
    # ...and it lapses like any other publication.
    assert dspt_verdict(first, date(2026, 7, 1)).level == "bad"


def test_second_approaching_standards_in_a_row_does_not_qualify() -> None:
    second = site(status=DsptStatus.APPROACHING, previous=DsptStatus.APPROACHING)
    verdict = dspt_verdict(second, date(2025, 9, 1))
    assert verdict.level == "bad"
    assert "only once per site" in verdict.message


def test_met_after_approaching_is_fine() -> None:
    met = site(status=DsptStatus.MET, previous=DsptStatus.APPROACHING)
    assert dspt_verdict(met, date(2025, 9, 1)).level == "ok"


def test_not_published_is_bad_and_names_the_minimum() -> None:
    verdict = dspt_verdict(site(status=DsptStatus.NOT_PUBLISHED, published=None), date(2025, 9, 1))
    assert verdict.level == "bad"
    assert verdict.deadline is None
    assert "Approaching Standards" in verdict.message


def test_published_without_a_date_warns() -> None:
    verdict = dspt_verdict(site(published=None), date(2025, 9, 1))
    assert verdict.level == "warn"
    assert verdict.deadline is None


def test_future_publication_date_warns() -> None:
    verdict = dspt_verdict(site(published=date(2025, 10, 1)), date(2025, 9, 1))
    assert verdict.level == "warn"
    assert "future" in verdict.message


def test_closed_site_needs_nothing() -> None:
    closed = site(status=DsptStatus.NOT_PUBLISHED, published=None, closed=date(2025, 3, 1))
    assert dspt_verdict(closed, date(2025, 9, 1)).ok


def test_a_moved_deadline_is_one_entry_of_data() -> None:
    """A year whose deadline moves (say to 30 September 2026) is one exception entry."""
    moved = DeadlineCalendar(exceptions={2026: date(2026, 9, 30)})
    # 2024-25's renewal is due at the end of 2025-26: the moved deadline.
    assert moved.renewal_deadline(parse_version("2024-25")) == date(2026, 9, 30)
    assert moved.renewal_deadline(parse_version("2025-26")) == date(2027, 6, 30)
    on_day = date(2026, 8, 15)  # 46 days before the moved deadline
    assert dspt_verdict(site(), on_day).level == "bad"  # lapsed by the default calendar
    assert dspt_verdict(site(), on_day, moved).level == "warn"  # still due by the moved one


def test_status_labels_are_the_toolkits_names() -> None:
    assert status_label(DsptStatus.APPROACHING) == "Approaching Standards"
    assert status_label(DsptStatus.MET) == "Standards Met"
    assert status_label(DsptStatus.EXCEEDED) == "Standards Exceeded"
    assert status_label(DsptStatus.NOT_PUBLISHED) == "Not yet published"


@given(
    published=st.dates(min_value=date(2018, 1, 1), max_value=date(2040, 12, 31)),
    offset=st.integers(min_value=0, max_value=1200),
)
def test_level_follows_the_deadline_for_any_day(published: date, offset: int) -> None:
    """For a Standards Met publication the level depends only on the days to the deadline,
    and the deadline is always a 30 June between 9 months (published late for the version
    just ended, by 30 September) and 2 years after the publication."""
    today = published + timedelta(days=offset)
    verdict = dspt_verdict(site(published=published), today)
    due = verdict.deadline
    assert due is not None
    assert (due.month, due.day) == facts.DSPT_DEADLINE_MONTH_DAY
    assert 273 <= (due - published).days <= 2 * 366
    left = (due - today).days
    expected = "bad" if left < 0 else "warn" if left <= facts.DSPT_WARN_DAYS else "ok"
    assert verdict.level == expected
    assert verdict.ok == (expected == "ok")


def _edited(before: Site, status: DsptStatus, published: date) -> Site:
    """``before`` after the Sites edit form saved a new DSPT status and date on it."""
    from kiosk.sites import check_site_form

    raw = {
        "name": before.name,
        "ods_code": before.ods_code,
        "cqc_location_id": before.cqc_location_id,
        "site_phone": before.site_phone,
        "mailbox": before.mailbox,
        "dspt_status": status.value,
        "dspt_published": published.isoformat(),
        "dspt_previous_status": "",
    }
    check = check_site_form(raw, [before], today=published, base=before)
    assert check.site is not None, check.errors
    return check.site


def test_approaching_once_holds_through_the_edit_form_too() -> None:
    """M3: the edit form changed status and date with the allowance copied from the old
    record, never deciding it, so Approaching -> Met -> Approaching passed there. Every
    way a status is recorded (form, new publication, a new site) asks the one function,
    dspt.approaching_used."""
    start = site(status=DsptStatus.MET, published=date(2025, 10, 1))
    first = _edited(start, DsptStatus.APPROACHING, date(2026, 10, 1))
    assert dspt_verdict(first, date(2026, 10, 2)).level == "warn"
    met = _edited(first, DsptStatus.MET, date(2027, 10, 1))
    assert dspt_verdict(met, date(2027, 10, 2)).level == "ok"
    again = _edited(met, DsptStatus.APPROACHING, date(2028, 10, 1))
    verdict = dspt_verdict(again, date(2028, 10, 2))
    assert verdict.level == "bad" and "only once per site" in verdict.message
    # and mixing the two ways in: a form's Approaching, then two publications
    mixed = with_publication(first, DsptStatus.MET, date(2027, 10, 1))
    mixed = with_publication(mixed, DsptStatus.APPROACHING, date(2028, 10, 1))
    assert dspt_verdict(mixed, date(2028, 10, 2)).level == "bad"


def test_a_new_site_at_approaching_has_used_its_allowance() -> None:
    from kiosk.site_fields import check_site

    raw = {
        "name": "Test House", "ods_code": "VZZ01", "cqc_location_id": "1-123456789",
        "site_phone": "01632960001", "mailbox": "test.house@nhs.net",
        "dspt_status": "approaching", "dspt_published": "2026-10-01",
    }
    new = check_site(raw, today=date(2026, 10, 2)).site
    assert new is not None and new.dspt_approaching_used == date(2026, 10, 1)



@pytest.mark.parametrize(
    ("published", "typed", "stored"),
    [
        (date(2026, 7, 15), "2025-26", "2025-26"),  # finishing the version just ended
        (date(2026, 7, 15), "2026/27", "2026-27"),  # the new one, already open
        (date(2026, 10, 15), "2026-27", "2026-27"),
        (date(2026, 6, 20), "2025-26", "2025-26"),
    ],
)
def test_check_version_accepts_the_versions_a_date_can_answer(
    published: date, typed: str, stored: str
) -> None:
    from kiosk.dspt import check_version

    assert check_version(typed, published) == stored


@pytest.mark.parametrize(
    ("published", "typed"),
    [
        (date(2026, 10, 15), "2027-28"),  # not open yet: would overstate renewal by a year
        (date(2026, 6, 20), "2026-27"),  # opens after 30 Jun 2026
        (date(2026, 10, 15), "2023-24"),  # ended long before
    ],
)
def test_check_version_refuses_a_version_the_date_cannot_answer(
    published: date, typed: str
) -> None:
    """M4: any two consecutive years were taken, so a version not yet open pushed the
    renewal a year or more later than the Toolkit allows. The message names the rule."""
    from kiosk.dspt import check_version
    from kiosk.validators import ValidationError

    with pytest.raises(ValidationError) as raised:
        check_version(typed, published)
    assert raised.value.rule == "dspt_version_date"
    assert "version" in raised.value.message
    with pytest.raises(SiteError):  # and the publication path refuses it with that message
        with_publication(site(), DsptStatus.MET, published, typed)
