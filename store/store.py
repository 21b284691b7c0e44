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
import hashlib
import os
import threading
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from tinydb import TinyDB

from store import audit as audit_log
from store import body as body_codec
from store import files, peek, state
from store.crypto import (
    KeyUnwrapFailed,
    SlotLocked,
    canonical_json,
    decrypt_body,
    derive_kek,
    encrypt_body,
    new_data_key,
    new_recovery_code,
    new_slot,
    normalize_recovery_code,
    open_slot,
    passphrase_secret,
    public_of,
    recovery_secret,
    unwrap_data_key,
    wipe,
    wrap_data_key,
)
from store.errors import (
    AccessRevoked,
    AdminExists,
    InvalidName,
    InvalidPassphrase,
    LastAdmin,
    NotOpenable,
    SaveFailed,
    StoreBusy,
    StoreDamaged,
    StoreError,
    StoreExists,
    StoreLocked,
    StoreMissing,
    TransactionError,
    UnauditedChange,
    UnknownAdmin,
    WrongPassphrase,
)
from store.format import (
    Header,
    Parsed,
    encode_header,
    new_store_id,
    now_iso,
    parse,
    peek_header,
    valid_name,
)
from store.layout import KEY_LEN, Slot
from store.locking import FileLock
from store.models import (
    AdminInfo,
    AuditEntry,
    AuditReport,
    FailedUnlock,
    Generation,
    KdfParams,
    StoreWarning,
)
from store.storage import Document, DocumentStorage, make_db

RECOVERY_SLOT = peek.RECOVERY_SLOT

DEFAULT_LOCK_TIMEOUT = 10.0
FAILURE_LOCK_TIMEOUT = 2.0
AFTER_UNLOCK_TIMEOUT = 1.0
KEYRING_KEPT = 32
BODY_ENCODING = "zlib-chunks"
AUDIT_TABLE = audit_log.AUDIT_TABLE

Clock = Callable[[], datetime]
_StatKey = tuple[int, int, int, int]


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _stat_key(st: os.stat_result) -> _StatKey:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _read_file(path: Path) -> tuple[bytes, _StatKey]:
    try:
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            return f.read(), _stat_key(st)
    except FileNotFoundError:
        raise StoreMissing() from None
    except IsADirectoryError:
        raise StoreDamaged("The store path is a folder, not a store file.") from None


def _read_store(path: Path) -> tuple[bytes, _StatKey]:
    try:
        return _read_file(path)
    except StoreMissing:
        raise StoreMissing(generations=list_generations(path)) from None


def _clean_name(name: str) -> str:
    return unicodedata.normalize("NFC", name).strip()


def _check_new_name(name: str) -> str:
    cleaned = _clean_name(name)
    if not valid_name(cleaned) or cleaned.startswith("#"):
        raise InvalidName()
    return cleaned


def _check_passphrase(passphrase: str) -> bytes:
    if not passphrase:
        raise InvalidPassphrase()
    return passphrase_secret(passphrase)


def _find_admin_slot(header: Header, name: str) -> Slot | None:
    """The admin slot for a typed name: exact match first, else a unique caseless one."""
    wanted = _clean_name(name)
    if not wanted or wanted.startswith("#"):
        return None
    admins = [s for s in header.slots if s.name != RECOVERY_SLOT]
    for s in admins:
        if s.name == wanted:
            return s
    folded = [s for s in admins if s.name.casefold() == wanted.casefold()]
    return folded[0] if len(folded) == 1 else None


def list_generations(path: Path) -> list[Generation]:
    """The backups of the store at ``path``, newest first (headers only, no key needed)."""
    out: list[Generation] = []
    for number, gen_path in files.list_generation_files(path):
        try:
            header, _ = peek_header(gen_path)
        except StoreError:
            out.append(Generation(gen_path, number, None, "", ok=False))
            continue
        out.append(
            Generation(
                gen_path,
                header.generation,
                datetime.fromisoformat(header.saved_at),
                header.saved_by,
                ok=True,
            )
        )
    return out


