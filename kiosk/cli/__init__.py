"""The ``kiosk`` command: the TUI by default, and subcommands for scripts and cron.

Each subcommand lives in its own module of this package (``kiosk/cli/<name>.py``; one
module may hold a family, as ``people`` holds import and export) and is named
once, in :data:`SUBCOMMANDS` (name -> module): the one registry that builds the parser, and
so the dispatch, since each module's ``register(subparsers)`` adds its parsers and sets
``func`` (taking the parsed args, returning an exit status). Store opening, passphrases and
the user-error rule are in :mod:`kiosk.cli.common`. The domain does the work; a subcommand
only reads arguments and prints.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Sequence

from kiosk import __version__
from kiosk.cli.common import EXIT_USER_ERROR, UserError, add_store_options
from kiosk.i18n import DEFAULT_LOCALE, _, set_locale

# name -> module with register(subparsers). Order is the order of --help.
SUBCOMMANDS: dict[str, str] = {
    "init": "kiosk.cli.init",
    "nas": "kiosk.cli.nas",
    "reminders": "kiosk.cli.reminders",
    "status": "kiosk.cli.status",
    "check": "kiosk.cli.check",
    "backup": "kiosk.cli.backup",
    "restore": "kiosk.cli.restore",
    "import": "kiosk.cli.people",  # its register() adds import and export once
    "export": "kiosk.cli.people",
    "report": "kiosk.cli.report",
}


def _locale_from_argv(argv: Sequence[str]) -> str:
    """Pick --locale before building the parser, so --help itself is translated."""
    for i, arg in enumerate(argv):
        if arg == "--locale" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--locale="):
            return arg.split("=", 1)[1]
    return DEFAULT_LOCALE


def _top_level_parser(*, quiet: bool = False) -> argparse.ArgumentParser:
    """``kiosk``'s own options, without the subcommands; ``quiet`` when a mistake should
    raise instead of printing help and exiting (see :func:`_tui_args`)."""
    parser = argparse.ArgumentParser(
        prog="kiosk",
        add_help=not quiet,
        exit_on_error=not quiet,
        description=_(
            "Keep a care home's NHSmail shared mailbox working: who has access, joiners, "
            "leavers, 30-day logins and calls to NAS, in an encrypted local record."
        ),
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument(
        "--locale",
        metavar="LOCALE",
        default=DEFAULT_LOCALE,
        help=_("language for the interface (default en_GB)"),
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help=_("open a fictional care home in a temporary store, deleted on exit"),
    )
    add_store_options(parser, admin=False, top_level=True)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: kiosk's options and every subcommand's parser."""
    parser = _top_level_parser()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in dict.fromkeys(SUBCOMMANDS.values()):  # each module's register once
        importlib.import_module(module_name).register(sub)
    return parser


def _tui_args(argv: Sequence[str]) -> argparse.Namespace | None:
    """The arguments of a plain ``kiosk`` (the TUI), parsed without the subcommands' parsers.

    Registering every subcommand imports its module and builds ten parsers, a fifth of
    the wait before the unlock screen. A command line that names no subcommand and parses
    cleanly as kiosk's own options is the TUI's; anything else (a subcommand, ``--help``,
    ``--version``, a mistake) returns None, and the whole parser reads it as before, with
    the same help and the same messages.
    """
    if any(arg in SUBCOMMANDS or arg in ("-h", "--help", "--version") for arg in argv):
        return None
    try:
        args, extra = _top_level_parser(quiet=True).parse_known_args(argv)
    except argparse.ArgumentError:
        return None
    if extra:
        return None
    args.command = None
    return args


def main(argv: Sequence[str] | None = None) -> int:
    # Start-up allocates a great many objects that all live on (modules, classes, the
    # screen's widgets and styles), so the cycle collector's passes over them until the
    # first screen is painted are pure waiting: about a fifteenth of the wait for the
    # unlock screen. The TUI turns it back on once painted (screens.app, on Ready); a
    # subcommand, whose work may make garbage, as soon as it is known; and always on return.
    gc.disable()
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    finally:
        gc.enable()


def _main(argv: list[str]) -> int:
    set_locale(_locale_from_argv(argv))
    args = _tui_args(argv)
    if args is None:
        gc.enable()
        args = build_parser().parse_args(argv)
    from store import StoreError

    try:
        if args.command is None:
            from screens.app import run_tui  # the one import of screens from kiosk (lazy)

            return run_tui(args)
        return int(args.func(args))
    except UserError as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except StoreError as error:  # a save or open the store refused: one plain sentence
        from kiosk.store_errors import describe_store_error

        print(f"kiosk: {describe_store_error(error)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except OSError as error:  # disk full, read-only, permissions outside the store
        print(
            _("kiosk: nothing was saved: {reason}.").format(
                reason=error.strerror or error.__class__.__name__
            ),
            file=sys.stderr,
        )
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print(_("kiosk: interrupted"), file=sys.stderr)
        return 130
    except Exception as error:  # a fault of ours: where it happened, never the values
        from kiosk.crash import EXIT_INTERNAL_ERROR, safe_crash_report

        print(safe_crash_report(error), file=sys.stderr)
        return EXIT_INTERNAL_ERROR
