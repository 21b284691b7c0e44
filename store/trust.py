"""Each admin's own record of the newest store they have verified, kept *outside* it.

Why outside: a file copied back from ``backups/`` carries its whole header with it, so
nothing inside the store can tell that it is older than the one last used. The record
lives in the state file beside the store (``<store>.state``, key ``trust``), one per
admin, and is authenticated with an HMAC under a key only that admin's passphrase yields
(derived from their slot's Argon2id KEK), so nobody else can forge or move it forward.
It pins the newest generation and the signing key that admin has verified.

The same record is mirrored outside the store's folder (:mod:`store.mirror`), because
whoever can write the folder can copy back an old store together with its old state
file. The newest authentic record of the two wins. A missing mirror is made again from
an authentic record; a mirror (or state record) that fails its MAC is reported at unlock
and only then replaced. A missing or unverifiable record is reported (a warning at
unlock) and a new one made; it is never trusted. An older generation than the record's
is refused as a rollback, and a file whose signing key the record's key does not reach
is refused as tampered.
"""

from __future__ import annotations

import contextlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from store import mirror, signing, state, vouchers
from store.crypto import SlotKeys, derive_kek, slot_keys
from store.errors import StoreDamaged, StoreRollback, StoreTampered
from store.format import Header
from store.layout import Slot
from store.models import KdfParams, StoreWarning

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
MIRROR_DAMAGED = StoreWarning(
    "trust_mirror_damaged",
    "This machine's own copy of your record of the newest store you opened (kept outside "
    "the store's folder) has been changed or damaged. A new one was made.",
)
RESTORED = StoreWarning(
    "trust_restored",
    "Your record of the newest store you opened was missing from beside the store; it "
    "was made again from this machine's own copy.",
)
DOWNGRADED = (
    "The store file is in the old unsigned format although you last opened a signed one "
    "here: it was replaced. It has been left exactly as it was."
)


SETTINGS_EDITED = (
    "The store file was changed outside kiosk: your key slot's salt or Argon2id settings "
    "are not the ones your own record of this store names, and your passphrase opens that "
    "record. This is tampering, not a wrong passphrase. It has been left exactly as it "
    "was; restore a good generation with kiosk restore."
)
MAX_SETTINGS_TRIES = 2  # distinct (salt, settings) pairs tried from records: Argon2id each

MAX_PLAUSIBLE = 2**40  # generations: a million saves a day for three thousand years


def _records(doc: dict[str, Any]) -> dict[str, Any]:
    table = doc.get("trust")
    if not isinstance(table, dict):
        table = {}
        doc["trust"] = table
    return table


def _authentic(record: Any, keys: SlotKeys, store_id: str) -> bool:
    if not isinstance(record, dict) or record.get("store_id") != store_id:
        return False
    mac = record.get("mac")
    return isinstance(mac, str) and hmac.compare_digest(
        mac, signing.record_mac(keys.record_key, record)
    )


def _generation(record: dict[str, Any]) -> int:
    value = record.get("generation")
    return value if isinstance(value, int) and not isinstance(value, bool) else -1


@dataclass(frozen=True, slots=True)
class Found:
    """An admin's records of one store: the newest authentic one (or None) and what was
    wrong with either copy (``None``: no record there; ``False``: one that fails)."""

    record: dict[str, Any] | None
    beside: bool | None  # the record in the state file beside the store
    mirrored: bool | None  # the record in this machine's mirror

    def notes(self) -> list[StoreWarning]:
        if self.record is None and not (self.beside is False or self.mirrored is False):
            return [MISSING]
        out = []
        if self.beside is False:
            out.append(DAMAGED)
        elif self.beside is None and self.mirrored:
            out.append(RESTORED)
        if self.mirrored is False:
            out.append(MIRROR_DAMAGED)
        return out


def find(store_path: Path, store_id: str, name: str, keys: SlotKeys) -> Found:
    """Both copies of ``name``'s record of the store ``store_id`` at ``store_path``."""
    candidates = (
        _records(state.load(store_path)).get(name),
        mirror.records(mirror.load(store_path, store_id)).get(name),
    )
    verdicts = [None if r is None else _authentic(r, keys, store_id) for r in candidates]
    good: list[dict[str, Any]] = [
        r for r, ok in zip(candidates, verdicts, strict=True) if ok and isinstance(r, dict)
    ]
    best = max(good, key=_generation, default=None)
    return Found(best, verdicts[0], verdicts[1])


