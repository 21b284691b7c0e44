"""An in-memory stand-in with the store's public surface, for domain tests that do not
care about encryption. It is a real TinyDB with transactions and an audit list, so a
domain function that forgets to audit or writes outside a transaction fails here too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tinydb import TinyDB
from tinydb.storages import MemoryStorage


@dataclass
class FakeTx:
    db: TinyDB
    entries: list[dict[str, Any]]
    admin: str

    def audit(
        self, action: str, table: str | None = None, record_id: int | None = None, detail: str = ""
    ) -> None:
        self.entries.append(
            {"admin": self.admin, "action": action, "table": table, "record_id": record_id,
             "detail": detail}
        )


@dataclass
class FakeStore:
    admin: str = "Test Admin"
    audit_entries: list[dict[str, Any]] = field(default_factory=list)
    _db: TinyDB = field(default_factory=lambda: TinyDB(storage=MemoryStorage))
    _in_tx: bool = False

    def read(self) -> TinyDB:
        return self._db

    def changed(self) -> bool:
        return False

    @contextmanager
    def transaction(self) -> Iterator[FakeTx]:
        assert not self._in_tx, "nested transaction"
        self._in_tx = True
        try:
            yield FakeTx(self._db, self.audit_entries, self.admin)
        finally:
            self._in_tx = False
