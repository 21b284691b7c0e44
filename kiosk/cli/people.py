"""``kiosk import FILE.csv`` and ``kiosk export [--format csv|json]``.

Import adds people from a spreadsheet, all or nothing: any bad row means nothing is
imported, and every problem is listed on stderr with its line number and rule (exit 1).
Export writes everyone to standard output in the same columns, with a warning on stderr
that the output is unencrypted personal data. The checking and writing live in
:mod:`kiosk.csv_io`; this module only opens the store and talks to the terminal.
"""

from __future__ import annotations

import argparse
import os
import sys

from kiosk.cli.common import EXIT_OK, EXIT_USER_ERROR, UserError, add_store_command
from kiosk.i18n import _, ngettext


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``import`` and ``export`` (each once, however often called)."""
    parser = add_store_command(
        sub,
        "import",
        run_import,
        summary=_("add people from a CSV file (all or nothing)"),
        description=_(
            "Add people from a CSV file with a header row and the columns full_name, "
            "personal_mobile, personal_email, nhsmail_address (or nhsmail), access, "
            "last_activity (and optionally site, an ODS code, otherwise access is for the "
            "first site, and status, as kiosk export writes it); case, spaces and "
            "underscores in the header are ignored. "
            "If any row is invalid nothing is imported and every problem is listed."
        ),
    )
    if parser is not None:
        parser.add_argument("file", metavar="FILE.csv", help=_("the CSV file to import"))
    parser = add_store_command(
        sub,
        "export",
        run_export,
        summary=_("write everyone to standard output (unencrypted)"),
        description=_(
            "Write everyone to standard output in the import's columns plus site. The "
            "output is unencrypted personal data: keep it safe and delete it after use."
        ),
    )
    if parser is not None:
        parser.add_argument(
            "--format", choices=("csv", "json"), default="csv", help=_("output format")
        )


def _read(path: str) -> str:
    from kiosk.csv_io import MAX_IMPORT_BYTES, too_large_message

    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            if os.fstat(handle.fileno()).st_size > MAX_IMPORT_BYTES:
                raise UserError(too_large_message())
            text = handle.read(MAX_IMPORT_BYTES + 1)  # a pipe has no size to check first
            if len(text.encode("utf-8")) > MAX_IMPORT_BYTES:
                raise UserError(too_large_message())
            return text
    except FileNotFoundError:
        raise UserError(_("There is no file {path}.").format(path=path)) from None
    except UnicodeDecodeError:
        raise UserError(
            _("{path} is not UTF-8 text: save the spreadsheet as CSV UTF-8.").format(path=path)
        ) from None
    except OSError as error:
        raise UserError(
            _("{path} cannot be read ({reason}).").format(
                path=path, reason=error.strerror or error.__class__.__name__
            )
        ) from None


def run_import(args: argparse.Namespace) -> int:
    from kiosk import records
    from kiosk.cli.common import open_store
    from kiosk.clock import SystemClock
    from kiosk.csv_io import plan_import
    from kiosk.model import PEOPLE

    text = _read(args.file)  # before the passphrase: a typo in the path fails fast
    store = open_store(args)
    try:
        today = SystemClock().today()
        # Read and check the whole file before taking the lock, against the record as
        # read now, so other admins never wait on a large file. Inside the lock the
        # plan is used as it is unless another admin saved in between; only then is
        # it checked again, against what they saved.
        db = store.read()
        seen = store.generation
        plan = plan_import(text, records.sites(db), records.contacts_on_record(db), today)
        if plan.ok:
            with store.transaction() as tx:
                if store.generation != seen:
                    plan = plan_import(
                        text, records.sites(tx.db), records.contacts_on_record(tx.db), today
                    )
                if plan.ok:
                    records.save_many(tx, PEOPLE, plan.people, "person.add", detail="import")
        if not plan.ok:
            for problem in plan.problems:
                print(problem.describe(), file=sys.stderr)
            lines = len({p.line for p in plan.problems})
            print(
                ngettext(
                    "Nothing was imported: {n} line has problems.",
                    "Nothing was imported: {n} lines have problems.",
                    lines,
                ).format(n=lines),
                file=sys.stderr,
            )
            return EXIT_USER_ERROR
        print(
            ngettext("Imported {n} person.", "Imported {n} people.", len(plan.people)).format(
                n=len(plan.people)
            )
        )
        return EXIT_OK
    finally:
        store.close()


def run_export(args: argparse.Namespace) -> int:
    from kiosk import records
    from kiosk.cli.common import open_store, write_stdout
    from kiosk.clock import SystemClock
    from kiosk.csv_io import export_rows, write_csv, write_json

    store = open_store(args)
    try:
        db = store.read()
        rows = export_rows(
            records.people(db), records.sites(db, include_closed=True), SystemClock().today()
        )
    finally:
        store.close()
    print(
        _(
            "Warning: this export is unencrypted personal data. Keep it safe, never email it, "
            "and delete it once you are done."
        ),
        file=sys.stderr,
    )
    write = write_json if args.format == "json" else write_csv
    write_stdout(lambda out: write(rows, out))
    return EXIT_OK
