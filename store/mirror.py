"""A second copy of each admin's trust record, kept outside the store's folder.

Why: the record in ``<store>.state`` (see :mod:`store.trust`) lives beside the store, so
whoever can write that folder can copy back an old store file *and* its old state file
together, and the record then calls the old file the newest one seen: a silent rollback
(issue 12, P2 and P3). The mirror lives in the user's own state folder
(``platformdirs.user_state_dir("kiosk")``, or ``$KIOSK_STATE_DIR``), out of reach of
someone who can write only the store's folder, a shared drive or a backup stick.

One file per store *and* location: named by the store's identity (its ``store_id``, so a
different store put at the same path never meets this one's record) and a digest of the
store's absolute path (so a throwaway copy of the store, such as the ones ``kiosk check``
opens, never moves the real store's record). Records here are the same MAC'd records as
in the state file; :mod:`store.trust` decides what they mean. Also kept here: the newest
generation at which an admin was removed (see :mod:`store.vouchers`).

Callers hold the store's lock, which serialises writers of one (store, path) file.
Everything is best effort: an unwritable state folder costs the protection, never the
store.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from store.files import atomic_write, ensure_private_dir

STATE_DIR_ENV = "KIOSK_STATE_DIR"
_ID = re.compile(r"[0-9a-f]{32}")
_SUFFIX = ".trust.json"


def state_dir() -> Path:
    """``$KIOSK_STATE_DIR``, else the platform's user state folder for kiosk."""
    override = os.environ.get(STATE_DIR_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_state_path

    return user_state_path("kiosk", appauthor=False)


def _location(store_path: Path) -> str:
    # abspath, not resolve: a symlink planted at the store's path must not lead to the
    # record of the file it points at.
    return os.path.abspath(store_path)


def _place(store_path: Path) -> str:
    return hashlib.sha256(_location(store_path).encode("utf-8", "surrogateescape")).hexdigest()[:24]


def mirror_path(store_path: Path, store_id: str) -> Path | None:
    """The mirror file of the store ``store_id`` at ``store_path`` (None for an id that is
    not 32 hex digits: it names no file)."""
    if not _ID.fullmatch(store_id):
        return None
    return state_dir() / f"{store_id}-{_place(store_path)}{_SUFFIX}"


def load(store_path: Path, store_id: str) -> dict[str, Any]:
    """The mirror's content; a missing or unreadable one reads as empty."""
    target = mirror_path(store_path, store_id)
    if target is None:
        return {}
    try:
        doc = json.loads(target.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(doc, dict) or doc.get("store_id") != store_id:
        return {}
    return doc


def save(store_path: Path, store_id: str, doc: dict[str, Any]) -> None:
    """Write the mirror atomically (0600 in a 0700 folder); best effort."""
    target = mirror_path(store_path, store_id)
    if target is None:
        return
    doc["v"] = 1
    doc["store_id"] = store_id
    doc["path"] = _location(store_path)
    with contextlib.suppress(OSError):
        ensure_private_dir(target.parent)
        atomic_write(target, json.dumps(doc, indent=1).encode("utf-8"))
        _prune(store_id, target)


def _prune(store_id: str, keep: Path) -> None:
    """Drop this store's mirrors for locations whose folder is gone (``kiosk check``'s
    throwaway copies live in temporary folders that it deletes)."""
    for other in keep.parent.glob(f"{store_id}-*{_SUFFIX}"):
        if other == keep:
            continue
        with contextlib.suppress(OSError, ValueError):
            doc = json.loads(other.read_text("utf-8"))
            where = doc.get("path") if isinstance(doc, dict) else None
            if isinstance(where, str) and not Path(where).parent.exists():
                other.unlink()


def records(doc: dict[str, Any]) -> dict[str, Any]:
    table = doc.get("trust")
    if not isinstance(table, dict):
        table = {}
        doc["trust"] = table
    return table


def store_ids(store_path: Path) -> set[str]:
    """Every store identity whose record was kept here for this location."""
    found: set[str] = set()
    with contextlib.suppress(OSError):
        for entry in state_dir().glob(f"*-{_place(store_path)}{_SUFFIX}"):
            store_id = entry.name.split("-", 1)[0]
            if _ID.fullmatch(store_id):
                found.add(store_id)
    return found
