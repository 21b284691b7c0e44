"""Typed errors the UI can show as one sentence.

Every error carries a stable machine ``code`` (for translation and tests) and a plain
English ``message``. Messages never contain personal data, passphrases, record contents
or any path other than the store's own, because they end up on screens, in terminal
scrollback and in bug reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from datetime import datetime

    from store.models import Generation


class StoreError(Exception):
    """Base of every error the store raises on purpose."""

    code: ClassVar[str] = "store_error"
    default_message: ClassVar[str] = "The store could not complete the operation."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class WrongPassphrase(StoreError):
    """The name/passphrase pair (or the recovery code) does not unlock any slot.

    Deliberately the same error for an unknown admin name and a wrong passphrase, so that
    the unlock screen gives nothing away about which part was wrong.
    """

    code = "wrong_passphrase"
    default_message = "That name and passphrase do not unlock this store."


class StoreDamaged(StoreError):
    """The file cannot be read or fails authentication: damaged or tampered with.

    The file is left exactly as it was. ``generations`` lists the encrypted backups that
    can be restored instead (newest first).
    """

    code = "damaged"
    default_message = (
        "The store file is damaged or has been changed outside kiosk. "
        "It has been left exactly as it was; an earlier generation can be restored."
    )

    def __init__(self, message: str | None = None, generations: Sequence[Generation] = ()) -> None:
        super().__init__(message)
        self.generations: list[Generation] = list(generations)


class StoreTampered(StoreDamaged):
    """The file authenticates but was written by someone who has lost access: signed by
    a key that the key this admin last verified does not lead to (a fork of an old copy).
    A StoreDamaged, so that every path that refuses damage refuses this too."""

    code = "tampered"


class StoreMissing(StoreError):
    """No store file. ``generations`` lists backups found beside it, if any (a store
    deleted by mistake can be brought back with ``Store.restore_damaged``)."""

    code = "missing"
    default_message = "There is no store file at this location."

    def __init__(self, message: str | None = None, generations: Sequence[Generation] = ()) -> None:
        super().__init__(message)
        self.generations: list[Generation] = list(generations)


class StoreExists(StoreError):
    code = "exists"
    default_message = "A store file already exists at this location."


class StoreBusy(StoreError):
    """Another kiosk process held the store's lock for longer than the timeout."""

    code = "busy"
    default_message = (
        "Another kiosk session is saving to the store right now. Try again in a moment."
    )


class UnknownFormat(StoreError):
    """The file is an intact kiosk store written by a newer (or unknown) format version."""

    code = "unknown_format"
    default_message = (
        "The store file was written by a newer version of kiosk. Update kiosk to open it."
    )


class LastAdmin(StoreError):
    code = "last_admin"
    default_message = "The last admin cannot be removed: the store would have no way in."


class AdminExists(StoreError):
    code = "admin_exists"
    default_message = "An admin with that name already exists."


class UnknownAdmin(StoreError):
    code = "unknown_admin"
    default_message = "There is no admin with that name."


class InvalidName(StoreError):
    code = "invalid_admin_name"
    default_message = (
        "An admin name must be 1 to 64 characters, without control characters, "
        "and must not start with '#'."
    )


class InvalidPassphrase(StoreError):
    code = "invalid_passphrase"
    default_message = "The passphrase must not be empty."


class AccessRevoked(StoreError):
    """Another session removed this admin or changed their passphrase: unlock again."""

    code = "access_revoked"
    default_message = (
        "This session's key no longer opens the store (the admin was removed or the "
        "passphrase was changed in another session). Unlock again."
    )


class AdminRemoved(AccessRevoked):
    """A restore by an admin (or recovery key) that the newest genuine store no longer
    lets in: removed, or the recovery key was replaced. Not "unlock again": that
    would never work."""

    code = "admin_removed"
    default_message = (
        "You are not an admin of the newest version of this store, so you cannot restore it."
    )


class StoreLocked(StoreError):
    code = "locked"
    default_message = "The store is locked. Unlock it again to continue."


class TransactionError(StoreError):
    """A programming error around transactions (nested, write outside, unaudited)."""

    code = "transaction"
    default_message = "Changes must be made inside one store transaction."


class UnauditedChange(TransactionError):
    code = "unaudited_change"
    default_message = "A change was made without an audit entry; nothing was saved."


class SaveFailed(StoreError):
    code = "save_failed"
    default_message = "The store could not be saved; nothing was changed on disk."


class NotOpenable(StoreError):
    """A generation or backup cannot be opened with this session's key."""

    code = "not_openable"
    default_message = (
        "That generation cannot be opened with this session's key. "
        "Enter the passphrase that was in use when it was saved."
    )


class OtherStore(StoreError):
    """A restore over a damaged store from a file of another store (not a generation or
    backup of the one at that location): refused before any passphrase is tried."""

    code = "other_store"
    default_message = (
        "That file is a different store, not a generation of this one, so it cannot "
        "replace it. Nothing was restored."
    )


class StoreRollback(StoreError):
    """The store file is older than the one this admin last opened here: someone copied
    an earlier generation over it. ``last_used`` is when that newer one was opened (UTC)."""

    code = "rollback"
    default_message = (
        "This store is older than the one you last used; if you meant to go back, "
        "use 'kiosk restore'."
    )

    def __init__(
        self,
        last_used: datetime | None = None,
        generations: Sequence[Generation] = (),
    ) -> None:
        when = last_used.strftime("%Y-%m-%d %H:%M UTC") if last_used else "an earlier day"
        super().__init__(
            f"This store is older than the one you last used on {when}; "
            "if you meant to go back, use 'kiosk restore'."
        )
        self.last_used = last_used
        self.generations: list[Generation] = list(generations)
