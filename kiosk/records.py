"""Typed reads and audited writes of kiosk's tables, on top of the store's TinyDB.

Every write goes through a store transaction (``with store.transaction() as tx``) and
leaves an audit entry naming the action and the record, never the personal data itself:
the data is already in the encrypted document, and the audit trail must be safe to show
an inspector. Domain modules use these helpers instead of raw TinyDB documents.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, NamedTuple, Protocol, TypeVar

from tinydb import TinyDB

from kiosk.model import (
    PEOPLE,
    REQUESTS,
    SETTINGS,
    SITES,
    TICKETS,
    NasRequest,
    Person,
    Settings,
    Site,
    TicketEntry,
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
T = TypeVar("T")

# --- read models, once per store generation ---------------------------------------------
#
# Building 10,000 Person objects takes about 0.25 s, and every screen, the dashboard and
# the CLI used to do it again on each open. The typed records are built once for a
# document and kept until it changes: the store makes a new TinyDB object whenever it
# reloads (another process saved, a rollback, a restore, a lock), and the storage's
# ``writes`` counter moves on every write this process makes. The cache is keyed weakly
# by the TinyDB object, so a locked or reloaded document's records go with it. Records
# are frozen; callers get a fresh list each time, so sorting one changes nobody else's.
# A TinyDB without the counter (the tests' in-memory fakes) is never cached.
_MEMO: weakref.WeakKeyDictionary[TinyDB, dict[str, tuple[int, Any]]] = weakref.WeakKeyDictionary()


def _memo(db: TinyDB, name: str, build: Callable[[], T]) -> T:
    version = getattr(db.storage, "writes", None)
    if not isinstance(version, int):
        return build()
    slot = _MEMO.setdefault(db, {})
    hit = slot.get(name)
    if hit is not None and hit[0] == version:
        return hit[1]  # type: ignore[no-any-return]
    value = build()
    slot[name] = (version, value)
    return value


def derived(db: TinyDB, name: str, build: Callable[[], T]) -> T:
    """``build()``, worked out once for this document as it stands (a read model other
    than the records themselves: the dashboard's lines, say). ``name`` must say everything
    else the value depends on (the day, the language)."""
    return _memo(db, name, build)


def forget() -> None:
    """Drop every cached record and verdict (on lock: nothing personal kept longer)."""
    from kiosk import lifecycle

    _MEMO.clear()
    lifecycle.forget()


def sites(db: TinyDB, *, include_closed: bool = False) -> list[Site]:
    """Sites in the order they were added; closed ones (after an ODS change) left out."""
    found = _memo(
        db, SITES, lambda: tuple(Site.from_doc(d.doc_id, d) for d in db.table(SITES).all())
    )
    return list(found) if include_closed else [s for s in found if s.closed is None]


def site(db: TinyDB, site_id: int) -> Site | None:
    doc = db.table(SITES).get(doc_id=site_id)
    return Site.from_doc(site_id, doc) if doc is not None else None


def people(db: TinyDB) -> list[Person]:
    return list(_memo(db, PEOPLE, lambda: _all_people(db)))


def _all_people(db: TinyDB) -> tuple[Person, ...]:
    # Straight from the stored dict: TinyDB's all() copies every document first.
    table = db.table(PEOPLE)
    raw = db.storage.read() or {}
    stored = raw.get(PEOPLE)
    if stored is None:
        return tuple(Person.from_doc(d.doc_id, d) for d in table.all())
    return tuple(Person.from_doc(int(key), doc) for key, doc in stored.items())


class Contact(NamedTuple):
    """The fields duplicate checks read, straight from a stored person document."""

    id: int
    personal_mobile: str
    nhsmail: str | None
    erased: str | None  # the ISO day, or None


def contacts_on_record(db: TinyDB) -> list[Contact]:
    """Everyone's mobile and NHSmail address without building their records: what an
    import checks a file against (a tenth of the time of :func:`people` at 10,000)."""
    table = db.table(PEOPLE)
    stored = (db.storage.read() or {}).get(PEOPLE)
    docs = stored.items() if stored is not None else ((d.doc_id, d) for d in table.all())
    return [
        Contact(int(key), doc.get("personal_mobile") or "", doc.get("nhsmail"), doc.get("erased"))
        for key, doc in docs
    ]


def person(db: TinyDB, person_id: int) -> Person | None:
    doc = db.table(PEOPLE).get(doc_id=person_id)
    return Person.from_doc(person_id, doc) if doc is not None else None


def requests(db: TinyDB) -> list[NasRequest]:
    return list(
        _memo(
            db,
            REQUESTS,
            lambda: tuple(NasRequest.from_doc(d.doc_id, d) for d in db.table(REQUESTS).all()),
        )
    )


def ticket_entries(db: TinyDB) -> list[TicketEntry]:
    return list(
        _memo(
            db,
            TICKETS,
            lambda: tuple(TicketEntry.from_doc(d.doc_id, d) for d in db.table(TICKETS).all()),
        )
    )


def settings(db: TinyDB) -> Settings:
    def build() -> Settings:
        docs = db.table(SETTINGS).all()
        return Settings.from_doc(docs[0] if docs else None)

    return _memo(db, SETTINGS, build)


def changed_fields(doc: Mapping[str, Any], stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """The part of ``doc`` that differs from ``stored`` (all of it for a new record):
    nested maps field by field, any other value whole.

    What a save must check. A value today's rules refuse may already be in the store (an
    older file, a restore); checking the whole record would refuse every later change to
    it (a status, a first sign-in) and lock the admin out of an unrelated edit, while the
    old value is shown neutralised on every way out anyway. Every field the save writes
    anew is still checked."""
    if stored is None:
        return dict(doc)
    out: dict[str, Any] = {}
    for key, value in doc.items():
        old = stored.get(key)
        if value == old:
            continue
        if isinstance(value, Mapping) and isinstance(old, Mapping):
            inner = changed_fields(value, old)
            if inner:
                out[key] = inner
        else:
            out[key] = value
    return out


def save(tx: Tx, table: str, record: R, action: str, detail: str = "") -> int:
    """Insert (id 0) or replace a record, audit it, and return its id.

    Raises :class:`~kiosk.validators.ValidationError` (naming the rule) for a record with
    a control character or an over-long text in any field it writes anew (a new record:
    every field; a replaced one: each field that changes, :func:`changed_fields`), before
    anything is written."""
    tbl = tx.db.table(table)
    doc = record.to_doc()
    if record.id:
        stored = tbl.get(doc_id=record.id)
        if stored is None:
            raise KeyError(f"{table} record {record.id} no longer exists")
        check_document(changed_fields(doc, stored))
        tbl.update(doc, doc_ids=[record.id])  # to_doc writes every field, so this replaces
        record_id = record.id
    else:
        check_document(doc)
        record_id = tbl.insert(doc)
    tx.audit(action, table, record_id, detail)
    return record_id


def save_many(
    tx: Tx, table: str, new: Sequence[Record], action: str, detail: str = ""
) -> list[int]:
    """Insert many new records (id 0) in one table write, auditing each; their ids.

    One TinyDB write for the lot (``insert_multiple``) keeps an import of 10,000 people
    linear and within a second or two; each record still gets its own audit entry.
    Every document passes :func:`check_document`, as in :func:`save`, before anything is
    written (ValidationError naming the rule; nothing of the batch is inserted).
    """
    if any(record.id for record in new):
        raise ValueError("save_many inserts new records only (id 0)")
    docs = [record.to_doc() for record in new]
    for doc in docs:
        check_document(doc)
    ids = tx.db.table(table).insert_multiple(docs)
    for record_id in ids:
        tx.audit(action, table, record_id, detail)
    return ids


def delete(tx: Tx, table: str, record_id: int, action: str, detail: str = "") -> None:
    tx.db.table(table).remove(doc_ids=[record_id])
    tx.audit(action, table, record_id, detail)


def save_settings(tx: Tx, value: Settings) -> None:
    doc = value.to_doc()
    tbl = tx.db.table(SETTINGS)
    stored = tbl.all()
    check_document(changed_fields(doc, stored[0] if stored else None))
    tbl.truncate()
    tbl.insert(doc)
    tx.audit("settings.change", SETTINGS, None)
