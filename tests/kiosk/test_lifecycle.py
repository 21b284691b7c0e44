"""The account lifecycle's boundaries, pinned day by day (see kiosk.lifecycle's docstring)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk import facts
from kiosk.clock import FixedClock
from kiosk.lifecycle import (
    AccountState,
    LifecycleState,
    account_state,
    add_months,
    mailbox_silence,
    owners_at_risk,
    person_status,
    states,
    urgency_key,
)
from kiosk.model import Person, PersonStatus, Role, Site

S = LifecycleState
TODAY = date(2026, 11, 24)


def person(**kw: object) -> Person:
    base: dict[str, object] = {
        "full_name": "Ada Example",
        "personal_mobile": "07700900001",
        "nhsmail": "ada.example@nhs.net",
        "first_login_done": True,
    }
    base.update(kw)
    return Person(**base)  # type: ignore[arg-type]


def site(**kw: object) -> Site:
    base: dict[str, object] = {
        "name": "Rose House",
        "ods_code": "VZZ01",
        "cqc_location_id": "1-000000001",
        "site_phone": "01632960001",
        "mailbox": "rosehouse.care@nhs.net",
        "id": 1,
    }
    base.update(kw)
    return Site(**base)  # type: ignore[arg-type]


def state_after(days: int, today: date = TODAY, **kw: object) -> AccountState:
    result = account_state(person(last_activity=today - timedelta(days=days), **kw), today)
    assert result is not None
    return result


# ---- the personal countdown -------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "expected", "days_left"),
    [
        (0, S.ACTIVE, 31),
        (23, S.ACTIVE, 8),
        (24, S.DUE_SOON, 7),  # DUE_SOON_DAYS before the change
        (29, S.DUE_SOON, 2),
        (30, S.DUE_SOON, 1),  # the last day to act: due, not overdue
        (31, S.INACTIVE, 30),
        (60, S.INACTIVE, 1),
        (61, S.DELETED, 30),
        (90, S.DELETED, 1),
        (91, S.GONE, None),
        (400, S.GONE, None),
    ],
)
def test_boundary_days(days: int, expected: LifecycleState, days_left: int | None) -> None:
    result = state_after(days)
    assert result.state is expected
    assert result.days_left == days_left
    assert result.since == TODAY - timedelta(days=days)


def test_next_change_is_the_day_of_the_transition() -> None:
    def last(days: int) -> date:
        return TODAY - timedelta(days=days)

    assert state_after(30).next_change == last(30) + timedelta(days=31)
    assert state_after(30).last_day == TODAY  # day 30: act today
    assert state_after(31).next_change == last(31) + timedelta(days=61)  # deleted then
    assert state_after(61).next_change == last(61) + timedelta(days=91)  # gone then
    gone = state_after(91)
    assert gone.next_change is None and gone.last_day is None


def test_the_windows_come_from_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(facts, "ACTIVITY_WINDOW_DAYS", 10)
    monkeypatch.setattr(facts, "DUE_SOON_DAYS", 3)
    assert state_after(10).state is S.DUE_SOON
    assert state_after(11).state is S.INACTIVE
    assert state_after(41).state is S.DELETED
    assert state_after(71).state is S.GONE


def test_due_within_widens_due_soon() -> None:
    assert state_after(10).state is S.ACTIVE
    result = account_state(person(last_activity=TODAY - timedelta(days=10)), TODAY, due_within=30)
    assert result is not None and result.state is S.DUE_SOON
    result = account_state(person(last_activity=TODAY - timedelta(days=30)), TODAY, due_within=0)
    assert result is not None and result.state is S.ACTIVE


@pytest.mark.parametrize(
    "clock_change",
    [date(2026, 3, 29), date(2026, 10, 25)],  # BST starts (23-hour day), ends (25-hour day)
)
def test_the_day_of_a_clock_change_is_one_day(clock_change: date) -> None:
    assert state_after(30, today=clock_change).state is S.DUE_SOON
    assert state_after(31, today=clock_change).state is S.INACTIVE
    # A count that spans the change: day 30 falls the day after it.
    start = clock_change - timedelta(days=29)
    result = account_state(person(last_activity=start), clock_change + timedelta(days=1))
    assert result is not None and result.state is S.DUE_SOON and result.days_left == 1


def test_today_from_the_clock_late_on_a_clock_change_night() -> None:
    # 23:30 UTC on Saturday 24 Oct 2026 is 00:30 BST on Sunday 25 Oct: London's day counts.
    clock = FixedClock(datetime(2026, 10, 24, 23, 30, tzinfo=UTC))
    today = clock.today()
    assert today == date(2026, 10, 25)
    result = account_state(person(last_activity=date(2026, 9, 24)), today)
    assert result is not None and result.state is S.INACTIVE  # 24 Sep + 31 days


def test_a_leap_day() -> None:
    leap = date(2028, 2, 29)
    # Counting across 29 February: 30 Jan + 30 days is 29 Feb, the last day to act.
    result = account_state(person(last_activity=date(2028, 1, 30)), leap)
    assert result is not None and result.state is S.DUE_SOON and result.days_left == 1
    result = account_state(person(last_activity=date(2028, 1, 30)), date(2028, 3, 1))
    assert result is not None and result.state is S.INACTIVE
    # Counting from the leap day itself.
    result = account_state(person(last_activity=leap), date(2028, 3, 30))
    assert result is not None and result.state is S.DUE_SOON


# ---- new, unknown, disabled, left out ---------------------------------------------------


def test_a_never_used_new_account_counts_from_creation() -> None:
    created = TODAY - timedelta(days=30)
    new = person(account_created=created, first_login_done=False)
    result = account_state(new, TODAY)
    assert result is not None
    assert result.state is S.DUE_SOON and result.never_used and result.since == created
    assert "first sign-in" in result.advice
    later = account_state(new, TODAY + timedelta(days=1))
    assert later is not None and later.state is S.INACTIVE and later.never_used
    gone = account_state(new, created + timedelta(days=91))
    assert gone is not None and gone.state is S.GONE


def test_new_account_window_is_its_own_fact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(facts, "NEW_ACCOUNT_FIRST_LOGIN_DAYS", 14)
    created = TODAY - timedelta(days=15)
    result = account_state(person(account_created=created, first_login_done=False), TODAY)
    assert result is not None and result.state is S.INACTIVE


def test_activity_after_creation_counts_from_the_activity() -> None:
    result = account_state(
        person(account_created=TODAY - timedelta(days=50), last_activity=TODAY - timedelta(days=2)),
        TODAY,
    )
    assert result is not None and result.state is S.ACTIVE and not result.never_used
    assert result.since == TODAY - timedelta(days=2)


def test_a_new_account_after_an_old_one_counts_from_creation() -> None:
    # An old activity date from before a brand-new account must not make it look gone.
    result = account_state(
        person(
            account_created=TODAY - timedelta(days=3),
            last_activity=TODAY - timedelta(days=200),
            first_login_done=True,
        ),
        TODAY,
    )
    assert result is not None and result.state is S.ACTIVE and result.since == TODAY - timedelta(3)


def test_no_date_at_all_is_inactive_and_unknown() -> None:
    result = account_state(person(), TODAY)
    assert result is not None
    assert result.state is S.INACTIVE and result.unknown
    assert result.next_change is None and result.days_left is None
    assert "No sign-in is recorded" in result.advice
    known = state_after(31)
    assert urgency_key(result) < urgency_key(known)  # first among the inactive
    assert urgency_key(state_after(61)) < urgency_key(result)  # but after the deleted


@pytest.mark.parametrize(
    ("months", "expected"),
    # 19 months is 31 days past the 18-month keep: past NAS's 30-day restore as well.
    [(17, S.DISABLED), (19, S.GONE)],
)
def test_disabled_at_17_and_19_months(months: int, expected: LifecycleState) -> None:
    disabled = date(2025, 1, 15)
    today = add_months(disabled, months)
    result = account_state(
        person(disabled_since=disabled, last_activity=disabled - timedelta(days=5)), today
    )
    assert result is not None and result.state is expected
    if expected is S.DISABLED:
        assert result.next_change == date(2026, 7, 15)  # same day, 18 months on
        assert result.days_left == (date(2026, 7, 15) - today).days


def test_disabled_keep_boundaries() -> None:
    disabled = date(2025, 1, 15)
    ends = date(2026, 7, 15)
    kept = account_state(person(disabled_since=disabled), ends - timedelta(days=1))
    assert kept is not None and kept.state is S.DISABLED and kept.days_left == 1
    deleted = account_state(person(disabled_since=disabled), ends)
    assert deleted is not None and deleted.state is S.DELETED
    assert deleted.next_change == ends + timedelta(days=facts.RESTORABLE_DAYS)
    gone = account_state(person(disabled_since=disabled), ends + timedelta(facts.RESTORABLE_DAYS))
    assert gone is not None and gone.state is S.GONE


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 8, 31), 18, date(2028, 2, 29)),  # clamped to a leap February
        (date(2027, 8, 31), 18, date(2029, 2, 28)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 5, 15), 18, date(2027, 11, 15)),
        (date(2026, 12, 1), 1, date(2027, 1, 1)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    "changes",
    [{"nhsmail": None}, {"nhsmail": ""}, {"status": PersonStatus.LEFT}],
)
def test_people_without_an_account_are_left_out(changes: dict[str, object]) -> None:
    assert account_state(person(last_activity=TODAY, **changes), TODAY) is None
    assert states([person(last_activity=TODAY, **changes)], TODAY) == []


@pytest.mark.parametrize("status", [PersonStatus.JOINER, PersonStatus.LEAVER])
def test_joiners_and_leavers_with_an_account_are_counted(status: PersonStatus) -> None:
    assert account_state(person(last_activity=TODAY, status=status), TODAY) is not None


# ---- ordering, owners --------------------------------------------------------------------


def test_urgency_order_gone_deleted_inactive_due_fine_disabled() -> None:
    found = states(
        [
            person(full_name="Fine", last_activity=TODAY, id=1),
            person(full_name="Disabled", disabled_since=TODAY, id=2),
            person(full_name="Due", last_activity=TODAY - timedelta(days=28), id=3),
            person(full_name="Gone", last_activity=TODAY - timedelta(days=100), id=4),
            person(full_name="Inactive", last_activity=TODAY - timedelta(days=40), id=5),
            person(full_name="Deleted", last_activity=TODAY - timedelta(days=70), id=6),
            person(full_name="Due sooner", last_activity=TODAY - timedelta(days=30), id=7),
            person(full_name="Left", last_activity=TODAY, status=PersonStatus.LEFT, id=8),
        ],
        TODAY,
    )
    assert [p.full_name for p, _s in found] == [
        "Gone",
        "Deleted",
        "Inactive",
        "Due sooner",
        "Due",
        "Fine",
        "Disabled",
    ]


def test_owners_at_risk() -> None:
    rose, ivy, closed = site(id=1), site(id=2, name="Ivy Court"), site(id=3, closed=TODAY)
    people = [
        person(
            full_name="Owner due",
            id=1,
            last_activity=TODAY - timedelta(days=27),
            access={1: Role.OWNER, 2: Role.MEMBER},
        ),
        person(full_name="Owner fine", id=2, last_activity=TODAY, access={1: Role.OWNER}),
        person(
            full_name="Member gone",
            id=3,
            last_activity=TODAY - timedelta(days=200),
            access={1: Role.MEMBER},
        ),
        person(
            full_name="Owner deleted",
            id=4,
            last_activity=TODAY - timedelta(days=65),
            access={2: Role.OWNER, 3: Role.OWNER},
        ),
        person(full_name="Owner disabled", id=5, disabled_since=TODAY, access={2: Role.OWNER}),
        person(
            full_name="Owner left",
            id=6,
            status=PersonStatus.LEFT,
            last_activity=TODAY - timedelta(days=65),
            access={2: Role.OWNER},
        ),
    ]
    found = owners_at_risk([rose, ivy, closed], people, TODAY)
    assert [(s.name, p.full_name, a.state) for s, p, a in found] == [
        ("Ivy Court", "Owner deleted", S.DELETED),
        ("Rose House", "Owner due", S.DUE_SOON),
    ]


# ---- shared mailbox silence ----------------------------------------------------------------


def test_mailbox_silence_warns_from_five_months_and_flags_at_six() -> None:
    sent = date(2026, 3, 31)
    assert mailbox_silence(site(mailbox_last_sent=sent), date(2026, 8, 30)) is None
    warn = mailbox_silence(site(mailbox_last_sent=sent), date(2026, 8, 31))
    assert warn is not None and not warn.flagged
    assert warn.flag_on == date(2026, 9, 30)  # 31 Mar + 6 months, clamped to 30 Sep
    assert warn.days_left == 30
    flagged = mailbox_silence(site(mailbox_last_sent=sent), date(2026, 9, 30))
    assert flagged is not None and flagged.flagged and flagged.days_left == 0


def test_mailbox_silence_unknown_and_closed() -> None:
    unknown = mailbox_silence(site(), TODAY)
    assert unknown is not None and unknown.unknown and not unknown.flagged
    assert mailbox_silence(site(closed=TODAY), TODAY) is None


# ---- never raises ----------------------------------------------------------------------


optional_dates = st.one_of(st.none(), st.dates())


@given(
    today=st.dates(),
    last_activity=optional_dates,
    account_created=optional_dates,
    disabled_since=optional_dates,
    first_login_done=st.booleans(),
    due_within=st.integers(min_value=-5, max_value=10**6),
)
def test_account_state_never_raises(
    today: date,
    last_activity: date | None,
    account_created: date | None,
    disabled_since: date | None,
    first_login_done: bool,
    due_within: int,
) -> None:
    p = person(
        last_activity=last_activity,
        account_created=account_created,
        disabled_since=disabled_since,
        first_login_done=first_login_done,
    )
    result = account_state(p, today, due_within=due_within)
    assert result is not None and result.advice
    urgency_key(result)
    _ = result.last_day
    if result.state is S.GONE:
        assert result.next_change is None
    elif not result.unknown:
        assert result.next_change is not None and result.days_left is not None


@given(today=st.dates(), sent=optional_dates)
def test_mailbox_silence_never_raises(today: date, sent: date | None) -> None:
    mailbox_silence(site(mailbox_last_sent=sent), today)


@given(start=st.dates(), months=st.integers(min_value=-30000, max_value=30000))
def test_add_months_never_raises(start: date, months: int) -> None:
    result = add_months(start, months)
    if result not in (date.min, date.max):
        assert result.day <= start.day
        assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months


# ---- the one status -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "code", "can_sign_in"),
    [
        ({"last_activity": TODAY}, "active", True),
        ({"last_activity": TODAY - timedelta(days=30)}, "due_soon", True),
        ({"last_activity": TODAY - timedelta(days=31)}, "inactive", False),
        ({"last_activity": TODAY - timedelta(days=61)}, "deleted", False),
        ({"last_activity": TODAY - timedelta(days=91)}, "gone", False),
        ({"last_activity": TODAY, "disabled_since": TODAY}, "disabled", False),
        (
            {"first_login_done": False, "account_created": TODAY - timedelta(days=3)},
            "first_sign_in",
            False,
        ),
        ({"last_activity": TODAY, "status": PersonStatus.LEAVER}, "leaving", False),
        ({"last_activity": TODAY, "status": PersonStatus.LEFT}, "left", False),
        ({"last_activity": TODAY, "status": PersonStatus.JOINER}, "joining", False),
        ({"nhsmail": None}, "no_account", False),
        ({}, "inactive", False),  # no date at all: cannot be shown to be alive
    ],
)
def test_person_status_code_and_cover(kw: dict[str, object], code: str, can_sign_in: bool) -> None:
    verdict = person_status(person(**kw), TODAY)
    assert verdict.code.value == code
    assert verdict.can_sign_in is can_sign_in
    assert verdict.label and verdict.text


def test_person_status_text_names_the_date_that_matters() -> None:
    deleted = person_status(person(last_activity=TODAY - timedelta(days=61)), TODAY)
    assert deleted.label == "Deleted"
    assert deleted.text == "Deleted: NAS can restore it until 23 Dec 2026"
    new = person_status(
        person(first_login_done=False, account_created=TODAY - timedelta(days=3)), TODAY
    )
    assert new.label == "New 27d" and new.text == "New: first sign-in by 21 Dec 2026"


def test_owners_at_risk_leaves_out_leavers() -> None:
    leaver = person(
        last_activity=TODAY - timedelta(days=40), status=PersonStatus.LEAVER, access={1: Role.OWNER}
    )
    assert owners_at_risk([site()], [leaver], TODAY) == []
