"""Reading a store file and decrypting it: what opening, refreshing and restoring share.

Plain functions, no session state: the constants of a session, reading a file together
with the stat of the very file read, finding an admin's slot by a typed name, and
decrypting a parsed file through a slot or with a key already known.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from store import audit as audit_log
from store import body as body_codec
from store import files, peek, signing
from store import format as store_format
from store.crypto import (
    KeyUnwrapFailed,
    SlotKeys,
    decrypt_body,
    passphrase_secret,
    pin_slot,
    public_of,
    unwrap_data_key,
    wipe,
)
from store.errors import (
    AccessRevoked,
    InvalidName,
    InvalidPassphrase,
    StoreDamaged,
    StoreError,
    StoreMissing,
)
from store.format import (
    Header,
    Parsed,
    parse,
    peek_header,
    valid_name,
)
from store.layout import KEY_LEN, Rotation, Slot
from store.models import (
    Generation,
    StoreWarning,
)
from store.storage import Document

RECOVERY_SLOT = peek.RECOVERY_SLOT

DEFAULT_LOCK_TIMEOUT = 10.0
FAILURE_LOCK_TIMEOUT = 2.0
AFTER_UNLOCK_TIMEOUT = 1.0
KEYRING_KEPT = 32
BODY_ENCODING = "zlib-chunks"
AUDIT_TABLE = audit_log.AUDIT_TABLE
SIGNING_KEYRING_ID = "sign"  # the signing key's entry in the body's keyring (not a key id)

TAMPERED = (
    "The store file was not written by a current admin: it is signed by a key that no "
    "admin's passphrase vouches for. It has been left exactly as it was."
)
NOT_IN_LINEAGE = (
    "That file is signed by an earlier key of this store, but no newer file lists it as "
    "one of its earlier generations: it was made from an old copy (by someone who has "
    "lost access), or it is older than the last 256 saves. Nothing was restored."
)
UNSIGNED_SLOT = StoreWarning(
    "slot_unpinned",
    "Your key slot predates signed stores; it now vouches for this store's signing key.",
)

Clock = Callable[[], datetime]
_StatKey = tuple[int, int, int, int]


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _stat_key(st: os.stat_result) -> _StatKey:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _read_file(path: Path, limit: int | None = None) -> tuple[bytes, _StatKey]:
    """The whole file and its stat. With ``limit``, a file larger than that is damage
    and is not read (nor one that grows past it while being read)."""
    try:
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            if limit is None:
                return f.read(), _stat_key(st)
            if st.st_size > limit:
                raise StoreDamaged("The file is larger than any store; it was not read.")
            data = f.read(limit + 1)
            if len(data) > limit:
                raise StoreDamaged("The file is larger than any store; it was not read.")
            return data, _stat_key(st)
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


def newer_backup(path: Path, header: Header) -> Header | None:
    """A genuine generation in ``backups/`` newer than the store file ``header`` describes:
    its signature verifies, it is of the same store, and its signing key is the store
    file's own or one that key leads to through the rotation certificates (so a removed
    admin's fork under a retired key, planted with a high number, is not one). Such a file
    means the store was copied back from an older generation (with its state file, too,
    perhaps): a rollback, whatever the records say. Only names numbered above the store's
    generation are read, so an unlock usually reads none."""
    if header.version < 2:
        return None  # nothing to reach from: the records (and kiosk check) still tell
    for number, gen_path in files.list_generation_files(path):
        if number <= header.generation:
            break
        try:
            # the header first: a planted file (of any size) that is not a newer file of
            # this store is never read whole
            peeked, _ = peek_header(gen_path)
            if peeked.store_id != header.store_id or peeked.generation <= header.generation:
                continue
            raw, _ = _read_file(gen_path, store_format.MAX_FILE)
            parsed = parse(raw)
            check_signature(parsed)
        except (StoreError, OSError):
            continue
        h = parsed.header
        if (
            h.version >= 2
            and h.store_id == header.store_id
            and h.generation > header.generation
            and signing.reaches(h.rotations, h.store_id, header.sign_public, h.sign_public)
        ):
            return h
    return None


def _parse_or_damaged(raw: bytes, store_path: Path) -> Parsed:
    """Parse and, for format 2, check the signature with the header's own key: an edited
    header field (KDF parameters included) is damage, found before any passphrase."""
    try:
        parsed = parse(raw)
        check_signature(parsed)
    except StoreDamaged as exc:
        raise StoreDamaged(exc.message, list_generations(store_path)) from None
    return parsed


def check_signature(parsed: Parsed) -> None:
    h = parsed.header
    if h.version >= 2 and not signing.verify_digest(
        h.sign_public,
        parsed.signature,
        parsed.digest or signing.file_digest(parsed.aad, parsed.body),
    ):
        raise StoreDamaged(
            "The store file is damaged or has been changed outside kiosk (its signature "
            "does not match). It has been left exactly as it was."
        )


def check_slot(header: Header, slot: Slot) -> list[StoreWarning]:
    """After the passphrase opened ``slot``: does the slot vouch for the file's signer?

    A pinned slot must reach the header's signing key through the rotation chain, or the
    file was signed by someone else (StoreDamaged). A format-1 slot vouches for nothing
    yet: allowed with a warning, and pinned at this unlock.
    """
    if header.version < 2:
        return []
    if not slot.pinned:
        return [UNSIGNED_SLOT]
    if not signing.reaches(header.rotations, header.store_id, slot.pin_public, header.sign_public):
        raise StoreDamaged(TAMPERED)
    return []


@dataclass(slots=True)
class _Opened:
    """A decrypted file: its data key, document and keyring of earlier data keys."""

    data_key: bytearray
    document: Document
    keyring: dict[str, bytes]
    chunks: dict[str, list[body_codec.Chunk]] | None = None  # compressed, as in the file
    sign: Ed25519PrivateKey | None = None  # format 2: the store's signing key
    mark: tuple[int, bytes] | None = None  # the file's (generation, digest)


def _decode_body(
    plaintext: bytes, reuse: body_codec.Reusable | None
) -> tuple[body_codec.Decoded, dict[str, bytes], Ed25519PrivateKey | None]:
    """Unpack the body, its keyring and signing key; anything unexpected is damage."""
    decoded = body_codec.decode(plaintext, reuse)
    keyring: dict[str, bytes] = {}
    sign: Ed25519PrivateKey | None = None
    for key_id, value in decoded.keyring.items():
        key = bytes.fromhex(value)
        if len(key) != KEY_LEN:
            raise ValueError("keyring")
        if key_id == SIGNING_KEYRING_ID:
            sign = signing.private_from(key)
        else:
            keyring[key_id] = key
    return decoded, keyring, sign


def _open_parsed(
    parsed: Parsed,
    slot_name: str,
    private: X25519PrivateKey,
    known: Mapping[str, bytes | bytearray],
    reuse: body_codec.Reusable | None = None,
) -> _Opened:
    """Decrypt a parsed file with a key already known, or through the named slot.

    AccessRevoked: the slot is gone or holds a different key pair (a newer passphrase).
    StoreDamaged: the slot opened but the data key or the body does not authenticate, or
    a format-2 body does not hold the header's signing key.
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
        decoded, keyring, sign = _decode_body(plaintext, reuse)
    except (InvalidTag, ValueError, RecursionError):
        wipe(data_key)
        raise StoreDamaged() from None
    if header.version >= 2 and (sign is None or signing.public_bytes(sign) != header.sign_public):
        wipe(data_key)
        raise StoreDamaged()
    mark = (header.generation, parsed.digest) if parsed.digest else None
    return _Opened(data_key, decoded.document, keyring, decoded.chunks, sign, mark)


