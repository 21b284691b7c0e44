"""Sizes and the key slot record: the parts of the file layout that need no cryptography.

Kept apart from :mod:`store.crypto` so that reading a header (the unlock screen's list of
admin names) does not import the cryptography library before the first screen is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from store.models import KdfParams

KEY_LEN = 32
NONCE_LEN = 12
SALT_LEN = 16
TAG_LEN = 16
SIG_LEN = 64
MAC_LEN = 32


@dataclass(frozen=True, slots=True)
class Slot:
    """One way in: an admin's passphrase or the recovery code."""

    name: str
    added: str  # ISO 8601, UTC
    kdf: KdfParams
    salt: bytes
    public: bytes  # raw X25519 public key of the slot
    private_nonce: bytes
    private_wrapped: bytes  # X25519 private key under the Argon2id KEK
    eph: bytes  # raw X25519 ephemeral public key used to wrap the data key
    key_nonce: bytes
    key_wrapped: bytes  # data key under HKDF(ECDH(slot private, eph))
    # Format 2: the store signing key this slot vouches for, and the proof (HMAC under a
    # key derived from this slot's passphrase). Empty for a slot made by format 1.
    pin_public: bytes = b""
    pin: bytes = b""

    @property
    def pinned(self) -> bool:
        return bool(self.pin)


@dataclass(frozen=True, slots=True)
class Rotation:
    """The store's signing key was replaced: ``old`` signed ``new`` (format 2)."""

    old: bytes
    new: bytes
    signature: bytes


@dataclass(frozen=True, slots=True)
class Voucher:
    """A restoring admin's word to another admin that ``sign_public`` is this store's
    key (format 2; see :mod:`store.vouchers`)."""

    sign_public: bytes
    generation: int  # the restore's generation: only a record older than it may use it
    source: bytes  # the vouching slot's public key
    target: bytes  # the slot it is addressed to
    mac: bytes
