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
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import replace
from datetime import UTC
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from store import files, peek, state
from store.crypto import (
    SlotLocked,
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
    WrongPassphrase,
)
from store.format import (
    Header,
    Parsed,
    new_store_id,
    now_iso,
    parse,
    peek_header,
)
from store.generations import GenerationsMixin
from store.keyslots import KeysMixin
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
    Clock,
    _check_new_name,
    _check_passphrase,
    _find_admin_slot,
    _open_parsed,
    _Opened,
    _parse_or_damaged,
    _read_file,
    _read_store,
    _StatKey,
    _utcnow,
    list_generations,
)
from store.transactions import Transaction

__all__ = ["AUDIT_TABLE", "DEFAULT_LOCK_TIMEOUT", "Store", "Transaction", "list_generations"]


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
        admin_slot, private = new_slot(store_id, name, created, secret, kdf)
        code = new_recovery_code()
        normalized = normalize_recovery_code(code)
        assert normalized is not None
        recovery_slot, _ = new_slot(
            store_id, RECOVERY_SLOT, created, recovery_secret(normalized), kdf
        )
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
        )
        store = cls(
            path,
            name,
            header,
            private,
            _Opened(data_key, {}, {}),
            None,
            now=clock,
            lock_timeout=lock_timeout,
        )
        with store._rlock, store._hold_lock():
            if path.exists():
                store.lock()
                raise StoreExists()
            store._append_audit(name, "store.create", None, None, "")
            store._save()
            doc = state.load(path)
            state.record_unlock(doc, name, now_iso(clock()), preselect=True)
            state.save(path, doc)
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
            private = open_slot(parsed.header.store_id, slot, secret)
        except SlotLocked:
            cls._record_failure(path, slot.name, clock, lock_timeout)
            raise WrongPassphrase() from None
        return cls._finish_open(path, parsed, stat, slot.name, private, clock, lock_timeout)

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
            private = open_slot(parsed.header.store_id, slot, recovery_secret(normalized))
        except SlotLocked:
            cls._record_failure(path, RECOVERY_SLOT, clock, lock_timeout)
            raise WrongPassphrase("That recovery code does not unlock this store.") from None
        return cls._finish_open(path, parsed, stat, RECOVERY_SLOT, private, clock, lock_timeout)

    @classmethod
    def _finish_open(
        cls,
        path: Path,
        parsed: Parsed,
        stat: _StatKey,
        slot_name: str,
        private: X25519PrivateKey,
        clock: Clock,
        lock_timeout: float,
    ) -> Store:
        try:
            opened = _open_parsed(parsed, slot_name, private, {})
        except StoreDamaged as exc:
            raise StoreDamaged(exc.message, list_generations(path)) from None
        store = cls(
            path,
            slot_name,
            parsed.header,
            private,
            opened,
            stat,
            now=clock,
            lock_timeout=lock_timeout,
        )
        store._after_unlock()
        return store

    def _after_unlock(self) -> None:
        """Move failed attempts into the audit log and note this unlock in the sidecar.

        Only a pending failure causes a save: a plain unlock must not use up one of the
        ten generations kept in ``backups/``.
        """
        self.warnings = list(files.mode_warnings(self.path))
        when = now_iso(self._now())
        try:
            with self._rlock, self._hold_lock(min(self._lock_timeout, AFTER_UNLOCK_TIMEOUT)):
                doc = state.load(self.path)
                pending = state.failures(doc)
                unlisted = max(0, state.failure_count(doc) - len(pending))
                if pending or unlisted:
                    with self._transaction() as tx:
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
                state.clear_failures(doc)
                state.record_unlock(doc, self.admin, when, preselect=self.admin != RECOVERY_SLOT)
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
        restored from inside with :meth:`restore` (so that a removed admin cannot roll
        it back with an old generation they can still open). The damaged file is
        renamed to ``<store>.damaged-<UTC time>``, byte for byte as it was. ``admin`` may
        be :data:`RECOVERY_SLOT` with the recovery code as ``passphrase``.
        """
        path = Path(path)
        gen_path = Path(generation_path)
        clock = now or _utcnow
        raw, _ = _read_file(gen_path)
        try:
            parsed = parse(raw)
        except StoreDamaged:
            raise StoreDamaged("That generation is damaged too.", list_generations(path)) from None
        header = parsed.header
        if admin == RECOVERY_SLOT:
            normalized = normalize_recovery_code(passphrase)
            slot = header.slot(RECOVERY_SLOT) if normalized else None
            secret = recovery_secret(normalized) if normalized else b"-"
        else:
            slot = _find_admin_slot(header, admin)
            secret = passphrase_secret(passphrase)
        if slot is None:
            raise WrongPassphrase()
        try:
            private = open_slot(header.store_id, slot, secret)
        except SlotLocked:
            raise WrongPassphrase() from None
        try:
            opened = _open_parsed(parsed, slot.name, private, {})
        except StoreDamaged:
            raise StoreDamaged("That generation is damaged too.", list_generations(path)) from None

        if path.exists():
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
            except (StoreDamaged, StoreMissing):
                pass
            else:
                healthy.lock()
                raise StoreError(
                    "The store is not damaged: open it and restore a generation from inside."
                )
        store = cls(
            path, slot.name, header, private, opened, None, now=clock, lock_timeout=lock_timeout
        )
        with store._rlock, store._hold_lock():
            current_generation = 0
            if path.exists():
                with contextlib.suppress(StoreError):
                    current_generation = peek_header(path)[0].generation
                stamp = clock().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
                os.rename(path, path.with_name(f"{path.name}.damaged-{stamp}"))
            newest = max(
                [header.generation, current_generation]
                + [n for n, _ in files.list_generation_files(path)]
            )
            store._header = replace(header, generation=newest)
            store._append_audit(
                store.admin, "store.restore_damaged", None, None, f"generation {header.generation}"
            )
            store._save()
        store._after_unlock()
        return store

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
        self._audit_len = other._audit_len
        self._audit_head = other._audit_head
        self._db, self._storage, self._stat = other._db, other._storage, other._stat
        self._body = other._body
        self.warnings = other.warnings
        self.pending_failures = other.pending_failures
        self._locked = False
        other._data_key = None
        other._private = None
        other._locked = True
