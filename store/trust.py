"""Each admin's own record of the newest store they have verified, kept *outside* it.

Why outside: a file copied back from ``backups/`` carries its whole header with it, so
nothing inside the store can tell that it is older than the one last used. The record
lives in the state file beside the store (``<store>.state``, key ``trust``), one per
admin, and is authenticated with an HMAC under a key only that admin's passphrase yields
(derived from their slot's Argon2id KEK), so nobody else can forge or move it forward.
It pins the newest generation and the signing key that admin has verified.

A missing or unverifiable record is reported (a warning at unlock) and a new one made;
it is never trusted. An older generation than the record's is refused as a rollback, and
a file whose signing key the record's key does not reach is refused as tampered.
"""

from __future__ import annotations

import contextlib
import hmac
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from store import signing, state, vouchers
from store.crypto import SlotKeys
from store.errors import StoreDamaged, StoreRollback, StoreTampered
from store.format import Header
from store.models import StoreWarning

MISSING = StoreWarning(
    "trust_missing",
    "kiosk has no record on this machine of the newest store you opened, so it cannot "
    "tell whether this file is older than the one you last used. A new record was made.",
)
DAMAGED = StoreWarning(
    "trust_damaged",
    "Your record of the newest store you opened here has been changed or damaged (or your "
    "passphrase was changed on another machine). A new record was made.",
)
FORKED = (
    "The store file is signed by a key that the store you last opened here does not lead "
    "to: it was written from an old copy, by someone who has lost access (or by a restore "
    "you did not make). It has been left exactly as it was; restore a good generation "
    "with kiosk restore."
)
VOUCHED = StoreWarning(
    "trust_vouched",
    "The store was restored from an older generation by another admin, who could not "
    "carry the newest signing key forward; their voucher for the new key was checked "
    "against the admins you last saw here.",
)
DOWNGRADED = (
    "The store file is in the old unsigned format although you last opened a signed one "
    "here: it was replaced. It has been left exactly as it was."
)


MAX_PLAUSIBLE = 2**40  # generations: a million saves a day for three thousand years


def _records(doc: dict[str, Any]) -> dict[str, Any]:
    table = doc.get("trust")
    if not isinstance(table, dict):
        table = {}
        doc["trust"] = table
    return table


def read(store_path: Path, name: str, keys: SlotKeys) -> tuple[dict[str, Any] | None, bool]:
    """(record, authentic): (None, False) when there is none."""
    record = _records(state.load(store_path)).get(name)
    if not isinstance(record, dict):
        return None, False
    mac = record.get("mac")
    ok = isinstance(mac, str) and hmac.compare_digest(
        mac, signing.record_mac(keys.record_key, record)
    )
    return record, ok


def check(
    store_path: Path,
    header: Header,
    name: str,
    keys: SlotKeys,
    private: X25519PrivateKey | None = None,
) -> list[StoreWarning]:
    """Compare the file just opened with the admin's record. StoreRollback if it is older;
    StoreDamaged if it went back to the unsigned format, or if it is signed by a key the
    recorded one does not reach through the rotation certificates (a fork from an old
    copy: a removed admin's old slot still vouches for the old key, so only the record
    can tell) unless an admin the record lists vouches for it to this admin's slot
    (``private``; see :mod:`store.vouchers`); warnings otherwise. The record is never
    moved here."""
    record, ok = read(store_path, name, keys)
    if record is None:
        return [MISSING]
    if not ok or record.get("store_id") != header.store_id:
        return [DAMAGED]
    generation = record.get("generation")
    if isinstance(generation, int) and generation > header.generation:
        raise StoreRollback(_when(record.get("seen")))
    sign_hex = record.get("sign_public")
    if isinstance(sign_hex, str) and sign_hex:
        if header.version < 2:
            raise StoreDamaged(DOWNGRADED)
        try:
            pinned = bytes.fromhex(sign_hex)
        except ValueError:
            return [DAMAGED]
        if not signing.reaches(header.rotations, header.store_id, pinned, header.sign_public):
            recorded = generation if isinstance(generation, int) else 0
            if private is not None and vouchers.vouched(header, private, _admins(record), recorded):
                return [VOUCHED]
            raise StoreTampered(FORKED)
    return []


def _admins(record: dict[str, Any]) -> set[bytes]:
    """The slots (public keys) of the store this record was last moved to."""
    listed = record.get("admins")
    out: set[bytes] = set()
    if isinstance(listed, list):
        for item in listed:
            if isinstance(item, str):
                with contextlib.suppress(ValueError):
                    out.add(bytes.fromhex(item))
    return out


def check_restore(store_path: Path, header: Header, name: str, keys: SlotKeys) -> None:
    """Before a damaged store is restored from ``header``: StoreTampered when it is signed
    by a key the admin's record does not lead to yet is not older than the record. A
    retired key signed only generations from before its rotation, so older than every
    file the record has seen since; a newer one under it is a removed admin's fork."""
    record, ok = read(store_path, name, keys)
    if record is None or not ok or record.get("store_id") != header.store_id:
        return
    generation, sign_hex = record.get("generation"), record.get("sign_public")
    if not isinstance(generation, int) or not isinstance(sign_hex, str) or not sign_hex:
        return
    try:
        pinned = bytes.fromhex(sign_hex)
    except ValueError:
        return
    if header.generation >= generation and not signing.reaches(
        header.rotations, header.store_id, pinned, header.sign_public
    ):
        raise StoreTampered(FORKED)


def _when(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def newest_generation(store_path: Path, name: str, keys: SlotKeys) -> int:
    """The generation in this admin's authentic record (0 without one)."""
    record, ok = read(store_path, name, keys)
    if record is None or not ok or not isinstance(record.get("generation"), int):
        return 0
    generation: int = record["generation"]
    return generation


def highest_recorded(store_path: Path) -> int:
    """The highest generation any admin's record beside the store names (MACs unchecked:
    only to keep a restore's number above every record's, so that no admin's record
    calls the restored store older; absurd numbers are ignored)."""
    numbers = [
        r["generation"]
        for r in _records(state.load(store_path)).values()
        if isinstance(r, dict)
        and isinstance(r.get("generation"), int)
        and not isinstance(r.get("generation"), bool)
        and 0 <= r["generation"] <= MAX_PLAUSIBLE
    ]
    return max(numbers, default=0)


def write(doc: dict[str, Any], header: Header, name: str, keys: SlotKeys, when: str) -> None:
    """Move ``name``'s record forward to ``header`` (never back). Callers hold the lock."""
    table = _records(doc)
    old = table.get(name)
    if (
        isinstance(old, dict)
        and isinstance(old.get("generation"), int)
        and old.get("store_id") == header.store_id
        and old["generation"] > header.generation
        and hmac.compare_digest(str(old.get("mac")), signing.record_mac(keys.record_key, old))
    ):
        return
    record: dict[str, Any] = {
        "store_id": header.store_id,
        "generation": header.generation,
        "sign_public": header.sign_public.hex(),
        "admins": sorted(s.public.hex() for s in header.slots),
        "seen": when,
    }
    record["mac"] = signing.record_mac(keys.record_key, record)
    table[name] = record


def forget(doc: dict[str, Any], name: str) -> None:
    _records(doc).pop(name, None)