def _parse_or_damaged(raw: bytes, store_path: Path) -> Parsed:
    try:
        return parse(raw)
    except StoreDamaged as exc:
        raise StoreDamaged(exc.message, list_generations(store_path)) from None


@dataclass(slots=True)
class _Opened:
    """A decrypted file: its data key, document and keyring of earlier data keys."""

    data_key: bytearray
    document: Document
    keyring: dict[str, bytes]
    chunks: dict[str, list[body_codec.Chunk]] | None = None  # compressed, as in the file


def _decode_body(
    plaintext: bytes, reuse: body_codec.Reusable | None
) -> tuple[body_codec.Decoded, dict[str, bytes]]:
    """Unpack the body and its keyring; anything unexpected is damage (ValueError)."""
    decoded = body_codec.decode(plaintext, reuse)
    keyring: dict[str, bytes] = {}
    for key_id, value in decoded.keyring.items():
        key = bytes.fromhex(value)
        if len(key) != KEY_LEN:
            raise ValueError("keyring")
        keyring[key_id] = key
    return decoded, keyring


def _open_parsed(
    parsed: Parsed,
    slot_name: str,
    private: X25519PrivateKey,
    known: Mapping[str, bytes | bytearray],
    reuse: body_codec.Reusable | None = None,
) -> _Opened:
    """Decrypt a parsed file with a key already known, or through the named slot.

    AccessRevoked: the slot is gone or holds a different key pair (a newer passphrase).
    StoreDamaged: the slot opened but the data key or the body does not authenticate.
    """
    header = parsed.header
    key = known.get(header.key_id)
    if key is not None:
        data_key = bytearray(key)
    else:
        slot = header.slot(slot_name)
        if slot is None or slot.public != public_of(private):
            raise AccessRevoked()
        try:
            data_key = unwrap_data_key(header.store_id, slot, private, header.key_id)
        except KeyUnwrapFailed:
            raise StoreDamaged() from None
    try:
        plaintext = decrypt_body(data_key, header.body_nonce, parsed.body, parsed.aad)
        decoded, keyring = _decode_body(plaintext, reuse)
    except (InvalidTag, ValueError, RecursionError):
        wipe(data_key)
        raise StoreDamaged() from None
    return _Opened(data_key, decoded.document, keyring, decoded.chunks)


def _fingerprint(row: Any) -> str | None:
    """A digest of one raw audit row, to notice it being edited in place."""
    if row is None:
        return None
    try:
        return hashlib.sha256(canonical_json(row)).hexdigest()
    except (TypeError, ValueError):
        return "unserialisable"


@dataclass(slots=True)
class _Snapshot:
    """What a failed transaction puts back."""

    header: Header
    data_key: bytes
    private: X25519PrivateKey
    keyring: dict[str, bytes]
    audit_len: int
    audit_head: str


