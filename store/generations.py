"""Generations: the encrypted earlier versions kept in ``backups/``, restore and backup.

Listing generations needs no key (headers only); restoring one decrypts it first with a
key this session knows, and always writes a new, higher generation.
"""

from __future__ import annotations

import os
from pathlib import Path

from store import files, lineage, signing
from store.crypto import (
    SlotLocked,
    SlotTampered,
    open_slot,
    passphrase_secret,
    wipe,
)
from store.errors import (
    AccessRevoked,
    NotOpenable,
    SaveFailed,
    StoreDamaged,
    StoreExists,
    StoreTampered,
    WrongPassphrase,
)
from store.format import (
    Header,
    parse,
)
from store.models import (
    Generation,
)
from store.opening import (
    NOT_IN_LINEAGE,
    TAMPERED,
    _open_parsed,
    _read_file,
    check_signature,
    list_generations,
)
from store.storage import make_db
from store.transactions import Session


class GenerationsMixin(Session):
    """Backups and restore of an unlocked store."""

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
                check_signature(parsed)
            except StoreDamaged:
                raise StoreDamaged("That generation is damaged.", self.generations()) from None
            if parsed.header.store_id != self._header.store_id:
                raise NotOpenable("That file is a different store, not a generation of this one.")
            self._check_signer(parsed.header)
            if not lineage.vouches(self._header, parsed.header, parsed.digest):
                raise StoreTampered(NOT_IN_LINEAGE, self.generations())
            assert self._private is not None
            try:
                opened = _open_parsed(parsed, self.admin, self._private, self._known_keys())
            except AccessRevoked:
                slot = parsed.header.slot(self.admin)
                if passphrase is None or slot is None or parsed.header.version < 2:
                    # A format-1 file proves nothing about who wrote it: only one whose
                    # data key this store already knows is accepted.
                    raise NotOpenable() from None
                try:
                    old_private, old_keys = open_slot(
                        parsed.header.store_id, slot, passphrase_secret(passphrase)
                    )
                except SlotLocked:
                    raise WrongPassphrase() from None
                except SlotTampered:
                    raise StoreDamaged(TAMPERED, self.generations()) from None
                old_keys.wipe()
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

    def _check_signer(self, header: Header) -> None:
        """A generation must be signed by this store's key or one it replaced (the header's
        rotation chain): a file signed by anyone else is refused as tampered (P1)."""
        if header.version < 2:
            return
        current = signing.public_bytes(self._sign)
        trusted = signing.known_keys(self._header.rotations, current)
        if header.sign_public not in trusted or not signing.reaches(
            self._header.rotations, header.store_id, header.sign_public, current
        ):
            raise StoreDamaged(TAMPERED, self.generations())
        if header.sign_public != current and header.generation >= self._header.generation:
            # A retired key signed only generations older than the rotation, so older
            # than this one: a newer file under it is a removed admin's fork (F1).
            raise StoreTampered(TAMPERED, self.generations())

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
