"""A store file that is gone or damaged while its backups are still beside it.

Deleting or losing ``kiosk.store`` must not look like a new installation: the setup
wizard would start a fresh, empty store next to the care group's encrypted history. A
damaged file (cut short by a full disk, a failed copy) must not be a dead end either, nor
ever be written over. Both the TUI's front door and the CLI ask :func:`newest_intact`
(or :func:`newest_backup` when the file is gone) first and say what is wrong in one
sentence (:func:`missing_sentence`, :func:`damaged_sentence`); the one way back is the
store's ``restore_damaged``, preceded by :func:`restore_warning`, and every command kiosk
prints for it comes from :func:`restore_command`, so it works as printed.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk import timefmt
from kiosk.i18n import _

if TYPE_CHECKING:
    from store.models import Generation


def newest_intact(path: Path) -> Generation | None:
    """The newest generation in ``backups/`` worth offering (whether the store file is
    there or not): its signature verifies and it is no fork, so a planted copy of a
    header with a higher number is never offered; None when there is none."""
    from store import Store

    return Store.newest_restorable(path)


def newest_backup(path: Path) -> Generation | None:
    """The newest intact generation in ``backups/`` beside a store file that is missing;
    None when the store file exists or there is nothing to restore."""
    from store import peek

    if peek.exists(path):
        return None
    return newest_intact(path)


def _saved(newest: Generation) -> str:
    return timefmt.moment(newest.saved_at, "short") if newest.saved_at else _("unknown")


def missing_sentence(path: Path, newest: Generation) -> str:
    """What is wrong and what is there, naming the newest generation."""
    return _(
        "The store file {path} is missing, but its backups are beside it: the newest is "
        "generation {n}, saved {when} by {who}."
    ).format(path=path, n=newest.generation, when=_saved(newest), who=newest.saved_by or "?")


def damaged_sentence(path: Path, newest: Generation | None) -> str:
    """What is wrong with a file that cannot be read, that kiosk left it alone, and what
    to do: restore the newest backup beside it, or a copy made with ``kiosk backup``."""
    first = _(
        "The store file {path} is damaged or was changed outside kiosk, so it cannot be "
        "opened. It has not been changed: kiosk never writes over a damaged file."
    ).format(path=path)
    if newest is None:
        return first + " " + _(
            "There are no backups beside it. If you have a copy made with 'kiosk backup', "
            "restore it with: {command}"
        ).format(command=restore_command(path, "FILE"))
    return first + " " + _(
        "Its backups are beside it: restore the newest, generation {n}, saved {when} by {who}."
    ).format(n=newest.generation, when=_saved(newest), who=newest.saved_by or "?")


def restore_warning(path: Path, newest: Generation, *, damaged: bool) -> str:
    """The question asked before a restore: what comes back, what is lost, and (for a
    damaged file) where the damaged copy is kept."""
    text = _(
        "Restore generation {n}, saved {when} by {who}? Any change saved after it is lost."
    ).format(n=newest.generation, when=_saved(newest), who=newest.saved_by or "?")
    if damaged:
        text += " " + _(
            "The damaged file is kept, byte for byte, in {folder} as "
            "{name}.damaged-<date and time>."
        ).format(folder=path.parent, name=path.name)
    return text


def damaged_copies(path: Path) -> set[Path]:
    """The damaged files a restore set aside beside the store (``<name>.damaged-<time>``)."""
    return set(path.parent.glob(f"{glob_escape(path.name)}.damaged-*"))


def kept_copy(path: Path, before: set[Path]) -> Path | None:
    """The damaged copy a restore just set aside: the newest not in ``before``."""
    new = sorted(damaged_copies(path) - before)
    return new[-1] if new else None


def glob_escape(name: str) -> str:
    """``name`` matched literally by :meth:`Path.glob` (a store may be called ``[a].store``)."""
    return "".join(f"[{c}]" if c in "*?[]" else c for c in name)


def restore_command(path: Path, source: str, admin: str | None = None) -> str:
    """``kiosk restore SOURCE`` with the options it needs to work as printed: ``--store``
    unless the store is in the default place, and ``--admin`` (``NAME`` when unknown)."""
    from kiosk.paths import default_store_path

    words = ["kiosk", "restore", source]
    if path != default_store_path():
        words += ["--store", str(path)]
    words += ["--admin", admin or "NAME"]
    return " ".join(shlex.quote(w) if w not in ("FILE", "NAME") else w for w in words)


def restore_hint(path: Path, newest: Generation, admin: str | None = None) -> str:
    return _("To put it back, run: {command}").format(
        command=restore_command(path, str(newest.generation), admin)
    )


def creation_refused(path: Path) -> str | None:
    """Why no new store may be created at ``path``, or None when one may.

    The one rule for every way a store is created (``kiosk init`` and the setup wizard):
    a new store beside ``backups/`` that hold generations of an earlier one would start
    an empty history next to the care group's, and the next restore or check would mix
    the two. Any generation counts, a damaged one too: it is still someone's data.
    The hint names ``--store`` whenever ``path`` is not the default store."""
    from store import Store

    generations = Store.list_generations(path)
    if not generations:
        return None
    intact = [g for g in generations if g.ok]
    newest = max(intact or generations, key=lambda g: g.generation)
    return _(
        "Backups of an earlier store are beside {path} (the newest is generation {n}): "
        "kiosk will not start a new store next to them, and nothing was changed."
    ).format(path=path, n=newest.generation) + " " + restore_hint(path, newest)
