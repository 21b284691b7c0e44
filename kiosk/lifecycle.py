"""The NHSmail account lifecycle: one pure function decides where every account stands.

NHSmail (since 1 December 2022) deactivates a personal account that is not used for 30
days, deletes it 30 days later, and lets NAS restore it for 30 more days; after that the
person needs a brand-new account. A home whose owners all lose their accounts loses its
shared mailbox, so every screen, dashboard line and the ``kiosk reminders`` job ask
:func:`account_state` and nothing else. Every day count comes from :mod:`kiosk.facts`.

Counting (``n`` = whole calendar days from the date the count runs from to ``today``;
with the default 30/30/30 facts):

==========  ===========================  =========================================
n           state                        ``next_change``
==========  ===========================  =========================================
0 .. 30     active (due soon in the      day 31: the account goes inactive.
            last ``DUE_SOON_DAYS``)      Day 30 is the last day to act: *due*, not
                                         overdue.
31 .. 60    inactive                     day 61: the account is deleted
61 .. 90    deleted, NAS can restore     day 91: gone for good
91 ..       gone                         none (a new joiner request is needed)
==========  ===========================  =========================================

``days_left`` counts the days from ``today`` to ``next_change``, so it includes today:
on day 30 it is 1 ("one day left: today"). :attr:`AccountState.last_day` is the last day
in the current state (``next_change`` minus one day), the "act by" date screens show.

The count runs from the later of ``last_activity`` and ``account_created``. A new account
whose owner never completed first sign-in (``first_login_done`` False and no activity
after creation) counts from ``account_created`` with ``NEW_ACCOUNT_FIRST_LOGIN_DAYS`` as
its first window, and its advice asks for the first sign-in.

Only calendar days in Europe/London count: callers pass ``today`` from a
:class:`kiosk.clock.Clock`, and a clock change (a 23- or 25-hour day) is still one day.

**Unknown.** A person with an NHSmail address but neither ``last_activity`` nor
``account_created`` cannot be shown to be alive. kiosk treats them as *inactive, date
unknown* (``since``, ``next_change`` and ``days_left`` all None) and sorts them first
among the inactive: the account may already be deleted, and the only way to find out is
to ask the person to sign in and record it. :attr:`AccountState.unknown` says so.

**Disabled** for long-term leave (``disabled_since`` set): NAS keeps the account for
``DISABLED_KEEP_MONTHS`` months with no activity. The keep ends on the same day of the
month 18 months after ``disabled_since``, clamped to the last day of a shorter month
(disabled 31 Aug 2026: kept to 28 Feb 2028, protection ends 29 Feb 2028, a leap day;
disabled 31 Aug 2027: protection ends 28 Feb 2029), see :func:`add_months`. That day is
``next_change``; the day before it is the last day kept. NHSmail does not
publish what happens on that day, so kiosk takes the cautious reading: the account is
then *deleted*, restorable by NAS for ``RESTORABLE_DAYS``, and gone after that.

People who have LEFT, and people with no NHSmail address, have no state (None).

**Shared mailbox silence** (:func:`mailbox_silence`): the personal lifecycle does not
apply to a shared mailbox, but NHSmail flags one that has sent no email for
``SHARED_MAILBOX_SILENT_MONTHS`` months; kiosk warns from ``SHARED_MAILBOX_WARN_MONTHS``.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from kiosk import facts
from kiosk.i18n import N_, _, current_locale
from kiosk.model import Person, PersonStatus, Role, Site
from kiosk.timefmt import day as fmt_day


class LifecycleState(StrEnum):
    ACTIVE = "active"
    DUE_SOON = "due_soon"
    INACTIVE = "inactive"
    DELETED = "deleted"  # deleted, but NAS can still restore it
    GONE = "gone"  # cannot be restored: a new account (joiner request) is needed
    DISABLED = "disabled"  # disabled through NAS for long-term leave


# Short labels for tables and bands; translate with _() where shown.
STATE_LABELS: dict[LifecycleState, str] = {
    LifecycleState.ACTIVE: N_("Active"),
    LifecycleState.DUE_SOON: N_("Due soon"),
    LifecycleState.INACTIVE: N_("Inactive"),
    LifecycleState.DELETED: N_("Deleted"),
    LifecycleState.GONE: N_("Gone"),
    LifecycleState.DISABLED: N_("Disabled"),
}

# Most urgent first: the order of the reminders bands and of urgency_key.
URGENCY_ORDER: tuple[LifecycleState, ...] = (
    LifecycleState.GONE,
    LifecycleState.DELETED,
    LifecycleState.INACTIVE,
    LifecycleState.DUE_SOON,
    LifecycleState.ACTIVE,
    LifecycleState.DISABLED,
)

# States past the 30 days: `kiosk reminders` exits 4 when anyone is in one of them.
OVERDUE_STATES = frozenset({LifecycleState.INACTIVE, LifecycleState.DELETED, LifecycleState.GONE})
# States the dashboard calls out for an owner: how a home loses its shared mailbox.
AT_RISK_STATES = OVERDUE_STATES | {LifecycleState.DUE_SOON}


def state_label(state: LifecycleState) -> str:
    """The translated short name of a state, e.g. "Due soon"."""
    return _(STATE_LABELS[state])


@dataclass(frozen=True)
class AccountState:
    """Where one account stands on ``today`` and what to do about it."""

    state: LifecycleState
    since: date | None  # the activity/creation/disabled date the count runs from
    next_change: date | None  # the day the next transition happens (None for GONE)
    days_left: int | None  # days from `today` to next_change (includes today)
    advice: str  # translated plain words: what to do now
    never_used: bool = False  # a new account whose first sign-in is not done

    @property
    def unknown(self) -> bool:
        """No date is recorded at all, so kiosk cannot tell how long the account has left."""
        return self.since is None

    @property
    def last_day(self) -> date | None:
        """The last day in the current state: the "act by" date (None for GONE or unknown)."""
        return self.next_change - timedelta(days=1) if self.next_change else None

    @property
    def overdue(self) -> bool:
        """Past the 30 days: inactive, deleted or gone."""
        return self.state in OVERDUE_STATES


def add_months(start: date, months: int) -> date:
    """The same day of the month ``months`` later, clamped to the end of a shorter month.

    31 Aug 2026 + 18 months is 29 Feb 2028 (a leap year); 31 Aug 2027 + 18 is 28 Feb 2029.
    Results beyond ``date.max`` are clamped to ``date.max`` so that no date can raise.
    """
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(start.day, last))


def _plus(start: date, days: int) -> date:
    """``start + days`` that saturates at the ends of the calendar instead of raising."""
    try:
        return start + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def has_account(person: Person) -> bool:
    """Whether the lifecycle applies: an NHSmail address and not yet left."""
    return bool(person.nhsmail) and person.status is not PersonStatus.LEFT


# Verdicts are pure functions of a (frozen) person, the day and the locale, and the
# dashboard, People, Logins and coverage each ask for every person's several times: at
# 10,000 people that was most of a second per screen. They are remembered by the person
# object (records are shared per store generation by ``kiosk.records``, so a saved change
# is a new object and a new verdict). Bounded; ``forget`` clears it on lock.
_VERDICTS: dict[tuple[str, int, date, int, str], tuple[Person, object]] = {}
_VERDICTS_MAX = 200_000


def _remembered(kind: str, person: Person, today: date, due_within: int, build: Any) -> Any:
    key = (kind, id(person), today, due_within, current_locale())
    hit = _VERDICTS.get(key)
    if hit is not None and hit[0] is person:
        return hit[1]
    value = build()
    if len(_VERDICTS) >= _VERDICTS_MAX:
        _VERDICTS.clear()
    _VERDICTS[key] = (person, value)
    return value


def forget() -> None:
    """Drop every remembered verdict (and with them the people they were about)."""
    _VERDICTS.clear()


def account_state(
    person: Person, today: date, *, due_within: int = facts.DUE_SOON_DAYS
) -> AccountState | None:
    """Where ``person``'s NHSmail account stands on ``today`` (rules: module docstring).

    ``due_within`` widens or narrows "due soon" (``kiosk reminders --within``); the
    default is ``facts.DUE_SOON_DAYS``. None when the lifecycle does not apply.
    """
    found: AccountState | None = _remembered(
        "account", person, today, due_within, lambda: _account_state(person, today, due_within)
    )
    return found


def _account_state(person: Person, today: date, due_within: int) -> AccountState | None:
    if not has_account(person):
        return None
    if person.disabled_since is not None:
        return _disabled_state(person.disabled_since, today)

    created = person.account_created
    activity = person.last_activity
    if activity is None and created is None:
        return AccountState(
            state=LifecycleState.INACTIVE,
            since=None,
            next_change=None,
            days_left=None,
            advice=_(
                "No sign-in is recorded for this account, so it may already be inactive or "
                "deleted. Ask them to sign in to NHSmail now, then record today's activity."
            ),
        )
    never_used = (
        not person.first_login_done
        and created is not None
        and (activity is None or activity <= created)
    )
    since = max(d for d in (activity, created) if d is not None)
    first_window = facts.NEW_ACCOUNT_FIRST_LOGIN_DAYS if never_used else facts.ACTIVITY_WINDOW_DAYS
    return _countdown(since, today, first_window, due_within, never_used=never_used)


def _countdown(
    since: date, today: date, first_window: int, due_within: int, *, never_used: bool
) -> AccountState:
    """The active -> inactive -> deleted -> gone count from ``since``."""
    inactive_on = _plus(since, first_window + 1)
    deleted_after = first_window + facts.INACTIVE_TO_DELETED_DAYS
    deleted_on = _plus(since, deleted_after + 1)
    gone_on = _plus(since, deleted_after + facts.RESTORABLE_DAYS + 1)
    if today < inactive_on:
        days_left = (inactive_on - today).days
        due = days_left <= due_within
        state = LifecycleState.DUE_SOON if due else LifecycleState.ACTIVE
        last = fmt_day(inactive_on - timedelta(days=1))
        if never_used:
            advice = _(
                "New account: they must complete the first sign-in (accept the acceptable use "
                "policy and set security questions) by {day}, or it goes inactive."
            ).format(day=last)
        elif due:
            advice = _(
                "Sign in to NHSmail (portal, Outlook, Teams or another Office app) or send an "
                "email by {day}: that is the last day before the account goes inactive."
            ).format(day=last)
        else:
            advice = _("Nothing to do: the account was used within the last {n} days.").format(
                n=facts.ACTIVITY_WINDOW_DAYS
            )
        return AccountState(state, since, inactive_on, days_left, advice, never_used)
    if today < deleted_on:
        advice = _(
            "Inactive: sign in to NHSmail now to reactivate it. If the password is lost, reset "
            "it yourself or call NAS. It is deleted on {day}."
        ).format(day=fmt_day(deleted_on))
        days_left = (deleted_on - today).days
        return AccountState(
            LifecycleState.INACTIVE, since, deleted_on, days_left, advice, never_used
        )
    if today < gone_on:
        return _deleted_state(since, today, gone_on, never_used)
    return _gone_state(since, never_used)


def _deleted_state(since: date, today: date, gone_on: date, never_used: bool) -> AccountState:
    advice = _(
        "Deleted: call NAS on {phone} (option 1, then 1) or email {email} from the shared "
        "mailbox now. NAS can restore it until {day}; after that it is gone for good."
    ).format(phone=facts.NAS_PHONE, email=facts.NAS_EMAIL, day=fmt_day(gone_on - timedelta(days=1)))
    return AccountState(
        LifecycleState.DELETED, since, gone_on, (gone_on - today).days, advice, never_used
    )


def _gone_state(since: date, never_used: bool) -> AccountState:
    advice = _(
        "Gone for good: NAS cannot restore it. Send a joiner request for a brand-new account."
    )
    return AccountState(LifecycleState.GONE, since, None, None, advice, never_used)


def _disabled_state(disabled_since: date, today: date) -> AccountState:
    keep_ends = add_months(disabled_since, facts.DISABLED_KEEP_MONTHS)
    if today < keep_ends:
        advice = _(
            "Disabled for long-term leave: kept until {day}. Ask NAS to re-enable it as soon "
            "as they return."
        ).format(day=fmt_day(keep_ends - timedelta(days=1)))
        return AccountState(
            LifecycleState.DISABLED, disabled_since, keep_ends, (keep_ends - today).days, advice
        )
    gone_on = _plus(keep_ends, facts.RESTORABLE_DAYS)
    if today < gone_on:
        return _deleted_state(disabled_since, today, gone_on, False)
    return _gone_state(disabled_since, False)


def urgency_key(state: AccountState) -> tuple[int, int]:
    """Sort key, most urgent first: gone, deleted, inactive, due soon, fine, disabled.

    Within a band the fewest days left come first; an unknown date sorts first among the
    inactive (it may already be deleted); gone accounts sort by how long ago they went.
    """
    band = URGENCY_ORDER.index(state.state)
    if state.days_left is not None:
        return band, state.days_left
    if state.since is None:
        return band, -(10**9)
    return band, state.since.toordinal()


def states(
    people: Iterable[Person], today: date, *, due_within: int = facts.DUE_SOON_DAYS
) -> list[tuple[Person, AccountState]]:
    """Everyone the lifecycle applies to, with their state, most urgent first."""
    found: list[tuple[Person, AccountState]] = []
    for person in people:
        state = account_state(person, today, due_within=due_within)
        if state is not None:
            found.append((person, state))
    found.sort(key=lambda pair: (urgency_key(pair[1]), pair[0].full_name.casefold(), pair[0].id))
    return found


def owners_at_risk(
    sites: Iterable[Site], people: Iterable[Person], today: date
) -> list[tuple[Site, Person, AccountState]]:
    """Owners who are due soon, inactive, deleted or gone, most urgent first.

    An owner losing their account is how a home loses its shared mailbox, so the dashboard
    leads with these. Closed sites are left out; a person who owns two sites appears twice.
    Leavers are left out: they never count as cover, and the dashboard asks for their access
    to be removed instead.
    """
    # By id, in the sites' order: a person's own few roles are looked up, not every site.
    open_sites = {s.id: (index, s) for index, s in enumerate(sites) if s.closed is None}
    found: list[tuple[Site, Person, AccountState]] = []
    for person, state in states(people, today):
        if state.state not in AT_RISK_STATES or person_status(person, today).leaver:
            continue
        owned = sorted(
            open_sites[site_id]
            for site_id, role in person.access.items()
            if role is Role.OWNER and site_id in open_sites
        )
        found.extend((site, person, state) for _index, site in owned)
    found.sort(key=lambda t: (urgency_key(t[2]), t[0].name.casefold(), t[1].full_name.casefold()))
    return found


class PersonCode(StrEnum):
    """Where a person stands, all things considered: the one status every screen shows."""

    JOINING = "joining"  # joiner request sent, NAS has not answered
    FIRST_SIGN_IN = "first_sign_in"  # new account, first sign-in not done yet
    ACTIVE = "active"
    DUE_SOON = "due_soon"
    INACTIVE = "inactive"
    DELETED = "deleted"
    GONE = "gone"
    DISABLED = "disabled"
    LEAVING = "leaving"  # leaver recorded, NAS has not confirmed
    LEFT = "left"
    NO_ACCOUNT = "no_account"  # no NHSmail address recorded


# The order of People's status sort: what needs the admin first.
PERSON_CODE_ORDER: tuple[PersonCode, ...] = (
    PersonCode.GONE,
    PersonCode.DELETED,
    PersonCode.INACTIVE,
    PersonCode.DUE_SOON,
    PersonCode.FIRST_SIGN_IN,
    PersonCode.JOINING,
    PersonCode.LEAVING,
    PersonCode.DISABLED,
    PersonCode.ACTIVE,
    PersonCode.NO_ACCOUNT,
    PersonCode.LEFT,
)

_ACCOUNT_CODES: dict[LifecycleState, PersonCode] = {
    LifecycleState.ACTIVE: PersonCode.ACTIVE,
    LifecycleState.DUE_SOON: PersonCode.DUE_SOON,
    LifecycleState.INACTIVE: PersonCode.INACTIVE,
    LifecycleState.DELETED: PersonCode.DELETED,
    LifecycleState.GONE: PersonCode.GONE,
    LifecycleState.DISABLED: PersonCode.DISABLED,
}


@dataclass(frozen=True)
class PersonVerdict:
    """The one status of a person on a day: what People, Logins, the dashboard, the
    coverage rule, ``kiosk reminders`` and ``kiosk status`` all show.

    ``account`` is the lifecycle state when the lifecycle applies (None for someone who
    has left or has no NHSmail address); ``can_sign_in`` is the coverage rule's test: the
    account is active by the lifecycle (not inactive, deleted, gone or disabled), its
    first sign-in is done, and the person is neither joining nor leaving nor gone.
    """

    code: PersonCode
    account: AccountState | None
    label: str  # translated, a few characters for a table cell: "Deleted", "New 12d"
    text: str  # translated, with the date that matters: "Deleted: NAS can restore until ..."

    @property
    def can_sign_in(self) -> bool:
        return self.code in (PersonCode.ACTIVE, PersonCode.DUE_SOON)

    @property
    def leaver(self) -> bool:
        return self.code in (PersonCode.LEAVING, PersonCode.LEFT)


def leaver_deadline(person: Person) -> date | None:
    """The last day of "Active (Leaver)": deleted after it unless a new employer joins them."""
    if person.leaver_marked is None:
        return None
    return _plus(person.leaver_marked, facts.LEAVER_ACTIVE_DAYS)


def leaver_days_left(person: Person, today: date) -> int | None:
    """Days of "Active (Leaver)" left, today included; 0 once the account is deleted."""
    deadline = leaver_deadline(person)
    if deadline is None:
        return None
    return max(0, (deadline - today).days + 1)


def person_status(
    person: Person, today: date, *, due_within: int = facts.DUE_SOON_DAYS
) -> PersonVerdict:
    """The one status of ``person`` on ``today`` (see :class:`PersonVerdict`).

    The person's own progress (joining, leaving, left) comes first, because it decides
    whether they can be relied on; otherwise the account's lifecycle state speaks.
    """
    found: PersonVerdict = _remembered(
        "status", person, today, due_within, lambda: _person_status(person, today, due_within)
    )
    return found


def _person_status(person: Person, today: date, due_within: int) -> PersonVerdict:
    account = account_state(person, today, due_within=due_within)
    if person.status is PersonStatus.LEFT:
        left = leaver_days_left(person, today)
        if left:
            return PersonVerdict(
                PersonCode.LEFT,
                None,
                _("Left {n}d").format(n=left),
                _("Left: Active (Leaver), {n} days").format(n=left),
            )
        return PersonVerdict(PersonCode.LEFT, None, _("Left"), _("Left"))
    if person.status is PersonStatus.LEAVER:
        text = (
            _("Leaving {day}").format(day=fmt_day(person.leaving_date))
            if person.leaving_date is not None
            else _("Leaver in progress")
        )
        return PersonVerdict(PersonCode.LEAVING, account, _("Leaving"), text)
    if person.status is PersonStatus.JOINER:
        return PersonVerdict(PersonCode.JOINING, account, _("Joining"), _("Joiner in progress"))
    if account is None:
        return PersonVerdict(
            PersonCode.NO_ACCOUNT, None, _("No account"), _("No NHSmail address recorded")
        )
    if account.never_used and account.state in (LifecycleState.ACTIVE, LifecycleState.DUE_SOON):
        last = account.last_day
        assert last is not None
        return PersonVerdict(
            PersonCode.FIRST_SIGN_IN,
            account,
            _("New {n}d").format(n=max(0, (last - today).days)),
            _("New: first sign-in by {day}").format(day=fmt_day(last)),
        )
    code = _ACCOUNT_CODES[account.state]
    return PersonVerdict(code, account, state_label(account.state), _state_text(account))


def _state_text(account: AccountState) -> str:
    """The state with the date that matters, for a detail line."""
    last = account.last_day
    if account.state is LifecycleState.GONE:
        return _("Gone for good: a new joiner request is needed")
    if last is None:
        if account.state is LifecycleState.INACTIVE:
            return _("Inactive: no sign-in recorded")
        return state_label(account.state)
    texts = {
        LifecycleState.ACTIVE: _("Active: sign in by {day}"),
        LifecycleState.DUE_SOON: _("Due soon: sign in by {day}"),
        LifecycleState.INACTIVE: _("Inactive: sign in by {day} or it is deleted"),
        LifecycleState.DELETED: _("Deleted: NAS can restore it until {day}"),
        LifecycleState.DISABLED: _("Disabled for leave: kept until {day}"),
    }
    return texts[account.state].format(day=fmt_day(last))


def person_statuses(
    people: Iterable[Person], today: date, *, due_within: int = facts.DUE_SOON_DAYS
) -> dict[int, PersonVerdict]:
    """:func:`person_status` for everyone, by person id."""
    return {p.id: person_status(p, today, due_within=due_within) for p in people}


@dataclass(frozen=True)
class MailboxSilence:
    """A shared mailbox that has sent nothing for long enough to worry about."""

    site: Site
    last_sent: date | None  # None: never recorded
    flag_on: date | None  # the day NHSmail's 6-month flag falls due
    days_left: int | None  # days from today to flag_on; 0 or less once flagged
    flagged: bool  # 6 months or more: NHSmail may delete it
    message: str  # translated: what is wrong and what to do

    @property
    def unknown(self) -> bool:
        return self.last_sent is None


def mailbox_silence(site: Site, today: date) -> MailboxSilence | None:
    """A warning when ``site``'s shared mailbox has been silent for 5 months or more.

    None for a closed site, or one that sent an email less than
    ``SHARED_MAILBOX_WARN_MONTHS`` months ago (month arithmetic as :func:`add_months`).
    A site with no date recorded is reported as unknown, because kiosk cannot show the
    mailbox is safe.
    """
    if site.closed is not None:
        return None
    last = site.mailbox_last_sent
    if last is None:
        return MailboxSilence(
            site,
            None,
            None,
            None,
            False,
            _(
                "No email from the shared mailbox {mailbox} is recorded. Send one from it "
                "(any request to NAS counts) and record the date."
            ).format(mailbox=site.mailbox),
        )
    warn_on = add_months(last, facts.SHARED_MAILBOX_WARN_MONTHS)
    if today < warn_on:
        return None
    flag_on = add_months(last, facts.SHARED_MAILBOX_SILENT_MONTHS)
    days_left = (flag_on - today).days
    flagged = today >= flag_on
    if flagged:
        advice = _(
            "The shared mailbox {mailbox} has sent no email since {day}: NHSmail flags it for "
            "deletion after {months} months. Send an email from it now and record it."
        ).format(mailbox=site.mailbox, day=fmt_day(last), months=facts.SHARED_MAILBOX_SILENT_MONTHS)
    else:
        advice = _(
            "The shared mailbox {mailbox} has sent no email since {day}. Send one from it before "
            "{flag} so that NHSmail does not flag it for deletion."
        ).format(mailbox=site.mailbox, day=fmt_day(last), flag=fmt_day(flag_on))
    return MailboxSilence(site, last, flag_on, days_left, flagged, advice)
