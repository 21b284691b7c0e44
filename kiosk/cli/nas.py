"""``kiosk nas [--at "YYYY-MM-DD HH:MM"]``: is the NAS helpdesk open, and if not, when?

Answers in one line with an exit status a script can test (0 open, 3 closed, 1 bad
input), so a care home can wire it into a reminder or a status light. It needs no
store and no passphrase: opening hours are public facts, not personal data.
"""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.cli.common import UserError
from kiosk.i18n import _

EXIT_OPEN = 0
EXIT_CLOSED = 3


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "nas",
        help=_("say whether the NAS helpdesk is open now and, if not, when it opens"),
        description=_(
            "Say in one line whether the NAS helpdesk is open (09:00-17:00 Monday to Friday, "
            "London time, not on England bank holidays) and, if not, when it next opens. "
            "Exit status: 0 open, 3 closed, 1 bad input."
        ),
    )
    parser.add_argument(
        "--at",
        metavar="YYYY-MM-DD HH:MM",
        help=_("ask about this London date and time instead of now"),
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.clock import SystemClock
    from kiosk.nas_hours import describe, nas_status, parse_london

    if args.at is None:
        at = SystemClock().now()
    else:
        try:
            at = parse_london(args.at)
        except ValueError as error:
            raise UserError(str(error)) from None
    status = nas_status(at)
    print(describe(status, at))
    return EXIT_OPEN if status.open else EXIT_CLOSED
