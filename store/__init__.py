"""kiosk's encrypted store: TinyDB on AES-256-GCM, a key slot per admin.

This package knows nothing about Textual, NHSmail or kiosk's records; it keeps one
encrypted document safe against crashes, tampering and two admins saving at once.
See :mod:`store.store` for the design and :mod:`store.format` for the file layout.
"""

from typing import TYPE_CHECKING, Any

from store.errors import (
    AccessRevoked,
    AdminExists,
    AdminRemoved,
    InvalidName,
    InvalidPassphrase,
    LastAdmin,
    NotOpenable,
    OtherStore,
    SaveFailed,
    StoreBusy,
    StoreDamaged,
    StoreError,
    StoreExists,
    StoreLocked,
    StoreMissing,
    StoreRollback,
    StoreTampered,
    TransactionError,
    UnauditedChange,
    UnknownAdmin,
    UnknownFormat,
    WrongPassphrase,
)
from store.models import (
    AdminInfo,
    AuditEntry,
    AuditReport,
    FailedUnlock,
    Generation,
    KdfParams,
    StoreWarning,
)
from store.peek import RECOVERY_SLOT

if TYPE_CHECKING:
    from store.store import AUDIT_TABLE, DEFAULT_LOCK_TIMEOUT, Store, Transaction

_LAZY = frozenset({"AUDIT_TABLE", "DEFAULT_LOCK_TIMEOUT", "Store", "Transaction"})


def __getattr__(name: str) -> Any:
    """Import :mod:`store.store` (and the cryptography library) on first use only, so a
    program can show its first screen, or ask :mod:`store.peek`, without paying for it."""
    if name in _LAZY:
        from store import store as _store

        return getattr(_store, name)
    raise AttributeError(f"module 'store' has no attribute {name!r}")


__all__ = [
    "AUDIT_TABLE",
    "DEFAULT_LOCK_TIMEOUT",
    "RECOVERY_SLOT",
    "AccessRevoked",
    "AdminExists",
    "AdminInfo",
    "AdminRemoved",
    "AuditEntry",
    "AuditReport",
    "FailedUnlock",
    "Generation",
    "InvalidName",
    "InvalidPassphrase",
    "KdfParams",
    "LastAdmin",
    "NotOpenable",
    "OtherStore",
    "SaveFailed",
    "Store",
    "StoreBusy",
    "StoreDamaged",
    "StoreError",
    "StoreExists",
    "StoreLocked",
    "StoreMissing",
    "StoreRollback",
    "StoreTampered",
    "StoreWarning",
    "Transaction",
    "TransactionError",
    "UnauditedChange",
    "UnknownAdmin",
    "UnknownFormat",
    "WrongPassphrase",
]