def check(
    store_path: Path,
    header: Header,
    name: str,
    keys: SlotKeys,
    private: X25519PrivateKey | None = None,
) -> list[StoreWarning]:
    """Compare the file just opened with the admin's newest authentic record (beside the
    store or mirrored). StoreRollback if it is older;
    StoreDamaged if it went back to the unsigned format, or if it is signed by a key the
    recorded one does not reach through the rotation certificates (a fork from an old
    copy: a removed admin's old slot still vouches for the old key, so only the record
    can tell) unless an admin the record lists vouches for it to this admin's slot
    (``private``; see :mod:`store.vouchers`); warnings otherwise. The record is never
    moved here."""
    found = find(store_path, header.store_id, name, keys)
    notes = found.notes()
    record = found.record
    if record is None:
        return notes
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
            return [*notes, DAMAGED]
        if not signing.reaches(header.rotations, header.store_id, pinned, header.sign_public):
            recorded = generation if isinstance(generation, int) else 0
            removed = removed_at(store_path, header.store_id)
            if private is not None and vouchers.vouched(
                header, private, _admins(record), recorded, removed
            ):
                return [*notes, VOUCHED]
            raise StoreTampered(FORKED)
    return notes


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


def named_settings(record: Any) -> tuple[bytes, KdfParams] | None:
    """The salt and Argon2id settings a record names (None for an older record, or one
    whose settings are out of bounds: an edited record never asks for an absurd run)."""
    if not isinstance(record, dict):
        return None
    settings = record.get("kdf")
    if not isinstance(settings, list) or len(settings) != 3:
        return None
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in settings):
        return None
    try:
        salt = bytes.fromhex(str(record["salt"]))
        return salt, KdfParams(settings[0], settings[1], settings[2])
    except (KeyError, TypeError, ValueError):
        return None


def settings_edited(store_path: Path, header: Header, slot: Slot, secret: bytes) -> bool:
    """The passphrase did not open ``slot``: was the slot's salt or Argon2id settings
    edited (issue 12, P5)? True when one of this admin's records (beside the store or
    mirrored) names other settings, its MAC verifies under the key ``secret`` yields with
    *those* settings (so the passphrase is right: only it makes that MAC), and the file's
    signer is not one the record's pinned key leads to (a current admin changing their
    passphrase signs with the store's key; a forger re-signs with a key of their own).

    Asked only after the slot refused the passphrase, so an ordinary unlock costs
    nothing more; at most :data:`MAX_SETTINGS_TRIES` extra Argon2id runs, with settings
    inside the bounds of :class:`KdfParams`."""
    candidates = (
        _records(state.load(store_path)).get(slot.name),
        mirror.records(mirror.load(store_path, header.store_id)).get(slot.name),
    )
    tried: set[tuple[bytes, KdfParams]] = set()
    for record in candidates:
        named = named_settings(record)
        if (
            not isinstance(record, dict)
            or record.get("store_id") != header.store_id
            or named is None
            or named == (slot.salt, slot.kdf)
            or named in tried
            or len(tried) >= MAX_SETTINGS_TRIES
        ):
            continue
        tried.add(named)
        keys = slot_keys(derive_kek(secret, *named), header.store_id, slot.name)
        try:
            authentic = _authentic(record, keys, header.store_id)
        finally:
            keys.wipe()
        if not authentic:
            continue
        try:
            pinned = bytes.fromhex(str(record.get("sign_public", "")))
        except ValueError:
            pinned = b""
        if (
            header.version >= 2
            and pinned
            and signing.reaches(header.rotations, header.store_id, pinned, header.sign_public)
        ):
            continue  # a genuine change made with the store's own key
        if slot.public not in _admins(record):
            # Not the key pair the record saw: this admin's slot from before a passphrase
            # change, brought back by a restore (its old passphrase opens it), so other
            # settings prove nothing. A forger who also swaps the slot's key gains only a
            # "wrong passphrase" here, never an opened slot.
            continue
        return True
    return False


def check_restore(store_path: Path, header: Header, name: str, keys: SlotKeys) -> None:
    """Before a damaged store is restored from ``header``: StoreTampered when it is signed
    by a key the admin's record does not lead to yet is not older than the record. A
    retired key signed only generations from before its rotation, so older than every
    file the record has seen since; a newer one under it is a removed admin's fork."""
    record = find(store_path, header.store_id, name, keys).record
    if record is None:
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


