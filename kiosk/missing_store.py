"""A store file that is gone while its backups are still beside it.

Deleting or losing ``kiosk.store`` must not look like a new installation: the setup
wizard would start a fresh, empty store next to the care group's encrypted history. Both
the TUI's front door and the CLI ask :func:`newest_backup` first and, when there is one,
say so in the one sentence :func:`missing_sentence` and offer to put it back.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk import timefmt
from kiosk.i18n import _

if TYPE_CHECKING:
    from store.models import Generation


def newest_backup(path: Path) -> Generation | None:
    """The newest intact generation in ``backups/`` beside a store file that is missing;
    None when the store file exists or there is nothing to restore."""
    from store import Store, peek

    if peek.exists(path):
        return None
    intact = [g for g in Store.list_generations(path) if g.ok]
    return max(intact, key=lambda g: g.generation) if intact else None


def missing_sentence(path: Path, newest: Generation) -> str:
    """What is wrong and what is there, naming the newest generation."""
    when = timefmt.moment(newest.saved_at, "short") if newest.saved_at else _("unknown")
    return _(
        "The store file {path} is missing, but its backups are beside it: the newest is "
        "generation {n}, saved {when} by {who}."
    ).format(path=path, n=newest.generation, when=when, who=newest.saved_by or "?")


def restore_hint(newest: Generation, store: str | None = None) -> str:
    """The command that puts ``newest`` back; with ``--store`` when the admin named the
    store on the command line, so the command they copy reaches the same file."""
    command = f"kiosk restore {newest.generation}"
    if store:
        command += f" --store {shlex.quote(str(store))}"
    return _("To put it back, run: {command}").format(command=command)


def creation_refused(path: Path, store: str | None = None) -> str | None:
    """Why no new store may be created at ``path``, or None when one may.

    The one rule for every way a store is created (``kiosk init`` and the setup wizard):
    a new store beside ``backups/`` that hold generations of an earlier one would start
    an empty history next to the care group's, and the next restore or check would mix
    the two. Any generation counts, a damaged one too: it is still someone's data.
    ``store`` is the ``--store`` the admin typed, if any, repeated in the hint."""
    from store import Store

    generations = Store.list_generations(path)
    if not generations:
        return None
    intact = [g for g in generations if g.ok]
    newest = max(intact or generations, key=lambda g: g.generation)
    return _(
        "Backups of an earlier store are beside {path} (the newest is generation {n}): "
        "kiosk will not start a new store next to them, and nothing was changed."
    ).format(path=path, n=newest.generation) + " " + restore_hint(newest, store)
