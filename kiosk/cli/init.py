"""``kiosk init``: create a store without the TUI, for scripted installs.

The same site checks as the setup wizard (:mod:`kiosk.site_fields`). The passphrase is
asked twice at a silent prompt (or read once from stdin with ``--passphrase-stdin``), and
the recovery key is printed once, to be written down.
"""

from __future__ import annotations

import argparse

from kiosk.cli.common import UserError, add_store_options, read_passphrase
from kiosk.i18n import _
from kiosk.store_errors import describe_store_error


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "init",
        help=_("create a new store with its first admin and site"),
        description=_(
            "Create a new encrypted store with its first admin and first site, and print the "
            "recovery key once."
        ),
    )
    add_store_options(parser)
    parser.add_argument("--site-name", required=True, metavar="NAME", help=_("the site's name"))
    parser.add_argument("--ods", required=True, metavar="CODE", help=_("the site's ODS code"))
    parser.add_argument(
        "--cqc-location", required=True, metavar="ID", help=_("CQC location ID, e.g. 1-123456789")
    )
    parser.add_argument(
        "--site-phone",
        required=True,
        metavar="NUMBER",
        help=_("the CQC-registered site phone number"),
    )
    parser.add_argument(
        "--mailbox",
        required=True,
        metavar="ADDRESS",
        help=_("the site's shared mailbox (@nhs.net)"),
    )
    parser.add_argument(
        "--dspt-status",
        default="not_published",
        choices=["not_published", "not_met", "approaching", "met", "exceeded"],
        help=_("the site's DSPT status"),
    )
    parser.add_argument("--dspt-date", default="", metavar="DATE", help=_("DSPT publication date"))
    parser.add_argument(
        "--dspt-version",
        default="",
        metavar="YYYY-YY",
        help=_("the Toolkit version the publication answers (default: suggested from the date)"),
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.clock import SystemClock
    from kiosk.missing_store import creation_refused
    from kiosk.new_store import create_store
    from kiosk.passphrase import passphrase_problem
    from kiosk.paths import resolve_store_path
    from kiosk.site_fields import check_site
    from kiosk.validators import ValidationError, validate_admin_name
    from store import Store, StoreError

    if not args.admin:
        raise UserError(_("--admin NAME is required"))
    try:
        admin = validate_admin_name(args.admin)
    except ValidationError as error:
        raise UserError(_("admin name: {message}").format(message=error.message)) from None
    check = check_site(
        {
            "name": args.site_name,
            "ods_code": args.ods,
            "cqc_location_id": args.cqc_location,
            "site_phone": args.site_phone,
            "mailbox": args.mailbox,
            "dspt_status": args.dspt_status,
            "dspt_published": args.dspt_date,
            "dspt_version": args.dspt_version,
        },
        today=SystemClock().today(),
    )
    if check.site is None:
        field, message = next(iter(check.errors.items()))
        raise UserError(
            _("{field}: {message}").format(field=field.replace("_", " "), message=message)
        )
    path = resolve_store_path(getattr(args, "store", None))
    if Store.exists(path):
        raise UserError(_("A store already exists at that path; it was not touched."))
    refused = creation_refused(path)
    if refused:
        raise UserError(refused)
    passphrase = read_passphrase(args, _("New passphrase: "))
    again = passphrase if args.passphrase_stdin else read_passphrase(args, _("Passphrase again: "))
    problem = passphrase_problem(passphrase, again)
    if problem:
        raise UserError(problem)
    try:
        store, recovery = create_store(path, admin, passphrase, check.site)
        store.close()
    except StoreError as error:
        raise UserError(describe_store_error(error)) from None
    for warning in check.warnings.values():
        print(_("Warning: {message}").format(message=warning))
    print(_("Store created at {path}").format(path=path))
    print(_("Recovery key (shown only this once; write it down and lock it away):"))
    print(f"  {recovery}")
    return 0