def pinned_key(store_path: Path, store_id: str, name: str, keys: SlotKeys) -> bytes | None:
    """The signing key in ``name``'s newest authentic record (None without one)."""
    record = find(store_path, store_id, name, keys).record
    if record is None:
        return None
    with contextlib.suppress(TypeError, ValueError):
        return bytes.fromhex(record["sign_public"])
    return None


def _when(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def newest_generation(store_path: Path, store_id: str, name: str, keys: SlotKeys) -> int:
    """The generation in this admin's newest authentic record (0 without one)."""
    record = find(store_path, store_id, name, keys).record
    return max(0, _generation(record)) if record is not None else 0


def write(
    doc: dict[str, Any],
    store_path: Path,
    header: Header,
    name: str,
    keys: SlotKeys,
    when: str,
    *,
    replace_damaged: bool = False,
) -> None:
    """Move ``name``'s record forward to ``header`` (never back), in the state document
    ``doc`` (the caller saves it) and in this machine's mirror (saved here). A mirror
    record that fails its MAC is replaced only with ``replace_damaged`` (by the unlock
    that reported it, or with a new passphrase's keys): never silently. Callers hold
    the lock."""
    record: dict[str, Any] = {
        "store_id": header.store_id,
        "generation": header.generation,
        "sign_public": header.sign_public.hex(),
        "admins": sorted(s.public.hex() for s in header.slots),
        "seen": when,
    }
    own = header.slot(name)
    if own is not None:
        # the salt and Argon2id settings that ``keys`` came from, so that the record can be
        # checked from the passphrase alone (store.lineage.trusted_pin)
        record["salt"] = own.salt.hex()
        record["kdf"] = [own.kdf.memory_kib, own.kdf.iterations, own.kdf.lanes]
    record["mac"] = signing.record_mac(keys.record_key, record)
    table = _records(doc)
    if _may_replace(table.get(name), header, keys, replace=True):
        table[name] = record
    with contextlib.suppress(OSError):
        mirrored = mirror.load(store_path, header.store_id)
        kept = mirror.records(mirrored)
        old = kept.get(name)
        if old != record and _may_replace(old, header, keys, replace=replace_damaged):
            kept[name] = record
            mirror.save(store_path, header.store_id, mirrored)


def _may_replace(old: Any, header: Header, keys: SlotKeys, *, replace: bool) -> bool:
    """May a record for ``header`` take the place of ``old``? Not when ``old`` is an
    authentic record of a newer generation (records never go back), nor when it fails
    its MAC and ``replace`` is False."""
    if old is None:
        return True
    if not _authentic(old, keys, header.store_id):
        return replace or not isinstance(old, dict) or old.get("store_id") != header.store_id
    return _generation(old) <= header.generation


def forget(doc: dict[str, Any], store_path: Path, store_id: str, name: str) -> None:
    """Drop ``name``'s record beside the store (``doc``) and in this machine's mirror."""
    _records(doc).pop(name, None)
    with contextlib.suppress(OSError):
        mirrored = mirror.load(store_path, store_id)
        if mirror.records(mirrored).pop(name, None) is not None:
            mirror.save(store_path, store_id, mirrored)


# --- removals ------------------------------------------------------------------------
#
# The newest generation at which an admin was removed, beside the store and in this
# machine's mirror: a restore's voucher older than it counts for nothing (see
# store.vouchers). Unauthenticated, like the list of removed admins: a false, higher
# number only makes vouchers count for less, and the mirror is out of reach of someone
# who can write only the store's folder.


def _removal(doc: dict[str, Any]) -> int:
    value = doc.get("removed_at")
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_PLAUSIBLE:
        return value
    return 0


def note_removal(doc: dict[str, Any], store_path: Path, store_id: str, generation: int) -> None:
    """An admin is removed by the save numbered ``generation`` (``doc``: the state
    document, saved by the caller; the mirror is saved here). Lock held."""
    doc["removed_at"] = max(_removal(doc), generation)
    with contextlib.suppress(OSError):
        mirrored = mirror.load(store_path, store_id)
        mirrored["removed_at"] = max(_removal(mirrored), generation)
        mirror.save(store_path, store_id, mirrored)


def removed_at(store_path: Path, store_id: str) -> int:
    """The newest removal's generation known beside the store or on this machine."""
    return max(_removal(state.load(store_path)), _removal(mirror.load(store_path, store_id)))
