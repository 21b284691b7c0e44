"""Typed reads and audited writes of kiosk's tables, on top of the store's TinyDB.

Every write goes through a store transaction (``with store.transaction() as tx``) and
leaves an audit entry naming the action and the record, never the personal data itself:
the data is already in the encrypted document, and the audit trail must be safe to show
an inspector. Domain modules use these helpers instead of raw TinyDB documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol, TypeVar

from tinydb import TinyDB

from kiosk.model import (
    CONTACTS,
    PEOPLE,
    REQUESTS,
    SETTINGS,
    SITES,
    NasContact,
    NasRequest,
    Person,
    Settings,
    Site,
)
from kiosk.validators import check_document


class Tx(Protocol):
    """What kiosk needs of a store transaction (``store.Transaction`` provides it)."""

    db: TinyDB

    def audit(
        self, action: str, table: str | None = None, record_id: int | None = None, detail: str = ""
    ) -> None: ...


class StoreLike(Protocol):
    """What domain operations need of a store: ``store.Store`` has it, and so does the
    tests' ``FakeStore``. Domain modules take this rather than the concrete class so that
    they never import the store (or cryptography) themselves."""

    def read(self) -> TinyDB: ...

    def transaction(self) -> AbstractContextManager[Tx]: ...


class Record(Protocol):
    @property
    def id(self) -> int: ...  # read-only, so frozen dataclasses satisfy it

    def to_doc(self) -> dict[str, Any]: ...


R = TypeVar("R", bound=Record)


def sites(db: TinyDB, *, include_closed: bool = False) -> list[Site]:
    """Sites in the order they were added; closed ones (after an ODS change) left out."""
    found = [Site.from_doc(d.doc_id, d) for d in db.table(SITES).all()]
    return found if include_closed else [s for s in found if s.closed is None]


def site(db: TinyDB, site_id: int) -> Site | None:
    doc = db.table(SITES).get(doc_id=site_id)
    return Site.from_doc(site_id, doc) if doc is not None else None


def people(db: TinyDB) -> list[Person]:
    return [Person.from_doc(d.doc_id, d) for d in db.table(PEOPLE).all()]


def person(db: TinyDB, person_id: int) -> Person | None:
    doc = db.table(PEOPLE).get(doc_id=person_id)
    return Person.from_doc(person_id, doc) if doc is not None else None


def requests(db: TinyDB) -> list[NasRequest]:
    return [NasRequest.from_doc(d.doc_id, d) for d in db.table(REQUESTS).all()]


def contacts(db: TinyDB) -> list[NasContact]:
    return [NasContact.from_doc(d.doc_id, d) for d in db.table(CONTACTS).all()]


def settings(db: TinyDB) -> Settings:
    docs = db.table(SETTINGS).all()
    return Settings.from_doc(docs[0] if docs else None)


def save(tx: Tx, table: str, record: R, action: str, detail: str = "") -> int:
    """Insert (id 0) or replace a record, audit it, and return its id.

    Raises :class:`~kiosk.validators.ValidationError` (naming the rule) for a record with
    a control character or an over-long text in it, before anything is written."""
    tbl = tx.db.table(table)
    doc = record.to_doc()
    check_document(doc)
    if record.id:
        if not tbl.contains(doc_id=record.id):
            raise KeyError(f"{table} record {record.id} no longer exists")
        tbl.update(doc, doc_ids=[record.id])  # to_doc writes every field, so this replaces
        record_id = record.id
    else:
        record_id = tbl.insert(doc)
    tx.audit(action, table, record_id, detail)
    return record_id


def save_many(
    tx: Tx, table: str, new: Sequence[Record], action: str, detail: str = ""
) -> list[int]:
    """Insert many new records (id 0) in one table write, auditing each; their ids.

    One TinyDB write for the lot (``insert_multiple``) keeps an import of 10,000 people
    linear and within a second or two; each record still gets its own audit entry.
    """
    if any(record.id for record in new):
        raise ValueError("save_many inserts new records only (id 0)")
    ids = tx.db.table(table).insert_multiple(record.to_doc() for record in new)
    for record_id in ids:
        tx.audit(action, table, record_id, detail)
    return ids


def delete(tx: Tx, table: str, record_id: int, action: str, detail: str = "") -> None:
    tx.db.table(table).remove(doc_ids=[record_id])
    tx.audit(action, table, record_id, detail)


def save_settings(tx: Tx, value: Settings) -> None:
    doc = value.to_doc()
    check_document(doc)
    tbl = tx.db.table(SETTINGS)
    tbl.truncate()
    tbl.insert(doc)
    tx.audit("settings.change", SETTINGS, None)
