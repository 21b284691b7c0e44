"""The store file's envelope and header: build it, parse it, never crash on junk.

Layout (all integers big-endian)::

    magic      8 bytes   b"KIOSKDB\\x1a"
    version    u16       format version (2; 1 is still read)
    length     u32       length of the header
    header     length    UTF-8 JSON object (slots, generation, audit head, body nonce...)
    checksum   32 bytes  SHA-256 of everything above
    body       ...       AES-256-GCM ciphertext + tag; associated data = everything above
    signature  64 bytes  (version 2 only) Ed25519, by the header's signing key, over all
                         of the above (see :mod:`store.signing`)

A file's *digest* is SHA-256 over everything before the signature (what the signature
covers). A format-2 header may carry ``lineage``: the generation numbers and digests of
this store's earlier files (the ones kept in ``backups/`` and before), so that an old
file signed by a retired key is genuine only if a newer genuine header lists it (see
:mod:`store.lineage`). A format-2 header without it (written before lineages) is read as
"not tracked", and its first save starts one. It may also carry ``vouchers``: a restoring
admin's word to each other admin for a signing key their records do not lead to (see
:mod:`store.vouchers`).

The checksum is not a security measure (anyone can recompute it); it lets damage to
the header be reported as damage *before* any passphrase is tried, so a flipped byte in
a salt is not mistaken for a wrong passphrase. Authenticity comes from GCM: the whole
header, checksum included, is the body's associated data. GCM proves only that the
writer held the data key, which anyone can pick and wrap to the public slot keys; format
2's signature proves the writer held the store's signing key (see :mod:`store.signing`),
and a header edited without it (an Argon2id parameter, say) is damage. The envelope (magic, version,
length, checksum) is promised to every future version, so an intact file from a newer
kiosk is told apart from a damaged one: only the former raises :class:`UnknownFormat`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from store.errors import StoreDamaged, StoreMissing, UnknownFormat
from store.layout import (
    KEY_LEN,
    MAC_LEN,
    NONCE_LEN,
    SALT_LEN,
    SIG_LEN,
    TAG_LEN,
    Rotation,
    Slot,
    Voucher,
)
from store.models import KdfParams

MAGIC = b"KIOSKDB\x1a"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
_PREFIX = struct.Struct(">8sHI")
CHECKSUM_LEN = 32
MAX_HEADER = 1024 * 1024
# The largest file kiosk reads *beside* the store on its own initiative (a backup that
# might be newer, one to offer for a restore): a planted sparse file of hundreds of MB
# was once read whole on every unlock. A care group's store is a few MB; this leaves a
# hundred times that.
MAX_FILE = 256 * 1024 * 1024
MAX_SLOTS = 256
MAX_NAME = 64
MAX_ROTATIONS = 64
MAX_LINEAGE = 256
DIGEST_LEN = 32
_GEN = struct.Struct(">Q")
COMPRESSIONS = ("zlib-chunks",)


@dataclass(frozen=True, slots=True)
class Header:
    store_id: str  # 32 hex digits, random at creation
    generation: int  # +1 on every save; never goes back, even on restore
    saved_at: str  # ISO 8601 UTC
    saved_by: str  # slot name of the admin who saved
    audit_length: int
    audit_head: str  # hex sha256 of the last audit entry, "" when there is none
    key_id: str  # identifies the data key (random, unrelated to the key)
    body_nonce: bytes
    compression: str
    slots: tuple[Slot, ...]
    version: int = FORMAT_VERSION
    sign_public: bytes = b""  # format 2: the store's Ed25519 signing key
    rotations: tuple[Rotation, ...] = ()  # format 2: old signing keys' signatures on new
    recovery_shown: tuple[str, ...] = ()  # admins who were shown the current recovery code
    # format 2: (generation, digest hex) of earlier genuine files, oldest first; None
    # when the header predates lineages (see store.lineage)
    lineage: tuple[tuple[int, str], ...] | None = None
    vouchers: tuple[Voucher, ...] = ()  # format 2: see store.vouchers

    def slot(self, name: str) -> Slot | None:
        for s in self.slots:
            if s.name == name:
                return s
        return None


@dataclass(frozen=True, slots=True)
class Parsed:
    header: Header
    aad: bytes  # envelope + header + checksum: the body's associated data
    body: bytes
    signature: bytes = b""  # format 2: Ed25519 over aad + body
    digest: bytes = b""  # SHA-256 of aad + body: the file's identity in a lineage


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _slot_doc(slot: Slot) -> dict[str, Any]:
    return {
        "name": slot.name,
        "added": slot.added,
        "kdf": {
            "alg": "argon2id",
            "memory_kib": slot.kdf.memory_kib,
            "iterations": slot.kdf.iterations,
            "lanes": slot.kdf.lanes,
        },
        "salt": _b64(slot.salt),
        "public": _b64(slot.public),
        "private_nonce": _b64(slot.private_nonce),
        "private_wrapped": _b64(slot.private_wrapped),
        "eph": _b64(slot.eph),
        "key_nonce": _b64(slot.key_nonce),
        "key_wrapped": _b64(slot.key_wrapped),
        **({"pin_public": _b64(slot.pin_public), "pin": _b64(slot.pin)} if slot.pinned else {}),
    }


def header_doc(h: Header) -> dict[str, Any]:
    doc = {
        "store_id": h.store_id,
        "generation": h.generation,
        "saved_at": h.saved_at,
        "saved_by": h.saved_by,
        "audit": {"length": h.audit_length, "head": h.audit_head},
        "key_id": h.key_id,
        "body": {
            "cipher": "aes-256-gcm",
            "nonce": _b64(h.body_nonce),
            "compression": h.compression,
        },
        "slots": [_slot_doc(s) for s in h.slots],
    }
    if h.version >= 2:
        doc["signing"] = {
            "alg": "ed25519",
            "public": _b64(h.sign_public),
            "rotations": [
                {"old": _b64(r.old), "new": _b64(r.new), "sig": _b64(r.signature)}
                for r in h.rotations
            ],
        }
        doc["recovery_shown"] = list(h.recovery_shown)
        if h.lineage is not None:
            # packed, one base64 string: 256 JSON pairs cost a millisecond per save
            doc["lineage"] = _b64(b"".join(_GEN.pack(n) + bytes.fromhex(d) for n, d in h.lineage))
        if h.vouchers:
            doc["vouchers"] = [
                {
                    "sign_public": _b64(v.sign_public),
                    "generation": v.generation,
                    "from": _b64(v.source),
                    "to": _b64(v.target),
                    "mac": _b64(v.mac),
                }
                for v in h.vouchers
            ]
    return doc


def encode_header(h: Header) -> bytes:
    """Envelope + header + checksum: the bytes before the body, and its associated data."""
    raw = json.dumps(header_doc(h), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    head = _PREFIX.pack(MAGIC, h.version, len(raw)) + raw
    return head + hashlib.sha256(head).digest()


# --- parsing -------------------------------------------------------------------------


class _Bad(Exception):
    """Internal: the header is structurally wrong (reported as StoreDamaged)."""


def _get(doc: Any, key: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(doc, dict) or key not in doc:
        raise _Bad(key)
    value = doc[key]
    # bool is an int subclass: never accept it where a number is expected
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise _Bad(key)
    if not isinstance(value, kind):
        raise _Bad(key)
    return value


def _int(doc: Any, key: str, lo: int, hi: int) -> int:
    value: int = _get(doc, key, int)
    if not lo <= value <= hi:
        raise _Bad(key)
    return value


def _hex(doc: Any, key: str, length: int | None, allow_empty: bool = False) -> str:
    value: str = _get(doc, key, str)
    if allow_empty and value == "":
        return value
    if length is not None and len(value) != length:
        raise _Bad(key)
    if not value or any(c not in "0123456789abcdef" for c in value):
        raise _Bad(key)
    return value


def _bytes(doc: Any, key: str, length: int | None = None, min_len: int = 0) -> bytes:
    value: str = _get(doc, key, str)
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise _Bad(key) from None
    if length is not None and len(raw) != length:
        raise _Bad(key)
    if len(raw) < min_len:
        raise _Bad(key)
    return raw


def _time(doc: Any, key: str) -> str:
    value: str = _get(doc, key, str)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _Bad(key) from None
    if parsed.tzinfo is None:
        raise _Bad(key)
    return value


def valid_name(name: str) -> bool:
    """Slot names: 1-64 printable characters without surrounding spaces."""
    return (
        0 < len(name) <= MAX_NAME and name == name.strip() and all(ch.isprintable() for ch in name)
    )


def _slot(doc: Any, version: int) -> Slot:
    name: str = _get(doc, "name", str)
    if not valid_name(name):
        raise _Bad("name")
    kdf_doc = _get(doc, "kdf", dict)
    if _get(kdf_doc, "alg", str) != "argon2id":
        raise _Bad("kdf")
    try:
        kdf = KdfParams(
            memory_kib=_get(kdf_doc, "memory_kib", int),
            iterations=_get(kdf_doc, "iterations", int),
            lanes=_get(kdf_doc, "lanes", int),
        )
    except ValueError:
        raise _Bad("kdf") from None
    pinned = version >= 2 and isinstance(doc, dict) and "pin" in doc
    return Slot(
        name=name,
        added=_time(doc, "added"),
        kdf=kdf,
        salt=_bytes(doc, "salt", SALT_LEN),
        public=_bytes(doc, "public", KEY_LEN),
        private_nonce=_bytes(doc, "private_nonce", NONCE_LEN),
        private_wrapped=_bytes(doc, "private_wrapped", KEY_LEN + TAG_LEN),
        eph=_bytes(doc, "eph", KEY_LEN),
        key_nonce=_bytes(doc, "key_nonce", NONCE_LEN),
        key_wrapped=_bytes(doc, "key_wrapped", KEY_LEN + TAG_LEN),
        pin_public=_bytes(doc, "pin_public", KEY_LEN) if pinned else b"",
        pin=_bytes(doc, "pin", MAC_LEN) if pinned else b"",
    )


def _rotations(doc: Any) -> tuple[Rotation, ...]:
    items = _get(doc, "rotations", list)
    if len(items) > MAX_ROTATIONS:
        raise _Bad("rotations")
    return tuple(
        Rotation(_bytes(r, "old", KEY_LEN), _bytes(r, "new", KEY_LEN), _bytes(r, "sig", SIG_LEN))
        for r in items
    )


def _header(doc: Any, version: int) -> Header:
    if not isinstance(doc, dict):
        raise _Bad("header")
    audit = _get(doc, "audit", dict)
    body = _get(doc, "body", dict)
    if _get(body, "cipher", str) != "aes-256-gcm":
        raise _Bad("cipher")
    compression = _get(body, "compression", str)
    if compression not in COMPRESSIONS:
        raise _Bad("compression")
    slots_doc = _get(doc, "slots", list)
    if not 0 < len(slots_doc) <= MAX_SLOTS:
        raise _Bad("slots")
    slots = tuple(_slot(s, version) for s in slots_doc)
    if len({s.name.casefold() for s in slots}) != len(slots):
        raise _Bad("duplicate slot")
    saved_by: str = _get(doc, "saved_by", str)
    if len(saved_by) > MAX_NAME:
        raise _Bad("saved_by")
    return Header(
        store_id=_hex(doc, "store_id", 32),
        generation=_int(doc, "generation", 0, 2**62),
        saved_at=_time(doc, "saved_at"),
        saved_by=saved_by,
        audit_length=_int(audit, "length", 0, 2**62),
        audit_head=_hex(audit, "head", 64, allow_empty=True),
        key_id=_hex(doc, "key_id", 16),
        body_nonce=_bytes(body, "nonce", NONCE_LEN),
        compression=compression,
        slots=slots,
        version=version,
        **_signing(doc, version),
    )


def _signing(doc: Any, version: int) -> dict[str, Any]:
    if version < 2:
        return {}
    signing = _get(doc, "signing", dict)
    if _get(signing, "alg", str) != "ed25519":
        raise _Bad("signing")
    shown = _get(doc, "recovery_shown", list)
    if len(shown) > MAX_SLOTS or not all(isinstance(n, str) and valid_name(n) for n in shown):
        raise _Bad("recovery_shown")
    return {
        "sign_public": _bytes(signing, "public", KEY_LEN),
        "rotations": _rotations(signing),
        "recovery_shown": tuple(shown),
        "lineage": _lineage(doc),
        "vouchers": _vouchers(doc),
    }


def _vouchers(doc: dict[str, Any]) -> tuple[Voucher, ...]:
    if "vouchers" not in doc:
        return ()
    items = _get(doc, "vouchers", list)
    if len(items) > MAX_SLOTS:
        raise _Bad("vouchers")
    return tuple(
        Voucher(
            _bytes(v, "sign_public", KEY_LEN),
            _int(v, "generation", 0, 2**62),
            _bytes(v, "from", KEY_LEN),
            _bytes(v, "to", KEY_LEN),
            _bytes(v, "mac", MAC_LEN),
        )
        for v in items
    )


def _lineage(doc: dict[str, Any]) -> tuple[tuple[int, str], ...] | None:
    if "lineage" not in doc:
        return None
    raw = _bytes(doc, "lineage")
    size = _GEN.size + DIGEST_LEN
    if len(raw) % size or len(raw) // size > MAX_LINEAGE:
        raise _Bad("lineage")
    out = []
    for at in range(0, len(raw), size):
        (number,) = _GEN.unpack_from(raw, at)
        if number > 2**62:
            raise _Bad("lineage")
        out.append((number, raw[at + _GEN.size : at + size].hex()))
    return tuple(out)


def _envelope(data: bytes) -> tuple[int, int]:
    """Check magic, length and checksum; return (version, end of checksum)."""
    if len(data) < _PREFIX.size:
        raise StoreDamaged("The store file is too short to be a kiosk store; it is damaged.")
    magic, version, length = _PREFIX.unpack_from(data)
    if magic != MAGIC:
        raise StoreDamaged("The file is not a kiosk store, or its first bytes are damaged.")
    end = _PREFIX.size + length
    if length > MAX_HEADER or len(data) < end + CHECKSUM_LEN:
        raise StoreDamaged("The store file's header is damaged (bad length).")
    if hashlib.sha256(data[:end]).digest() != data[end : end + CHECKSUM_LEN]:
        raise StoreDamaged("The store file's header is damaged (checksum mismatch).")
    if version not in READABLE_VERSIONS:
        raise UnknownFormat()
    return version, end + CHECKSUM_LEN


def _parse_header_json(data: bytes, end: int, version: int) -> Header:
    raw = data[_PREFIX.size : end - CHECKSUM_LEN]
    try:
        doc = json.loads(raw.decode("utf-8"))
        return _header(doc, version)
    except (UnicodeDecodeError, ValueError, RecursionError, _Bad):
        raise StoreDamaged("The store file's header cannot be read; it is damaged.") from None


def parse(data: bytes) -> Parsed:
    """Parse a whole store file. Raises StoreDamaged or UnknownFormat, nothing else."""
    version, end = _envelope(data)
    header = _parse_header_json(data, end, version)
    sig_len = SIG_LEN if version >= 2 else 0
    body = data[end : len(data) - sig_len]
    if len(body) < TAG_LEN:
        raise StoreDamaged("The store file is truncated; it is damaged.")
    digest = hashlib.sha256(memoryview(data)[: len(data) - sig_len]).digest()
    return Parsed(
        header=header,
        aad=data[:end],
        body=body,
        signature=data[len(data) - sig_len :],
        digest=digest,
    )


def peek_header(path: Path) -> tuple[Header, os.stat_result]:
    """Read and check just the header (no key needed, body not read), with the stat of
    the very file read, so the two always describe the same generation."""
    try:
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            prefix = f.read(_PREFIX.size)
            if len(prefix) == _PREFIX.size:
                _, _, length = _PREFIX.unpack(prefix)
                rest = f.read(min(length, MAX_HEADER + 1) + CHECKSUM_LEN)
            else:
                rest = b""
    except FileNotFoundError:
        raise StoreMissing() from None
    except IsADirectoryError:
        raise StoreDamaged("The store path is a folder, not a store file.") from None
    data = prefix + rest
    version, end = _envelope(data)
    return _parse_header_json(data, end, version), st


def now_iso(moment: datetime) -> str:
    """UTC ISO 8601 with milliseconds: sortable, unambiguous, no local time zone."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def new_store_id() -> str:
    return os.urandom(16).hex()
