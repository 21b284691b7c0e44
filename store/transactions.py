"""Transactions and the in-memory TinyDB: the part of a session that loads, saves and
rolls back.

:class:`Session` is the base of :class:`store.Store`. It holds what an unlocked store keeps
in memory (data key, slot private key, document, last header) and does every save: take
the ``<store>.lock`` file lock, reload if another process saved since, apply, append audit
entries, encrypt, write atomically, release. An exception inside a transaction saves
nothing and puts the in-memory state back to what is on disk.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from tinydb import TinyDB

from store import audit as audit_log
from store import body as body_codec
from store import files, lineage, signing, state, trust, vouchers
from store.change import Transaction, _fingerprint
from store.crypto import (
    SlotKeys,
    encrypt_body,
    wipe,
)
from store.errors import (
    SaveFailed,
    StoreDamaged,
    StoreError,
    StoreLocked,
    StoreMissing,
    StoreRollback,
    TransactionError,
    UnauditedChange,
)
from store.format import (
    FORMAT_VERSION,
    Header,
    encode_header,
    now_iso,
    peek_header,
)
from store.locking import FileLock
from store.models import (
    AuditEntry,
    AuditReport,
    FailedUnlock,
    StoreWarning,
)
from store.opening import (
    AFTER_UNLOCK_TIMEOUT,
    AUDIT_TABLE,
    BODY_ENCODING,
    RECOVERY_SLOT,
    SIGNING_KEYRING_ID,
    TAMPERED,
    Clock,
    _open_parsed,
    _Opened,
    _parse_or_damaged,
    _read_file,
    _stat_key,
    _StatKey,
    _utcnow,
    list_generations,
    pinned_slots,
)
from store.storage import DocumentStorage, make_db


@dataclass(slots=True)
class _Snapshot:
    """What a failed transaction puts back."""

    header: Header
    data_key: bytes
    private: X25519PrivateKey
    keyring: dict[str, bytes]
    sign: Ed25519PrivateKey
    audit_len: int
    audit_head: str


class Session:
    """The state and the transaction machinery of an unlocked store (see :class:`store.Store`)."""

    path: Path
    admin: str
    warnings: list[str]
    pending_failures: list[FailedUnlock]

    def __init__(
        self,
        path: Path,
        slot_name: str,
        header: Header,
        private: X25519PrivateKey,
        opened: _Opened,
        stat: _StatKey | None,
        keys: SlotKeys | None,
        *,
        now: Clock | None,
        lock_timeout: float,
    ) -> None:
        self.path = path
        self.admin = slot_name
        self.warnings = []
        self.pending_failures = []
        self._now: Clock = now or _utcnow
        self._lock_timeout = lock_timeout
        self._rlock = threading.RLock()
        self._filelock = FileLock(files.lock_path(path))
        self._private: X25519PrivateKey | None = private
        self._pending_private: X25519PrivateKey | None = None
        # What this admin's passphrase yielded (pin and trust-record keys), and the
        # store's signing key (from the body; a new one for a format-1 file).
        self._slot_keys: SlotKeys | None = keys
        self._pending_keys: SlotKeys | None = None
        self._sign: Ed25519PrivateKey = opened.sign or signing.new_signing_key()
        self._locked = False
        self._closed = False
        self._in_tx = False
        self._data_key: bytearray | None = None
        self._body = body_codec.BodyCache()
        self._keyring: dict[str, bytes] = {}
        self._stat: _StatKey | None = None
        self._header: Header
        self._db: TinyDB
        self._storage: DocumentStorage
        self._audit_len = 0
        self._audit_head = ""
        # (generation, digest) of the file on disk this session last read or wrote: the
        # next save lists it in its lineage (see store.lineage)
        self._mark: tuple[int, bytes] | None = None
        self._install(header, opened, stat)

    def __repr__(self) -> str:
        state_word = "locked" if self._locked else "unlocked"
        return f"<Store {self.path.name} admin={self.admin!r} {state_word}>"

    # --- reading -------------------------------------------------------------------

    def read(self) -> TinyDB:
        """The document as TinyDB, reloaded first only if another process saved.

        Reads of an unchanged store cost one ``stat``. Do not write through it outside
        a transaction: such a write raises TransactionError and is discarded.
        """
        with self._rlock:
            self._check_unlocked()
            if not self._in_tx:
                self._refresh()
            return self._db

    def changed(self) -> bool:
        """Has the file on disk changed since this process last read or wrote it?

        A ``stat``, and a header read only if the stat differs: no decryption.
        """
        with self._rlock:
            if self._locked:
                return False
            if self._storage.poisoned:
                return True
            try:
                st = os.stat(self.path)
            except OSError:
                return True
            if _stat_key(st) == self._stat:
                return False
            try:
                header, st = peek_header(self.path)
            except StoreError:
                return True
            # Same generation rewritten in place (or just touched): not a change another
            # session made; read() will still re-authenticate it.
            return not self._same_content(header)

    @property
    def generation(self) -> int:
        """The generation this process last read or wrote."""
        return self._header.generation

    @property
    def audit_head(self) -> str:
        """The audit chain's head hash as recorded in the header (for ``kiosk check``)."""
        return self._header.audit_head

    @property
    def is_recovery(self) -> bool:
        return self.admin == RECOVERY_SLOT

    # --- transactions --------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Lock, reload if newer, yield, save atomically, release.

        StoreBusy if another process holds the lock past the timeout. A change without
        an audit entry raises UnauditedChange and saves nothing. Any exception inside
        saves nothing and puts the in-memory document back to the file's.
        """
        with self._transaction() as tx:
            yield tx

    @contextmanager
    def _transaction(self) -> Iterator[Transaction]:
        with self._rlock:
            self._check_unlocked()
            if self._in_tx:
                raise TransactionError("A transaction is already open in this session.")
            with self._hold_lock():
                files.remove_stray_temps(self.path)
                self._refresh()
                snap = self._snapshot()
                self._in_tx = True
                self._storage.writable = True
                self._storage.dirty = False
                tx = Transaction(self)
                try:
                    yield tx
                    tx._open = False
                    if self._storage.dirty and not tx.entries:
                        raise UnauditedChange()
                    if self._storage.dirty or tx.entries:
                        self._check_audit_appended(tx)
                        if self._header.version < FORMAT_VERSION:
                            self._append_audit(
                                self.admin, "store.upgrade", None, None, "format 1 to 2"
                            )
                        self._save()
                        if self._pending_private is not None:
                            self._private = self._pending_private
                        if self._pending_keys is not None:
                            if self._slot_keys is not None:
                                self._slot_keys.wipe()
                            self._slot_keys = self._pending_keys
                            self._remember()
                except BaseException:
                    tx._open = False
                    self._rollback(snap)
                    raise
                finally:
                    self._pending_private = None
                    self._pending_keys = None
                    self._in_tx = False
                    self._storage.writable = False
                    self._storage.dirty = False

    @contextmanager
    def _hold_lock(self, timeout: float | None = None) -> Iterator[None]:
        self._filelock.acquire(self._lock_timeout if timeout is None else timeout)
        try:
            yield
        finally:
            self._filelock.release()

    def _snapshot(self) -> _Snapshot:
        assert self._private is not None and self._data_key is not None
        return _Snapshot(
            header=self._header,
            data_key=bytes(self._data_key),
            private=self._private,
            keyring=dict(self._keyring),
            sign=self._sign,
            audit_len=self._audit_len,
            audit_head=self._audit_head,
        )

    def _rollback(self, snap: _Snapshot) -> None:
        wipe(self._data_key)
        self._header = snap.header
        self._data_key = bytearray(snap.data_key)
        self._private = snap.private
        self._keyring = snap.keyring
        self._sign = snap.sign
        self._audit_len = snap.audit_len
        self._audit_head = snap.audit_head
        try:
            self._refresh(force=True)
        except StoreError:
            self._storage.poisoned = True  # the next read tries again and reports

    def _check_audit_appended(self, tx: Transaction) -> None:
        appended = tx.entries
        rows = self._storage.data.get(AUDIT_TABLE, {})
        last = rows.get(str(self._audit_len)) if appended else None
        old_key, old_print = tx._audit_last
        if (
            len(rows) != tx._audit_base + appended
            or (appended and (not isinstance(last, dict) or last.get("hash") != self._audit_head))
            or _fingerprint(rows.get(old_key)) != old_print
        ):
            raise TransactionError(
                "The audit log may only be appended to through Transaction.audit; "
                "nothing was saved."
            )

    def _append_audit(
        self,
        admin: str,
        action: str,
        table: str | None,
        record_id: int | None,
        detail: str,
        *,
        when: datetime | None = None,
    ) -> None:
        seq = self._audit_len + 1
        entry = audit_log.make_entry(
            seq,
            now_iso(when or self._now()),
            admin,
            action,
            table,
            record_id,
            detail,
            self._audit_head,
        )
        rows = self._storage.data.setdefault(AUDIT_TABLE, {})
        rows[str(seq)] = entry
        self._body.touched(AUDIT_TABLE, rows, str(seq))
        self._audit_len = seq
        self._audit_head = entry["hash"]
        self._db.table(AUDIT_TABLE).clear_cache()

    def _save(self) -> None:
        """Encrypt, sign and write the in-memory state as the next generation (lock held).

        The generation number rises past every number ``backups/`` holds, so that a file
        copied back never makes a number be used twice.
        """
        old = self._header
        current = signing.public_bytes(self._sign)
        new = replace(
            old,
            version=FORMAT_VERSION,
            generation=self._next_generation(),
            saved_at=now_iso(self._now()),
            saved_by=self.admin,
            audit_length=self._audit_len,
            audit_head=self._audit_head,
            body_nonce=os.urandom(12),
            compression=BODY_ENCODING,
            sign_public=current,
            slots=pinned_slots(
                old,
                self.admin,
                self._pending_keys or self._slot_keys,
                self._pending_private or self._private,
                current,
            ),
            lineage=lineage.extended(self.path, old, current, self._mark),
        )
        assert self._data_key is not None
        keyring = {k: v.hex() for k, v in self._keyring.items()}
        keyring[SIGNING_KEYRING_ID] = signing.private_bytes(self._sign).hex()
        try:
            payload = self._body.encode(self._storage.data, keyring)
        except (TypeError, ValueError, RecursionError) as exc:
            raise TransactionError(
                "A record holds a value that cannot be stored (only JSON types can)."
            ) from exc
        head = encode_header(new)
        body = encrypt_body(self._data_key, new.body_nonce, payload, head)
        digest = signing.file_digest(head, body)
        signature = signing.sign_digest(self._sign, digest)
        try:
            tmp = files.write_temp(self.path, head + body + signature)
            try:
                if old.generation > 0:
                    if (
                        self._stat is not None
                        and self._mark is not None
                        and self._mark[0] == old.generation
                    ):
                        # the file about to be kept is the one this session verified:
                        # pruning need not read it again (store.lineage)
                        lineage.remember(
                            files.generation_path(self.path, old.generation),
                            self._stat,
                            old,
                            self._mark[1],
                        )
                    files.keep_generation(self.path, old.generation)
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            raise SaveFailed(
                f"The store could not be saved ({exc.strerror or 'disk error'}); "
                "nothing was changed on disk."
            ) from exc
        # From here the new generation is the store: never roll back past this point.
        self._header = new
        self._mark = (new.generation, digest)
        try:
            files.fsync_dir(self.path.parent)
            self._stat = _stat_key(os.stat(self.path))
        except OSError:
            self._stat = None
            self.warnings.append(
                StoreWarning("fsync_failed", "The store's folder could not be flushed to disk.")
            )
        with contextlib.suppress(OSError):
            lineage.prune(self.path, new)

    def _next_generation(self) -> int:
        """The number the next save gets (lock held): past this session's and every number
        ``backups/`` holds, so that a file copied back never makes a number be used twice.
        Only genuine generations count (store.lineage): a name planted in backups/ must not
        push the number out of range."""
        old = self._header
        kept = max((n for n, _ in lineage.genuine_generations(self.path, old)), default=0)
        return max(old.generation, kept) + 1

    def _remember(self) -> None:
        """Move this admin's trust record forward to the newest header this session
        wrote or verified (see :mod:`store.trust`); best effort, lock held by the caller.

        Called at unlock, when this admin's keys change and when the session locks, not
        on every save: a second fsync'd file per save would double the save's cost.
        """
        if self._slot_keys is None or self._header.slot(self.admin) is None:
            return
        with contextlib.suppress(OSError):
            doc = state.load(self.path)
            trust.write(
                doc, self.path, self._header, self.admin, self._slot_keys, now_iso(self._now())
            )
            state.save(self.path, doc)

    # --- loading -------------------------------------------------------------------

    def _install(self, header: Header, opened: _Opened, stat: _StatKey | None) -> None:
        if self._data_key is not None and self._data_key is not opened.data_key:
            wipe(self._data_key)
        self._header = header
        self._data_key = opened.data_key
        self._keyring = dict(opened.keyring)
        if opened.sign is not None:
            self._sign = opened.sign
        self._audit_len = header.audit_length
        self._audit_head = header.audit_head
        db, storage = make_db(opened.document)
        self._db = db
        self._storage = storage
        self._stat = stat
        self._mark = opened.mark
        self._watch(opened)

    def _watch(self, opened: _Opened) -> None:
        """Seed the chunk cache from what was decoded, and have TinyDB report changes."""
        if opened.chunks is not None:
            self._body.seed(self._storage.data, opened.chunks)
        else:
            self._body.reset()
        self._storage.on_table_changed = self._body.replaced

    def _same_content(self, header: Header) -> bool:
        return (
            header.store_id == self._header.store_id
            and header.generation == self._header.generation
            and header.body_nonce == self._header.body_nonce
        )

    def _known_keys(self) -> dict[str, bytes | bytearray]:
        known: dict[str, bytes | bytearray] = dict(self._keyring)
        if self._data_key is not None:
            known[self._header.key_id] = self._data_key
        return known

    def _refresh(self, *, force: bool = False) -> None:
        """Reload from disk if the file changed (or always, with ``force``)."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            raise StoreMissing() from None
        if not force and not self._storage.poisoned and _stat_key(st) == self._stat:
            return
        raw, stat = _read_file(self.path)
        parsed = _parse_or_damaged(raw, self.path)
        header = parsed.header
        if header.store_id != self._header.store_id:
            raise StoreDamaged(
                "The store file was replaced by a different store.", list_generations(self.path)
            )
        mine = signing.public_bytes(self._sign)
        if (
            header.generation < self._header.generation
            and header.version >= 2
            and signing.reaches(self._header.rotations, header.store_id, header.sign_public, mine)
        ):
            # An older generation signed by a key this session's chain retired: a genuine
            # file copied back (a rollback), not a forgery, and said so.
            raise StoreRollback(
                datetime.fromisoformat(self._header.saved_at), list_generations(self.path)
            )
        if header.version < self._header.version or (
            header.version >= 2
            and not signing.reaches(header.rotations, header.store_id, mine, header.sign_public)
            and not self._vouched_for(header)
        ):
            # Signed by a key this session's own key does not lead to: a forgery.
            raise StoreDamaged(TAMPERED, list_generations(self.path))
        if header.generation < self._header.generation:
            raise StoreRollback(
                datetime.fromisoformat(self._header.saved_at), list_generations(self.path)
            )
        # Even when the header says "same generation", a changed stat means the bytes
        # were touched: decrypt again, so that damage done in place is noticed.
        assert self._private is not None
        try:
            opened = _open_parsed(
                parsed,
                self.admin,
                self._private,
                self._known_keys(),
                None if self._storage.poisoned else self._body.reusable(),
            )
        except StoreDamaged as exc:
            raise StoreDamaged(exc.message, list_generations(self.path)) from None
        self._install(header, opened, stat)

    def _vouched_for(self, header: Header) -> bool:
        """Another admin restored an old generation without the newest signing key and
        vouched for the new one (:mod:`store.vouchers`): this session's own last header
        (its ways in, its generation) stands in for the admin's record."""
        return self._private is not None and vouchers.vouched(
            header,
            self._private,
            {s.public for s in self._header.slots},
            self._header.generation,
            trust.removed_at(self.path, header.store_id),
        )

    def _current_db(self) -> TinyDB:
        return self._db

    def _check_unlocked(self) -> None:
        if self._locked:
            raise StoreLocked()

    # --- audit ---------------------------------------------------------------------

    def verify_audit(self) -> AuditReport:
        """Check every link of the audit chain and its length and head against the
        authenticated header."""
        with self._rlock:
            self._check_unlocked()
            if not self._in_tx:
                self._refresh()
            return audit_log.verify(
                self._storage.data.get(AUDIT_TABLE, {}), self._audit_len, self._audit_head
            )

    def audit_entries(self) -> list[AuditEntry]:
        with self._rlock:
            self._check_unlocked()
            if not self._in_tx:
                self._refresh()
            return audit_log.to_entries(self._storage.data.get(AUDIT_TABLE, {}))

    # --- locking the session -------------------------------------------------------

    def lock(self) -> None:
        """Forget the keys and the decrypted document (as far as Python allows: strings
        already handed out and freed memory cannot be overwritten from Python)."""
        with self._rlock:
            if not self._locked and not self._in_tx:
                with (
                    contextlib.suppress(StoreError, OSError),
                    self._hold_lock(min(self._lock_timeout, AFTER_UNLOCK_TIMEOUT)),
                ):
                    self._remember()
            wipe(self._data_key)
            self._data_key = None
            self._keyring = {}
            self._private = None
            self._pending_private = None
            if self._slot_keys is not None:
                self._slot_keys.wipe()
            self._slot_keys = None
            with contextlib.suppress(Exception):
                self._storage.data.clear()
            self._db, self._storage = make_db({})
            self._body.reset()
            self._stat = None
            self._locked = True

    def close(self) -> None:
        self.lock()
        self._closed = True

    def fix_permissions(self) -> None:
        """Set the store file, its folder, backups and sidecars to owner-only modes."""
        files.fix_modes(self.path)
        self.warnings = [
            w
            for w in self.warnings
            if getattr(w, "code", "")
            not in {"file_mode", "folder_mode", "backups_mode", "state_mode"}
        ]
        self.warnings.extend(files.mode_warnings(self.path))
