"""What every store-opening subcommand shares: its options, the passphrase, the errors.

The passphrase is read from a prompt with no echo or, with ``--passphrase-stdin``, from
standard input: never from an argument or the environment, where ``ps`` and shell history
would show it. A user error is one line on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.i18n import _
from kiosk.paths import resolve_store_path

if TYPE_CHECKING:
    from store import Store

EXIT_OK = 0
EXIT_USER_ERROR = 1


class UserError(Exception):
    """Something the user can fix; its text is shown as it is, on one line."""


def add_store_options(
    parser: argparse.ArgumentParser, *, admin: bool = True, top_level: bool = False
) -> None:
    """``--store`` (and the admin options) for ``parser``.

    ``kiosk --store PATH status`` and ``kiosk status --store PATH`` must mean the same: a
    subcommand's own ``--store`` is left unset unless given (argparse.SUPPRESS), so it
    never overwrites the value given before the subcommand's name.
    """
    parser.add_argument(
        "--store",
        metavar="PATH",
        default=None if top_level else argparse.SUPPRESS,
        help=_("the store file (default: $KIOSK_STORE or the user data folder)"),
    )
    if admin:
        parser.add_argument("--admin", metavar="NAME", help=_("your kiosk admin name"))
        parser.add_argument(
            "--passphrase-stdin",
            action="store_true",
            help=_("read the passphrase from standard input instead of a prompt"),
        )


def add_store_command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    run: Callable[[argparse.Namespace], int],
    *,
    summary: str,
    description: str,
) -> argparse.ArgumentParser | None:
    """Add the subcommand ``name`` that opens the store: its store options, then ``run``.

    Returns the parser for the command's own arguments, or None when ``name`` is already
    there: a module's ``register`` may be called more than once, and argparse refuses a
    second parser of the same name.
    """
    if name in sub.choices:
        return None
    parser = sub.add_parser(name, help=summary, description=description)
    add_store_options(parser)
    parser.set_defaults(func=run)
    return parser


def read_passphrase(args: argparse.Namespace, prompt: str | None = None) -> str:
    """One passphrase: the first line of stdin with --passphrase-stdin, else a silent prompt."""
    if getattr(args, "passphrase_stdin", False):
        line = sys.stdin.readline()
        if not line:
            raise UserError(_("no passphrase on standard input"))
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UserError(_("no terminal to ask for the passphrase: use --passphrase-stdin"))
    return getpass.getpass(prompt or _("Passphrase: "))


def open_store(args: argparse.Namespace) -> Store:
    """Open the store named by the options, or raise UserError with a plain sentence."""
    from store import Store, StoreError

    path, admin = store_path_and_admin(args)
    passphrase = read_passphrase(args)
    try:
        with attempt_turn(path):
            return Store.open(path, admin, passphrase)
    except StoreError as error:
        from kiosk.missing_store import missing_sentence, newest_backup, restore_hint

        newest = newest_backup(path) if getattr(error, "code", "") == "missing" else None
        if newest is not None:  # never "run kiosk init" beside the care group's backups
            raise UserError(f"{missing_sentence(path, newest)} {restore_hint(newest)}") from None
        raise UserError(describe_store_error(error)) from None


def _notice(seconds: int) -> None:
    print(
        _("Too many failed attempts: waiting {seconds} s before trying.").format(seconds=seconds),
        file=sys.stderr,
    )


def wait_for_turn(path: Path) -> None:
    """The one throttle (kiosk.unlock_policy), said on stderr so a script's log shows why.
    The turn is kept until the process exits: for commands whose every step tries the
    passphrase (``kiosk check`` and ``kiosk restore``)."""
    from kiosk import unlock_policy

    unlock_policy.wait_for_turn(path, notice=_notice)


def attempt_turn(path: Path) -> AbstractContextManager[int]:
    """The one throttle for a single attempt made inside the ``with``."""
    from kiosk import unlock_policy

    return unlock_policy.turn(path, notice=_notice)


def store_path_and_admin(args: argparse.Namespace) -> tuple[Path, str]:
    """The store file and the admin's name from the options, checked before any passphrase
    is asked for; UserError without ``--admin``."""
    path = resolve_store_path(getattr(args, "store", None))
    if not args.admin:
        raise UserError(_("--admin NAME is required to open the store"))
    return path, args.admin


def describe_store_error(error: Exception, *, recovery: bool = False) -> str:
    """The translated sentence for a store error (the store itself knows no gettext).

    ``recovery``: the admin typed the recovery key, not a name and passphrase, so a wrong
    one is named as such (the store raises the same error for both)."""
    code = getattr(error, "code", "")
    if recovery and code == "wrong_passphrase":
        return _(
            "That recovery key does not open this store. Check each group against the "
            "printed key (dashes, spaces and case do not matter)."
        )
    if recovery and code == "admin_removed":
        return _(
            "That recovery key was replaced by a newer one, so it cannot restore this "
            "store. Use the newest recovery key or an admin's passphrase."
        )
    messages = {
        "wrong_passphrase": _("That admin name and passphrase do not open this store."),
        "damaged": _(
            "The store file is damaged or has been tampered with; it was left exactly as it was. "
            "Run 'kiosk check' to see which backup is the newest good one."
        ),
        "tampered": _(
            "The store file was written from an old copy by someone who no longer has "
            "access: it is signed by a key that the store you last opened here does not "
            "lead to. It was left exactly as it was; run 'kiosk check' to see which backup "
            "is the newest good one, and 'kiosk restore' to put it back."
        ),
        "missing": _(
            "There is no store at that path yet: run 'kiosk init' or start 'kiosk' to set one up."
        ),
        "exists": _("A store already exists at that path; it was not touched."),
        "busy": _("Another admin is saving the store right now; try again in a moment."),
        "unknown_format": _("This store was written by a newer kiosk: upgrade kiosk to open it."),
        "last_admin": _("The last admin cannot be removed: add another admin first."),
        "rollback": _(
            "This store is older than the one you last used on {when}; if you meant to go "
            "back, use 'kiosk restore'."
        ).format(when=_last_used(error)),
        "access_revoked": _(
            "Your passphrase or the store's key was changed in another session: unlock again."
        ),
        "admin_removed": _(
            "This admin was removed from the store: they cannot restore it or open it "
            "again. Another admin, or the newest recovery key, can restore it."
        ),
        "locked": _("The store is locked: unlock again."),
        "other_store": _(
            "That file is another store's, not a backup or generation of this one, so it "
            "cannot replace it; nothing was restored."
        ),
        "save_failed": _(
            "The change was NOT saved (is the disk full or read-only?); "
            "the store file was left as it was."
        ),
    }
    return messages.get(code, _("The store could not be opened or saved."))


def _last_used(error: Exception) -> str:
    from kiosk import timefmt

    moment = getattr(error, "last_used", None)
    return timefmt.moment(moment, "short") if moment is not None else _("an earlier day")
