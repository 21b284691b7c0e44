"""Recording activity, long-term leave and shared mailbox mail: store effects and audit."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from kiosk import facts, records
from kiosk.activity import (
    ActivityError,
    activity_problem,
    disable_draft,
    enable_draft,
    leave_draft,
    leave_problem,
    record_activity,
    record_leave_request,
    record_mailbox_sent,
    sending_site,
)
from kiosk.lifecycle import LifecycleState, account_state
from kiosk.model import PEOPLE, SITES, Person, RequestKind, RequestStatus, Role, Site
from store import Store
from tests.fakes import FakeStore

TODAY = date(2026, 11, 24)


def add_site(store: FakeStore, **kw: object) -> int:
    base: dict[str, object] = {
        "name": "Rose House",
        "ods_code": "VZZ01",
        "cqc_location_id": "1-000000001",
        "site_phone": "01632960001",
        "mailbox": "rosehouse.care@nhs.net",
    }
    base.update(kw)
    with store.transaction() as tx:
        return records.save(tx, SITES, Site(**base), "site.add")  # type: ignore[arg-type]


def add_person(store: FakeStore, **kw: object) -> int:
    base: dict[str, object] = {
        "full_name": "Ada Example",
        "personal_mobile": "07700900001",
        "personal_email": "ada@example.org",
        "nhsmail": "ada.example@nhs.net",
        "first_login_done": True,
        "last_activity": TODAY - timedelta(days=40),
    }
    base.update(kw)
    with store.transaction() as tx:
        return records.save(tx, PEOPLE, Person(**base), "person.add")  # type: ignore[arg-type]


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


def get(store: FakeStore, person_id: int) -> Person:
    found = records.person(store.read(), person_id)
    assert found is not None
    return found


def actions(store: FakeStore, since: int = 0) -> list[tuple[str, str | None, int | None, str]]:
    return [
        (e["action"], e["table"], e["record_id"], e["detail"]) for e in store.audit_entries[since:]
    ]


# ---- recording activity -----------------------------------------------------------------


def test_record_activity_for_several_people(store: FakeStore) -> None:
    a = add_person(store, full_name="Ann One")
    b = add_person(
        store,
        full_name="Ben Two",
        last_activity=None,
        first_login_done=False,
        account_created=TODAY - timedelta(days=10),
    )
    before = len(store.audit_entries)
    saved = record_activity(store, [a, b, a], TODAY, TODAY)
    assert [p.id for p in saved] == [a, b]
    for pid in (a, b):
        person = get(store, pid)
        assert person.last_activity == TODAY and person.first_login_done
        state = account_state(person, TODAY)
        assert state is not None and state.state is LifecycleState.ACTIVE
    assert actions(store, before) == [
        ("activity.record", "people", a, "today"),
        ("activity.record", "people", b, "today"),
    ]


def test_an_earlier_date_never_shortens_an_account_life(store: FakeStore) -> None:
    pid = add_person(store, last_activity=TODAY - timedelta(days=2))
    record_activity(store, [pid], TODAY - timedelta(days=20), TODAY)
    assert get(store, pid).last_activity == TODAY - timedelta(days=2)
    assert store.audit_entries[-1]["detail"] == "earlier date"


def test_an_earlier_date_moves_an_older_one(store: FakeStore) -> None:
    pid = add_person(store, last_activity=TODAY - timedelta(days=45))
    record_activity(store, [pid], TODAY - timedelta(days=5), TODAY)
    assert get(store, pid).last_activity == TODAY - timedelta(days=5)


@pytest.mark.parametrize(
    ("person", "day", "rule"),
    [
        ({}, TODAY + timedelta(days=1), "cannot be in the future"),
        (
            {"account_created": TODAY - timedelta(days=3)},
            TODAY - timedelta(days=4),
            "cannot be before Ada Example's account was created",
        ),
        ({"disabled_since": TODAY - timedelta(days=3)}, TODAY, "mark it re-enabled first"),
        ({"nhsmail": None}, TODAY, "no NHSmail account"),
    ],
)
def test_refusals_name_the_rule_and_change_nothing(
    store: FakeStore, person: dict[str, object], day: date, rule: str
) -> None:
    ok = add_person(store, full_name="Fine Person", last_activity=TODAY - timedelta(days=40))
    bad = add_person(store, **person)
    before = len(store.audit_entries)
    with pytest.raises(ActivityError, match=rule):
        record_activity(store, [ok, bad], day, TODAY)
    assert len(store.audit_entries) == before
    assert get(store, ok).last_activity == TODAY - timedelta(days=40)


def test_the_day_the_account_was_created_is_allowed() -> None:
    person = Person("Ada", "07700900001", nhsmail="a@nhs.net", account_created=TODAY)
    assert activity_problem(person, TODAY, TODAY) is None


def test_nobody_chosen_and_missing_person(store: FakeStore) -> None:
    with pytest.raises(ActivityError, match="at least one"):
        record_activity(store, [], TODAY, TODAY)
    with pytest.raises(ActivityError, match="no longer in the record"):
        record_activity(store, [99], TODAY, TODAY)


# ---- shared mailbox last sent ------------------------------------------------------------


def test_record_mailbox_sent_keeps_the_later_date(store: FakeStore) -> None:
    sid = add_site(store)
    with store.transaction() as tx:
        record_mailbox_sent(tx, sid, TODAY - timedelta(days=3))
    assert actions(store)[-1] == ("site.mailbox_sent", "sites", sid, "")
    count = len(store.audit_entries)
    with store.transaction() as tx:
        record_mailbox_sent(tx, sid, TODAY - timedelta(days=10))
    assert len(store.audit_entries) == count  # nothing changed, nothing audited
    site = records.site(store.read(), sid)
    assert site is not None and site.mailbox_last_sent == TODAY - timedelta(days=3)
    with store.transaction() as tx, pytest.raises(ActivityError):
        record_mailbox_sent(tx, 42, TODAY)


# ---- long-term leave ---------------------------------------------------------------------


def test_sending_site_prefers_owner_then_member_then_any() -> None:
    rose = Site("Rose", "VZZ01", "1-000000001", "01632960001", "rose@nhs.net", id=1)
    ivy = Site("Ivy", "VZZ02", "1-000000002", "01632960002", "ivy@nhs.net", id=2)
    shut = Site("Shut", "VZZ03", "1-000000003", "01632960003", "shut@nhs.net", id=3, closed=TODAY)
    owner_at_ivy = Person("A", "07700900001", access={1: Role.MEMBER, 2: Role.OWNER})
    assert sending_site(owner_at_ivy, [rose, ivy]) == ivy
    member = Person("B", "07700900002", access={3: Role.OWNER, 2: Role.MEMBER})
    assert sending_site(member, [rose, ivy, shut]) == ivy
    assert sending_site(Person("C", "07700900003"), [shut, rose]) == rose
    assert sending_site(Person("C", "07700900003"), [shut]) is None


def test_drafts_hold_only_name_nhsmail_and_the_request() -> None:
    site = Site("Rose House", "VZZ01", "1-000000001", "01632960001", "rose@nhs.net", id=1)
    person = Person(
        "Ada Example",
        "07700900123",
        personal_email="ada@example.org",
        nhsmail="ada.example@nhs.net",
        access={1: Role.OWNER},
    )
    draft = disable_draft(person, site)
    assert draft.to == facts.NAS_EMAIL and draft.sender == "rose@nhs.net"
    assert "disable" in draft.subject and "long-term leave" in draft.body
    assert "Name: Ada Example" in draft.body
    assert "NHSmail address: ada.example@nhs.net" in draft.body
    for text in (draft.as_text(), enable_draft(person, site).as_text()):
        assert "07700900123" not in text and "ada@example.org" not in text
        assert "VZZ01" not in text and "Rose House" not in text
    assert draft.as_text() == (
        "From: rose@nhs.net\n"
        "To: Helpdesk@nhs.net\n"
        "Subject: Please disable an NHSmail account: long-term leave\n"
        "\n"
        "Hello,\n"
        "\n"
        "Please disable the NHSmail account below while its owner is on long-term leave. "
        "We will ask you to re-enable it when they return.\n"
        "\n"
        "Name: Ada Example\n"
        "NHSmail address: ada.example@nhs.net\n"
        "\n"
        "Thank you.\n"
    )
    assert "re-enable" in enable_draft(person, site).subject
    assert leave_draft(person, site) == disable_draft(person, site)
    away = Person("Ada Example", "07700900123", nhsmail="ada.example@nhs.net", disabled_since=TODAY)
    assert leave_draft(away, site) == enable_draft(away, site)


def test_disable_then_enable(store: FakeStore) -> None:
    sid = add_site(store, mailbox_last_sent=TODAY - timedelta(days=100))
    pid = add_person(store, access={sid: Role.MEMBER}, last_activity=TODAY - timedelta(days=5))
    before = len(store.audit_entries)

    record_leave_request(store, pid, sid, TODAY)
    person = get(store, pid)
    assert person.disabled_since == TODAY
    state = account_state(person, TODAY)
    assert state is not None and state.state is LifecycleState.DISABLED
    reqs = records.requests(store.read())
    assert [(r.kind, r.site_id, r.person_id, r.sent, r.status) for r in reqs] == [
        (RequestKind.DISABLE, sid, pid, TODAY, RequestStatus.OPEN)
    ]
    site = records.site(store.read(), sid)
    assert site is not None and site.mailbox_last_sent == TODAY
    assert [a[0] for a in actions(store, before)] == [
        "account.disable",
        "request.add",
        "site.mailbox_sent",
    ]

    back = TODAY + timedelta(days=200)
    record_leave_request(store, pid, sid, back)
    person = get(store, pid)
    assert person.disabled_since is None and person.last_activity == back
    state = account_state(person, back)
    assert state is not None and state.state is LifecycleState.ACTIVE
    assert [r.kind for r in records.requests(store.read())] == [
        RequestKind.DISABLE,
        RequestKind.ENABLE,
    ]
    assert [a[0] for a in actions(store, before)][3:] == [
        "account.enable",
        "request.add",
        "site.mailbox_sent",
    ]
    for entry in store.audit_entries[before:]:
        assert "Ada" not in entry["detail"] and "nhs.net" not in entry["detail"]


def test_leave_request_refusals(store: FakeStore) -> None:
    sid = add_site(store)
    shut = add_site(store, name="Shut", closed=TODAY)
    pid = add_person(store, disabled_since=TODAY)
    none = add_person(store, nhsmail=None)
    before = len(store.audit_entries)
    with pytest.raises(ActivityError, match="before the account was disabled"):
        record_leave_request(store, pid, sid, TODAY - timedelta(days=1))
    with pytest.raises(ActivityError, match="closed"):
        record_leave_request(store, pid, shut, TODAY)
    with pytest.raises(ActivityError, match="no NHSmail account"):
        record_leave_request(store, none, sid, TODAY)
    with pytest.raises(ActivityError, match="no longer in the record"):
        record_leave_request(store, 99, sid, TODAY)
    assert len(store.audit_entries) == before


@pytest.mark.parametrize(
    ("days", "rule"),
    [(61, "ask NAS to restore it"), (91, "gone for good")],
)
def test_a_deleted_or_gone_account_cannot_be_disabled(
    store: FakeStore, days: int, rule: str
) -> None:
    sid = add_site(store)
    pid = add_person(store, last_activity=TODAY - timedelta(days=days))
    assert leave_problem(get(store, pid), TODAY) is not None
    before = len(store.audit_entries)
    with pytest.raises(ActivityError, match=rule):
        record_leave_request(store, pid, sid, TODAY)
    assert len(store.audit_entries) == before


def test_an_inactive_account_can_be_disabled(store: FakeStore) -> None:
    person = get(store, add_person(store, last_activity=TODAY - timedelta(days=45)))
    assert leave_problem(person, TODAY) is None


# ---- the same operations on the real encrypted store ---------------------------------------


def test_on_the_real_store_everything_is_audited(kiosk_store: Store) -> None:
    real: Any = kiosk_store
    sid = add_site(real)
    a = add_person(real, full_name="Ann One", access={sid: Role.OWNER})
    b = add_person(real, full_name="Ben Two", access={sid: Role.MEMBER})
    start = len(kiosk_store.audit_entries())
    record_activity(real, [a, b], TODAY, TODAY)
    record_leave_request(real, b, sid, TODAY)
    entries = kiosk_store.audit_entries()[start:]
    assert [(e.action, e.table, e.record_id) for e in entries] == [
        ("activity.record", "people", a),
        ("activity.record", "people", b),
        ("account.disable", "people", b),
        ("request.add", "requests", 1),
        ("site.mailbox_sent", "sites", sid),
    ]
    assert all(e.admin == kiosk_store.admin for e in entries)
    assert kiosk_store.verify_audit().ok
    db = kiosk_store.read()
    assert records.person(db, a).last_activity == TODAY  # type: ignore[union-attr]
    assert records.person(db, b).disabled_since == TODAY  # type: ignore[union-attr]


def test_on_the_real_store_a_refusal_saves_nothing(kiosk_store: Store) -> None:
    real: Any = kiosk_store
    ok = add_person(real, full_name="Ok Person")
    bad = add_person(real, full_name="Away Person", disabled_since=TODAY)
    generation = kiosk_store.generation
    with pytest.raises(ActivityError):
        record_activity(real, [ok, bad], TODAY, TODAY)
    assert kiosk_store.generation == generation
    assert records.person(kiosk_store.read(), ok).last_activity != TODAY  # type: ignore[union-attr]
