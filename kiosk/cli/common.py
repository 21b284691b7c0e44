"""What every store-opening subcommand shares: its options, the passphrase, the errors.

The passphrase is read from a prompt with no echo or, with ``--passphrase-stdin``, from
standard input: never from an argument or the environment, where ``ps`` and shell history
would show it. A user error is one line on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from kiosk.i18n import _
from kiosk.paths import resolve_store_path
from kiosk.store_errors import describe_store_error

if TYPE_CHECKING:
    from store import Store

EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_DAMAGED = 2  # kiosk check, backup and restore: the store or a backup is damaged


class UserError(Exception):
    """Something the user can fix; its text is shown as it is, on one line."""


def output_failed(error: OSError) -> UserError:
    """The one sentence for output kiosk could not write (an export, a report or call
    card): disk full, permission denied, a closed pipe. Never "saved": the store may
    have nothing to do with it (an export) or may have saved its audit entry (a report),
    and either way the file the admin asked for is not there."""
    reason = error.strerror or error.__class__.__name__
    return UserError(_("Output could not be written: {reason}").format(reason=reason))


def write_stdout(write: Callable[[TextIO], None]) -> None:
    """Run ``write`` on standard output and flush it; UserError (:func:`output_failed`)
    if that fails. Standard output is then pointed at the null device, so the
    interpreter's own flush at exit neither fails again nor prints a traceback."""
    try:
        write(sys.stdout)
        sys.stdout.flush()
    except OSError as error:
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, sys.stdout.fileno())
            os.close(null)
        except (OSError, ValueError):
            pass
        raise output_failed(error) from None


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
            hint = restore_hint(path, newest, admin)
            raise UserError(f"{missing_sentence(path, newest)} {hint}") from None
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


def when_saved(moment: datetime | None) -> str:
    """When a generation or backup was saved, as check and restore print it."""
    from kiosk import timefmt

    return timefmt.moment(moment, "short") if moment is not None else _("unknown time")


def store_credentials(
    args: argparse.Namespace, *, restoring: bool = False
) -> tuple[Path, str, str]:
    """The store path, admin and passphrase for check, backup and restore, once the store
    (or, when ``restoring``, a backup of it) is known to be there and it is our turn."""
    from store import Store, StoreMissing

    path, admin = store_path_and_admin(args)
    if not Store.exists(path) and not Store.list_generations(path):
        if not restoring:
            raise UserError(describe_store_error(StoreMissing()))
        # Name the place looked at: a store kept elsewhere is the likely cause, and
        # "run kiosk init" would start an empty store beside nothing the admin meant.
        raise UserError(
            _(
                "There is no store file and no backups at {path}. If the store is kept "
                "elsewhere, give its path with --store PATH."
            ).format(path=path)
        )
    passphrase = read_passphrase(args)
    wait_for_turn(path)
    return path, admin, passphrase
