"""Vouchers: a restore that could not carry the newest signing key forward says, to each
other admin, "I, a current admin, made this key" (format 2).

Why: each admin's trust record (:mod:`store.trust`) pins the newest signing key they
verified and refuses a file whose key that one does not reach, because a removed admin's
fork from an old copy looks exactly like that. But so does an honest restore of an old
generation when every file under the newest key is lost (the store damaged and the later
backups gone): other admins were refused until they restored something themselves.

What tells the two apart is who made the file. A voucher is an HMAC from the restoring
admin's slot to another admin's slot, keyed by the X25519 exchange of their slot keys:
only the two of them can make or check it. An admin accepts a file under a key their
record does not reach when it carries a voucher to their slot, from a slot their record
lists among the store's ways in when they last verified it. A removed admin is not on
that list (their record was written after the removal), so their fork stays refused.
A voucher vouches for the header's signing key; later keys are reached from it through
the rotation certificates.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from store import signing
from store.canonical import canonical_json
from store.crypto import public_of
from store.format import Header
from store.layout import KEY_LEN, Slot, Voucher

_CONTEXT = b"kiosk-restore-voucher-v2\x00"


def _mac(private: X25519PrivateKey, peer: bytes, message: bytes, store_id: str) -> bytes | None:
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(peer))
    except ValueError:
        return None
    key = HKDF(
        algorithm=hashes.SHA256(), length=KEY_LEN, salt=None, info=_CONTEXT + store_id.encode()
    ).derive(shared)
    return hmac.new(key, message, hashlib.sha256).digest()


def _message(
    store_id: str, sign_public: bytes, generation: int, source: bytes, target: bytes
) -> bytes:
    return _CONTEXT + canonical_json(
        {
            "store_id": store_id,
            "sign_public": sign_public.hex(),
            "generation": generation,
            "from": source.hex(),
            "to": target.hex(),
        }
    )


def make(
    private: X25519PrivateKey,
    store_id: str,
    sign_public: bytes,
    generation: int,
    slots: tuple[Slot, ...],
) -> tuple[Voucher, ...]:
    """Vouchers from the slot whose private key is ``private`` for ``sign_public``, made
    by the restore saved as ``generation``, one to each other slot."""
    source = public_of(private)
    out = []
    for slot in slots:
        if slot.public == source:
            continue
        message = _message(store_id, sign_public, generation, source, slot.public)
        mac = _mac(private, slot.public, message, store_id)
        if mac is not None:
            out.append(Voucher(sign_public, generation, source, slot.public, mac))
    return tuple(out)


def vouched(
    header: Header,
    private: X25519PrivateKey,
    trusted: set[bytes],
    recorded: int,
    removed_at: int = 0,
) -> bool:
    """Does ``header`` carry a voucher to the slot of ``private``, from a slot in
    ``trusted`` (the ways in this admin's record lists), made by a restore newer than
    ``recorded`` (the record's generation) and not older than ``removed_at`` (the newest
    removal of an admin that this machine knows of), for a key that reaches the header's
    signing key?

    The generations stop a replay: a removed admin who kept a copy of a file with an
    older restore's vouchers (and its key) can put them in a fork, but every record
    written since the removal is newer than that restore, and a voucher from before the
    removal counts for nothing once the removal is known even to an admin who has not
    unlocked since (review 2, finding 2). A removal re-issues the vouchers for the new
    key (:func:`reissue`), so the genuine store stays acceptable to that admin.
    """
    own = public_of(private)
    for v in header.vouchers:
        if (
            v.target != own
            or v.source == own
            or v.source not in trusted
            or v.generation <= recorded
            or v.generation < removed_at
            or v.generation > header.generation
        ):
            continue
        if not signing.reaches(
            header.rotations, header.store_id, v.sign_public, header.sign_public
        ):
            continue
        expected = _mac(
            private,
            v.source,
            _message(header.store_id, v.sign_public, v.generation, v.source, own),
            header.store_id,
        )
        if expected is not None and hmac.compare_digest(expected, v.mac):
            return True
    return False


def reissue(
    header: Header, private: X25519PrivateKey, sign_public: bytes, generation: int
) -> tuple[Voucher, ...]:
    """The vouchers of a save that removes an admin: the old ones were for a key the
    removed admin holds, and count for nothing from this removal on, so the admin doing
    the removal vouches for the new key ``sign_public`` to every other slot, as made at
    ``generation`` (the removal's save). None when ``header`` carried none: the other
    admins' records then reach the new key through the rotation certificates."""
    if not header.vouchers:
        return ()
    return make(private, header.store_id, sign_public, generation, header.slots)
