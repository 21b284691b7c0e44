"""kiosk's encrypted store: TinyDB on AES-256-GCM, a key slot per admin.

This package knows nothing about Textual, NHSmail or kiosk's records; it keeps one
encrypted document safe against crashes, tampering and two admins saving at once.
See :mod:`store.store` for the design and :mod:`store.format` for the file layout.
"""

from store.errors import (
    AccessRevoked,
    AdminExists,
    InvalidName,
    InvalidPassphrase,
    LastAdmin,
    NotOpenable,
    SaveFailed,
    StoreBusy,
    StoreDamaged,
    StoreError,
    StoreExists,
    StoreLocked,
    StoreMissing,
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
from store.store import (
    AUDIT_TABLE,
    DEFAULT_LOCK_TIMEOUT,
    RECOVERY_SLOT,
    Store,
    Transaction,
)

__all__ = [
    "AUDIT_TABLE",
    "DEFAULT_LOCK_TIMEOUT",
    "RECOVERY_SLOT",
    "AccessRevoked",
    "AdminExists",
    "AdminInfo",
    "AuditEntry",
    "AuditReport",
    "FailedUnlock",
    "Generation",
    "InvalidName",
    "InvalidPassphrase",
    "KdfParams",
    "LastAdmin",
    "NotOpenable",
    "SaveFailed",
    "Store",
    "StoreBusy",
    "StoreDamaged",
    "StoreError",
    "StoreExists",
    "StoreLocked",
    "StoreMissing",
    "StoreWarning",
    "Transaction",
    "TransactionError",
    "UnauditedChange",
    "UnknownAdmin",
    "UnknownFormat",
    "WrongPassphrase",
]
