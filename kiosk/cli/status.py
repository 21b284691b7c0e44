"""``kiosk status``: one block per site for cron and the login message.

Usage::

    kiosk status [--as-of YYYY-MM-DD] [--json] [--store PATH] --admin NAME [--passphrase-stdin]

For every open site: usable and recorded owners and members (usable = can sign in today,
:mod:`kiosk.coverage`), logins overdue and due, open and overdue requests and tickets,
leavers' access still to remove, and the DSPT version, status and due date. Built on
:func:`kiosk.site_status.read_status`, the same read the dashboard uses.

Exit status: 0 all is well; 3 something is due soon (one usable owner, a login due or
overdue, a DSPT warning, a ticket past its follow-up, a leaver's access to remove); 4
something is wrong now (no usable owner, fewer than two usable people, the DSPT lapsed or
below the minimum, a request to NAS open too long); 1 a user error.

``--json`` prints::

    {"as_of": "2026-11-24", "exit_status": 4,
     "sites": [{"id": 1, "name": "...", "ods_code": "VZZ01", "mailbox": "...@nhs.net",
                "exit_status": 4,
                "cover": {"owners": 2, "members": 13, "usable_owners": 1,
                          "usable_members": 11, "level": "bad|warn|ok",
                          "problems": ["..."]},
                "logins": {"overdue": 1, "due": 2},
                "requests": {"open": 2, "overdue": 1},
                "tickets": {"open": 1, "overdue": 0},
                "access_to_remove": [{"id": 7, "name": "Sam Owner"}],
                "dspt": {"version": "2025-26", "status": "met", "due": "2027-06-30",
                         "level": "ok", "message": "..."},
                "people": [{"id": 3, "name": "...", "role": "owner",
                            "status": "deleted", "can_sign_in": false}]}]}

No personal mobile, personal email or NHSmail address is printed.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from kiosk.cli.common import add_store_command
from kiosk.i18n import _, ngettext

if TYPE_CHECKING:
    from kiosk.site_status import SiteStatus, StatusReport


def register(subparsers: Any) -> None:
    parser = add_store_command(
        subparsers,
        "status",
        run,
        summary=_("where every site stands: cover, logins, requests, tickets, DSPT"),
        description=_(
            "One block per site: owners and members on record and who can sign in today, "
            "logins, requests and tickets to NAS, leavers' access to remove and the DSPT. "
            "Exit status: 0 all well, 3 something due soon, 4 something wrong now, 1 user "
            "error."
        ),
    )
    if parser is None:
        return
    parser.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        help=_("work the status out for this day instead of today (Europe/London)"),
    )
    parser.add_argument("--json", action="store_true", help=_("print JSON instead of text"))


def site_json(status: SiteStatus) -> dict[str, Any]:
    cover = status.cover
    due = status.dspt.deadline
    return {
        "id": status.site.id,
        "name": status.site.name,
        "ods_code": status.site.ods_code,
        "mailbox": status.site.mailbox,
        "exit_status": status.exit_status,
        "cover": {
            "owners": cover.owners,
            "members": cover.members,
            "usable_owners": cover.usable_owners,
            "usable_members": cover.usable_members,
            "level": cover.level.name.lower(),
            "problems": list(cover.problems),
        },
        "logins": {"overdue": status.logins_overdue, "due": status.logins_due},
        "requests": {"open": len(status.open_requests), "overdue": len(status.overdue_requests)},
        "tickets": {"open": len(status.open_tickets), "overdue": len(status.overdue_tickets)},
        "access_to_remove": [{"id": p.id, "name": p.full_name} for p in status.access_to_remove],
        "dspt": {
            "version": status.dspt_version,
            "status": status.site.dspt_status.value,
            "due": due.isoformat() if due else None,
            "level": status.dspt.level,
            "message": status.dspt.message,
        },
        "people": [
            {
                "id": p.id,
                "name": p.full_name,
                "role": role.value,
                "status": verdict.code.value,
                "can_sign_in": verdict.can_sign_in,
            }
            for p, role, verdict in status.people
        ],
    }


def as_json(report: StatusReport) -> dict[str, Any]:
    return {
        "as_of": report.as_of.isoformat(),
        "exit_status": report.exit_status,
        "sites": [site_json(s) for s in report.sites],
    }


def as_text(report: StatusReport) -> str:
    """Plain text, one block per site; safe for a terminal (no stored text as escapes).

    Each line starts with the dashboard's mark for its level (:func:`kiosk.dashboard.mark`,
    from the same level functions), so a cross here is a cross there."""
    from kiosk.cli.reminders import _cell
    from kiosk.coverage import cover_sentence
    from kiosk.dashboard import (
        ACCESS_TO_REMOVE_LEVEL,
        Level,
        cover_level,
        dspt_level,
        logins_level,
        mark,
        requests_level,
        tickets_level,
    )
    from kiosk.timefmt import day

    def marked(level: Level, text: str) -> str:
        return f"  {mark(level)} {text}"

    if not report.sites:
        return _("No open site on record.")
    blocks: list[str] = []
    for s in report.sites:
        cover = cover_level(s.cover)
        lines = [
            _cell(f"{s.site.name} ({s.site.ods_code}) · {s.site.mailbox}"),
            marked(cover, cover_sentence(s.cover)),
        ]
        lines.extend(marked(cover, problem) for problem in s.cover.problems)
        lines.append(
            marked(
                logins_level(s.logins_overdue, s.logins_due),
                _("Logins: {overdue}, {due}").format(
                    overdue=ngettext("{n} overdue", "{n} overdue", s.logins_overdue).format(
                        n=s.logins_overdue
                    ),
                    due=ngettext("{n} due", "{n} due", s.logins_due).format(n=s.logins_due),
                ),
            )
        )
        lines.append(
            marked(
                min(
                    requests_level(len(s.open_requests), len(s.overdue_requests)),
                    tickets_level(len(s.open_tickets), len(s.overdue_tickets)),
                ),
                _(
                    "Requests to NAS: {open} open, {late} overdue; tickets: {topen} open, "
                    "{tlate} past follow-up"
                ).format(
                    open=len(s.open_requests),
                    late=len(s.overdue_requests),
                    topen=len(s.open_tickets),
                    tlate=len(s.overdue_tickets),
                ),
            )
        )
        for person in s.access_to_remove:
            lines.append(
                marked(
                    ACCESS_TO_REMOVE_LEVEL,
                    _cell(
                        _("Remove {name}'s access to {mailbox} (a leaver).").format(
                            name=person.full_name, mailbox=s.site.mailbox
                        )
                    ),
                )
            )
        due = s.dspt.deadline
        # No version without a publication on record: the message says what is missing
        # (as the dashboard's "DSPT: ..." line), never a placeholder version "DSPT —:".
        dspt = (
            _("DSPT {version}: {message}").format(version=s.dspt_version, message=s.dspt.message)
            if s.dspt_version
            else _("DSPT: {message}").format(message=s.dspt.message)
        )
        lines.append(marked(dspt_level(s.dspt.level), dspt + (f" [{day(due)}]" if due else "")))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def run(args: argparse.Namespace) -> int:
    from kiosk.cli.common import open_store
    from kiosk.cli.reminders import parse_as_of
    from kiosk.clock import SystemClock
    from kiosk.site_status import read_status

    as_of = parse_as_of(args.as_of) if args.as_of else SystemClock().today()
    store = open_store(args)
    try:
        report = read_status(store.read(), as_of)
    finally:
        store.close()
    if args.json:
        print(json.dumps(as_json(report), indent=2, ensure_ascii=False))
    else:
        print(as_text(report))
    return report.exit_status
