"""Retention: exactly the people who left more than the configured months ago lose their
personal mobile and personal email; names, dates and everyone else stay as they were."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from kiosk import records
from kiosk.model import PEOPLE, Person, PersonStatus, Role, Settings
from kiosk.retention import (
    due_for_erasure,
    erase,
    erase_due,
    erasure_cutoff,
    months_before,
    pending,
)
from tests.fakes import FakeStore

TODAY = date(2026, 3, 16)


def person(name: str, n: int, **kw: object) -> Person:
    base: dict[str, object] = {
        "full_name": name,
        "personal_mobile": f"07700900{n:03d}",
        "personal_email": f"person{n}@example.org",
        "nhsmail": f"person{n}@nhs.net",
        "access": {1: Role.MEMBER},
    }
    base.update(kw)
    return Person(**base)  # type: ignore[arg-type]


PEOPLE_SET = {
    "gone_13_months": person(
        "Ada Left", 1, status=PersonStatus.LEFT, leaving_date=date(2025, 2, 10)
    ),
    "gone_one_day_over": person(
        "Ben Left", 2, status=PersonStatus.LEFT, leaving_date=date(2025, 3, 15)
    ),
    "gone_exactly_12": person(
        "Cat Left", 3, status=PersonStatus.LEFT, leaving_date=date(2025, 3, 16)
    ),
    "gone_by_status_since": person(
        "Dan Left", 4, status=PersonStatus.LEFT, status_since=date(2024, 1, 5)
    ),
    "gone_no_date": person("Eve Left", 5, status=PersonStatus.LEFT),
    "leaver_not_left": person(
        "Fay Leaver", 6, status=PersonStatus.LEAVER, leaving_date=date(2024, 1, 1)
    ),
    "active": person("Gus Active", 7, leaving_date=date(2024, 1, 1)),
    "already_erased": person(
        "Hal Erased",
        8,
        status=PersonStatus.LEFT,
        leaving_date=date(2023, 1, 1),
        personal_mobile="",
        personal_email=None,
        erased=date(2024, 2, 1),
    ),
    "email_only": person(
        "Ivy Left", 9, status=PersonStatus.LEFT, leaving_date=date(2024, 6, 1), personal_mobile=""
    ),
    "recent": person("Jo Left", 10, status=PersonStatus.LEFT, leaving_date=date(2026, 1, 1)),
}
DUE = {"gone_13_months", "gone_one_day_over", "gone_by_status_since", "email_only"}


def load(store: FakeStore, settings: Settings | None = None) -> dict[str, int]:
    ids: dict[str, int] = {}
    with store.transaction() as tx:
        if settings is not None:
            records.save_settings(tx, settings)
        for key, p in PEOPLE_SET.items():
            ids[key] = records.save(tx, PEOPLE, p, "person.add")
    store.audit_entries.clear()
    return ids


def test_due_for_erasure_is_exactly_the_right_people() -> None:
    store = FakeStore()
    ids = load(store)
    due = due_for_erasure(records.people(store.read()), Settings(), TODAY)
    assert {p.id for p in due} == {ids[k] for k in DUE}
    # longest gone first
    assert [p.full_name for p in due] == ["Dan Left", "Ivy Left", "Ada Left", "Ben Left"]


def test_erase_clears_only_personal_details_of_due_people_and_audits_each() -> None:
    store = FakeStore()
    ids = load(store)
    before = {p.id: p for p in records.people(store.read())}
    with store.transaction() as tx:
        done = erase(tx, list(ids.values()), TODAY)  # asked for everyone: only due ones go
    assert set(done) == {ids[k] for k in DUE}
    after = {p.id: p for p in records.people(store.read())}
    for key, pid in ids.items():
        if key in DUE:
            assert after[pid].personal_mobile == ""
            assert after[pid].personal_email is None
            assert after[pid].erased == TODAY
            # name, NHSmail address, dates and access history stay
            assert after[pid].full_name == before[pid].full_name
            assert after[pid].nhsmail == before[pid].nhsmail
            assert after[pid].leaving_date == before[pid].leaving_date
            assert after[pid].status_since == before[pid].status_since
            assert after[pid].access == before[pid].access
        else:
            assert after[pid] == before[pid], key
    assert [(e["action"], e["record_id"]) for e in store.audit_entries] == [
        ("person.erase", pid) for pid in done
    ]
    for entry in store.audit_entries:  # never personal data in the audit trail
        assert "07700" not in entry["detail"] and "@" not in entry["detail"]
    # A second pass finds nobody left to erase.
    assert due_for_erasure(records.people(store.read()), Settings(), TODAY) == []


def test_erase_skips_unknown_ids_and_duplicates() -> None:
    store = FakeStore()
    ids = load(store)
    with store.transaction() as tx:
        done = erase(tx, [ids["gone_13_months"], ids["gone_13_months"], 999], TODAY)
    assert done == [ids["gone_13_months"]]
    assert len(store.audit_entries) == 1


def test_erase_rechecks_in_the_transaction() -> None:
    """Someone shown as due who came back meanwhile (another admin's change) is kept."""
    store = FakeStore()
    ids = load(store)
    came_back = records.person(store.read(), ids["gone_13_months"])
    assert came_back is not None
    with store.transaction() as tx:
        records.save(tx, PEOPLE, replace(came_back, status=PersonStatus.ACTIVE), "person.edit")
    with store.transaction() as tx:
        assert erase(tx, [ids["gone_13_months"]], TODAY) == []


def test_retention_months_come_from_the_settings() -> None:
    """With 1 month, the recent leaver and the exactly-12-months one are due too; erase
    reads the stored settings inside its transaction."""
    store = FakeStore()
    ids = load(store, Settings(retention_months=1))
    one_month = Settings(retention_months=1)
    due = {p.id for p in due_for_erasure(records.people(store.read()), one_month, TODAY)}
    assert due == {ids[k] for k in DUE | {"recent", "gone_exactly_12"}}
    assert set(erase_due(store, TODAY)) == due
    assert {p.id for p in records.people(store.read()) if p.erased == TODAY} == due


def test_pending_is_the_prompts_one_decision_under_the_stored_setting() -> None:
    """What the unlock prompt and the Admins screen ask about: the due people in order and
    the months to name, both from the store (not a default)."""
    store = FakeStore()
    ids = load(store, Settings(retention_months=1))
    asked = pending(store.read(), TODAY)
    assert asked.months == 1
    assert [p.id for p in asked.people] == [
        p.id
        for p in due_for_erasure(records.people(store.read()), Settings(retention_months=1), TODAY)
    ]
    assert {p.id for p in asked.people} == {ids[k] for k in DUE | {"recent", "gone_exactly_12"}}
    erase_due(store, TODAY)
    assert pending(store.read(), TODAY).people == []


def test_erase_due_with_default_settings() -> None:
    store = FakeStore()
    ids = load(store)
    done = erase_due(store, TODAY)
    assert set(done) == {ids[k] for k in DUE}


def test_months_before_clamps_to_the_month_end() -> None:
    assert months_before(date(2026, 3, 16), 12) == date(2025, 3, 16)
    assert months_before(date(2025, 2, 28), 12) == date(2024, 2, 28)
    assert months_before(date(2024, 2, 29), 12) == date(2023, 2, 28)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 1) == date(2025, 12, 15)
    assert erasure_cutoff(Settings(retention_months=18), date(2026, 3, 16)) == date(2024, 9, 16)


@given(
    left=st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31)),
    months=st.integers(min_value=1, max_value=120),
    gap=st.integers(min_value=0, max_value=5000),
)
def test_due_exactly_when_left_before_the_cutoff(left: date, months: int, gap: int) -> None:
    today = date.fromordinal(left.toordinal() + gap)
    p = person("Pat Left", 1, status=PersonStatus.LEFT, leaving_date=left, id=1)
    due = due_for_erasure([p], Settings(retention_months=months), today)
    assert bool(due) == (left < months_before(today, months))
    if due:
        assert (today - left).days > 28 * months
