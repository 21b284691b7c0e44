"""The shared read model: typed records and verdicts are worked out once per store
generation, and every save (by this process or another) is seen on the next read."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk import lifecycle, records
from kiosk.dashboard import build_dashboard
from kiosk.model import PEOPLE, SITES, Person, Role, Site
from store import Store
from tests.conftest import FAST_KDF, KIOSK_ADMIN, KIOSK_PASSPHRASE

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
SITE = Site(
    name="Rose House",
    ods_code="VZZ01",
    cqc_location_id="1-000000001",
    site_phone="01632960001",
    mailbox="rose.house@nhs.net",
)


def _person(name: str, mobile: str) -> Person:
    return Person(full_name=name, personal_mobile=mobile, access={1: Role.MEMBER})


@pytest.fixture
def store(tmp_path: Path) -> Store:
    made, _code = Store.create(
        tmp_path / "kiosk.store", KIOSK_ADMIN, KIOSK_PASSPHRASE, kdf=FAST_KDF
    )
    with made.transaction() as tx:
        records.save(tx, SITES, SITE, "site.add")
        records.save(tx, PEOPLE, _person("Ann Example", "07700900001"), "person.add")
    return made


def names(store: Store) -> list[str]:
    return [p.full_name for p in records.people(store.read())]


def test_records_are_built_once_per_generation(store: Store) -> None:
    first = records.people(store.read())
    again = records.people(store.read())
    assert again == first and again is not first  # a fresh list each time...
    assert all(a is b for a, b in zip(first, again, strict=True))  # ...of the same records


def test_a_save_by_this_process_is_seen_at_once(store: Store) -> None:
    before = build_dashboard(store.read(), NOW)
    assert names(store) == ["Ann Example"]
    with store.transaction() as tx:
        records.save(tx, PEOPLE, _person("Ben Example", "07700900002"), "person.add")
        assert [p.full_name for p in records.people(tx.db)] == ["Ann Example", "Ben Example"]
    assert names(store) == ["Ann Example", "Ben Example"]
    assert build_dashboard(store.read(), NOW) is not before


def test_a_failed_transaction_leaves_the_records_as_they_were(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as tx:
        records.save(tx, PEOPLE, _person("Ben Example", "07700900002"), "person.add")
        assert len(records.people(tx.db)) == 2
        raise RuntimeError("changed my mind")
    assert names(store) == ["Ann Example"]


def test_a_save_by_another_process_is_seen_on_the_next_read(store: Store) -> None:
    assert names(store) == ["Ann Example"]
    board = build_dashboard(store.read(), NOW)
    other = Store.open(store.path, KIOSK_ADMIN, KIOSK_PASSPHRASE)
    try:
        with other.transaction() as tx:
            records.save(tx, PEOPLE, _person("Cat Example", "07700900003"), "person.add")
    finally:
        other.close()
    assert names(store) == ["Ann Example", "Cat Example"]
    assert build_dashboard(store.read(), NOW) is not board


def test_an_edit_gives_a_new_verdict(store: Store) -> None:
    today = NOW.date()
    [ann] = records.people(store.read())
    assert lifecycle.account_state(ann, today) is None  # no NHSmail address yet
    with store.transaction() as tx:
        records.save(
            tx,
            PEOPLE,
            Person(**{**_fields(ann), "nhsmail": "ann.example@nhs.net", "last_activity": today}),
            "person.edit",
        )
    [ann] = records.people(store.read())
    state = lifecycle.account_state(ann, today)
    assert state is not None and state.state is lifecycle.LifecycleState.ACTIVE


def test_forget_drops_everything_cached(store: Store) -> None:
    first = records.people(store.read())
    records.forget()
    again = records.people(store.read())
    assert again == first and again[0] is not first[0]


def _fields(person: Person) -> dict[str, object]:
    from dataclasses import fields

    return {f.name: getattr(person, f.name) for f in fields(person)}


def test_contacts_on_record_match_the_records(store: Store) -> None:
    with store.transaction() as tx:
        records.save(
            tx,
            PEOPLE,
            Person(full_name="Dee Example", personal_mobile="07700900004", nhsmail="dee.e@nhs.net"),
            "person.add",
        )
    db = store.read()
    assert [
        (c.id, c.personal_mobile, c.nhsmail, c.erased) for c in records.contacts_on_record(db)
    ] == [(p.id, p.personal_mobile, p.nhsmail, None) for p in records.people(db)]
