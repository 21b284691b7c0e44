"""Bulk writes change the stored table in place: one write for a whole import, and a
write that fails part-way leaves the table as it was.

How long a write takes is the benchmark's business (``benchmarks/scale_bench.py``);
these tests count table writes and generations, which do not depend on the machine.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from kiosk import records
from kiosk.model import PEOPLE, Person
from store import Store, body
from tests.store.conftest import Made
from tests.store.helpers import add_person, decrypt_file, names


def _people(count: int) -> list[Person]:
    # Fictional: the drama range has 1,000 mobiles, so they repeat (the model allows it).
    return [
        Person(
            full_name=f"Bulk Example {i:05d}",
            personal_mobile=f"07700900{i % 1000:03d}",
            personal_email=f"bulk{i}@example.org",
            last_activity=date(2026, 11, 1),
        )
        for i in range(count)
    ]


def _count_table_writes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    original = body.TrackedTable._update_table

    def counting(self: body.TrackedTable, updater: Any) -> None:
        seen.append(self.name)
        original(self, updater)

    monkeypatch.setattr(body.TrackedTable, "_update_table", counting)
    return seen


def test_an_import_of_10000_rows_is_one_table_write_and_one_generation(
    made: Made, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = made.store
    before = store.generation
    writes = _count_table_writes(monkeypatch)
    with store.transaction() as tx:
        ids = records.save_many(tx, PEOPLE, _people(10_000), "person.add", detail="import")
    assert writes == [PEOPLE]
    assert store.generation == before + 1
    assert ids == list(range(1, 10_001))
    assert len(store.read().table(PEOPLE)) == 10_000
    assert len(store.audit_entries()) >= 10_000
    again = Store.open(made.path, store.admin, "plum tractor sunrise")
    try:
        stored = records.people(again.read())
        assert [p.full_name for p in stored] == [p.full_name for p in _people(10_000)]
    finally:
        again.close()


def test_save_many_refuses_records_that_already_have_an_id(made: Made) -> None:
    person = _people(1)[0]
    with pytest.raises(ValueError), made.store.transaction() as tx:
        records.save_many(tx, PEOPLE, [person, replace(person, id=3)], "x")


@pytest.mark.parametrize(
    "change",
    [
        {"full_name": "Eve \x1b]0;owned\x07 Example"},
        {"full_name": "Eve \u202eExample"},
        {"full_name": "E" * 101},
    ],
)
def test_save_many_checks_every_document_as_save_does(made: Made, change: dict[str, str]) -> None:
    """The last record of a batch is hostile: nothing of the batch is written."""
    from kiosk.validators import ValidationError

    batch = [*_people(3), replace(_people(1)[0], **change)]  # type: ignore[arg-type]
    with pytest.raises(ValidationError), made.store.transaction() as tx:
        records.save_many(tx, PEOPLE, batch, "person.add")
    assert names(made.store) == []


def test_a_write_that_fails_part_way_leaves_the_table_as_it_was(made: Made) -> None:
    store = made.store
    add_person(store, "Kept Example")
    with store.transaction() as tx:
        table = tx.db.table("people")
        with pytest.raises(ValueError):
            table.insert_multiple([{"full_name": "Half Example"}, "not a mapping"])  # type: ignore[list-item]
        assert [d["full_name"] for d in table.all()] == ["Kept Example"]
        tx.db.table("people").insert({"full_name": "Next Example"})
        tx.audit("person.add", "people", 2)
    assert names(store) == ["Kept Example", "Next Example"]
    _header, saved = decrypt_file(made.path, bytes(store._data_key or b""))
    assert sorted(d["full_name"] for d in saved["db"]["people"].values()) == [
        "Kept Example",
        "Next Example",
    ]


def test_a_failed_first_write_does_not_leave_an_empty_table_behind(made: Made) -> None:
    with made.store.transaction() as tx:
        with pytest.raises(ValueError):
            tx.db.table("calls").insert_multiple(["not a mapping"])  # type: ignore[list-item]
        assert "calls" not in tx.db.tables()
        tx.audit("nothing.really")
