"""The chunked body: whatever TinyDB does, the saved file holds exactly the document.

The store re-uses compressed chunks of documents that did not change, so these tests
drive every TinyDB write method at random and compare, after each transaction, the
document in memory with what a fresh session decodes from the file (in content and in
order), and with what an already-open session sees after reloading (which re-uses the
documents of byte-identical chunks).
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tinydb import Query
from tinydb.table import Document

from store import Store, body
from store.body import BodyError, decode, encode_fresh
from tests.conftest import FAST_KDF
from tests.store.conftest import ADMIN, PASSPHRASE
from tests.store.helpers import decrypt_file

TABLES = ("people", "sites")

values = st.one_of(
    st.integers(-5, 5),
    st.text(max_size=6),
    st.none(),
    st.booleans(),
    st.dictionaries(st.sampled_from("xyz"), st.integers(0, 3), max_size=2),
)
docs = st.dictionaries(st.sampled_from("abcd"), values, min_size=1, max_size=3)
ops = st.one_of(
    st.tuples(st.just("insert"), st.sampled_from(TABLES), docs),
    st.tuples(st.just("insert_multiple"), st.sampled_from(TABLES), st.lists(docs, max_size=6)),
    st.tuples(st.just("update_id"), st.sampled_from(TABLES), docs, st.integers(0, 30)),
    st.tuples(st.just("update_cond"), st.sampled_from(TABLES), docs, st.sampled_from("abcd")),
    st.tuples(st.just("update_callable"), st.sampled_from(TABLES), st.integers(0, 30)),
    st.tuples(st.just("update_multiple"), st.sampled_from(TABLES), docs, st.integers(0, 30)),
    st.tuples(st.just("upsert"), st.sampled_from(TABLES), docs, st.sampled_from("abcd")),
    st.tuples(st.just("remove_id"), st.sampled_from(TABLES), st.integers(0, 30)),
    st.tuples(st.just("remove_cond"), st.sampled_from(TABLES), st.sampled_from("abcd")),
    st.tuples(st.just("reinsert_id"), st.sampled_from(TABLES), docs, st.integers(1, 30)),
    st.tuples(st.just("truncate"), st.sampled_from(TABLES)),
    st.tuples(st.just("drop"), st.sampled_from(TABLES)),
)
transactions = st.lists(
    st.tuples(st.lists(ops, min_size=1, max_size=5), st.booleans()), min_size=1, max_size=8
)


def _apply(db: Any, op: tuple[Any, ...]) -> None:
    kind, name = op[0], op[1]
    table = db.table(name)
    ids = [d.doc_id for d in table.all()]
    pick = (lambda n: [ids[n % len(ids)]]) if ids else (lambda n: [])
    if kind == "insert":
        table.insert(op[2])
    elif kind == "insert_multiple":
        table.insert_multiple(op[2])
    elif kind == "update_id" and ids:
        table.update(op[2], doc_ids=pick(op[3]))
    elif kind == "update_cond":
        table.update(op[2], Query()[op[3]].exists())
    elif kind == "update_callable" and ids:

        def bump(doc: dict[str, Any]) -> None:
            doc["n"] = doc.get("n", 0) + 1 if isinstance(doc.get("n"), int) else 0

        table.update(bump, doc_ids=pick(op[2]))
    elif kind == "update_multiple" and ids:
        table.update_multiple([(op[2], Query().noop()), ({"m": 1}, Query()["a"].exists())])
    elif kind == "upsert":
        table.upsert(op[2], Query()[op[3]] == op[2].get(op[3], 0))
    elif kind == "remove_id" and ids:
        table.remove(doc_ids=pick(op[2]))
    elif kind == "remove_cond":
        table.remove(Query()[op[2]].exists())
    elif kind == "reinsert_id" and op[3] not in ids:
        table.insert(Document(op[2], doc_id=op[3]))
    elif kind == "truncate":
        table.truncate()
    elif kind == "drop":
        db.drop_table(name)


def _ordered(document: dict[str, Any]) -> list[Any]:
    return [(t, list(rows.items())) for t, rows in document.items()]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=transactions)
def test_random_tinydb_writes_are_saved_exactly(
    plan: list[tuple[list[tuple[Any, ...]], bool]],
) -> None:
    old_chunk = body.CHUNK_DOCS
    body.CHUNK_DOCS = 3  # many chunks from few documents
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "s.store"
            writer, _ = Store.create(path, ADMIN, PASSPHRASE, kdf=FAST_KDF)
            watcher = Store.open(path, ADMIN, PASSPHRASE)
            for batch, fail in plan:
                expect = pytest.raises(RuntimeError) if fail else contextlib.nullcontext()
                with expect, writer.transaction() as tx:
                    for op in batch:
                        _apply(tx.db, op)
                    tx.audit("test.batch")
                    if fail:
                        raise RuntimeError("roll back")
                memory = writer._storage.data
                _, saved = decrypt_file(path, writer._data_key or b"")
                assert _ordered(saved["db"]) == _ordered(memory)
                assert _ordered(watcher.read().storage.read()) == _ordered(memory)
                fresh = Store.open(path, ADMIN, PASSPHRASE)
                assert _ordered(fresh._storage.data) == _ordered(memory)
                fresh.close()
    finally:
        body.CHUNK_DOCS = old_chunk


def test_a_save_only_recompresses_the_changed_chunk(kiosk_store: Store) -> None:
    with kiosk_store.transaction() as tx:
        tx.db.table("people").insert_multiple({"n": i} for i in range(1000))
        tx.audit("bulk")
    before = {blob for _, blob in kiosk_store._body._tables["people"].chunks}
    with kiosk_store.transaction() as tx:
        tx.db.table("people").update({"n": -1}, doc_ids=[500])
        tx.audit("one")
    after = {blob for _, blob in kiosk_store._body._tables["people"].chunks}
    assert len(after - before) == 1


def test_roundtrip_and_reuse_of_identical_chunks() -> None:
    document = {"t": {str(i): {"v": i} for i in range(1, 300)}, "e": {}}
    payload = encode_fresh(document, {"k": "00"})
    decoded = decode(payload)
    assert decoded.document == document and list(decoded.document) == ["t", "e"]
    assert decoded.keyring == {"k": "00"}
    cache = body.BodyCache()
    cache.seed(decoded.document, decoded.chunks)
    again = decode(payload, cache.reusable())
    assert again.document == document
    assert again.document["t"]["1"] is decoded.document["t"]["1"]  # taken from memory


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"\x00\x00\x00\x05abc",
        b"\x00\x00\x00\x01x",
        encode_fresh({}, {})[:-1],
        encode_fresh({}, {}) + b"\x00\x00\x00\x00",
    ],
)
def test_malformed_payloads_are_body_errors(payload: bytes) -> None:
    with pytest.raises(BodyError):
        decode(payload)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_decoder_never_crashes(payload: bytes) -> None:
    with contextlib.suppress(BodyError):
        decode(payload)
