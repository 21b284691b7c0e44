"""The encrypted store: one file, a key slot per admin, transactions across processes.

A :class:`Store` is an unlocked store. It keeps in memory only what it needs to read
and save without asking for the passphrase again: the data key, this admin's slot
private key, the decrypted document and the last header it read or wrote. Argon2id
runs once per unlock, never per save.

Every change is a :meth:`Store.transaction`: take the ``<store>.lock`` file lock,
reload if another process saved since, apply, append audit entries, save atomically
(temp file, fsync, keep the previous file as a generation, ``os.replace``, fsync the
folder), release. An exception inside the transaction saves nothing and puts the
in-memory state back to what is on disk.

Opening (this module) is where issue 12's checks meet: the file's signature is checked
with its header's own key before any passphrase (:mod:`store.opening`); the passphrase
opens a slot whose pin must reach the file's signer (:mod:`store.signing`); the file must
not be older than this admin's record beside it (:mod:`store.trust`). The session then
moves its slot's pin and its record forward. The other seams: :mod:`store.transactions`
(saving), :mod:`store.keyslots` (who may open it), :mod:`store.generations` (backups),
:mod:`store.damaged` (restoring when the store itself cannot be opened).
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from store import damaged, files, peek, signing, state, trust
from store.change import Transaction
from store.crypto import (
    SlotKeys,
    SlotLocked,
    SlotTampered,
    derive_kek,
    new_data_key,
    new_recovery_code,
    new_slot,
    normalize_recovery_code,
    open_slot,
    passphrase_secret,
    recovery_secret,
    wipe,
    wrap_data_key,
)
from store.errors import (
    SaveFailed,
    StoreBusy,
    StoreDamaged,
    StoreError,
    StoreExists,
    StoreLocked,
    StoreMissing,
    StoreRollback,
    StoreTampered,
    WrongPassphrase,
)
from store.format import (
    Header,
    Parsed,
    new_store_id,
    now_iso,
)
from store.generations import GenerationsMixin
from store.keyslots import KeysMixin
from store.layout import Slot
from store.locking import FileLock
from store.models import (
    FailedUnlock,
    Generation,
    KdfParams,
    StoreWarning,
)
from store.opening import (
    AFTER_UNLOCK_TIMEOUT,
    AUDIT_TABLE,
    BODY_ENCODING,
    DEFAULT_LOCK_TIMEOUT,
    FAILURE_LOCK_TIMEOUT,
    RECOVERY_SLOT,
    TAMPERED,
    Clock,
    _check_new_name,
    _check_passphrase,
    _find_admin_slot,
    _open_parsed,
    _Opened,
    _parse_or_damaged,
    _read_store,
    _StatKey,
    _utcnow,
    check_slot,
    list_generations,
    newer_backup,
)

__all__ = ["AUDIT_TABLE", "DEFAULT_LOCK_TIMEOUT", "Store", "Transaction", "list_generations"]


def _refuse_edited_settings(path: Path, header: Header, slot: Slot, secret: bytes) -> None:
    """After a slot refused ``secret``: StoreTampered (not a wrong passphrase, and not
    counted as a failed try) when the admin's own record shows the slot's salt or Argon2id
    settings were edited (issue 12, P5; see :func:`store.trust.settings_edited`)."""
    if trust.settings_edited(path, header, slot, secret):
        raise StoreTampered(trust.SETTINGS_EDITED, list_generations(path))


class Store(KeysMixin, GenerationsMixin):
    """An unlocked encrypted store. Build one with :meth:`create`, :meth:`open` or
    :meth:`open_with_recovery`; never with the constructor."""

    path: Path
    admin: str
    warnings: list[str]
    pending_failures: list[FailedUnlock]

    # --- creating and opening ------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        admin: str,
        passphrase: str,
        *,
        kdf: KdfParams | None = None,
        now: Clock | None = None,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    ) -> tuple[Store, str]:
        """Create a new store and return it with its recovery code (show it once).

        The folder is created 0700 if missing; the file is written 0600. StoreExists
        if there is already a file at ``path``.
        """
        path = Path(path)
        name = _check_new_name(admin)
        secret = _check_passphrase(passphrase)
        kdf = kdf or KdfParams()
        clock = now or _utcnow
        if path.exists():
            raise StoreExists()
        files.ensure_private_dir(path.parent)

        store_id = new_store_id()
        created = now_iso(clock())
        data_key, key_id = new_data_key()
        sign = signing.new_signing_key()
        sign_public = signing.public_bytes(sign)
        admin_slot, private, keys = new_slot(store_id, name, created, secret, kdf, sign_public)
        code = new_recovery_code()
        normalized = normalize_recovery_code(code)
        assert normalized is not None
        recovery_slot, _, recovery_keys = new_slot(
            store_id, RECOVERY_SLOT, created, recovery_secret(normalized), kdf, sign_public
        )
        recovery_keys.wipe()
        slots = tuple(
            wrap_data_key(store_id, s, data_key, key_id) for s in (admin_slot, recovery_slot)
        )
        header = Header(
            store_id=store_id,
            generation=0,
            saved_at=created,
            saved_by=name,
            audit_length=0,
            audit_head="",
            key_id=key_id,
            body_nonce=b"\x00" * 12,
            compression=BODY_ENCODING,
            slots=slots,
            sign_public=sign_public,
            recovery_shown=(name,),
            lineage=(),
        )
        store = cls(
            path,
            name,
            header,
            private,
            _Opened(data_key, {}, {}, None, sign),
            None,
            keys,
            now=clock,
            lock_timeout=lock_timeout,
        )
        with store._rlock, store._hold_lock():
            if path.exists():
                keys.wipe()
                store._slot_keys = None  # nothing of this store may touch the other's state
                store.lock()
                raise StoreExists()
            store._append_audit(name, "store.create", None, None, "")
            store._save()
            doc = state.load(path)
            state.record_unlock(doc, name, now_iso(clock()), preselect=True)
            state.save(path, doc)
            store._remember()
        store.warnings = list(files.mode_warnings(path))
        return store, code

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        admin: str,
        passphrase: str,
        *,
        now: Clock | None = None,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    ) -> Store:
        """Unlock with an admin's name and passphrase.

        WrongPassphrase for an unknown name or a wrong passphrase alike (the failed
        attempt is recorded for the next successful unlock's audit and for the UI's
        throttle); StoreDamaged (file untouched, generations listed); StoreMissing;
        UnknownFormat.
        """
        path = Path(path)
        clock = now or _utcnow
        raw, stat = _read_store(path)
        parsed = _parse_or_damaged(raw, path)
        slot = _find_admin_slot(parsed.header, admin)
        secret = passphrase_secret(passphrase)
        if slot is None:
            # Spend the same time as a real attempt: the answer must not depend on
            # whether the name exists.
            wipe(derive_kek(secret, os.urandom(16), parsed.header.slots[0].kdf))
            cls._record_failure(path, "", clock, lock_timeout)
            raise WrongPassphrase()
        try:
            private, keys = open_slot(parsed.header.store_id, slot, secret)
        except SlotLocked:
            _refuse_edited_settings(path, parsed.header, slot, secret)
            cls._record_failure(path, slot.name, clock, lock_timeout)
            raise WrongPassphrase() from None
        except SlotTampered:
            raise StoreDamaged(TAMPERED, list_generations(path)) from None
        return cls._finish_open(path, parsed, stat, slot, (private, keys), clock, lock_timeout)

    @classmethod
    def open_with_recovery(
        cls,
        path: str | os.PathLike[str],
        code: str,
        *,
        now: Clock | None = None,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    ) -> Store:
        """Unlock with the recovery code (dashes, spaces and case do not matter).

        ``admin`` of the returned store is :data:`RECOVERY_SLOT`; the usual next step is
        ``change_passphrase`` or ``add_admin`` and then ``regenerate_recovery``.
        """
        path = Path(path)
        clock = now or _utcnow
        raw, stat = _read_store(path)
        parsed = _parse_or_damaged(raw, path)
        slot = parsed.header.slot(RECOVERY_SLOT)
        normalized = normalize_recovery_code(code)
        if slot is None or normalized is None:
            wipe(derive_kek(b"-", os.urandom(16), parsed.header.slots[0].kdf))
            cls._record_failure(path, RECOVERY_SLOT, clock, lock_timeout)
            raise WrongPassphrase("That recovery code does not unlock this store.")
        try:
            private, keys = open_slot(parsed.header.store_id, slot, recovery_secret(normalized))
        except SlotLocked:
            _refuse_edited_settings(path, parsed.header, slot, recovery_secret(normalized))
            cls._record_failure(path, RECOVERY_SLOT, clock, lock_timeout)
            raise WrongPassphrase("That recovery code does not unlock this store.") from None
        except SlotTampered:
            raise StoreDamaged(TAMPERED, list_generations(path)) from None
        return cls._finish_open(path, parsed, stat, slot, (private, keys), clock, lock_timeout)

    @classmethod
    def _finish_open(
        cls,
        path: Path,
        parsed: Parsed,
        stat: _StatKey,
        slot: Slot,
        opened_slot: tuple[X25519PrivateKey, SlotKeys],
        clock: Clock,
        lock_timeout: float,
    ) -> Store:
        """The passphrase was right: check that the slot vouches for the file's signer
        (P1) and that the file is not older than this admin's records (P2) nor than a
        genuine generation in ``backups/`` (a copy-back that brought its old state file
        along), decrypt."""
        private, keys = opened_slot
        try:
            for _attempt in range(5):
                notes = check_slot(parsed.header, slot)
                try:
                    notes += trust.check(path, parsed.header, slot.name, keys, private)
                    ahead = newer_backup(path, parsed.header)
                    if ahead is not None:
                        raise StoreRollback(datetime.fromisoformat(ahead.saved_at))
                    break
                except StoreRollback:
                    # Another session of this admin may have saved (and moved the record
                    # on) since the file was read: read it again before calling it old.
                    raw, stat = _read_store(path)
                    newer = _parse_or_damaged(raw, path)
                    again = newer.header.slot(slot.name)
                    if (
                        newer.header.generation <= parsed.header.generation
                        or again is None
                        or (again.salt, again.public) != (slot.salt, slot.public)
                        or (
                            again.pinned
                            and not signing.pin_ok(keys.pin_key, newer.header.store_id, again)
                        )
                    ):
                        raise
                    parsed, slot = newer, again
            opened = _open_parsed(parsed, slot.name, private, {})
        except StoreRollback as exc:
            keys.wipe()
            raise StoreRollback(exc.last_used, list_generations(path)) from None
        except StoreDamaged as exc:
            keys.wipe()
            raise type(exc)(exc.message, list_generations(path)) from None
        store = cls(
            path,
            slot.name,
            parsed.header,
            private,
            opened,
            stat,
            keys,
            now=clock,
            lock_timeout=lock_timeout,
        )
        store._after_unlock(notes)
        return store

    def _after_unlock(self, notes: list[StoreWarning] | None = None) -> None:
        """Move failed attempts into the audit log, pin this admin's slot to the current
        signing key, note this unlock and this admin's trust record in the sidecar.

        Only a pending failure or a slot to pin (after a key rotation or an upgrade from
        format 1) causes a save: a plain unlock must not use up one of the ten
        generations kept in ``backups/``.
        """
        self.warnings = [*files.mode_warnings(self.path), *(notes or [])]
        when = now_iso(self._now())
        try:
            with self._rlock, self._hold_lock(min(self._lock_timeout, AFTER_UNLOCK_TIMEOUT)):
                doc = state.load(self.path)
                pending = state.failures(doc)
                unlisted = max(0, state.failure_count(doc) - len(pending))
                own = self._header.slot(self.admin)
                stale = own is not None and (
                    self._header.version < 2 or own.pin_public != signing.public_bytes(self._sign)
                )
                # The recovery code was just used, and nobody knows by whom: from now on it
                # counts as seen by every admin, so removing any of them replaces it (P3),
                # even if this session ends without changing anything.
                everyone = tuple(s.name for s in self._header.slots if not s.name.startswith("#"))
                widen = self.admin == RECOVERY_SLOT and set(self._header.recovery_shown) != set(
                    everyone
                )
                if pending or unlisted or stale or widen:
                    with self._transaction() as tx:
                        if stale:
                            tx.audit("slot.pin", detail=self.admin)
                        if widen:
                            self._header = replace(self._header, recovery_shown=everyone)
                            tx.audit("recovery.used")
                        for failure in pending:
                            self._append_audit(
                                failure.admin,
                                "unlock.failed",
                                None,
                                None,
                                "" if failure.admin else "name matched no admin",
                                when=failure.time,
                            )
                            tx.entries += 1
                        if unlisted:
                            tx.audit("unlock.failed", detail=f"{unlisted} more attempts")
                doc = state.load(self.path)
                state.clear_failures(doc)
                state.record_unlock(doc, self.admin, when, preselect=self.admin != RECOVERY_SLOT)
                if self._slot_keys is not None:
                    trust.write(
                        doc,
                        self.path,
                        self._header,
                        self.admin,
                        self._slot_keys,
                        when,
                        replace_damaged=trust.MIRROR_DAMAGED in self.warnings,
                    )
                state.save(self.path, doc)
                self.pending_failures = pending
        except StoreBusy:
            # Another session is mid-save: unlocking must not wait for it. The failures
            # stay pending in the sidecar and are moved at the next unlock.
            pass
        except (SaveFailed, OSError):
            # A read-only copy (a backup on a write-protected stick) can still be read.
            self.warnings.append(
                StoreWarning("read_only", "The store's folder cannot be written to.")
            )

    @classmethod
    def record_failed_attempt(cls, path: str | os.PathLike[str], admin: str = "") -> None:
        """Count a failed attempt made on a copy of this store (``kiosk check`` tries the
        passphrase on throwaway copies): the throttle and the audit log see it here."""
        cls._record_failure(Path(path), admin, _utcnow, FAILURE_LOCK_TIMEOUT)

    @classmethod
    def _record_failure(cls, path: Path, name: str, clock: Clock, timeout: float) -> None:
        """Best effort: note a failed unlock in the sidecar (never the typed text)."""
        lock = FileLock(files.lock_path(path))
        try:
            lock.acquire(min(timeout, FAILURE_LOCK_TIMEOUT))
        except (StoreBusy, SaveFailed):
            return
        try:
            doc = state.load(path)
            state.add_failure(doc, now_iso(clock()), name)
            state.save(path, doc)
        finally:
            lock.release()

    @classmethod
    def restore_damaged(
        cls,
        path: str | os.PathLike[str],
        generation_path: str | os.PathLike[str],
        admin: str,
        passphrase: str,
        *,
        now: Clock | None = None,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    ) -> Store:
        """Put a generation back when the store itself cannot be opened.

        Only allowed when the current file is missing or damaged: a healthy store is
        restored from inside with :meth:`restore` (so that a removed admin cannot roll it
        back with an old generation they can still open). The damaged file is renamed to
        ``<store>.damaged-<UTC time>``, byte for byte as it was. ``admin`` may be
        :data:`RECOVERY_SLOT` with the recovery code as ``passphrase``. The checks and
        the writing live in :mod:`store.damaged`.
        """
        path = Path(path)
        clock = now or _utcnow
        prep = damaged.prepare(
            path,
            Path(generation_path),
            admin,
            passphrase,
            lambda name: cls._record_failure(path, name, clock, lock_timeout),
        )
        if path.exists() and not damaged.slot_edited(path, prep.slot):
            # Only a store that cannot be opened may be replaced this way.
            try:
                if admin == RECOVERY_SLOT:
                    healthy = cls.open_with_recovery(
                        path, passphrase, now=clock, lock_timeout=lock_timeout
                    )
                else:
                    healthy = cls.open(
                        path, admin, passphrase, now=clock, lock_timeout=lock_timeout
                    )
            except (StoreDamaged, StoreMissing, StoreRollback):
                pass
            else:
                healthy.lock()
                prep.keys.wipe()
                raise StoreError(
                    "The store is not damaged: open it and restore a generation from inside."
                )
        store = cls(
            path,
            prep.slot.name,
            prep.header,
            prep.private,
            prep.opened,
            None,
            prep.keys,
            now=clock,
            lock_timeout=lock_timeout,
        )
        damaged.finish(store, prep, clock)
        store._after_unlock(
            [*prep.notes, *(w for w in store.warnings if isinstance(w, StoreWarning))]
        )
        return store

    @classmethod
    def check_restore_damaged(
        cls,
        path: str | os.PathLike[str],
        generation_path: str | os.PathLike[str],
        admin: str,
        passphrase: str,
        *,
        now: Clock | None = None,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    ) -> None:
        """Would :meth:`restore_damaged` accept this admin and passphrase for this
        generation? Raises what it would raise before writing (WrongPassphrase, counted
        like any failed unlock; StoreDamaged, StoreTampered, OtherStore, AdminRemoved) and
        writes nothing else, so a caller can check the passphrase before asking the admin
        to confirm the restore."""
        path = Path(path)
        clock = now or _utcnow
        prep = damaged.prepare(
            path,
            Path(generation_path),
            admin,
            passphrase,
            lambda name: cls._record_failure(path, name, clock, lock_timeout),
        )
        prep.keys.wipe()

    # --- no key needed -------------------------------------------------------------

    # Keyless questions about a file live in store.peek (no cryptography import);
    # kept here too so that ``Store.exists(path)`` reads naturally.
    exists = staticmethod(peek.exists)
    admin_names = staticmethod(peek.admin_names)
    last_admin = staticmethod(peek.last_admin)
    consecutive_failures = staticmethod(peek.consecutive_failures)

    @staticmethod
    def list_generations(path: str | os.PathLike[str]) -> list[Generation]:
        return list_generations(Path(path))

    @staticmethod
    def newest_restorable(path: str | os.PathLike[str]) -> Generation | None:
        """The newest generation worth offering for a restore (its signature verifies;
        see :func:`store.damaged.newest_restorable`), or None."""
        return damaged.newest_restorable(Path(path))

    def unlock(self, passphrase: str) -> None:
        """Unlock this session again after :meth:`lock` (the recovery code for a
        recovery session). WrongPassphrase otherwise, recorded like any failed unlock."""
        with self._rlock:
            if self._closed:
                raise StoreLocked("This session was closed; open the store again.")
            if not self._locked:
                return
            if self.admin == RECOVERY_SLOT:
                fresh = Store.open_with_recovery(
                    self.path, passphrase, now=self._now, lock_timeout=self._lock_timeout
                )
            else:
                fresh = Store.open(
                    self.path,
                    self.admin,
                    passphrase,
                    now=self._now,
                    lock_timeout=self._lock_timeout,
                )
            self._adopt(fresh)

    def _adopt(self, other: Store) -> None:
        self._header = other._header
        self._data_key = other._data_key
        self._keyring = other._keyring
        self._private = other._private
        self._slot_keys = other._slot_keys
        self._sign = other._sign
        self._audit_len = other._audit_len
        self._audit_head = other._audit_head
        self._db, self._storage, self._stat = other._db, other._storage, other._stat
        self._body = other._body
        self.warnings = other.warnings
        self.pending_failures = other.pending_failures
        self._locked = False
        other._data_key = None
        other._private = None
        other._slot_keys = None
        other._locked = True
