"""``kiosk restore SRC``: put a generation or a backup back, for the day the file is
damaged or a change must be undone.

It asks for a confirmation typed at the terminal (or ``--yes``); the replaced state is kept
as a generation too, so a restore can itself be undone.
"""

from __future__ import annotations

import argparse
import os
import sys
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
    from store import Generation, Store
from kiosk.cli.common import EXIT_DAMAGED, store_credentials, when_saved


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``restore`` (once, however often called)."""
    restore = add_store_command(
        sub,
        "restore",
        run_restore,
        summary=_("replace the store's records with a backup or generation"),
        description=_(
            "Replace the store's records with those of a backup file or of one of the "
            "generations in backups/ (give its path or its generation number). The "
            "replaced state is kept as a generation too. Asks for confirmation unless --yes."
        ),
    )
    if restore is not None:
        restore.add_argument(
            "src", metavar="SRC", help=_("a backup file, a generation file, or a generation number")
        )
        restore.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))


def _resolve_source(text: str, path: Path) -> tuple[Path, Generation | None]:
    from store import Store

    gens = Store.list_generations(path)
    source = Path(text).expanduser()
    if not source.exists():
        number = text.strip().lower().removeprefix("g")
        if number.isdigit():
            for gen in gens:
                if gen.generation == int(number):
                    return gen.path, gen
        raise UserError(_("There is no backup file or generation {src}.").format(src=text))
    if not source.is_file():
        raise UserError(_("{src} is not a file.").format(src=text))
    for gen in gens:
        if gen.path.resolve() == source.resolve():
            return gen.path, gen
    return source, None


def _ask_terminal(question: str) -> str | None:
    """Ask on the controlling terminal (stdin may carry the passphrase); None without one.

    ``/dev/tty`` is a character device: Python's text mode "r+" wants it seekable and
    fails, so it is opened once with ``os.open`` and written and read as raw bytes."""
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return None
    try:
        os.write(fd, question.encode("utf-8"))
        answer = b""
        while not answer.endswith(b"\n") and len(answer) < 1024:
            chunk = os.read(fd, 1024)
            if not chunk:  # end of input (ctrl+d): no answer is "no"
                break
            answer += chunk
        return answer.decode("utf-8", errors="replace")
    except OSError:
        return None
    finally:
        os.close(fd)


def _confirm(question: str) -> bool:
    """A typed "y" or "yes" at the terminal; no terminal at all is a user error (--yes)."""
    answer = _ask_terminal(question)
    if answer is None:
        raise UserError(
            _("restore needs a confirmation typed at a terminal: run it in one, or add --yes")
        )
    accepted = {_("y").casefold(), _("yes").casefold(), "y", "yes"}
    return answer.strip().casefold() in accepted


def run_restore(args: argparse.Namespace) -> int:
    from store import (
        NotOpenable,
        Store,
        StoreBusy,
        StoreDamaged,
        StoreError,
        StoreMissing,
        StoreRollback,
        StoreTampered,
        UnknownFormat,
        WrongPassphrase,
    )

    path, admin, passphrase = store_credentials(args, restoring=True)
    source, gen = _resolve_source(args.src, path)
    what = (
        _("generation {n}, saved {when} by {admin}").format(
            n=gen.generation, when=when_saved(gen.saved_at), admin=gen.saved_by
        )
        if gen is not None
        else _("the backup file {path}").format(path=source)
    )
    store: Store | None = None
    kept: Path | None = None  # where restore_damaged set the damaged file aside
    try:
        store = Store.open(path, admin, passphrase)
    except (StoreDamaged, StoreMissing, StoreRollback):
        # Damaged, missing, forged or copied back: only a restore that goes forward,
        # from a generation a current admin signed, may replace it.
        store = None
    except (WrongPassphrase, StoreBusy, UnknownFormat, StoreError) as error:
        raise UserError(describe_store_error(error)) from None

    if store is not None:
        question = _(
            "Replace the records in {store} with those of {what}? The current records are kept "
            "as a generation. Type y to restore, n to keep it as it is: "
        ).format(store=path, what=what)
    else:
        question = _(
            "The store {store} cannot be opened. Set it aside (renamed, byte for byte) and "
            "restore {what}? Any change saved after it is lost. Type y to restore, n to "
            "keep it as it is: "
        ).format(store=path, what=what)
    try:
        try:
            if store is None and not args.yes:
                # The passphrase against the generation first (nothing written), so that
                # no one confirms a restore only to hear the passphrase was wrong.
                Store.check_restore_damaged(path, source, admin, passphrase)
            if not args.yes and not _confirm(question):
                print(_("Nothing was restored."))
                return EXIT_OK
            if store is not None:
                store.restore(source, passphrase=passphrase)
            else:
                from kiosk.missing_store import damaged_copies, kept_copy

                before = damaged_copies(path)
                store = Store.restore_damaged(path, source, admin, passphrase)
                kept = kept_copy(path, before)
        except StoreTampered:
            print(
                _(
                    "kiosk: {what} is TAMPERED: it was signed by a key that has lost access "
                    "(a removed admin's copy, or forged); nothing was restored. Run 'kiosk "
                    "check' to find the newest good backup."
                ).format(what=what),
                file=sys.stderr,
            )
            return EXIT_DAMAGED
        except StoreDamaged:
            print(
                _(
                    "kiosk: {what} is damaged too; nothing was restored. Run 'kiosk check' to "
                    "find the newest good backup."
                ).format(what=what),
                file=sys.stderr,
            )
            return EXIT_DAMAGED
        except (NotOpenable, WrongPassphrase):
            raise UserError(
                _(
                    "{what} does not open with that admin name and passphrase; nothing was "
                    "restored."
                ).format(what=what)
            ) from None
        except StoreError as error:
            raise UserError(describe_store_error(error)) from None
        print(
            _("Restored {what}. The store is now at generation {n}.").format(
                what=what, n=store.generation
            )
        )
        if kept is not None:
            print(_("The damaged file is kept, unchanged, as {path}.").format(path=kept))
    finally:
        if store is not None:
            store.close()
    return EXIT_OK
