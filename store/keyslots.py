"""Key slots: the admin operations that change who may open the store.

A slot is one way in (an admin's passphrase or the recovery code); see :mod:`store.crypto`
for the key hierarchy. Every change to who may open the store (removal, a new passphrase,
a new recovery code) replaces the data key, so it lives here with the slots.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from store import state
from store.crypto import (
    new_data_key,
    new_recovery_code,
    new_slot,
    normalize_recovery_code,
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
