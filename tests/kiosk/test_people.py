"""The people domain: add/edit with validation and duplicates, joiner -> answer -> first
sign-in, leavers and the Active (Leaver) countdown, access changes, the review."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kiosk import records
from kiosk.i18n import set_locale
from kiosk.lifecycle import person_status
from kiosk.model import PersonStatus, RequestKind, RequestStatus, Role
from kiosk.people import (
    PersonForm,
    access_summary,
    add_person,
    check_person,
    edit_person,
    first_login_deadline,
    first_login_steps,
    joiner_details,
    leaver_days_left,
    leaver_deadline,
    leaver_handover,
    record_access_change,
    record_answer,
    record_first_login,
    record_joiner,
    record_leaver,
    record_review,
)
from kiosk.validators import ValidationError
from tests.kiosk.people_fixtures import HARBOUR, MEADOW, TODAY, staff, store_with

ANN = PersonForm(
    full_name="  Ann  Example ",
    personal_mobile="+44 7700 900111",
    personal_email="ann@example.org",
    nhsmail="Ann.Example@nhs.net",
    last_activity="20/11/2026",
)


@pytest.fixture(autouse=True)
def _english() -> None:
    set_locale("en_GB")


def no_personal_data_in_audit(entries: list[dict[str, object]]) -> None:
    for entry in entries:
        detail = str(entry["detail"])
        assert "@" not in detail and "07700" not in detail and " " not in detail, entry


def test_add_person_normalises_and_audits() -> None:
    store, _, _ = store_with()
    saved = add_person(store, ANN, TODAY)
    assert saved.ok
    person = records.person(store.read(), saved.person_id)
    assert person is not None
    assert person.full_name == "Ann Example"
    assert person.personal_mobile == "07700900111"
    assert person.nhsmail == "ann.example@nhs.net"
    assert person.last_activity == date(2026, 11, 20)
    assert [e["action"] for e in store.audit_entries] == ["person.add"]
    no_personal_data_in_audit(store.audit_entries)


def test_every_bad_field_is_reported_by_rule() -> None:
    checked = check_person(
        PersonForm(
            full_name="",
            personal_mobile="01632 960123",
            personal_email="nope",
            nhsmail="ann@example.org",
            last_activity="2026-12-25",
        ),
        [],
        TODAY,
    )
    assert checked.errors.rules == {
        "full_name": "name_required",
        "personal_mobile": "mobile_landline",
        "personal_email": "email_format",
        "nhsmail": "nhsmail_domain",
        "last_activity": "day_future",
    }


def test_duplicates_are_refused_with_the_other_person_named() -> None:
    store, _, (bob,) = store_with(staff(111, "Bob Smith"))
    saved = add_person(
        store,
        PersonForm(full_name="Ann", personal_mobile="07700 900111", nhsmail="BOB.staff@nhs.net"),
        TODAY,
    )
    assert not saved.ok
    assert saved.errors.rules["personal_mobile"] == "duplicate_mobile"
    assert "Bob Smith" in saved.errors["personal_mobile"]
    assert saved.errors.rules["nhsmail"] == "duplicate_nhsmail"
    assert "Bob Smith" in saved.errors["nhsmail"]
    assert len(records.people(store.read())) == 1  # nothing written
    # editing Bob himself is not a duplicate of Bob
    edited = edit_person(
        store, bob, PersonForm(full_name="Bob Smith", personal_mobile="07700900111"), TODAY
    )
    assert edited.ok


def test_nhsmail_must_differ_from_personal_email() -> None:
    checked = check_person(
        PersonForm(
            full_name="Ann",
            personal_mobile="07700900111",
            personal_email="ann@nhs.net",
            nhsmail="ann@nhs.net",
        ),
        [],
        TODAY,
    )
    assert checked.errors.rules["nhsmail"] == "nhsmail_same_as_personal"


def test_joiner_details_take_exactly_the_faq_fields() -> None:
    form = PersonForm(
        full_name="Ellie",
        personal_mobile="07700900342",
        personal_email="ellie@example.com",
        nhsmail="ellie@nhs.net",
    )
    new, errors = joiner_details(form, False, [], TODAY)
    assert not errors and new is not None
    assert (new.personal_email, new.nhsmail) == ("ellie@example.com", None)
    existing, errors = joiner_details(form, True, [], TODAY)
    assert not errors and existing is not None
    assert (existing.personal_email, existing.nhsmail) == (None, "ellie@nhs.net")
    _, errors = joiner_details(
        PersonForm(full_name="E", personal_mobile="07700900342"), False, [], TODAY
    )
    assert errors.rules["personal_email"] == "email_required"
    _, errors = joiner_details(
        PersonForm(full_name="E", personal_mobile="07700900342"), True, [], TODAY
    )
    assert errors.rules["nhsmail"] == "nhsmail_required"


def test_a_new_account_needs_a_personal_email_outside_nhsmail() -> None:
    form = PersonForm(
        full_name="Ellie", personal_mobile="07700900342", personal_email="Ellie@NHS.net"
    )
    new, errors = joiner_details(form, False, [], TODAY)
    assert new is None
    assert errors.rules["personal_email"] == "personal_email_nhsmail"
    assert "NAS sends" in errors["personal_email"]
    # On record without an account (People's add form): the same rule.
    checked = check_person(form, [], TODAY)
    assert checked.errors.rules["personal_email"] == "personal_email_nhsmail"
    # With an NHSmail account the personal email is only a spare contact: not this rule.
    checked = check_person(
        PersonForm(
            full_name="Ellie",
            personal_mobile="07700900342",
            personal_email="ellie.home@example.com",
            nhsmail="ellie@nhs.net",
        ),
        [],
        TODAY,
    )
    assert checked.ok


def _new_joiner(store, site_id: int, role: Role = Role.MEMBER) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    details, errors = joiner_details(
        PersonForm(
            full_name="Ellie Robinson",
            personal_mobile="07700900342",
            personal_email="ellie@example.com",
        ),
        False,
        [],
        TODAY,
    )
    assert details is not None, errors
    return record_joiner(store, site_id, details, role, TODAY)


def test_new_joiner_to_done_to_first_login() -> None:
    store, (site,), _ = store_with()
    pid, rid = _new_joiner(store, site)
    db = store.read()
    person = records.person(db, pid)
    assert person is not None
    assert person.status is PersonStatus.JOINER and person.access == {}
    request = records.requests(db)[0]
    assert (request.kind, request.role, request.status) == (
        RequestKind.JOINER_NEW,
        Role.MEMBER,
        RequestStatus.OPEN,
    )
    assert records.site(db, site).mailbox_last_sent == TODAY  # type: ignore[union-attr]
    assert person_status(person, TODAY).text == "Joiner in progress"

    answered = TODAY + timedelta(days=2)
    record_answer(store, rid, done=True, day=answered, ticket=" INC1 ", nhsmail="Ellie.R@nhs.net")
    db = store.read()
    person = records.person(db, pid)
    assert person is not None
    assert person.status is PersonStatus.ACTIVE
    assert person.access == {site: Role.MEMBER}
    assert person.nhsmail == "ellie.r@nhs.net"
    assert person.account_created == answered
    assert first_login_deadline(person) == answered + timedelta(days=30)
    assert "ellie.r@nhs.net" in first_login_steps(person)[0]
    assert person_status(person, TODAY).text.startswith("New: first sign-in by")
    request = records.requests(db)[0]
    assert (request.status, request.ticket, request.resolved) == (
        RequestStatus.DONE,
        "INC1",
        answered,
    )

    record_first_login(store, pid, answered + timedelta(days=1))
    person = records.person(store.read(), pid)
    assert person is not None and person.first_login_done
    assert person.last_activity == answered + timedelta(days=1)
    assert first_login_deadline(person) is None
    actions = [e["action"] for e in store.audit_entries]
    assert actions == [
        "person.add",
        "request.joiner",
        "site.mailbox_sent",
        "request.done",
        "person.status",
        "person.first_login",
    ]
    no_personal_data_in_audit(store.audit_entries)


def test_rejected_joiner_needs_a_reason_and_gets_no_access() -> None:
    store, (site,), _ = store_with()
    pid, rid = _new_joiner(store, site)
    with pytest.raises(ValidationError) as info:
        record_answer(store, rid, done=False, day=TODAY)
    assert info.value.rule == "reason_required"
    record_answer(store, rid, done=False, day=TODAY, reason="DSPT not at Approaching Standards")
    person = records.person(store.read(), pid)
    assert person is not None and person.status is PersonStatus.ACTIVE and person.access == {}
    assert records.requests(store.read())[0].status is RequestStatus.REJECTED
    with pytest.raises(ValidationError):
        record_answer(store, rid, done=True, day=TODAY)  # already answered


def test_answer_cannot_predate_the_request() -> None:
    store, (site,), _ = store_with()
    _, rid = _new_joiner(store, site)
    with pytest.raises(ValidationError) as info:
        record_answer(store, rid, done=True, day=TODAY - timedelta(days=1))
    assert info.value.rule == "day_before_sent"


def test_existing_joiner_as_owner_prefilled_from_a_person() -> None:
    store, (site,), (pid,) = store_with(staff(358, "Marcus Reid"))
    details, _ = joiner_details(
        PersonForm(
            full_name="Marcus Reid", personal_mobile="07700900358", nhsmail="marcus.staff@nhs.net"
        ),
        True,
        records.people(store.read()),
        TODAY,
        exclude_id=pid,
    )
    assert details is not None
    got_pid, rid = record_joiner(store, site, details, Role.OWNER, TODAY, person_id=pid)
    assert got_pid == pid
    assert records.requests(store.read())[0].kind is RequestKind.JOINER_EXISTING
    record_answer(store, rid, done=True, day=TODAY, ticket="INC9")
    person = records.person(store.read(), pid)
    assert person is not None and person.access == {site: Role.OWNER}
    assert person.account_created is None  # an existing account: no first-login countdown


def test_leaver_request_then_active_leaver_countdown() -> None:
    store, (site,), (pid,) = store_with(staff(329, "Karen Fletcher", {1: Role.MEMBER}))
    leaving = TODAY + timedelta(days=10)
    rid = record_leaver(store, pid, leaving, TODAY, site_id=site, access_removed=True)
    assert rid is not None
    with pytest.raises(ValidationError) as info:
        record_leaver(store, pid, leaving, TODAY, site_id=site, access_removed=True)
    assert info.value.rule == "already_leaving"
    person = records.person(store.read(), pid)
    assert person is not None
    assert person.status is PersonStatus.LEAVER and person.access == {}
    assert person_status(person, TODAY).text == "Leaving 4 Dec 2026"
    record_answer(store, rid, done=True, day=TODAY, ticket="INC5")
    person = records.person(store.read(), pid)
    assert person is not None and person.status is PersonStatus.LEFT
    assert leaver_deadline(person) == TODAY + timedelta(days=30)
    assert leaver_days_left(person, TODAY) == 31
    assert leaver_days_left(person, TODAY + timedelta(days=30)) == 1
    assert leaver_days_left(person, TODAY + timedelta(days=31)) == 0
    handover = leaver_handover(person, TODAY)
    assert "Active (Leaver)" in handover[0] and "24 Dec 2026" in handover[0]
    assert "joiner" in handover[1]
    assert person_status(person, TODAY).text == "Left: Active (Leaver), 31 days"


def test_leaver_without_an_account_just_leaves() -> None:
    store, _, (pid,) = store_with(staff(1, "No Account", nhsmail=None))
    assert record_leaver(store, pid, TODAY, TODAY, site_id=None, access_removed=False) is None
    person = records.person(store.read(), pid)
    assert person is not None and person.status is PersonStatus.LEFT
    assert records.requests(store.read()) == []
    with pytest.raises(ValidationError):
        record_leaver(store, pid, TODAY, TODAY, site_id=None, access_removed=False)


def test_access_change_now_or_via_nas() -> None:
    store, (site,), (pid,) = store_with(staff(5, "Dee Member", {1: Role.MEMBER}))
    assert record_access_change(store, pid, site, Role.OWNER, TODAY, via_nas=False) is None
    person = records.person(store.read(), pid)
    assert person is not None and person.access == {site: Role.OWNER}
    rid = record_access_change(store, pid, site, None, TODAY, via_nas=True)
    assert rid is not None
    person = records.person(store.read(), pid)
    assert person is not None and person.access == {site: Role.OWNER}  # until NAS answers
    record_answer(store, rid, done=True, day=TODAY, ticket="INC7")
    person = records.person(store.read(), pid)
    assert person is not None and person.access == {}


def test_review_records_changes_and_the_date() -> None:
    store, (site,), (a, b, c) = store_with(
        staff(1, "Ann Owner", {1: Role.OWNER}),
        staff(2, "Bob Member", {1: Role.MEMBER}),
        staff(3, "Cat Member", {1: Role.MEMBER}),
    )
    changed = record_review(store, site, {a: Role.OWNER, b: Role.OWNER, c: None}, TODAY)
    assert changed == 2
    db = store.read()
    assert records.site(db, site).last_review == TODAY  # type: ignore[union-attr]
    assert records.person(db, b).access == {site: Role.OWNER}  # type: ignore[union-attr]
    assert records.person(db, c).access == {}  # type: ignore[union-attr]
    assert [e["action"] for e in store.audit_entries] == [
        "person.access",
        "person.access",
        "site.review",
    ]


def test_access_summary() -> None:
    from dataclasses import replace

    one = [replace(HARBOUR, id=1)]
    two = [replace(HARBOUR, id=1), replace(MEADOW, id=2)]
    p = staff(1, "Ann", {1: Role.OWNER, 2: Role.MEMBER})
    assert access_summary(p, one) == "owner"
    assert access_summary(p, two) == "VZZ01 owner, VZZ02 member"
    assert access_summary(staff(2, "Bob"), one) == "—"
    assert access_summary(staff(2, "Bob"), one, {1: Role.OWNER}) == "— → owner?"
