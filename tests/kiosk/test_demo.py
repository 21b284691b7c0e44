"""The demo care group: the promised mix of people, fictional data only, deterministic.

The demo is what a first-time user sees, so these tests check it through the same rules the
dashboard uses (lifecycle, DSPT, retention): if a rule changes so that the demo no longer
shows a warning it was built to show, a test here fails.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk import demo, facts, records
from kiosk.clock import LONDON
from kiosk.lifecycle import LifecycleState, account_state, mailbox_silence, owners_at_risk
from kiosk.model import (
    PEOPLE,
    REQUESTS,
    SITES,
    TICKETS,
    Channel,
    DsptStatus,
    Person,
    PersonStatus,
    RequestKind,
    RequestStatus,
    Role,
    TicketStatus,
)
from store import Store
from tests.conftest import KIOSK_ADMIN, KIOSK_PASSPHRASE
from tests.fakes import FakeStore

TODAY = date(2026, 3, 11)  # a Wednesday
MOBILE = re.compile(r"07700900[0-9]{3}")
LANDLINE = re.compile(r"01632960[0-9]{3}")
PERSONAL_EMAIL = re.compile(r"[a-z0-9.]+@example\.(org|com)")
NHSMAIL = re.compile(r"[a-z]+\.[a-z]+@nhs\.net")


@pytest.fixture
def store() -> FakeStore:
    s = FakeStore(admin=demo.DEMO_ADMIN)
    demo.populate(s, TODAY)
    return s


def _people(store: Any) -> list[Person]:
    return records.people(store.read())


def _by_name(store: Any) -> dict[str, Person]:
    return {p.full_name: p for p in _people(store)}


def _dump(store: Any) -> dict[str, list[dict[str, Any]]]:
    db = store.read()
    return {
        name: [{"id": d.doc_id, **d} for d in db.table(name).all()]
        for name in (SITES, PEOPLE, REQUESTS, TICKETS, "settings")
    }


def test_passphrase_is_long_enough_for_the_unlock_rule() -> None:
    assert len(demo.DEMO_PASSPHRASE) >= facts.MIN_PASSPHRASE_LENGTH
    assert demo.DEMO_ADMIN


def test_two_sites_and_about_25_people(store: FakeStore) -> None:
    db = store.read()
    sites = records.sites(db)
    assert [s.ods_code for s in sites] == ["VZZ01", "VZZ02"]
    assert sites[0].name == "Harbour View Care Home"
    assert len(records.people(db)) == 25
    statuses = Counter(p.status for p in records.people(db))
    assert statuses == {
        PersonStatus.ACTIVE: 21,
        PersonStatus.JOINER: 2,
        PersonStatus.LEAVER: 1,
        PersonStatus.LEFT: 1,
    }


def test_owners_two_at_site_one_and_one_at_risk_at_site_two(store: FakeStore) -> None:
    db = store.read()
    harbour, meadow = records.sites(db)
    people = records.people(db)
    owners = {
        site.id: sorted(p.full_name for p in people if p.role_at(site.id) is Role.OWNER)
        for site in (harbour, meadow)
    }
    assert owners == {harbour.id: ["Margaret Ellison", "Priya Shah"], meadow.id: ["David Okafor"]}
    members = [p for p in people if p.role_at(harbour.id) is Role.MEMBER]
    assert len(members) >= 10
    at_risk = owners_at_risk([harbour, meadow], people, TODAY)
    assert [(site.id, person.full_name, state.state) for site, person, state in at_risk] == [
        (meadow.id, "David Okafor", LifecycleState.DUE_SOON)
    ]


def test_every_login_band_has_someone(store: FakeStore) -> None:
    found: dict[LifecycleState, list[str]] = {}
    for person in _people(store):
        state = account_state(person, TODAY)
        if state is not None:
            found.setdefault(state.state, []).append(person.full_name)
    assert found[LifecycleState.INACTIVE] == ["Oliver Bennett"]
    assert found[LifecycleState.DELETED] == ["Daniel Price"]
    assert found[LifecycleState.GONE] == ["Lewis Morgan"]
    assert found[LifecycleState.DISABLED] == ["Emily Watson"]
    assert sorted(found[LifecycleState.DUE_SOON]) == [
        "David Okafor",
        "Hannah Clarke",
        "Siobhan Murphy",
    ]
    assert len(found[LifecycleState.ACTIVE]) >= 12


def test_day_counts_are_the_promised_ones(store: FakeStore) -> None:
    days = {
        p.full_name: (TODAY - p.last_activity).days
        for p in _people(store)
        if p.last_activity is not None and p.status is PersonStatus.ACTIVE
    }
    assert days["Oliver Bennett"] == 40
    assert days["Daniel Price"] == 70
    assert days["Lewis Morgan"] == 100
    assert sorted(n for n in days.values() if 27 <= n <= 29) == [27, 28, 29]


def test_new_account_waiting_for_first_login(store: FakeStore) -> None:
    joseph = _by_name(store)["Joseph Kowalski"]
    assert joseph.account_created == TODAY - timedelta(days=10)
    assert not joseph.first_login_done
    assert joseph.last_activity is None
    state = account_state(joseph, TODAY)
    assert state is not None and state.never_used
    assert state.state is LifecycleState.ACTIVE


def test_maternity_leave_is_disabled_with_a_done_request(store: FakeStore) -> None:
    emily = _by_name(store)["Emily Watson"]
    assert emily.disabled_since is not None
    assert emily.access  # a disabled account keeps its access and still receives mail
    kinds = {(r.kind, r.status) for r in records.requests(store.read()) if r.person_id == emily.id}
    assert kinds == {(RequestKind.DISABLE, RequestStatus.DONE)}


def test_joiners_and_leaver_have_open_requests(store: FakeStore) -> None:
    db = store.read()
    harbour, meadow = records.sites(db)
    people = {p.id: p for p in records.people(db)}
    open_requests = {
        (r.kind, people[r.person_id].full_name, r.site_id, r.role)
        for r in records.requests(db)
        if r.status is RequestStatus.OPEN and r.person_id is not None
    }
    assert open_requests == {
        (RequestKind.JOINER_NEW, "Ellie Robinson", harbour.id, Role.MEMBER),
        (RequestKind.JOINER_EXISTING, "Marcus Reid", meadow.id, Role.OWNER),
        (RequestKind.LEAVER, "Karen Fletcher", harbour.id, None),
    }
    by_name = {p.full_name: p for p in people.values()}
    new, existing = by_name["Ellie Robinson"], by_name["Marcus Reid"]
    # Exactly the fields the FAQ asks for in each case.
    assert new.nhsmail is None and new.personal_email and new.personal_mobile
    assert existing.nhsmail and existing.personal_email is None and existing.personal_mobile
    assert not new.access and not existing.access  # no access until NAS has acted
    karen = by_name["Karen Fletcher"]
    assert karen.status is PersonStatus.LEAVER
    assert karen.leaving_date is not None and karen.leaving_date > TODAY
    assert karen.role_at(harbour.id) is Role.MEMBER  # NHSmail leaves it until an owner acts


def test_one_person_left_long_ago_is_due_for_erasure(store: FakeStore) -> None:
    retention = pytest.importorskip("kiosk.retention")
    db = store.read()
    due = retention.due_for_erasure(records.people(db), records.settings(db), TODAY)
    assert [p.full_name for p in due] == ["Brian Holloway"]
    brian = due[0]
    assert brian.status is PersonStatus.LEFT and not brian.access
    assert brian.leaving_date is not None and (TODAY - brian.leaving_date).days > 366


def test_nas_tickets_one_open_and_overdue_one_resolved(store: FakeStore) -> None:
    db = store.read()
    _harbour, meadow = records.sites(db)
    contacts = records.ticket_entries(db)
    open_ = [c for c in contacts if c.status is TicketStatus.OPEN]
    assert len(open_) == 1
    call = open_[0]
    assert (call.channel, call.script, call.site_id) == (Channel.PHONE, "no_access", meadow.id)
    assert call.follow_up is not None and call.follow_up < TODAY
    assert call.ticket
    assert call.at.utcoffset() == timedelta(0)
    assert [c.status for c in contacts if c is not call] == [TicketStatus.RESOLVED]


def test_shared_mailboxes_one_recent_one_silent_five_months(store: FakeStore) -> None:
    harbour, meadow = records.sites(store.read())
    assert harbour.mailbox_last_sent is not None
    assert (TODAY - harbour.mailbox_last_sent).days <= 7
    assert mailbox_silence(harbour, TODAY) is None
    silence = mailbox_silence(meadow, TODAY)
    assert silence is not None and not silence.flagged


def test_dspt_met_last_october_and_approaching(store: FakeStore) -> None:
    from kiosk.dspt import dspt_verdict

    harbour, meadow = records.sites(store.read())
    assert harbour.dspt_status is DsptStatus.MET
    assert harbour.dspt_published == date(2025, 10, 15)
    assert harbour.dspt_version == "2025-26"
    assert dspt_verdict(harbour, TODAY).deadline == date(2027, 6, 30)
    assert dspt_verdict(harbour, TODAY).level == "ok"
    assert meadow.dspt_status is DsptStatus.APPROACHING
    assert meadow.dspt_previous_status is None  # the one Approaching Standards allowed
    assert dspt_verdict(meadow, TODAY).level == "warn"


def test_all_contact_details_are_fictional(store: FakeStore) -> None:
    db = store.read()
    people = records.people(db)
    mobiles = [p.personal_mobile for p in people]
    assert all(MOBILE.fullmatch(m) for m in mobiles), mobiles
    assert len(set(mobiles)) == len(mobiles)
    emails = [p.personal_email for p in people if p.personal_email is not None]
    assert len(emails) == 24  # all but the joiner with an existing account
    assert all(PERSONAL_EMAIL.fullmatch(e) for e in emails), emails
    nhsmail = [p.nhsmail for p in people if p.nhsmail is not None]
    assert all(NHSMAIL.fullmatch(a) for a in nhsmail), nhsmail
    assert len(set(nhsmail)) == len(nhsmail)
    for p in people:
        if p.nhsmail:
            first, last = p.full_name.lower().replace("'", "").split()
            assert p.nhsmail == f"{first}.{last}@nhs.net"
    for site in records.sites(db):
        assert LANDLINE.fullmatch(site.site_phone)
        assert site.ods_code.startswith("VZZ")
        assert re.fullmatch(r"1-0{8}[0-9]", site.cqc_location_id)
        assert site.mailbox.endswith("@nhs.net")
    support = records.settings(db).local_support
    assert LANDLINE.fullmatch(support.phone)
    assert PERSONAL_EMAIL.fullmatch(support.email)


def test_demo_data_passes_the_forms_own_validators(store: FakeStore) -> None:
    v = pytest.importorskip("kiosk.validators")
    db = store.read()
    for p in records.people(db):
        assert v.validate_full_name(p.full_name) == p.full_name
        assert v.normalise_mobile(p.personal_mobile) == p.personal_mobile
        if p.personal_email:
            assert v.validate_email(p.personal_email) == p.personal_email
        if p.nhsmail:
            assert v.validate_nhsmail(p.nhsmail, p.personal_email) == p.nhsmail
    for site in records.sites(db):
        assert v.validate_ods_code(site.ods_code) == (site.ods_code, None)
        assert v.validate_cqc_location(site.cqc_location_id) == site.cqc_location_id
        assert v.validate_uk_phone(site.site_phone) == site.site_phone
        assert v.validate_mailbox(site.mailbox) == site.mailbox


def test_every_record_is_audited_without_personal_data(store: FakeStore) -> None:
    db = store.read()
    audited = {
        (e["table"], e["record_id"])
        for e in store.audit_entries
        if e["action"] == demo.AUDIT_ACTION
    }
    for table in (SITES, PEOPLE, REQUESTS, TICKETS):
        for doc in db.table(table).all():
            assert (table, doc.doc_id) in audited
    assert all(e["detail"] == "" for e in store.audit_entries)
    assert all(e["admin"] == demo.DEMO_ADMIN for e in store.audit_entries)


def test_deterministic() -> None:
    a, b = FakeStore(), FakeStore()
    demo.populate(a, TODAY)
    demo.populate(b, TODAY)
    assert _dump(a) == _dump(b)
    assert a.audit_entries == b.audit_entries


def test_refuses_a_store_that_is_not_empty(store: FakeStore) -> None:
    before = _dump(store)
    with pytest.raises(ValueError):
        demo.populate(store, TODAY)
    assert _dump(store) == before


def test_real_store_holds_the_same_demo_and_audits_it(kiosk_store: Store) -> None:
    """The content tests above run on the fake; this shows the real store ends up with the
    very same tables, readable after reopening, with one chained audit entry per record."""
    demo.populate(kiosk_store, TODAY)
    path = kiosk_store.path
    kiosk_store.close()
    reopened = Store.open(path, KIOSK_ADMIN, KIOSK_PASSPHRASE)
    fake = FakeStore()
    demo.populate(fake, TODAY)
    assert _dump(reopened) == _dump(fake)
    entries = [e for e in reopened.audit_entries() if e.action == demo.AUDIT_ACTION]
    assert len(entries) == sum(
        len(rows) for name, rows in _dump(fake).items() if name != "settings"
    )
    assert all(e.admin == KIOSK_ADMIN and e.detail == "" for e in entries)
    assert reopened.verify_audit().ok
    reopened.close()


def test_mobile_helper_stays_in_the_drama_range() -> None:
    assert demo.mobile(0) == "07700900000"
    assert demo.mobile(999) == "07700900999"
    with pytest.raises(ValueError):
        demo.mobile(1000)


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2040, 12, 31)))
def test_the_story_holds_whatever_day_it_is_opened(today: date) -> None:
    from kiosk.dspt import dspt_verdict

    s = FakeStore()
    demo.populate(s, today)
    db = s.read()
    harbour, meadow = records.sites(db)
    people = records.people(db)
    # No date in the future except the leaver's leaving day.
    for p in people:
        for value in (p.last_activity, p.account_created, p.disabled_since, p.status_since):
            assert value is None or value <= today
    for site in (harbour, meadow):
        assert site.dspt_published is not None and site.dspt_published <= today
        assert site.mailbox_last_sent is not None and site.mailbox_last_sent <= today
    assert dspt_verdict(harbour, today).level == "ok"
    assert dspt_verdict(meadow, today).level == "warn"
    silence = mailbox_silence(meadow, today)
    assert silence is not None and not silence.flagged
    assert [p.full_name for _, p, _ in owners_at_risk([harbour, meadow], people, today)] == [
        "David Okafor"
    ]
    for contact in records.ticket_entries(db):
        assert contact.at.date() <= today
        assert contact.at.astimezone(LONDON).weekday() < 5  # NAS answers on weekdays
        assert contact.follow_up is None or contact.follow_up < today
