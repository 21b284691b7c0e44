"""The hash-chained audit log, and the transaction rules that keep it complete."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from store import (
    AUDIT_TABLE,
    Store,
    TransactionError,
    UnauditedChange,
    WrongPassphrase,
)
from store.format import Header
from tests.store.conftest import ADMIN, PASSPHRASE, Made
from tests.store.helpers import add_person, names, rewrite


def _three_people(made: Made) -> None:
    for name in ("Alex Example", "Bo Example", "Cy Example"):
        add_person(made.store, name)


def test_every_change_is_chained_and_verifies(made: Made) -> None:
    _three_people(made)
    report = made.store.verify_audit()
    assert report.ok and report.first_broken is None
    assert report.length == 4  # store.create + three person.add
    entries = made.store.audit_entries()
    assert [e.action for e in entries] == ["store.create"] + ["person.add"] * 3
    assert [e.record_id for e in entries[1:]] == [1, 2, 3]
    assert all(e.admin == ADMIN and e.time.utcoffset() == timedelta(0) for e in entries)
    assert entries[0].prev == "" and all(b.prev == a.hash for a, b in itertools.pairwise(entries))
    assert report.head == entries[-1].hash == made.store.audit_head
    # another session verifies the same chain from the file
    assert Store.open(made.path, ADMIN, PASSPHRASE).verify_audit() == report


def _key(made: Made) -> bytes:
    return bytes(made.store._data_key or b"")


def test_edited_entry_is_reported(made: Made) -> None:
    _three_people(made)

    def edit(body: dict[str, Any]) -> None:
        body["db"][AUDIT_TABLE]["3"]["admin"] = "Someone Else"

    rewrite(made.path, _key(made), edit)
    report = Store.open(made.path, ADMIN, PASSPHRASE).verify_audit()
    assert not report.ok and report.first_broken == 3
    assert "changed" in report.message


def test_deleted_entry_is_reported(made: Made) -> None:
    _three_people(made)
    rewrite(made.path, _key(made), lambda body: body["db"][AUDIT_TABLE].pop("2"))
    report = Store.open(made.path, ADMIN, PASSPHRASE).verify_audit()
    assert not report.ok and report.first_broken == 2


def test_deleted_and_renumbered_entries_are_reported(made: Made) -> None:
    _three_people(made)

    def renumber(body: dict[str, Any]) -> None:
        rows = body["db"][AUDIT_TABLE]
        rows.pop("2")
        body["db"][AUDIT_TABLE] = {str(i + 1): e for i, e in enumerate(rows.values())}
        for i, e in enumerate(body["db"][AUDIT_TABLE].values()):
            e["seq"] = i + 1

    rewrite(made.path, _key(made), renumber)
    report = Store.open(made.path, ADMIN, PASSPHRASE).verify_audit()
    assert not report.ok and report.first_broken == 2


def test_truncated_tail_is_reported(made: Made) -> None:
    _three_people(made)
    rewrite(made.path, _key(made), lambda body: body["db"][AUDIT_TABLE].pop("4"))
    report = Store.open(made.path, ADMIN, PASSPHRASE).verify_audit()
    assert not report.ok and report.first_broken == 4
    assert "end" in report.message


def test_truncation_with_a_rewritten_header_changes_the_head(made: Made) -> None:
    """Someone with the key can cut the tail and fix the header; the head hash an
    auditor noted earlier then no longer matches (that is what kiosk check is for)."""
    _three_people(made)
    noted = made.store.audit_head
    entries = made.store.audit_entries()

    def fix_header(h: Header) -> Header:
        from dataclasses import replace

        return replace(h, audit_length=3, audit_head=entries[2].hash)

    rewrite(made.path, _key(made), lambda body: body["db"][AUDIT_TABLE].pop("4"), fix_header)
    reopened = Store.open(made.path, ADMIN, PASSPHRASE)
    assert reopened.verify_audit().ok
    assert reopened.audit_head != noted


def test_a_broken_chain_does_not_stop_the_store(made: Made) -> None:
    _three_people(made)
    rewrite(made.path, _key(made), lambda body: body["db"][AUDIT_TABLE].pop("2"))
    store = Store.open(made.path, ADMIN, PASSPHRASE)
    add_person(store, "Dee Example")  # still usable; the evidence stays
    report = store.verify_audit()
    assert not report.ok and report.first_broken == 2


def test_change_without_audit_saves_nothing(made: Made) -> None:
    generation = made.store.generation
    with pytest.raises(UnauditedChange), made.store.transaction() as tx:
        tx.db.table("people").insert({"full_name": "Sneaky"})
    assert made.store.generation == generation
    assert names(made.store) == []
    assert names(Store.open(made.path, ADMIN, PASSPHRASE)) == []


def test_audit_table_is_append_only_through_audit(made: Made) -> None:
    _three_people(made)
    with pytest.raises(TransactionError), made.store.transaction() as tx:
        tx.db.table(AUDIT_TABLE).remove(doc_ids=[2])
        tx.audit("cover.up")
    with pytest.raises(TransactionError), made.store.transaction() as tx:
        tx.audit("forge")
        tx.db.table(AUDIT_TABLE).insert({"action": "forged"})
    with pytest.raises(TransactionError), made.store.transaction() as tx:
        tx.db.table(AUDIT_TABLE).update({"admin": "Someone Else"}, doc_ids=[4])
        tx.audit("rewrite.last")
    with pytest.raises(TransactionError), made.store.transaction() as tx:
        tx.db.drop_tables()
        tx.audit("wipe")
    assert made.store.verify_audit().ok
    assert len(made.store.audit_entries()) == 4


def test_write_outside_a_transaction_is_refused_and_discarded(made: Made) -> None:
    add_person(made.store, "Alex Example")
    db = made.store.read()
    with pytest.raises(TransactionError):
        db.table("people").insert({"full_name": "Outside"})
    with pytest.raises(TransactionError):
        db.table("people").update({"full_name": "Renamed"}, doc_ids=[1])
    with pytest.raises(TransactionError):
        db.drop_table("people")
    assert db.table("people").get(doc_id=1) == {"full_name": "Alex Example"}  # untouched
    assert names(made.store) == ["Alex Example"]
    add_person(made.store, "Bo Example")  # and the next transaction saves only its own change
    assert names(Store.open(made.path, ADMIN, PASSPHRASE)) == ["Alex Example", "Bo Example"]


def test_exception_inside_rolls_back_memory_and_saves_nothing(made: Made) -> None:
    add_person(made.store, "Alex Example")
    generation = made.store.generation
    with pytest.raises(RuntimeError), made.store.transaction() as tx:
        tx.db.table("people").update({"full_name": "Changed"}, doc_ids=[1])
        tx.db.table("people").insert({"full_name": "New"})
        tx.audit("person.change", "people", 1)
        raise RuntimeError("boom")
    assert names(made.store) == ["Alex Example"]
    assert made.store.generation == generation
    assert made.store.verify_audit().ok and len(made.store.audit_entries()) == 2
    # the next transaction is a normal one
    add_person(made.store, "Bo Example")
    assert names(made.store) == ["Alex Example", "Bo Example"]


def test_non_json_value_saves_nothing(made: Made) -> None:
    with pytest.raises(TransactionError), made.store.transaction() as tx:
        tx.db.table("people").insert({"full_name": "X", "when": datetime.now(UTC)})
        tx.audit("person.add")
    assert names(made.store) == []


def test_nested_transaction_is_refused(made: Made) -> None:
    with made.store.transaction(), pytest.raises(TransactionError), made.store.transaction():
        pass


def test_audit_arguments_are_checked(made: Made) -> None:
    with made.store.transaction() as tx:
        for bad in (
            lambda: tx.audit(""),
            lambda: tx.audit("x", record_id=True),  # type: ignore[arg-type]
            lambda: tx.audit("x", record_id="3"),  # type: ignore[arg-type]
            lambda: tx.audit("x", table=3),  # type: ignore[arg-type]
            lambda: tx.audit("x", detail="d" * 1001),
        ):
            with pytest.raises(ValueError):
                bad()
    with pytest.raises(TransactionError):
        tx.audit("too.late")


def test_transaction_without_changes_does_not_save(made: Made) -> None:
    generation = made.store.generation
    with made.store.transaction() as tx:
        tx.db.table("people").all()
    assert made.store.generation == generation


def test_failed_unlocks_are_moved_into_the_audit_once(made: Made) -> None:
    made.store.add_admin("Bea Admin", "bea passphrase")
    generation = Store.open(made.path, ADMIN, PASSPHRASE).generation
    for name, passphrase in (
        ("Bea Admin", "guess"),
        ("bea admin", "guess 2"),
        ("my secret passphrase", "oops"),
    ):
        with pytest.raises(WrongPassphrase):
            Store.open(made.path, name, passphrase)
    assert Store.consecutive_failures(made.path) == 3
    sidecar = made.path.with_name(made.path.name + ".state").read_text()
    assert "my secret passphrase" not in sidecar and "guess" not in sidecar

    bea = Store.open(made.path, "Bea Admin", "bea passphrase")
    assert [f.admin for f in bea.pending_failures] == ["Bea Admin", "Bea Admin", ""]
    assert Store.consecutive_failures(made.path) == 0
    failed = [e for e in bea.audit_entries() if e.action == "unlock.failed"]
    assert [e.admin for e in failed] == ["Bea Admin", "Bea Admin", ""]
    assert bea.verify_audit().ok
    assert bea.generation == generation + 1  # the one save that moved them

    again = Store.open(made.path, "Bea Admin", "bea passphrase")
    assert again.pending_failures == []
    assert again.generation == bea.generation  # a plain unlock saves nothing


def test_failures_beyond_the_kept_list_are_counted(made: Made) -> None:
    from store import state

    doc = state.load(made.path)
    for i in range(state.MAX_FAILURES_KEPT + 5):
        state.add_failure(doc, f"2030-01-01T00:00:{i % 60:02d}.000+00:00", "")
    state.save(made.path, doc)
    assert Store.consecutive_failures(made.path) == state.MAX_FAILURES_KEPT + 5
    store = Store.open(made.path, ADMIN, PASSPHRASE)
    failed = [e for e in store.audit_entries() if e.action == "unlock.failed"]
    assert len(failed) == state.MAX_FAILURES_KEPT + 1
    assert failed[-1].detail == "5 more attempts"


def test_times_come_from_the_injected_clock(store_path: Any) -> None:
    from tests.conftest import FAST_KDF

    moment = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
    store, _ = Store.create(store_path, ADMIN, PASSPHRASE, kdf=FAST_KDF, now=lambda: moment)
    add_person(store)
    assert {e.time for e in store.audit_entries()} == {moment}
    assert [g.saved_at for g in store.generations()] == [moment]
