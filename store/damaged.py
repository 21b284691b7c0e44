"""Restoring a generation when the store file itself cannot be opened.

Why apart from :mod:`store.store`: this is the one way in that starts from a file other
than the store, so it carries the checks that keep removal final when the store is
damaged (issue 12, P3): the generation must be signed by a key the restoring admin's
record leads to and listed in the lineage of the newest *genuine* header (so a fake old
generation under a retired key is refused), the ways in are taken from that header (never
a removed admin's fork with a higher number, see :mod:`store.lineage`), and nobody the
state file says lost access comes back. The restore always goes forward: a new, higher generation
with an audit entry, and the damaged file kept byte for byte under another name.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from store import files, lineage, mirror, signing, state, trust, vouchers
from store import format as store_format
from store.crypto import (
    SlotKeys,
    SlotLocked,
    SlotTampered,
    derive_kek,
    normalize_recovery_code,
    open_slot,
    passphrase_secret,
    recovery_secret,
    wipe,
)
from store.errors import (
    AdminRemoved,
    OtherStore,
    SaveFailed,
    StoreDamaged,
    StoreError,
    StoreTampered,
    WrongPassphrase,
)
from store.format import Header, Parsed, parse, peek_header
from store.keyslots import KeysMixin
from store.layout import Slot
from store.models import Generation, StoreWarning
from store.opening import (
    NOT_IN_LINEAGE,
    RECOVERY_SLOT,
    TAMPERED,
    Clock,
    _find_admin_slot,
    _open_parsed,
    _Opened,
    _read_file,
    check_signature,
    check_slot,
    list_generations,
    newest_signer,
)

RecordFailure = Callable[[str], None]  # count a failed attempt for this slot name


def identities(path: Path) -> set[str]:
    """Which store lives at ``path``, as far as anything beside it (or this machine) can
    tell when the store file itself does not open: its header if that still reads, every
    generation in ``backups/`` whose signature verifies, the admins' records in the state
    file and this machine's mirrors for this location (:mod:`store.mirror`). Empty when
    nothing tells (a new machine, everything lost): then any store may be restored here.

    Why: a restore over a damaged store must put back *this* store, not another that the
    same name and passphrase happen to open (the admin's test store, another home's)."""
    found: set[str] = set()
    with contextlib.suppress(StoreError, OSError):
        found.add(peek_header(path)[0].store_id)
    for candidate in lineage.store_and_generations(path)[1:]:
        with contextlib.suppress(StoreError, OSError, ValueError):
            parsed = parse(_read_file(candidate, store_format.MAX_FILE)[0])
            check_signature(parsed)
            found.add(parsed.header.store_id)
    records = state.load(path).get("trust")
    if isinstance(records, dict):
        found.update(
            r["store_id"]
            for r in records.values()
            if isinstance(r, dict) and isinstance(r.get("store_id"), str)
        )
    found.update(mirror.store_ids(path))
    return found


def slot_edited(path: Path, opened: Slot) -> bool:
    """Is the store file at ``path`` one whose slot of the admin restoring has the key
    pair of ``opened`` (the generation's slot that their passphrase just opened) but
    another salt or other Argon2id settings? Then it was edited (issue 12, P5): no save
    moves a key pair to new settings (a new passphrase makes a new key pair), and only
    the passphrase's holder can wrap the private key under it. Such a file is damage
    and may be restored over, with no passphrase tried on it (and no failed try
    counted). Keyless: the header only."""
    with contextlib.suppress(StoreError, OSError):
        current = peek_header(path)[0].slot(opened.name)
        return (
            current is not None
            and current.public == opened.public
            and (current.salt, current.kdf) != (opened.salt, opened.kdf)
        )
    return False


def newest_restorable(path: Path) -> Generation | None:
    """The generation in ``backups/`` to offer for a restore when the store at ``path`` is
    missing or will not open; None when there is none. Keyless, so it checks what can be
    checked without a passphrase: the file's signature verifies (a planted copy of a
    header with an edited number does not), its name's number is its header's, it is of
    this store when that can be told (this machine's records for this location, else the
    store file's header), and no other verified file shows its key was rotated away (a
    removed admin's fork with a high number). The restore itself checks the rest."""
    offered = {g.path: g for g in list_generations(path) if g.ok}
    if not offered:
        return None
    # this machine's records first: they are out of reach of whoever wrote the folder
    known = mirror.store_ids(path)
    store_id = next(iter(known)) if len(known) == 1 else None
    if store_id is None:
        with contextlib.suppress(StoreError, OSError):
            store_id = peek_header(path)[0].store_id
    checked = [
        g.path
        for g in offered.values()
        if (mark := lineage.file_mark(g.path)) is not None and mark[0] == g.generation
    ]
    found = lineage.newest_genuine(checked, None, store_id)
    return None if found is None else offered[found[0]]


@dataclass(slots=True)
class Prepared:
    """A generation that may be restored over the damaged store, opened by this admin
    (see :func:`prepare`); :func:`finish` writes it."""

    header: Header
    slot: Slot
    private: X25519PrivateKey
    keys: SlotKeys
    opened: _Opened
    notes: list[StoreWarning]
    newest: Header | None  # the newest genuine header beside the store
    newest_mark: tuple[int, str] | None  # its (generation, digest)


def prepare(
    path: Path,
    gen_path: Path,
    admin: str,
    passphrase: str,
    record_failure: RecordFailure,
) -> Prepared:
    """Open the generation at ``gen_path`` for a restore over the damaged store at
    ``path`` and run every check that does not need the store lock.

    WrongPassphrase (counted through ``record_failure``), StoreDamaged, StoreTampered
    (a fork, or an old file that no genuine header lists), OtherStore (another store's
    file: :func:`identities`) or AdminRemoved. Whether the
    store is really damaged is the caller's check (:meth:`store.Store.restore_damaged`).
    """
    raw, _ = _read_file(gen_path)
    try:
        parsed = parse(raw)
        check_signature(parsed)
    except StoreDamaged:
        raise StoreDamaged("That generation is damaged too.", list_generations(path)) from None
    header = parsed.header
    known = identities(path)
    if known and header.store_id not in known:
        raise OtherStore()
    if admin == RECOVERY_SLOT:
        normalized = normalize_recovery_code(passphrase)
        slot = header.slot(RECOVERY_SLOT) if normalized else None
        secret = recovery_secret(normalized) if normalized else b"-"
    else:
        slot = _find_admin_slot(header, admin)
        secret = passphrase_secret(passphrase)
    # A wrong passphrase here is a failed unlock like any other (the throttle and the
    # audit log count it), recorded beside the store, not the generation.
    if slot is None:
        wipe(derive_kek(secret, os.urandom(16), header.slots[0].kdf))
        record_failure("")
        raise WrongPassphrase()
    try:
        private, keys = open_slot(header.store_id, slot, secret)
    except SlotLocked:
        if trust.settings_edited(path, header, slot, secret):
            raise StoreTampered(trust.SETTINGS_EDITED, list_generations(path)) from None
        record_failure(slot.name)
        raise WrongPassphrase() from None
    except SlotTampered:
        raise StoreDamaged(TAMPERED, list_generations(path)) from None
    try:
        notes = check_slot(header, slot)
        trust.check_restore(path, header, slot.name, keys)
        opened = _open_parsed(parsed, slot.name, private, {})
    except StoreDamaged as exc:
        keys.wipe()
        raise type(exc)(exc.message, list_generations(path)) from None
    pinned = trust.pinned_key(path, header.store_id, slot.name, keys)
    found = lineage.newest_genuine(lineage.store_and_generations(path), pinned, header.store_id)
    newest = None if found is None else found[1]
    newest_mark = lineage.file_mark(found[0]) if found is not None else None
    if newest is not None and not _on_lineage(newest, parsed):
        keys.wipe()
        raise StoreTampered(NOT_IN_LINEAGE, list_generations(path))
    doc = state.load(path)
    current = newest.slot(slot.name) if newest is not None else None
    if (
        (newest is not None and newest.store_id == header.store_id and current is None)
        or (slot.name == RECOVERY_SLOT and current is not None and current.public != slot.public)
        or (slot.name != RECOVERY_SLOT and state.was_removed(doc, slot.name))
        or (slot.name == RECOVERY_SLOT and state.recovery_retired(doc, slot.public.hex()))
    ):
        keys.wipe()
        raise AdminRemoved()

    return Prepared(header, slot, private, keys, opened, notes, newest, newest_mark)


def finish(store: KeysMixin, prep: Prepared, clock: Clock) -> None:
    """Write the restore (``store`` was built from ``prep``): a new, higher generation
    with the newest signing key carried forward or vouched for, the ways in of the
    newest genuine header, and the damaged file renamed byte for byte."""
    path, header, newest = store.path, prep.header, prep.newest
    slot, private = prep.slot, prep.private
    with store._rlock, store._hold_lock():
        detail = f"generation {header.generation}"
        carried = newest_signer(path, header, slot.name, private)
        if carried is not None:
            store._sign, rotations = carried
            store._header = replace(store._header, rotations=rotations)
        elif newest is not None and newest.sign_public != header.sign_public:
            # No later file opens for this admin: the restored key is not one the newest
            # file's chain leads to. The vouchers below let the other admins accept it.
            detail += "; the newest signing key could not be carried forward"
        current_generation = 0
        if path.exists():
            with contextlib.suppress(StoreError):
                current_generation = peek_header(path)[0].generation
            _keep_replaced(store)
            _set_aside(path, clock().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
        top = _next_number(store, prep, current_generation)
        store._header = replace(
            store._header,
            generation=top,
            lineage=lineage.merged(
                header.lineage,
                newest.lineage if newest is not None else None,
                extra=(prep.newest_mark,) if prep.newest_mark is not None else (),
            ),
        )
        _drop_slots_missing_from(store, newest)
        if carried is None:
            _vouch(store, header, private)
        store._append_audit(store.admin, "store.restore_damaged", None, None, detail)
        store._save()


def _next_number(store: KeysMixin, prep: Prepared, current_generation: int) -> int:
    """The generation a restore numbers from (its save is this + 1).

    Only what is proven may move it (review of 2 December): the restored header, this
    admin's own MAC-verified record, and the genuine generations in ``backups/``. A
    record nobody can verify (another admin's, or one planted in the state file) moved
    it once to 2**40, after which no later generation counted as genuine and pruning
    stopped for good; so other records are not asked. The damaged file's own number
    (its header may still read) is unverified too: it counts only a little above the
    proven ones (a damaged genuine file is the save after the newest backup), so that a
    genuine number is not reused. Never past :data:`store.lineage.MAX_GENERATION`."""
    path, header, newest = store.path, prep.header, prep.newest
    proven = max(
        [
            header.generation,
            trust.newest_generation(path, header.store_id, prep.slot.name, prep.keys),
        ]
        + [n for n, _ in lineage.genuine_generations(path, newest or header)]
    )
    if proven < current_generation <= proven + UNPROVEN_SLACK:
        proven = current_generation
    return min(proven, lineage.MAX_GENERATION - 1)


UNPROVEN_SLACK = 16  # how far a damaged file's own (unverifiable) number may lead


def _set_aside(path: Path, stamp: str) -> None:
    """Rename the file a restore replaces to ``<store>.damaged-<stamp>``, or with ``-2``,
    ``-3``... when that name is taken: two restores in the same second (two admins at
    two screens) must not rename over the damaged file the first one set aside. The lock
    is held, so no other kiosk takes the name between the check and the rename."""
    for n in range(1, 10_000):
        target = path.with_name(f"{path.name}.damaged-{stamp}" + (f"-{n}" if n > 1 else ""))
        if not os.path.lexists(target):
            os.rename(path, target)
            return
    raise SaveFailed("The damaged store file could not be set aside; nothing was restored.")


def _vouch(store: KeysMixin, restored: Header, private: X25519PrivateKey) -> None:
    """The restore could not carry the newest signing key forward (no later file opens
    for this admin), so another admin's record may name a key that does not lead to the
    restored one. Sign from now on with a fresh key (the restored one may be held by a
    removed admin), and vouch for it to every other slot (:mod:`store.vouchers`)."""
    if store._sign_public() == restored.sign_public:
        store._rotate_signing()
    h = store._header
    saved_as = h.generation + 1  # what store._save numbers it (the number was set above)
    made = vouchers.make(private, h.store_id, store._sign_public(), saved_as, h.slots)
    store._header = replace(h, vouchers=made)


def _keep_replaced(store: KeysMixin) -> None:
    """Keep the file a restore replaces as a generation when it is a genuine one (a copy
    put back by hand) whose number ``backups/`` lacks: a restore never loses a state
    signed with the newest key. Damaged files, and files signed with an older key (a
    removed admin's fork looks like that), are only renamed."""
    with contextlib.suppress(StoreError, OSError):
        parsed = parse(_read_file(store.path)[0])
        check_signature(parsed)
        h = parsed.header
        if (
            h.version >= 2
            and h.store_id == store._header.store_id
            and h.sign_public == store._sign_public()
        ):
            files.keep_generation(store.path, h.generation)


def _drop_slots_missing_from(store: KeysMixin, newest: Header | None) -> None:
    """No restore brings back a way in that the newest readable header lacks, nor one the
    state beside the store says was taken away (a removed admin, a replaced recovery
    code): such slots are dropped, then the data and signing keys are rotated (lock
    held)."""
    doc = state.load(store.path)
    header = store._header
    if newest is not None and newest.store_id == header.store_id:
        wanted = {(s.name, s.public) for s in newest.slots}
    else:
        wanted = {(s.name, s.public) for s in header.slots}
    kept = tuple(
        s
        for s in header.slots
        if (s.name, s.public) in wanted
        and not (s.name != RECOVERY_SLOT and state.was_removed(doc, s.name))
        and not (s.name == RECOVERY_SLOT and state.recovery_retired(doc, s.public.hex()))
    )
    if newest is None or newest.store_id != header.store_id:
        newest = header
    if newest.version >= 2:
        shown = tuple(n for n in newest.recovery_shown if header.slot(n) is not None)
        store._header = replace(header, recovery_shown=shown)
    if len(kept) != len(store._header.slots):
        store._rotated(kept)
        if kept and all(s.name != RECOVERY_SLOT for s in kept):
            store.warnings.append(
                StoreWarning(
                    "recovery_missing",
                    "The restored store has no recovery key (the one it held had been "
                    "replaced): make a new one from the Admins screen.",
                )
            )


def _on_lineage(newest: Header, restored: Parsed) -> bool:
    """Is the file to restore genuine, judged by the newest genuine header beside the
    store (see :mod:`store.lineage`)? Either that header vouches for it, or it is a
    later file of the same store whose rotation certificates lead on from that header's
    key (a backup newer than everything left in ``backups/``)."""
    h = restored.header
    if h.store_id != newest.store_id:
        return True  # another store's file: the slot checks refuse it
    return lineage.vouches(newest, h, restored.digest) or (
        h.version >= 2
        and h.generation > newest.generation
        and signing.reaches(h.rotations, h.store_id, newest.sign_public, h.sign_public)
    )
