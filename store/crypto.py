"""Key derivation, key slots, recovery codes and body encryption.

Key hierarchy (why it is shaped like this):

* A random 256-bit **data key** encrypts the document with AES-256-GCM.
* Each admin (and the recovery code) has a **slot** holding an X25519 key pair. The
  private half is encrypted (AES-256-GCM) under a key derived from that admin's
  passphrase with Argon2id; the data key is encrypted to the public half (ephemeral
  X25519 + HKDF-SHA256 + AES-256-GCM).

Format 2 adds an Ed25519 **signing key** (see :mod:`store.signing`): a slot's
passphrase also yields, through HKDF from the same Argon2id output, a key that pins the
signing key (:class:`SlotKeys`) and a key for the admin's trust record.
:func:`canonical_json` lives in :mod:`store.canonical`, so that
signing needs nothing from this module and the two import each other in no circle.

The public-key step is what makes rotation possible: removing an admin must replace
the data key so that an old copy of the file plus the removed passphrase opens nothing
written afterwards, and the remaining admins' passphrases are not available at that
moment. With a public key per slot, any unlocked session can wrap a fresh data key for
every remaining slot, while the removed admin, who only ever knew their own private key
and the old data key, learns nothing about it.
"""

from __future__ import annotations

import os
import secrets
import unicodedata
from dataclasses import dataclass, replace

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from store.canonical import canonical_json
from store.layout import KEY_LEN, NONCE_LEN, SALT_LEN, Slot
from store.models import KdfParams
from store.signing import pin_mac, pin_ok

# Recovery codes: 25 symbols from an alphabet without look-alikes (no 0/O, 1/I/L, U),
# read aloud and written down in five groups of five: about 123 bits of entropy.
RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
RECOVERY_LENGTH = 25
RECOVERY_GROUP = 5


class SlotLocked(Exception):
    """Internal: a slot did not open with the secret given (wrong passphrase)."""


class SlotTampered(Exception):
    """Internal: the passphrase opened the slot but its pin does not verify (edited)."""


@dataclass(slots=True)
class SlotKeys:
    """What a slot's passphrase yields besides its private key, kept for the session:
    the Argon2id KEK (to re-encrypt a format-1 slot when it is pinned), the key that
    pins the store's signing key and the key of this admin's trust record."""

    kek: bytearray
    pin_key: bytes
    record_key: bytes

    def wipe(self) -> None:
        wipe(self.kek)


def slot_keys(kek: bytearray, store_id: str, name: str) -> SlotKeys:
    def sub(label: bytes) -> bytes:
        return HKDF(
            algorithm=hashes.SHA256(),
            length=KEY_LEN,
            salt=None,
            info=label + store_id.encode("ascii") + b"\x00" + name.encode("utf-8"),
        ).derive(bytes(kek))

    return SlotKeys(kek, sub(b"kiosk-slot-pin-key\x00"), sub(b"kiosk-trust-record-key\x00"))


class KeyUnwrapFailed(Exception):
    """Internal: the slot opened but the data key inside did not authenticate."""


