"""What can be learnt about a store file without a key and without the cryptography library.

The unlock screen needs the admin names, who unlocked last and how many failed attempts
there have been, before anyone has typed a passphrase. Reading them must not cost the
import of :mod:`store.store` (and with it ``cryptography``), which is deferred until the
passphrase is actually tried, so the first screen is drawn sooner.
"""

from __future__ import annotations

import os
from pathlib import Path

from store import state
from store.format import peek_header

RECOVERY_SLOT = "#recovery"
"""The recovery code's slot name, and ``Store.admin`` of a session opened with it.
Admin names may not start with ``#``, so it cannot collide with one."""


def exists(path: str | os.PathLike[str]) -> bool:
    return Path(path).is_file()


def admin_names(path: str | os.PathLike[str]) -> list[str]:
    """Admin names from the header, in the order they were added (unlock picker)."""
    header, _ = peek_header(Path(path))
    return [s.name for s in header.slots if s.name != RECOVERY_SLOT]


def last_admin(path: str | os.PathLike[str]) -> str | None:
    """The admin who last unlocked this store here (advisory, from the sidecar)."""
    return state.last_admin(state.load(Path(path)))


def consecutive_failures(path: str | os.PathLike[str]) -> int:
    """Failed unlocks since the last successful one, for the UI's throttle."""
    return state.failure_count(state.load(Path(path)))
