"""``kiosk reminders``: who must sign in to NHSmail soon, for a scheduled job or a login message.

Usage::

    kiosk reminders [--within DAYS] [--as-of YYYY-MM-DD] [--json]
                    [--store PATH] --admin NAME [--passphrase-stdin]

It lists everyone whose account needs something done within ``--within`` days (default
``facts.DUE_SOON_DAYS``, 7) as of ``--as-of`` (default: today in Europe/London): due to
sign in, inactive, deleted but restorable, gone, a date never recorded, or a long-term
leave whose 18 months end within the window. Everyone else is fine and not listed. The
states and days come from :func:`kiosk.lifecycle.account_state` and nothing else.

Exit status (what a cron job or a login script tests):

- 0: nobody is due within the window;
- 3: someone is due within the window (including a disabled account whose keep ends);
- 4: someone is past the 30 days: inactive (or date unknown), deleted or gone;
- 1: a user error (bad option value, wrong passphrase, no store), one line on stderr.

The plain table shows name, NHSmail address, sites and roles, state, the "act by" date
(en_GB) and days left; never a personal mobile or personal email. ``--json`` prints one
object with the same people and no personal contact details either::

    {
      "as_of": "2026-11-24",            # ISO day the states are worked out for
      "within_days": 7,
      "exit_status": 4,                 # the same value the command exits with
      "counts": {"gone": 1, "deleted": 0, "inactive": 2, "due_soon": 1, "disabled": 0},
      "people": [                       # most urgent first
        {
          "id": 12,                     # the person's record id
          "name": "Ada Example",
          "nhsmail": "ada.example@nhs.net",
          "sites": [{"id": 1, "name": "Rose House", "role": "owner"}],
          "state": "due_soon",          # active|due_soon|inactive|deleted|gone|disabled
          "status": "due_soon",         # the one status People shows (kiosk.lifecycle.
                                        # PersonCode): also joining, first_sign_in, leaving
          "since": "2026-10-28",        # ISO or null: the date the count runs from
          "next_change": "2026-11-28",  # ISO or null: the day the next transition happens
          "last_day": "2026-11-27",     # ISO or null: the last day to act (next_change - 1)
          "days_left": 4,               # int or null: days to next_change, today included
          "never_used": false,          # a new account whose first sign-in is not done
          "date_unknown": false,        # no activity or creation date recorded at all
          "advice": "Sign in to NHSmail ..."   # translated "what to do now"
        }
      ]
    }

``counts`` has every key, zero included; ``people`` is empty when exit status is 0.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from kiosk import facts
from kiosk.cli.common import UserError, add_store_options
from kiosk.i18n import _, ngettext
from kiosk.validators import neutralise

if TYPE_CHECKING:
    from tinydb import TinyDB

    from kiosk.lifecycle import AccountState, PersonVerdict
    from kiosk.model import Person, Site

EXIT_NONE_DUE = 0
EXIT_DUE = 3
EXIT_OVERDUE = 4

JSON_COUNT_KEYS = ("gone", "deleted", "inactive", "due_soon", "disabled")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "reminders",
        help=_("list NHSmail accounts that need a sign-in soon (for cron or a login message)"),
        description=_(
            "List everyone whose NHSmail account needs a sign-in or a call to NAS within the "
            "window. Exit status: 0 nobody due, 3 someone due within the window, 4 someone "
            "past the 30 days (inactive, deleted or gone), 1 user error."
        ),
    )
    parser.add_argument(
        "--within",
        metavar="DAYS",
        default=str(facts.DUE_SOON_DAYS),
        help=_("how many days ahead to look (default {days})").format(days=facts.DUE_SOON_DAYS),
    )
    parser.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        help=_("work the states out for this day instead of today (Europe/London)"),
    )
    parser.add_argument("--json", action="store_true", help=_("print JSON instead of a table"))
    add_store_options(parser)
    parser.set_defaults(func=run)


def parse_within(text: str) -> int:
    """A whole number of days, 0 or more; UserError names the rule."""
    value = text.strip()
    if not value.isascii() or not value.isdigit() or len(value) > 5:
        raise UserError(
            _("--within must be a whole number of days from 0 to 99999, for example 7.")
        )
    return int(value)


def parse_as_of(text: str) -> date:
    """A day written YYYY-MM-DD; UserError names the rule."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        try:
            return datetime.strptime(text.strip(), "%Y-%m-%d").date()
        except ValueError:
            pass
    raise UserError(_("--as-of must be a real day written YYYY-MM-DD, for example 2026-11-24."))


@dataclass(frozen=True)
class Reminder:
    person: Person
    state: AccountState
    verdict: PersonVerdict  # the one status, as People shows it
    sites: tuple[tuple[Site, str], ...]  # (site, role value) for each open site they reach


