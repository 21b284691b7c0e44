"""TinyDB's view of the decrypted document: held in memory, written only in a transaction.

TinyDB reads the whole document from its Storage before every operation and writes
the whole document back after every change. Here both are plain in-memory handovers;
the encryption and the file happen once, when the transaction commits. There is no
CachingMiddleware, and the Store builds a fresh TinyDB on every reload so that TinyDB's
per-table query caches and next-id counters never outlive the data they describe.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage

from store.body import TrackedTinyDB
from store.errors import TransactionError

Document = dict[str, dict[str, Any]]


class DocumentStorage(Storage):
    def __init__(self, data: Document) -> None:
        self.data: Document = data
        self.writable = False
        self.dirty = False
        # Set when someone wrote outside a transaction: TinyDB mutates the live document
        # before it calls write(), so the in-memory copy can no longer be trusted and
        # the Store reloads it from disk on the next read.
        self.poisoned = False
        # Told by TrackedTable which documents each write changed (see store.body).
        self.on_table_changed: Callable[[str, object, dict[str, Any], set[str] | None], None]
        self.on_table_changed = lambda *args: None

    def read(self) -> Document:
        return self.data

    def check_writable(self) -> None:
        if not self.writable:
            raise TransactionError(
                "The store can only be changed inside a transaction; nothing was changed."
            )

    def write(self, data: Document) -> None:
        if not self.writable:
            self.poisoned = True
            raise TransactionError(
                "The store was changed outside a transaction; the change was discarded."
            )
        self.data = data
        self.dirty = True


def make_db(data: Document) -> tuple[TinyDB, DocumentStorage]:
    db = TrackedTinyDB(data, storage=DocumentStorage)
    storage = db.storage
    assert isinstance(storage, DocumentStorage)
    return db, storage
