"""``kiosk report [--site ODS] [--as-of DATE] --out FILE`` and ``kiosk report --card``.

The assurance report for inspectors (:mod:`kiosk.report`, rendered by
:mod:`kiosk.report_html`) or the emergency call cards (:mod:`kiosk.call_card`); this file
only reads the arguments. The file is created new (``O_EXCL``, mode 0600) so that nothing
an admin already has is ever overwritten, and the generation is audited
(``report.assurance`` or ``report.card`` with the sites' ODS codes, never personal data)
before it is written: personal data leaving the encrypted store is something the record
should know about.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from kiosk.cli.common import EXIT_OK, UserError, add_store_command
from kiosk.i18n import _, ngettext

__all__ = ["register", "run_report"]  # and, lazily, ACTION_ASSURANCE and AUDIT_ACTION


def __getattr__(name: str) -> str:
    """``ACTION_ASSURANCE`` and ``AUDIT_ACTION`` (the card's), from :mod:`kiosk.report`
    when first asked for: ``kiosk`` registers this module's parser on every start, and
    importing the report (Babel, holidays, every verdict) then cost the unlock screen a
    third of its start-up."""
    if name in ("ACTION_ASSURANCE", "AUDIT_ACTION"):
        from kiosk import report

        return report.ACTION_ASSURANCE if name == "ACTION_ASSURANCE" else report.ACTION_CARD
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_store_command(
        sub,
        "report",
        run_report,
        summary=_("write the assurance report for inspectors, or the emergency call card"),
        description=_(
            "Write a self-contained, printable HTML page: the access and assurance report "
            "(access register, cover, reviews, leavers, requests, tickets, DSPT, audit chain), "
            "or with --card one A4 call card per site for the office wall, which holds no "
            "personal data."
        ),
    )
    if parser is None:
        return
    parser.add_argument(
        "--card", action="store_true", help=_("write the emergency call card (one per site)")
    )
    parser.add_argument(
        "--out", metavar="FILE", help=_("the new HTML file to write (never overwritten)")
    )
    parser.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        help=_("work the verdicts out for this day instead of today (Europe/London)"),
    )
    parser.add_argument(
        "--site", metavar="ODS", help=_("only the site with this ODS code (default: every site)")
    )


def _new_file(path: Path) -> int:
    """Create ``path`` new, readable by its owner only; UserError if it already exists."""
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise _exists(path) from None


def _exists(path: Path) -> UserError:
    return UserError(
        _("{path} already exists and was not touched: choose a new file name.").format(path=path)
    )


def run_report(args: argparse.Namespace) -> int:
    from kiosk import report
    from kiosk.call_card import call_card
    from kiosk.cli.common import open_store, output_failed
    from kiosk.cli.reminders import parse_as_of
    from kiosk.clock import SystemClock
    from kiosk.report_html import render_report

    if not args.out:
        raise UserError(_("--out FILE is required: the new file to write to."))
    clock = SystemClock()
    as_of = parse_as_of(args.as_of) if args.as_of else clock.today()
    try:
        report.check_as_of(as_of, clock.today())
    except report.ReportError as error:
        raise UserError(str(error)) from None
    if args.card and args.as_of:
        raise UserError(_("--as-of is for the report: the call card has no verdicts to date."))
    out = Path(args.out)
    if out.exists() or out.is_symlink():  # said before the passphrase is asked for
        raise _exists(out)
    store = open_store(args)
    try:
        try:  # a mistake is said before the file is created
            sites = report.select_sites(store.read(), args.site)
        except report.ReportError as error:
            raise UserError(str(error)) from None
        try:
            fd = _new_file(out)
        except OSError as error:  # a folder that is not there or not writable
            raise output_failed(error) from None
        try:
            if args.card:
                report.record_generation(store, report.ACTION_CARD, sites)
                html = call_card(sites, clock.today())
            else:
                html, sites = report.make_report(
                    store, args.site, now=clock.now(), as_of=as_of, render=render_report
                )
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                fd = -1
                handle.write(html)
        except BaseException as error:
            if fd >= 0:
                os.close(fd)
            out.unlink(missing_ok=True)
            if isinstance(error, OSError):  # disk full: the file is not there, say so
                raise output_failed(error) from None
            raise
    finally:
        store.close()
    if args.card:
        message = ngettext(
            "Wrote the call card for {count} site to {path}.",
            "Wrote the call cards for {count} sites to {path}.",
            len(sites),
        )
    else:
        print(
            _(
                "Warning: this report is unencrypted personal data. Keep it safe, never email "
                "it, and delete it once you are done."
            ),
            file=sys.stderr,
        )
        message = ngettext(
            "Wrote the report for {count} site to {path}.",
            "Wrote the report for {count} sites to {path}.",
            len(sites),
        )
    print(message.format(count=len(sites), path=out))
    return EXIT_OK