@dataclass(frozen=True)
class Report:
    as_of: date
    within: int
    reminders: tuple[Reminder, ...]

    @property
    def exit_status(self) -> int:
        if any(r.state.overdue for r in self.reminders):
            return EXIT_OVERDUE
        return EXIT_DUE if self.reminders else EXIT_NONE_DUE


def needs_action(state: AccountState, within: int) -> bool:
    """Listed by the job: overdue, due within the window, or a leave whose keep ends in it."""
    from kiosk.lifecycle import LifecycleState

    if state.overdue or state.state is LifecycleState.DUE_SOON:
        return True
    return (
        state.state is LifecycleState.DISABLED
        and state.days_left is not None
        and state.days_left <= within
    )


def build_report(db: TinyDB, as_of: date, within: int) -> Report:
    """Everyone who needs something done within ``within`` days of ``as_of``, most urgent first."""
    from kiosk import records
    from kiosk.lifecycle import person_status, states

    sites = records.sites(db)
    found = []
    for person, state in states(records.people(db), as_of, due_within=within):
        if not needs_action(state, within):
            continue
        reach = tuple(
            (site, role.value) for site in sites if (role := person.role_at(site.id)) is not None
        )
        verdict = person_status(person, as_of, due_within=within)
        found.append(Reminder(person, state, verdict, reach))
    return Report(as_of, within, tuple(found))


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def as_json(report: Report) -> dict[str, Any]:
    """The JSON document described in the module docstring."""
    counts = Counter(r.state.state.value for r in report.reminders)
    return {
        "as_of": report.as_of.isoformat(),
        "within_days": report.within,
        "exit_status": report.exit_status,
        "counts": {key: counts.get(key, 0) for key in JSON_COUNT_KEYS},
        "people": [
            {
                "id": r.person.id,
                "name": r.person.full_name,
                "nhsmail": r.person.nhsmail,
                "sites": [{"id": s.id, "name": s.name, "role": role} for s, role in r.sites],
                "state": r.state.state.value,
                "status": r.verdict.code.value,
                "since": _iso(r.state.since),
                "next_change": _iso(r.state.next_change),
                "last_day": _iso(r.state.last_day),
                "days_left": r.state.days_left,
                "never_used": r.state.never_used,
                "date_unknown": r.state.unknown,
                "advice": r.state.advice,
            }
            for r in report.reminders
        ],
    }


def _cell(text: str) -> str:
    """Text safe to print in a terminal: control characters (escape codes) replaced."""
    return neutralise(text)


def _role_label(role: str) -> str:
    return _("owner") if role == "owner" else _("member")


def table_rows(report: Report) -> list[tuple[str, ...]]:
    """One tuple of cells per person: name, NHSmail, sites, state, act by, and when that
    is ("in 3 days"), worded as Logins words it so that the two never seem to disagree
    (the JSON's ``days_left`` counts today too, which read as a different number)."""
    from kiosk.timefmt import day, relative_days

    rows: list[tuple[str, ...]] = []
    for r in report.reminders:
        state = r.verdict.label  # the one status, as People and Logins show it
        if r.state.unknown:
            state = _("{state} (no date)").format(state=state)
        last = r.state.last_day
        rows.append(
            (
                r.person.full_name,
                r.person.nhsmail or "",
                ", ".join(
                    _("{site} ({role})").format(site=s.name, role=_role_label(role))
                    for s, role in r.sites
                )
                or "-",
                state,
                day(last) if last is not None else "-",
                relative_days(last, report.as_of) if last is not None else "-",
            )
        )
    return rows


def as_table(report: Report) -> str:
    """A plain aligned table with a one-line summary, for a terminal or a login message."""
    from kiosk.timefmt import day

    if not report.reminders:
        return _("Nobody needs to sign in within {within} as of {day}.").format(
            within=ngettext("{n} day", "{n} days", report.within).format(n=report.within),
            day=day(report.as_of),
        )
    overdue = sum(1 for r in report.reminders if r.state.overdue)
    due = len(report.reminders) - overdue
    summary = _("As of {day}: {overdue}, {due} within {within}.").format(
        day=day(report.as_of),
        overdue=ngettext(
            "{n} account past the 30 days", "{n} accounts past the 30 days", overdue
        ).format(n=overdue),
        due=ngettext("{n} due", "{n} due", due).format(n=due),
        within=ngettext("{n} day", "{n} days", report.within).format(n=report.within),
    )
    header = (_("Name"), _("NHSmail"), _("Sites"), _("State"), _("Act by"), _("When"))
    rows = [tuple(_cell(c) for c in row) for row in table_rows(report)]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [summary, ""]
    for row in [header, *rows]:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from kiosk.cli.common import open_store
    from kiosk.clock import SystemClock

    within = parse_within(args.within)
    as_of = parse_as_of(args.as_of) if args.as_of else SystemClock().today()
    store = open_store(args)
    report = build_report(store.read(), as_of, within)
    if args.json:
        print(json.dumps(as_json(report), indent=2, ensure_ascii=False))
    else:
        print(as_table(report))
    return report.exit_status
