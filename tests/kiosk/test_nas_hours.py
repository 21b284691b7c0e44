"""NAS opening hours: the FAQ's 09:00-17:00 Monday-Friday, Europe/London, no bank holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.clock import LONDON
from kiosk.nas_hours import (
    NasStatus,
    add_working_days,
    describe,
    is_working_day,
    nas_status,
    next_opening,
    parse_london,
)


def london(y: int, m: int, d: int, hh: int, mm: int) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


# Tuesday 24 November 2026 is an ordinary working day.
@pytest.mark.parametrize(
    ("hh", "mm", "is_open"),
    [(8, 59, False), (9, 0, True), (16, 59, True), (17, 0, False)],
)
def test_weekday_boundaries(hh: int, mm: int, is_open: bool) -> None:
    status = nas_status(london(2026, 11, 24, hh, mm))
    assert status.open is is_open


def test_open_says_when_it_closes() -> None:
    status = nas_status(london(2026, 11, 24, 9, 0))
    assert status == NasStatus(open=True, closes_at=london(2026, 11, 24, 17, 0), next_open=None)


def test_before_opening_on_a_weekday_opens_the_same_morning() -> None:
    status = nas_status(london(2026, 11, 24, 8, 59))
    assert status == NasStatus(open=False, closes_at=None, next_open=london(2026, 11, 24, 9, 0))


def test_saturday_is_closed_and_opens_monday() -> None:
    status = nas_status(london(2026, 11, 28, 11, 0))
    assert not status.open
    assert status.next_open == london(2026, 11, 30, 9, 0)


def test_good_friday_is_closed_and_easter_monday_too() -> None:
    # Good Friday 3 April 2026, Easter Monday 6 April 2026: next opening Tuesday 7 April.
    status = nas_status(london(2026, 4, 3, 11, 0))
    assert not status.open
    assert status.next_open == london(2026, 4, 7, 9, 0)


def test_boxing_day_observed_on_monday_28_december_2026() -> None:
    # Boxing Day 2026 is a Saturday, so the bank holiday moves to Monday 28 December.
    assert not is_working_day(date(2026, 12, 28))
    status = nas_status(london(2026, 12, 28, 11, 0))
    assert not status.open
    assert status.next_open == london(2026, 12, 29, 9, 0)


def test_next_opening_from_friday_evening_is_monday_morning() -> None:
    status = nas_status(london(2026, 11, 27, 17, 30))
    assert status.next_open == london(2026, 11, 30, 9, 0)


def test_next_opening_from_christmas_eve_at_five() -> None:
    # Thu 24 Dec closes at 17:00; Fri 25 Christmas, weekend, Mon 28 Boxing Day observed.
    status = nas_status(london(2026, 12, 24, 17, 0))
    assert not status.open
    assert status.next_open == london(2026, 12, 29, 9, 0)


def test_hours_follow_london_across_the_spring_clock_change() -> None:
    # Clocks went forward on Sunday 29 March 2026: 08:30 UTC on Monday is 09:30 BST.
    assert nas_status(datetime(2026, 3, 30, 8, 30, tzinfo=UTC)).open
    assert not nas_status(datetime(2026, 3, 30, 7, 59, tzinfo=UTC)).open  # 08:59 BST
    assert not nas_status(datetime(2026, 3, 30, 16, 0, tzinfo=UTC)).open  # 17:00 BST
    # The Friday before, still GMT: 16:30 UTC is 16:30 in London, open.
    assert nas_status(datetime(2026, 3, 27, 16, 30, tzinfo=UTC)).open


def test_hours_follow_london_across_the_autumn_clock_change() -> None:
    # Clocks went back on Sunday 25 October 2026: Friday 23rd is BST, Monday 26th GMT.
    assert not nas_status(datetime(2026, 10, 23, 16, 30, tzinfo=UTC)).open  # 17:30 BST
    assert nas_status(datetime(2026, 10, 26, 16, 30, tzinfo=UTC)).open  # 16:30 GMT
    status = nas_status(datetime(2026, 10, 23, 16, 30, tzinfo=UTC))
    assert status.next_open == london(2026, 10, 26, 9, 0)
    assert status.next_open is not None
    assert status.next_open.utcoffset() == timedelta(0)  # GMT again


def test_any_zone_is_answered_in_london() -> None:
    new_york = ZoneInfo("America/New_York")
    # 04:30 in New York on 24 Nov 2026 is 09:30 in London.
    status = nas_status(datetime(2026, 11, 24, 4, 30, tzinfo=new_york))
    assert status.open
    assert status.closes_at is not None
    assert status.closes_at.tzinfo == LONDON


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError):
        nas_status(datetime(2026, 11, 24, 10, 0))


def test_add_working_days_skips_weekends_and_bank_holidays() -> None:
    assert add_working_days(date(2026, 11, 24), 5) == date(2026, 12, 1)
    assert add_working_days(date(2026, 12, 23), 2) == date(2026, 12, 29)
    assert add_working_days(date(2026, 12, 23), 0) == date(2026, 12, 23)


def test_describe_open() -> None:
    now = london(2026, 11, 24, 10, 0)
    assert describe(nas_status(now), now) == "NAS is open until 17:00"


def test_describe_closed_until_later_today_tomorrow_and_a_later_day() -> None:
    early = london(2026, 11, 24, 7, 0)
    assert describe(nas_status(early), early) == "NAS is closed; it opens today at 09:00"
    evening = london(2026, 11, 24, 18, 0)
    assert describe(nas_status(evening), evening) == "NAS is closed; it opens tomorrow at 09:00"
    xmas = london(2026, 12, 24, 17, 0)
    assert (
        describe(nas_status(xmas), xmas)
        == "NAS is closed; it opens Tuesday, 29 December 2026 at 09:00"
    )


def test_parse_london_reads_wall_clock_time() -> None:
    assert parse_london("2026-12-24 17:00") == london(2026, 12, 24, 17, 0)
    assert parse_london(" 2026-07-01T09:05 ") == london(2026, 7, 1, 9, 5)
    assert parse_london("9:30", today=date(2026, 11, 24)) == london(2026, 11, 24, 9, 30)


@pytest.mark.parametrize("bad", ["", "tomorrow", "2026-13-01 09:00", "2026-11-24 25:00", "9:30"])
def test_parse_london_refuses_with_the_rule(bad: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD HH:MM"):
        parse_london(bad)


moments = st.datetimes(
    min_value=datetime(2020, 1, 1),
    max_value=datetime(2060, 12, 31),
    timezones=st.sampled_from([UTC, LONDON, timezone(timedelta(hours=-5)), ZoneInfo("Asia/Tokyo")]),
)


@given(moments)
def test_next_open_is_a_future_working_day_at_nine_london(at: datetime) -> None:
    status = nas_status(at)
    if status.open:
        assert status.closes_at is not None and status.next_open is None
        assert status.closes_at > at
        assert status.closes_at.astimezone(LONDON).time() == time(17, 0)
        opens = next_opening(at)
    else:
        assert status.closes_at is None and status.next_open is not None
        opens = status.next_open
    assert opens > at
    local = opens.astimezone(LONDON)
    assert local.time() == time(9, 0)
    assert local.weekday() < 5
    assert is_working_day(local.date())
    # Nothing is skipped: NAS is closed for the whole stretch up to the opening.
    if not status.open:
        assert not nas_status(opens - timedelta(minutes=1)).open
        assert nas_status(opens).open
