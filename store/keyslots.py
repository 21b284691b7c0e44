"""Key slots: the admin operations that change who may open the store.

A slot is one way in (an admin's passphrase or the recovery code); see :mod:`store.crypto`
for the key hierarchy. Every change to who may open the store (removal, a new passphrase,
a new recovery code) replaces the data key, so it lives here with the slots.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from store import signing, state, trust, vouchers
from store.crypto import (
    SlotKeys,
    new_data_key,
    new_recovery_code,
    new_slot,
    normalize_recovery_code,
    pin_slot,
    recovery_secret,
    wipe,
    wrap_data_key,
)
from store.errors import (
    AdminExists,
    LastAdmin,
    UnknownAdmin,
)
from store.format import (
    MAX_ROTATIONS,
    now_iso,
)
from store.layout import Slot
from store.models import (
    AdminInfo,
    KdfParams,
)
from store.opening import (
    KEYRING_KEPT,
    RECOVERY_SLOT,
    _check_new_name,
    _check_passphrase,
    _find_admin_slot,
)
from store.transactions import Session


class KeysMixin(Session):
    """Admins and key slots of an unlocked store."""

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
        """A new data key wrapped for ``slots`` and a new signing key certified by the
        old one. The old data key moves to the keyring so that this store's earlier
        generations can still be restored by any current admin; whoever lost access
        keeps only old keys, which open and sign nothing saved from now on."""
        assert self._data_key is not None
        self._keyring[self._header.key_id] = bytes(self._data_key)
        while len(self._keyring) > KEYRING_KEPT:
            del self._keyring[next(iter(self._keyring))]
        wipe(self._data_key)
        key, key_id = new_data_key()
        self._data_key = key
        wrapped = tuple(wrap_data_key(self._header.store_id, s, key, key_id) for s in slots)
        self._header = replace(self._header, slots=wrapped, key_id=key_id)
        self._rotate_signing()
        return wrapped

    def _rotate_signing(self) -> None:
        """A new signing key, certified by the old one (when the old one was published),
        so that every slot's pin still reaches it."""
        old = self._sign
        self._sign = signing.new_signing_key()
        if self._header.version >= 2:
            cert = signing.certify(old, self._header.store_id, signing.public_bytes(self._sign))
            rotations = (*self._header.rotations, cert)[-MAX_ROTATIONS:]
            self._header = replace(self._header, rotations=rotations)

    def _slot_kdf(self) -> KdfParams:
        own = self._header.slot(self.admin)
        return own.kdf if own is not None else KdfParams()

    def _sign_public(self) -> bytes:
        return signing.public_bytes(self._sign)

    def _repin(self, name: str, private: X25519PrivateKey, keys: SlotKeys) -> None:
        """A slot made before a rotation vouches for the new signing key (an HMAC: no
        Argon2id, the slot's keys are at hand), not for the key just retired."""
        h = self._header
        slots = tuple(
            pin_slot(h.store_id, s, private, keys, self._sign_public()) if s.name == name else s
            for s in h.slots
        )
        self._header = replace(h, slots=slots)

    def _write_record(self, name: str, keys: SlotKeys) -> None:
        """Start ``name``'s trust record at the generation about to be saved (lock held)."""
        doc = state.load(self.path)
        upcoming = replace(self._header, generation=self._header.generation + 1)
        # A new passphrase's keys cannot verify the old record: replacing it is the point.
        trust.write(
            doc, self.path, upcoming, name, keys, now_iso(self._now()), replace_damaged=True
        )
        state.save(self.path, doc)

    def add_admin(self, name: str, passphrase: str) -> None:
        """Add an admin with their own passphrase (AdminExists, InvalidName)."""
        with self._rlock:
            self._check_unlocked()
            cleaned = _check_new_name(name)
            secret = _check_passphrase(passphrase)
            # Argon2id runs before the lock is taken, so other sessions are not held up.
            slot, _, keys = new_slot(
                self._header.store_id,
                cleaned,
                now_iso(self._now()),
                secret,
                self._slot_kdf(),
                self._sign_public(),
            )
            try:
                with self._transaction() as tx:
                    if any(s.name.casefold() == cleaned.casefold() for s in self._header.slots):
                        raise AdminExists()
                    assert self._data_key is not None
                    slot = wrap_data_key(
                        self._header.store_id, slot, self._data_key, self._header.key_id
                    )
                    self._header = replace(self._header, slots=(*self._header.slots, slot))
                    tx.audit("admin.add", detail=cleaned)
                    doc = state.load(self.path)
                    state.clear_removed(doc, cleaned)
                    state.save(self.path, doc)
                    self._write_record(cleaned, keys)
            finally:
                keys.wipe()

    def remove_admin(self, name: str) -> str | None:
        """Remove an admin and rotate the data key and the signing key (LastAdmin,
        UnknownAdmin). Returns a new recovery code when the removed admin had been shown
        the current one (the caller shows it once), None otherwise.

        An old copy of the file plus the removed passphrase (or an old recovery code)
        opens nothing saved from now on and signs nothing a current admin accepts.
        Removing yourself locks this session after the save.
        """
        with self._rlock:
            self._check_unlocked()
            code = None
            with self._transaction() as tx:
                slot = _find_admin_slot(self._header, name)
                if slot is None:
                    raise UnknownAdmin()
                fresh = None
                if slot.name in self._header.recovery_shown:
                    # Argon2id under the lock: removal is rare, and the decision must be
                    # made on the header as it is now.
                    code, fresh, fresh_private, keys = self._new_recovery_slot()
                old_recovery = self._header.slot(RECOVERY_SLOT)
                remaining = tuple(s for s in self._header.slots if s.name != slot.name)
                if not any(s.name != RECOVERY_SLOT for s in remaining):
                    raise LastAdmin()
                shown = tuple(n for n in self._header.recovery_shown if n != slot.name)
                if fresh is not None:
                    remaining = (*(s for s in remaining if s.name != RECOVERY_SLOT), fresh)
                    # Removing yourself: the new code is shown to nobody (you are leaving);
                    # the remaining admins are offered a new one.
                    yourself = slot.name == self.admin or self.admin == RECOVERY_SLOT
                    shown = () if yourself else (self.admin,)
                self._header = replace(self._header, recovery_shown=shown)
                self._rotated(remaining)
                if fresh is not None:
                    self._repin(RECOVERY_SLOT, fresh_private, keys)
                    keys.wipe()
                # A restore's vouchers were for a key the removed admin holds: from this
                # removal on they count for nothing (store.vouchers), so the admin doing
                # it vouches for the new key instead (not when removing yourself).
                removal = self._next_generation()
                assert self._private is not None
                reissued = (
                    ()
                    if slot.name == self.admin
                    else vouchers.reissue(self._header, self._private, self._sign_public(), removal)
                )
                self._header = replace(self._header, vouchers=reissued)
                tx.audit("admin.remove", detail=slot.name)
                if fresh is not None:
                    tx.audit("recovery.regenerate", detail="the removed admin had seen it")
                doc = state.load(self.path)
                state.forget_admin(doc, slot.name)
                trust.forget(doc, self.path, self._header.store_id, slot.name)
                state.note_removed(doc, slot.name)
                trust.note_removal(doc, self.path, self._header.store_id, removal)
                if fresh is not None and old_recovery is not None:
                    state.retire_recovery(doc, old_recovery.public.hex())
                state.save(self.path, doc)
            if slot.name == self.admin:
                self.lock()
                return None
            return code

    def recovery_shown_to(self) -> tuple[str, ...]:
        """The admins who were shown the current recovery code (to offer a new one)."""
        with self._rlock:
            self._check_unlocked()
            return self._header.recovery_shown

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
            fresh, private, keys = new_slot(
                self._header.store_id,
                current.name,
                current.added,
                secret,
                kdf or current.kdf,
                self._sign_public(),
            )
            own = current.name == self.admin
            try:
                with self._transaction() as tx:
                    if self._header.slot(current.name) is None:
                        raise UnknownAdmin()
                    slots = tuple(
                        fresh if s.name == current.name else s for s in self._header.slots
                    )
                    self._rotated(slots)
                    self._repin(current.name, private, keys)
                    if own:
                        self._pending_private = private
                        self._pending_keys = keys
                    tx.audit("admin.passphrase_change", detail=current.name)
                    self._write_record(current.name, keys)
            finally:
                if not own:
                    keys.wipe()

    def _new_recovery_slot(self) -> tuple[str, Slot, X25519PrivateKey, SlotKeys]:
        code = new_recovery_code()
        normalized = normalize_recovery_code(code)
        assert normalized is not None
        old = self._header.slot(RECOVERY_SLOT)
        fresh, private, keys = new_slot(
            self._header.store_id,
            RECOVERY_SLOT,
            now_iso(self._now()),
            recovery_secret(normalized),
            old.kdf if old is not None else self._slot_kdf(),
            self._sign_public(),
        )
        return code, fresh, private, keys

    def regenerate_recovery(self, *, shown_to: str | None = None) -> str:
        """A new recovery code (returned once); the old code stops working, and the data
        and signing keys are rotated so that it opens nothing saved from now on either.

        The code is recorded as shown to this admin, or to ``shown_to``; from a recovery
        session, as shown to every admin (whoever held the old code may be any of them):
        removing an admin who was shown the current code replaces it.
        """
        with self._rlock:
            self._check_unlocked()
            code, fresh, private, keys = self._new_recovery_slot()
            own = self.admin == RECOVERY_SLOT
            with self._transaction() as tx:
                slots = tuple(s for s in self._header.slots if s.name != RECOVERY_SLOT)
                old = self._header.slot(RECOVERY_SLOT)
                if old is not None:
                    doc = state.load(self.path)
                    state.retire_recovery(doc, old.public.hex())
                    state.save(self.path, doc)
                if own:
                    # Nobody knows who sat at the recovery screen (one admin may reset
                    # another's passphrase): the code counts as seen by every admin, so
                    # removing any of them replaces it.
                    shown = tuple(s.name for s in slots)
                else:
                    viewer = shown_to or self.admin
                    shown = (viewer,) if self._header.slot(viewer) is not None else ()
                self._header = replace(self._header, recovery_shown=shown)
                self._rotated((*slots, fresh))
                self._repin(RECOVERY_SLOT, private, keys)
                if own:
                    self._pending_private = private
                    self._pending_keys = keys
                tx.audit("recovery.regenerate")
            if not own:
                keys.wipe()
            return code
