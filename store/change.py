"""One change to the store: the handle a transaction yields (``tx.db`` and ``tx.audit``).

Kept apart from the session's machinery (:mod:`store.transactions`) because it is the
whole of what callers see of a transaction, and it holds the audit log's rule: the table
is append-only, and only through :meth:`Transaction.audit`.
"""

from __future__ import annotations

import hashlib
from typing import Any, Protocol

from tinydb import TinyDB

from store.canonical import canonical_json
from store.errors import TransactionError
from store.opening import AUDIT_TABLE
from store.storage import DocumentStorage


class Journal(Protocol):
    """What a transaction needs of the unlocked store (:class:`store.transactions.Session`
    is one): a protocol, so that this module does not import the session's machinery,
    which imports it."""

    admin: str
    _storage: DocumentStorage
    _audit_len: int

    def _current_db(self) -> TinyDB: ...

    def _append_audit(
        self,
        admin: str,
        action: str,
        table: str | None,
        record_id: int | None,
        detail: str,
    ) -> None: ...


def _fingerprint(row: Any) -> str | None:
    """A digest of one raw audit row, to notice it being edited in place."""
    if row is None:
        return None
    try:
        return hashlib.sha256(canonical_json(row)).hexdigest()
    except (TypeError, ValueError):
        return "unserialisable"


class Transaction:
    """One change to the store. ``db`` is the TinyDB to change; ``audit`` records why."""

    def __init__(self, store: Journal) -> None:
        self._store = store
        self.db: TinyDB = store._current_db()
        self.entries = 0
        self._open = True
        self._audit_base = 0
        self._audit_last: tuple[str, str | None] = ("", None)
        self._rebase()

    def _rebase(self) -> None:
        """Note the audit table as the transaction found it. At commit it must hold
        exactly ``entries`` more rows and its last old row must be unchanged: the table
        is append-only, and only through :meth:`audit`."""
        rows = self._store._storage.data.get(AUDIT_TABLE, {})
        self._audit_base = len(rows)
        last_key = str(self._store._audit_len)
        self._audit_last = (last_key, _fingerprint(rows.get(last_key)))

    def audit(
        self,
        action: str,
        table: str | None = None,
        record_id: int | None = None,
        detail: str = "",
    ) -> None:
        """Append a hash-chained audit entry (UTC time and this admin are added).

        ``detail`` must never carry personal data: it is for ids, counts and codes.
        """
        if not self._open:
            raise TransactionError("The transaction is already over.")
        if not isinstance(action, str) or not action or len(action) > 64:
            raise ValueError("audit action must be a non-empty string of at most 64 characters")
        if table is not None and not isinstance(table, str):
            raise ValueError("audit table must be a string or None")
        if record_id is not None and (
            isinstance(record_id, bool) or not isinstance(record_id, int)
        ):
            raise ValueError("audit record_id must be an int or None")
        if not isinstance(detail, str) or len(detail) > 1000:
            raise ValueError("audit detail must be a string of at most 1000 characters")
        self._store._append_audit(self._store.admin, action, table, record_id, detail)
        self.entries += 1