class Transaction:
    """One change to the store. ``db`` is the TinyDB to change; ``audit`` records why."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.db: TinyDB = store._current_db()
        self.entries = 0
        self._open = True
        self._audit_base = 0
        self._audit_last: tuple[str, str | None] = ("", None)
        self._rebase()

    def _rebase(self) -> None:
        """Note the audit table as the transaction found it. At commit it must hold
        exactly ``entries`` more rows and its last old row must be unchanged: the table
        is append-only, and only through :meth:`audit`."""
        rows = self._store._storage.data.get(AUDIT_TABLE, {})
        self._audit_base = len(rows)
        last_key = str(self._store._audit_len)
        self._audit_last = (last_key, _fingerprint(rows.get(last_key)))

    def audit(
        self,
        action: str,
        table: str | None = None,
        record_id: int | None = None,
        detail: str = "",
    ) -> None:
        """Append a hash-chained audit entry (UTC time and this admin are added).

        ``detail`` must never carry personal data: it is for ids, counts and codes.
        """
        if not self._open:
            raise TransactionError("The transaction is already over.")
        if not isinstance(action, str) or not action or len(action) > 64:
            raise ValueError("audit action must be a non-empty string of at most 64 characters")
        if table is not None and not isinstance(table, str):
            raise ValueError("audit table must be a string or None")
        if record_id is not None and (
            isinstance(record_id, bool) or not isinstance(record_id, int)
        ):
            raise ValueError("audit record_id must be an int or None")
        if not isinstance(detail, str) or len(detail) > 1000:
            raise ValueError("audit detail must be a string of at most 1000 characters")
        self._store._append_audit(self._store.admin, action, table, record_id, detail)
        self.entries += 1


class Store:
    """An unlocked encrypted store. Build one with :meth:`create`, :meth:`open` or
    :meth:`open_with_recovery`; never with the constructor."""

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
        self._install(header, opened, stat)

    def __repr__(self) -> str:
        state_word = "locked" if self._locked else "unlocked"
        return f"<Store {self.path.name} admin={self.admin!r} {state_word}>"

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
                        self._save()
                        if self._pending_private is not None:
                            self._private = self._pending_private
                except BaseException:
                    tx._open = False
                    self._rollback(snap)
                    raise
                finally:
                    self._pending_private = None
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
            audit_len=self._audit_len,
            audit_head=self._audit_head,
        )

    def _rollback(self, snap: _Snapshot) -> None:
        wipe(self._data_key)
        self._header = snap.header
        self._data_key = bytearray(snap.data_key)
        self._private = snap.private
        self._keyring = snap.keyring
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
        """Encrypt and write the in-memory state as the next generation (lock held)."""
        old = self._header
        new = replace(
            old,
            generation=old.generation + 1,
            saved_at=now_iso(self._now()),
            saved_by=self.admin,
            audit_length=self._audit_len,
            audit_head=self._audit_head,
            body_nonce=os.urandom(12),
            compression=BODY_ENCODING,
        )
        assert self._data_key is not None
        try:
            payload = self._body.encode(
                self._storage.data, {k: v.hex() for k, v in self._keyring.items()}
            )
        except (TypeError, ValueError, RecursionError) as exc:
            raise TransactionError(
                "A record holds a value that cannot be stored (only JSON types can)."
            ) from exc
        head = encode_header(new)
        body = encrypt_body(self._data_key, new.body_nonce, payload, head)
        try:
            tmp = files.write_temp(self.path, head + body)
            try:
                if old.generation > 0:
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
        try:
            files.fsync_dir(self.path.parent)
            self._stat = _stat_key(os.stat(self.path))
        except OSError:
            self._stat = None
            self.warnings.append(
                StoreWarning("fsync_failed", "The store's folder could not be flushed to disk.")
            )
        with contextlib.suppress(OSError):
            files.prune_generations(self.path)

    # --- loading -------------------------------------------------------------------

    def _install(self, header: Header, opened: _Opened, stat: _StatKey | None) -> None:
        if self._data_key is not None and self._data_key is not opened.data_key:
            wipe(self._data_key)
        self._header = header
        self._data_key = opened.data_key
        self._keyring = dict(opened.keyring)
        self._audit_len = header.audit_length
        self._audit_head = header.audit_head
        db, storage = make_db(opened.document)
        self._db = db
        self._storage = storage
        self._stat = stat
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
        if header.generation < self._header.generation:
            self.warnings.append(
                StoreWarning(
                    "generation_rollback",
                    "The store file went back to an earlier generation "
                    f"({header.generation}, after {self._header.generation}).",
                )
            )
        self._install(header, opened, stat)

    def _current_db(self) -> TinyDB:
        return self._db

    def _check_unlocked(self) -> None:
        if self._locked:
            raise StoreLocked()

    # --- admins and keys -----------------------------------------------------------

    def admins(self) -> list[AdminInfo]:
        """Admins in the order they were added, with their last unlock on this machine."""
        with self._rlock:
            self._check_unlocked()
            if not self._in_tx:
                self._refresh()
            doc = state.load(self.path)
            return [
                AdminInfo(s.name, datetime.fromisoformat(s.added), state.last_unlock(doc, s.name))
                for s in self._header.slots
                if s.name != RECOVERY_SLOT
            ]

    def _rotated(self, slots: tuple[Slot, ...]) -> tuple[Slot, ...]:
        """A new data key wrapped for ``slots``; the old one moves to the keyring so that
        this store's earlier generations can still be restored by any current admin."""
        assert self._data_key is not None
        self._keyring[self._header.key_id] = bytes(self._data_key)
        while len(self._keyring) > KEYRING_KEPT:
            del self._keyring[next(iter(self._keyring))]
        wipe(self._data_key)
        key, key_id = new_data_key()
        self._data_key = key
        wrapped = tuple(wrap_data_key(self._header.store_id, s, key, key_id) for s in slots)
        self._header = replace(self._header, slots=wrapped, key_id=key_id)
        return wrapped

    def _slot_kdf(self) -> KdfParams:
        own = self._header.slot(self.admin)
        return own.kdf if own is not None else KdfParams()

    def add_admin(self, name: str, passphrase: str) -> None:
        """Add an admin with their own passphrase (AdminExists, InvalidName)."""
        with self._rlock:
            self._check_unlocked()
            cleaned = _check_new_name(name)
            secret = _check_passphrase(passphrase)
            # Argon2id runs before the lock is taken, so other sessions are not held up.
            slot, _ = new_slot(
                self._header.store_id, cleaned, now_iso(self._now()), secret, self._slot_kdf()
            )
            with self._transaction() as tx:
                if any(s.name.casefold() == cleaned.casefold() for s in self._header.slots):
                    raise AdminExists()
                assert self._data_key is not None
                slot = wrap_data_key(
                    self._header.store_id, slot, self._data_key, self._header.key_id
                )
                self._header = replace(self._header, slots=(*self._header.slots, slot))
                tx.audit("admin.add", detail=cleaned)

    def remove_admin(self, name: str) -> None:
        """Remove an admin and rotate the data key (LastAdmin, UnknownAdmin).

        An old copy of the file plus the removed passphrase opens nothing saved from
        now on. Removing yourself locks this session after the save.
        """
        with self._rlock:
            self._check_unlocked()
            with self._transaction() as tx:
                slot = _find_admin_slot(self._header, name)
                if slot is None:
                    raise UnknownAdmin()
                remaining = tuple(s for s in self._header.slots if s.name != slot.name)
                if not any(s.name != RECOVERY_SLOT for s in remaining):
                    raise LastAdmin()
                self._rotated(remaining)
                tx.audit("admin.remove", detail=slot.name)
                doc = state.load(self.path)
                state.forget_admin(doc, slot.name)
                state.save(self.path, doc)
            if slot.name == self.admin:
                self.lock()

    def change_passphrase(
        self, name: str, new_passphrase: str, *, kdf: KdfParams | None = None
    ) -> None:
        """Give an admin a new passphrase (and optionally stronger KDF parameters).

        The slot gets a new key pair and the data key is rotated, so the old passphrase
        with an old copy of the file opens nothing saved from now on. Other sessions of
        the same admin get AccessRevoked and must unlock again.
        """
        with self._rlock:
            self._check_unlocked()
            secret = _check_passphrase(new_passphrase)
            current = _find_admin_slot(self._header, name)
            if current is None:
                raise UnknownAdmin()
            fresh, private = new_slot(
                self._header.store_id, current.name, current.added, secret, kdf or current.kdf
            )
            with self._transaction() as tx:
                if self._header.slot(current.name) is None:
                    raise UnknownAdmin()
                slots = tuple(fresh if s.name == current.name else s for s in self._header.slots)
                self._rotated(slots)
                if current.name == self.admin:
                    self._pending_private = private
                tx.audit("admin.passphrase_change", detail=current.name)

    def regenerate_recovery(self) -> str:
        """A new recovery code (returned once); the old code stops working, and the data
        key is rotated so that it opens nothing saved from now on either."""
        with self._rlock:
            self._check_unlocked()
            code = new_recovery_code()
            normalized = normalize_recovery_code(code)
            assert normalized is not None
            old = self._header.slot(RECOVERY_SLOT)
            fresh, private = new_slot(
                self._header.store_id,
                RECOVERY_SLOT,
                now_iso(self._now()),
                recovery_secret(normalized),
                old.kdf if old is not None else self._slot_kdf(),
            )
            with self._transaction() as tx:
                slots = tuple(s for s in self._header.slots if s.name != RECOVERY_SLOT)
                self._rotated((*slots, fresh))
                if self.admin == RECOVERY_SLOT:
                    self._pending_private = private
                tx.audit("recovery.regenerate")
            return code

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

    # --- generations and backups ---------------------------------------------------

    def generations(self) -> list[Generation]:
        """The encrypted generations kept in ``backups/``, newest first."""
        return list_generations(self.path)

    def restore(
        self, generation_path: str | os.PathLike[str], *, passphrase: str | None = None
    ) -> None:
        """Put an earlier generation's records back, as a new generation.

        The generation is decrypted first: with a data key this store knows (any
        generation saved since the last key rotation, or one of the keyring's), else
        through this admin's slot in it, with ``passphrase`` if the passphrase has changed
        since (NotOpenable otherwise). Only the records come back: the key slots stay as
        they are now, so a removed admin does not regain access, and the generation
        number keeps rising so that other sessions notice. The current file is kept as a
        generation, like on every save.
        """
        with self._rlock:
            self._check_unlocked()
            gen_path = Path(generation_path)
            raw, _ = _read_file(gen_path)
            try:
                parsed = parse(raw)
            except StoreDamaged:
                raise StoreDamaged("That generation is damaged.", self.generations()) from None
            if parsed.header.store_id != self._header.store_id:
                raise NotOpenable("That file is a different store, not a generation of this one.")
            assert self._private is not None
            try:
                opened = _open_parsed(parsed, self.admin, self._private, self._known_keys())
            except AccessRevoked:
                slot = parsed.header.slot(self.admin)
                if passphrase is None or slot is None:
                    raise NotOpenable() from None
                try:
                    old_private = open_slot(
                        parsed.header.store_id, slot, passphrase_secret(passphrase)
                    )
                except SlotLocked:
                    raise WrongPassphrase() from None
                opened = _open_parsed(parsed, self.admin, old_private, {})
            with self._transaction() as tx:
                db, storage = make_db(opened.document)
                storage.writable = True
                storage.dirty = True
                self._db, self._storage = db, storage
                self._watch(opened)
                tx.db = db
                for key_id, key in opened.keyring.items():
                    self._keyring.setdefault(key_id, key)
                if parsed.header.key_id != self._header.key_id:
                    self._keyring.setdefault(parsed.header.key_id, bytes(opened.data_key))
                wipe(opened.data_key)
                self._audit_len = parsed.header.audit_length
                self._audit_head = parsed.header.audit_head
                tx._rebase()
                tx.audit(
                    "store.restore",
                    detail=f"generation {parsed.header.generation} "
                    f"(saved {parsed.header.saved_at}) over generation {self._header.generation}",
                )

    def backup_to(self, dest_path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        """Write an encrypted copy (same key slots, same recovery code) to ``dest_path``.

        The copy is audited first, so the copy itself records that it was made.
        """
        dest = Path(dest_path)
        with self._rlock:
            self._check_unlocked()
            if dest.exists() and not overwrite:
                raise StoreExists("A file already exists where the backup was to be written.")
            with self._transaction() as tx:
                tx.audit("store.backup", detail=dest.name)
            with self._hold_lock():
                raw, _ = _read_file(self.path)
            if not dest.parent.exists():
                files.ensure_private_dir(dest.parent)
            try:
                files.atomic_write(dest, raw)
            except OSError as exc:
                raise SaveFailed(
                    f"The backup could not be written ({exc.strerror or 'disk error'})."
                ) from exc

    # --- locking the session -------------------------------------------------------

    def lock(self) -> None:
        """Forget the keys and the decrypted document (as far as Python allows: strings
        already handed out and freed memory cannot be overwritten from Python)."""
        with self._rlock:
            wipe(self._data_key)
            self._data_key = None
            self._keyring = {}
            self._private = None
            self._pending_private = None
            with contextlib.suppress(Exception):
                self._storage.data.clear()
            self._db, self._storage = make_db({})
            self._body.reset()
            self._stat = None
            self._locked = True

    def close(self) -> None:
        self.lock()
        self._closed = True

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
