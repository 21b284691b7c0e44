"""Which of a store's files carries its newest *genuine* header.

A removed admin keeps an old signing key and can write a file under it with any
generation number: the highest number is not the newest genuine state. A header counts
only when its file's signature verifies, its key is one the admin's trust record reaches
through the rotation certificates (when a record is known), and no other verified file
shows that key was rotated away (a retired key's later file is a fork).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path

from store import files, signing, state
from store.errors import StoreError
from store.format import Header, parse
from store.opening import check_signature


def _verified(path: Path) -> Header | None:
    with contextlib.suppress(StoreError, OSError, ValueError):
        parsed = parse(path.read_bytes())
        check_signature(parsed)
        return parsed.header
    return None


def newest_genuine(paths: Iterable[Path], pinned: bytes | None) -> tuple[Path, Header] | None:
    """The newest (path, header) among ``paths`` that is not a fork (see module doc)."""
    found = [(p, h) for p in paths if (h := _verified(p)) is not None]
    if pinned is not None:
        found = [
            (p, h)
            for p, h in found
            if signing.reaches(h.rotations, h.store_id, pinned, h.sign_public)
        ]
    keys = {(h.store_id, h.sign_public): h for _, h in found}

    def superseded(h: Header) -> bool:
        return any(
            sid == h.store_id
            and key != h.sign_public
            and signing.reaches(other.rotations, sid, h.sign_public, key)
            for (sid, key), other in keys.items()
        )

    genuine = [(p, h) for p, h in found if not superseded(h)]
    return max(genuine, key=lambda ph: ph[1].generation, default=None)


def store_and_generations(path: Path) -> list[Path]:
    """The store file and every generation file in ``backups/``."""
    return [path, *(g for _, g in files.list_generation_files(path))]


def pinned_hint(path: Path, name: str) -> bytes | None:
    """The signing key in ``name``'s trust record, read without its MAC (no key at hand):
    only to choose where checking starts, never to accept a file."""
    record = state.load(path).get("trust", {}).get(name)
    with contextlib.suppress(AttributeError, TypeError, ValueError):
        return bytes.fromhex(record["sign_public"])
    return None
