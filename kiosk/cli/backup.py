"""``kiosk backup DEST``: write an encrypted copy of the store (the same key slots and
recovery key, so the same passphrases open it), for a copy on another disk or in a safe
place, from cron or by hand.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli.common import (
    EXIT_OK,
    UserError,
    add_store_command,
)
from kiosk.i18n import _
from kiosk.store_errors import (
    describe_store_error,
)

if TYPE_CHECKING:
    pass


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``backup`` (once, however often called)."""
    backup = add_store_command(
        sub,
        "backup",
        run_backup,
        summary=_("write an encrypted copy of the store"),
        description=_(
            "Write an encrypted copy of the store to DEST (a file, or a folder to put a "
            "dated copy in). The copy opens with the same admins' passphrases and the same "
            "recovery key."
        ),
    )
    if backup is not None:
        backup.add_argument("dest", metavar="DEST", help=_("file or folder to write the copy to"))


def backup_destination(dest: Path, store_name: str, now: datetime) -> Path:
    """A folder gets a dated file name (UTC, sortable); a file name is used as given."""
    if dest.is_dir():
        stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
        stem = store_name.removesuffix(".store")
        return dest / f"{stem}-backup-{stamp}.store"
    return dest


def run_backup(args: argparse.Namespace) -> int:
    from kiosk.cli.common import open_store
    from store import StoreError, StoreExists

    store = open_store(args)
    try:
        dest = backup_destination(Path(args.dest).expanduser(), store.path.name, datetime.now(UTC))
        if dest.exists() and dest.resolve() == store.path.resolve():
            raise UserError(_("The backup cannot be written over the store itself."))
        try:
            store.backup_to(dest)
        except StoreExists:
            raise UserError(
                _(
                    "A file already exists at {path}; it was not touched. Choose another name."
                ).format(path=dest)
            ) from None
        except StoreError as error:
            raise UserError(describe_store_error(error)) from None
        except OSError as error:
            raise UserError(
                _("The backup could not be written ({reason}).").format(reason=error.strerror or "")
            ) from None
        print(
            _(
                "Encrypted backup written to {path} (generation {n}). It opens with the same "
                "admins' passphrases and the same recovery key."
            ).format(path=dest, n=store.generation)
        )
    finally:
        store.close()
    return EXIT_OK