def pinned_slots(
    header: Header,
    admin: str,
    keys: SlotKeys | None,
    private: X25519PrivateKey | None,
    sign_public: bytes,
) -> tuple[Slot, ...]:
    """The slots, with ``admin``'s own moved forward to ``sign_public`` (a format-1 slot
    is re-encrypted as format 2): only its own passphrase's keys can do it, so this runs
    in that admin's session, at each save."""
    out = []
    for slot in header.slots:
        if (
            slot.name == admin
            and keys is not None
            and private is not None
            and slot.public == public_of(private)
            and slot.pin_public != sign_public
        ):
            slot = pin_slot(header.store_id, slot, private, keys, sign_public)
        out.append(slot)
    return tuple(out)


def newest_signer(
    path: Path, restored: Header, slot_name: str, private: X25519PrivateKey
) -> tuple[Ed25519PrivateKey, tuple[Rotation, ...]] | None:
    """For a restore of ``restored`` when the store cannot be opened: the signing key (and
    its rotation certificates) of the newest later file of this store that this admin's
    key opens and whose chain reaches ``restored``'s key, or None.

    Why: every admin's trust record pins the newest signing key they verified, and a file
    whose key that one does not reach is refused as a fork. Carrying the newest key
    forward keeps a legitimate restore acceptable to every admin; a removed admin cannot
    use this, having no slot in any file signed since the removal.
    """
    candidates = [path] + [p for _, p in files.list_generation_files(path)]
    best: tuple[int, Ed25519PrivateKey, tuple[Rotation, ...]] | None = None
    for candidate in candidates:
        try:
            raw, _ = _read_file(candidate, store_format.MAX_FILE)
            parsed = parse(raw)
            check_signature(parsed)
        except (StoreError, OSError):
            continue
        h = parsed.header
        if (
            h.version < 2
            or h.store_id != restored.store_id
            or h.generation <= restored.generation
            or (best is not None and h.generation <= best[0])
            or not signing.reaches(h.rotations, h.store_id, restored.sign_public, h.sign_public)
        ):
            continue
        try:
            opened = _open_parsed(parsed, slot_name, private, {})
        except (StoreError, OSError):
            continue
        wipe(opened.data_key)
        if opened.sign is not None:
            best = (h.generation, opened.sign, h.rotations)
    return None if best is None else (best[1], best[2])
