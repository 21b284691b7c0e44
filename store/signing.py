"""Format 2's proof of authorship: the store's Ed25519 signing key, slot pins, rotations.

Why: a key slot wraps the data key to a public key in the clear header, so anyone can
encrypt *to* the admins (as with age). What only a current admin can do is sign: the
signing key's private half lives inside the encrypted body, and every file carries an
Ed25519 signature over its header and ciphertext. Each slot pins the signing public key
with an HMAC under a key derived from that slot's passphrase, so someone who knows only
public data cannot make a slot that vouches for a key of their own. When the signing key
is replaced (an admin removed), the old key signs the new one; those certificates form a
chain from any slot's pin to the current key, and each admin's pin moves forward when
they next unlock.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from store.canonical import canonical_json
from store.layout import KEY_LEN, Rotation, Slot

MAX_CHAIN = 64
_FILE_CONTEXT = b"kiosk-store-signature-v2\x00"
_ROTATE_CONTEXT = b"kiosk-signing-rotation-v2\x00"
_PIN_CONTEXT = b"kiosk-slot-pin-v2\x00"


def new_signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def private_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )


def private_from(raw: bytes) -> Ed25519PrivateKey:
    """ValueError when ``raw`` is not a 32-byte key."""
    if len(raw) != KEY_LEN:
        raise ValueError("signing key")
    return Ed25519PrivateKey.from_private_bytes(raw)


def file_digest(*parts: bytes) -> bytes:
    """SHA-256 of the concatenation of ``parts``: what a file's signature covers, and
    the file's identity in a lineage (see :mod:`store.lineage`)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part)
    return h.digest()


def sign_digest(key: Ed25519PrivateKey, digest: bytes) -> bytes:
    # Sign a digest, not the body: Ed25519 would hash a large body twice.
    return key.sign(_FILE_CONTEXT + digest)


def sign_file(key: Ed25519PrivateKey, *signed: bytes) -> bytes:
    """Sign the concatenation of ``signed`` (header and ciphertext)."""
    return sign_digest(key, file_digest(*signed))


def _verify(public: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def verify_file(public: bytes, signature: bytes, *signed: bytes) -> bool:
    """Does ``signature`` by ``public`` cover exactly ``signed`` (header and ciphertext)?"""
    return verify_digest(public, signature, file_digest(*signed))


def verify_digest(public: bytes, signature: bytes, digest: bytes) -> bool:
    """Does ``signature`` by ``public`` cover the file whose digest is ``digest``?"""
    return _verify(public, signature, _FILE_CONTEXT + digest)


def _rotation_message(store_id: str, old: bytes, new: bytes) -> bytes:
    return _ROTATE_CONTEXT + store_id.encode("ascii") + b"\x00" + old + new


def certify(old: Ed25519PrivateKey, store_id: str, new_public: bytes) -> Rotation:
    """The old key's signature on its successor."""
    old_public = public_bytes(old)
    signature = old.sign(_rotation_message(store_id, old_public, new_public))
    return Rotation(old_public, new_public, signature)


def reaches(chain: tuple[Rotation, ...], store_id: str, start: bytes, end: bytes) -> bool:
    """Is there a path of valid rotation certificates from ``start`` to ``end``?"""
    current = start
    seen = {current}
    while current != end:
        step = next(
            (
                r
                for r in chain
                if r.old == current
                and r.new not in seen
                and _verify(r.old, r.signature, _rotation_message(store_id, r.old, r.new))
            ),
            None,
        )
        if step is None:
            return False
        current = step.new
        seen.add(current)
    return True


def known_keys(chain: tuple[Rotation, ...], current: bytes) -> set[bytes]:
    """Every signing key this header's chain vouches for: the current one and its
    predecessors (for restoring generations saved before a rotation)."""
    keys = {current}
    changed = True
    while changed:
        changed = False
        for r in chain:
            if r.new in keys and r.old not in keys:
                keys.add(r.old)
                changed = True
    return keys


def pin_mac(pin_key: bytes, store_id: str, slot: Slot, sign_public: bytes) -> bytes:
    """The HMAC by which ``slot``'s passphrase vouches for ``sign_public``. It binds
    every field of the slot that is not already authenticated by the slot's own
    encryption, and the KDF parameters again, so none of them can be edited."""
    message = _PIN_CONTEXT + canonical_json(
        {
            "store_id": store_id,
            "name": slot.name,
            "added": slot.added,
            "kdf": [slot.kdf.memory_kib, slot.kdf.iterations, slot.kdf.lanes],
            "salt": slot.salt.hex(),
            "public": slot.public.hex(),
            "sign_public": sign_public.hex(),
        }
    )
    return hmac.new(pin_key, message, hashlib.sha256).digest()


def pin_ok(pin_key: bytes, store_id: str, slot: Slot) -> bool:
    expected = pin_mac(pin_key, store_id, slot, slot.pin_public)
    return slot.pinned and hmac.compare_digest(expected, slot.pin)


def record_mac(record_key: bytes, record: dict[str, object]) -> str:
    """The MAC of an admin's trust record (see :mod:`store.trust`)."""
    body = {k: v for k, v in record.items() if k != "mac"}
    return hmac.new(record_key, canonical_json(body), hashlib.sha256).hexdigest()