def passphrase_secret(passphrase: str) -> bytes:
    """NFC-normalise so the same passphrase typed on two keyboards derives the same key."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
    return "-".join(raw[i : i + RECOVERY_GROUP] for i in range(0, RECOVERY_LENGTH, RECOVERY_GROUP))


def normalize_recovery_code(code: str) -> str | None:
    """Accept the code with or without dashes or spaces, in any case; None if malformed."""
    cleaned = "".join(ch for ch in code.upper() if ch not in "- \t\r\n")
    if len(cleaned) != RECOVERY_LENGTH or any(ch not in RECOVERY_ALPHABET for ch in cleaned):
        return None
    return cleaned


def recovery_secret(normalized_code: str) -> bytes:
    return normalized_code.encode("ascii")


def derive_kek(secret: bytes, salt: bytes, kdf: KdfParams) -> bytearray:
    """Argon2id into a bytearray, so the caller can overwrite it when done."""
    out = bytearray(KEY_LEN)
    Argon2id(
        salt=salt,
        length=KEY_LEN,
        iterations=kdf.iterations,
        lanes=kdf.lanes,
        memory_cost=kdf.memory_kib,
    ).derive_into(secret, out)
    return out


def wipe(buf: bytearray | None) -> None:
    """Overwrite key material we own; Python may still hold copies we cannot reach."""
    if buf is not None:
        for i in range(len(buf)):
            buf[i] = 0


def _private_aad(store_id: str, slot: Slot, *, pinned: bool) -> bytes:
    # A pinned (format 2) slot uses its own context, so it cannot be passed off as an
    # unpinned format-1 slot in a forged file.
    context = b"kiosk-slot-private-v2\x00" if pinned else b"kiosk-slot-private\x00"
    return context + canonical_json(
        {
            "store_id": store_id,
            "name": slot.name,
            "added": slot.added,
            "kdf": [slot.kdf.memory_kib, slot.kdf.iterations, slot.kdf.lanes],
            "salt": slot.salt.hex(),
            "public": slot.public.hex(),
        }
    )


def _key_aad(store_id: str, name: str, key_id: str) -> bytes:
    return b"kiosk-slot-data-key\x00" + canonical_json(
        {"store_id": store_id, "name": name, "key_id": key_id}
    )


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _raw_private(key: X25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )


def public_of(key: X25519PrivateKey) -> bytes:
    return _raw_public(key.public_key())


def _wrap_key(private: X25519PrivateKey, peer_public: bytes, store_id: str) -> bytes:
    shared = private.exchange(X25519PublicKey.from_public_bytes(peer_public))
    return HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_LEN,
        salt=None,
        info=b"kiosk-slot-wrap\x00" + store_id.encode("ascii"),
    ).derive(shared)


def new_slot(
    store_id: str,
    name: str,
    added: str,
    secret: bytes,
    kdf: KdfParams,
    sign_public: bytes | None,
) -> tuple[Slot, X25519PrivateKey, SlotKeys]:
    """A slot with a fresh key pair whose private half opens with ``secret``, pinning
    ``sign_public`` (None makes a format-1 slot, for tests of old files only).

    The data-key fields are empty until :func:`wrap_data_key` fills them; this split lets
    the slow Argon2id run before the store's lock is taken.
    """
    private = X25519PrivateKey.generate()
    slot = Slot(
        name=name,
        added=added,
        kdf=kdf,
        salt=os.urandom(SALT_LEN),
        public=public_of(private),
        private_nonce=os.urandom(NONCE_LEN),
        private_wrapped=b"",
        eph=b"",
        key_nonce=b"",
        key_wrapped=b"",
    )
    kek = derive_kek(secret, slot.salt, kdf)
    keys = slot_keys(kek, store_id, name)
    if sign_public is None:
        wrapped = AESGCM(kek).encrypt(
            slot.private_nonce, _raw_private(private), _private_aad(store_id, slot, pinned=False)
        )
        return replace(slot, private_wrapped=wrapped), private, keys
    return pin_slot(store_id, slot, private, keys, sign_public), private, keys


def pin_slot(
    store_id: str, slot: Slot, private: X25519PrivateKey, keys: SlotKeys, sign_public: bytes
) -> Slot:
    """``slot`` vouching for ``sign_public``; a format-1 slot is re-encrypted as format 2."""
    if not slot.pinned:
        nonce = os.urandom(NONCE_LEN)
        slot = replace(slot, private_nonce=nonce)
        wrapped = AESGCM(keys.kek).encrypt(
            nonce, _raw_private(private), _private_aad(store_id, slot, pinned=True)
        )
        slot = replace(slot, private_wrapped=wrapped)
    return replace(
        slot,
        pin_public=sign_public,
        pin=pin_mac(keys.pin_key, store_id, slot, sign_public),
    )


def open_slot(store_id: str, slot: Slot, secret: bytes) -> tuple[X25519PrivateKey, SlotKeys]:
    """The slot's private key and keys; :class:`SlotLocked` if ``secret`` is wrong,
    :class:`SlotTampered` if it is right but the slot's pin was edited."""
    kek = derive_kek(secret, slot.salt, slot.kdf)
    try:
        raw = AESGCM(kek).decrypt(
            slot.private_nonce,
            slot.private_wrapped,
            _private_aad(store_id, slot, pinned=slot.pinned),
        )
    except InvalidTag:
        tampered = _opens_as_other_format(kek, store_id, slot)
        wipe(kek)
        if tampered:
            raise SlotTampered() from None
        raise SlotLocked() from None
    if len(raw) != KEY_LEN:
        wipe(kek)
        raise SlotLocked()
    private = X25519PrivateKey.from_private_bytes(raw)
    if public_of(private) != slot.public:
        wipe(kek)
        raise SlotLocked()
    keys = slot_keys(kek, store_id, slot.name)
    if slot.pinned and not pin_ok(keys.pin_key, store_id, slot):
        keys.wipe()
        raise SlotTampered()
    return private, keys


def _opens_as_other_format(kek: bytearray, store_id: str, slot: Slot) -> bool:
    """Does the slot's private key open under the *other* format's context? Then the
    passphrase is right and the slot was edited: a pinned slot with its pin stripped (to
    pass as a format-1 slot that "pins nothing yet", issue 12 review), or an unpinned one
    given a pin. Tampering, not a wrong passphrase (no failed try is counted). One AES-GCM
    decryption: the KEK is already derived."""
    try:
        AESGCM(kek).decrypt(
            slot.private_nonce,
            slot.private_wrapped,
            _private_aad(store_id, slot, pinned=not slot.pinned),
        )
    except InvalidTag:
        return False
    return True


def wrap_data_key(store_id: str, slot: Slot, data_key: bytes | bytearray, key_id: str) -> Slot:
    """``slot`` with the data key encrypted to its public key (fresh ephemeral each time)."""
    eph = X25519PrivateKey.generate()
    wrap = _wrap_key(eph, slot.public, store_id)
    nonce = os.urandom(NONCE_LEN)
    wrapped = AESGCM(wrap).encrypt(nonce, data_key, _key_aad(store_id, slot.name, key_id))
    return replace(slot, eph=public_of(eph), key_nonce=nonce, key_wrapped=wrapped)


def unwrap_data_key(store_id: str, slot: Slot, private: X25519PrivateKey, key_id: str) -> bytearray:
    try:
        wrap = _wrap_key(private, slot.eph, store_id)
        key = AESGCM(wrap).decrypt(
            slot.key_nonce, slot.key_wrapped, _key_aad(store_id, slot.name, key_id)
        )
    except (InvalidTag, ValueError):
        raise KeyUnwrapFailed() from None
    if len(key) != KEY_LEN:
        raise KeyUnwrapFailed()
    return bytearray(key)


def new_data_key() -> tuple[bytearray, str]:
    """A fresh data key and its public identifier (random, unrelated to the key)."""
    return bytearray(os.urandom(KEY_LEN)), secrets.token_hex(8)


def encrypt_body(data_key: bytes | bytearray, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    return AESGCM(data_key).encrypt(nonce, plaintext, aad)


def decrypt_body(data_key: bytes | bytearray, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
    """Raises ``InvalidTag`` when any byte of header or body was changed."""
    return AESGCM(data_key).decrypt(nonce, ciphertext, aad)
