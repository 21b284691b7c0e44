"""``kiosk report --card --out FILE [--site ODS]``: print the emergency call cards.

Only the call card is built so far (issue 19's first part); without ``--card`` the command
says so plainly rather than writing half a report. The file is created new (``O_EXCL``,
mode 0600) so that nothing an admin already has is ever overwritten, and the generation is
audited ("report.card" with the sites' ODS codes, never personal data) before the card is
written: a card on a wall is something the record should know about.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from kiosk.cli_common import EXIT_OK, UserError, add_store_command
from kiosk.i18n import _, ngettext

AUDIT_ACTION = "report.card"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_store_command(
        sub,
        "report",
        run_report,
        summary=_("write the emergency call card for the office wall"),
        description=_(
            "Write a self-contained HTML page, one printable A4 card per site, with what to "
            "do and say when nobody can open the shared mailbox. It holds no personal data."
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
    from kiosk import records
    from kiosk.call_card import call_card
    from kiosk.cli_common import open_store
    from kiosk.clock import SystemClock
    from kiosk.model import SITES

    if not args.card:
        raise UserError(
            _("The full assurance report is not built yet: use --card for the call card.")
        )
    if not args.out:
        raise UserError(_("--out FILE is required: the new file to write the call card to."))
    out = Path(args.out)
    if out.exists() or out.is_symlink():  # said before the passphrase is asked for
        raise _exists(out)
    store = open_store(args)
    try:
        sites = records.sites(store.read())
        if args.site:
            wanted = args.site.strip().upper()
            sites = [site for site in sites if site.ods_code.upper() == wanted]
            if not sites:
                raise UserError(
                    _("There is no open site with ODS code {ods} in this store.").format(
                        ods=args.site.strip()
                    )
                )
        if not sites:
            raise UserError(_("This store has no open site yet: add one first."))
        html = call_card(sites, SystemClock().today())
        fd = _new_file(out)
        try:
            with store.transaction() as tx:
                tx.audit(AUDIT_ACTION, SITES, None, ",".join(site.ods_code for site in sites))
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                fd = -1
                handle.write(html)
        except BaseException:
            if fd >= 0:
                os.close(fd)
            out.unlink(missing_ok=True)
            raise
    finally:
        store.close()
    print(
        ngettext(
            "Wrote the call card for {count} site to {path}.",
            "Wrote the call cards for {count} sites to {path}.",
            len(sites),
        ).format(count=len(sites), path=out)
    )
    return EXIT_OK
