"""The call and ticket log: recording contacts, status and follow-up, the no-access call."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from kiosk import records, tickets
from kiosk.clock import LONDON
from kiosk.forms import FormRejected
from kiosk.model import (
    PEOPLE,
    SITES,
    Channel,
    LocalSupport,
    Person,
    PersonStatus,
    RequestKind,
    RequestStatus,
    Role,
    Settings,
    Site,
    TicketEntry,
    TicketStatus,
)
from kiosk.tickets import NewOwner
from tests.fakes import FakeStore

CALL_AT = datetime(2026, 11, 24, 10, 15, tzinfo=LONDON)


def harbour_view(store: Any) -> int:
    with store.transaction() as tx:
        return records.save(
            tx,
            SITES,
            Site(
                name="Harbour View Care Home",
                ods_code="VZZ01",
                cqc_location_id="1-000000001",
                site_phone="01632960123",
                mailbox="harbourview.care@nhs.net",
            ),
            "site.add",
        )


def add_person(store: FakeStore, person: Person) -> int:
    with store.transaction() as tx:
        return records.save(tx, PEOPLE, person, "person.add")


def contact(
    status: TicketStatus, follow_up: date | None, at: datetime = CALL_AT, cid: int = 1
) -> TicketEntry:
    return TicketEntry(
        at=at,
        channel=Channel.PHONE,
        script="no_access",
        site_id=1,
        ticket=f"INC{cid}",
        status=status,
        follow_up=follow_up,
        id=cid,
    )


# --- overdue follow-ups --------------------------------------------------------------------


def test_overdue_followups_are_unresolved_tickets_past_their_day() -> None:
    today = date(2026, 12, 1)
    past_open = contact(TicketStatus.OPEN, date(2026, 11, 30), cid=1)
    past_waiting = contact(TicketStatus.WAITING, date(2026, 11, 20), cid=2)
    due_today = contact(TicketStatus.OPEN, today, cid=3)
    future = contact(TicketStatus.OPEN, date(2026, 12, 2), cid=4)
    resolved = contact(TicketStatus.RESOLVED, date(2026, 11, 1), cid=5)
    no_date = contact(TicketStatus.OPEN, None, cid=6)
    found = tickets.overdue_followups(
        [past_open, past_waiting, due_today, future, resolved, no_date], today
    )
    assert found == [past_waiting, past_open]


def test_default_follow_up_is_five_nas_working_days() -> None:
    assert tickets.default_follow_up(date(2026, 11, 24)) == date(2026, 12, 1)
    # Over Christmas: 24, 29, 30, 31 December and 4 January (25, 28 and 1 are bank holidays).
    assert tickets.default_follow_up(date(2026, 12, 23)) == date(2027, 1, 4)


# --- recording contacts ---------------------------------------------------------------------


def test_record_contact_saves_in_utc_and_audits_without_personal_data() -> None:
    store = FakeStore()
    site_id = harbour_view(store)
    saved = tickets.record_entry(
        store,
        site_id=site_id,
        at=datetime(2026, 7, 1, 10, 0, tzinfo=LONDON),
        channel=Channel.EMAIL,
        script="escalate",
        ticket=" INC0123456 ",
        notes="Sent to feedback; Sam Patel on leave.",
        follow_up=date(2026, 7, 8),
    )
    again = tickets.entry(store.read(), saved.id)
    assert again == saved
    assert again is not None
    assert again.at == datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    assert again.ticket == "INC0123456"
    assert store.audit_entries[-1]["action"] == "contact.add"
    assert store.audit_entries[-1]["record_id"] == saved.id
    assert "Sam" not in str(store.audit_entries) and "INC" not in str(store.audit_entries)


def test_record_contact_refuses_bad_fields_and_saves_nothing() -> None:
    store = FakeStore()
    site_id = harbour_view(store)
    with pytest.raises(FormRejected) as caught:
        tickets.record_entry(
            store,
            site_id=site_id,
            at=CALL_AT,
            channel=Channel.PHONE,
            script="other",
            ticket="INC 01",
            notes="x" * 2001,
        )
    assert set(caught.value.errors) == {"ticket", "notes"}
    assert "letters, digits" in caught.value.errors["ticket"]
    assert records.ticket_entries(store.read()) == []


def test_naive_time_is_refused() -> None:
    store = FakeStore()
    with pytest.raises(ValueError):
        tickets.record_entry(
            store,
            site_id=1,
            at=datetime(2026, 11, 24, 10, 0),
            channel=Channel.PHONE,
            script="other",
        )


def test_set_status_and_follow_up_are_audited() -> None:
    store = FakeStore()
    site_id = harbour_view(store)
    saved = tickets.record_entry(
        store, site_id=site_id, at=CALL_AT, channel=Channel.PHONE, script="other", ticket="A1"
    )
    tickets.set_status(store, saved.id, TicketStatus.WAITING)
    tickets.set_follow_up(store, saved.id, date(2026, 12, 3))
    now = tickets.entry(store.read(), saved.id)
    assert now is not None
    assert (now.status, now.follow_up, now.ticket) == (
        TicketStatus.WAITING,
        date(2026, 12, 3),
        "A1",
    )
    actions = [e["action"] for e in store.audit_entries[-2:]]
    assert actions == ["contact.status", "contact.follow_up"]
    assert store.audit_entries[-2]["detail"] == "waiting"
    tickets.set_follow_up(store, saved.id, None)
    cleared = tickets.entry(store.read(), saved.id)
    assert cleared is not None and cleared.follow_up is None


def test_escalation_email_is_logged_and_puts_the_ticket_on_waiting_at_once() -> None:
    store = FakeStore()
    site_id = harbour_view(store)
    call = tickets.record_entry(
        store,
        site_id=site_id,
        at=CALL_AT,
        channel=Channel.PHONE,
        script="no_access",
        ticket="INC0123456",
        follow_up=date(2026, 12, 1),
        request_id=7,
    )
    sent_at = datetime(2026, 12, 2, 9, 30, tzinfo=LONDON)
    email = tickets.record_email(
        store,
        site_id=site_id,
        at=sent_at,
        script="escalate",
        ticket="INC0123456",
        escalates=call.id,
    )
    assert email.channel is Channel.EMAIL and email.request_id == 7
    assert email.follow_up == date(2026, 12, 9)  # five NAS working days on
    before = tickets.entry(store.read(), call.id)
    assert before is not None
    assert before.status is TicketStatus.WAITING and before.follow_up == date(2026, 12, 9)
    assert tickets.overdue_followups(records.ticket_entries(store.read()), date(2026, 12, 3)) == []
    assert [e["action"] for e in store.audit_entries[-2:]] == ["contact.status", "contact.add"]


def test_plain_email_is_logged_without_touching_other_tickets() -> None:
    store = FakeStore()
    site_id = harbour_view(store)
    email = tickets.record_email(
        store,
        site_id=site_id,
        at=CALL_AT,
        script="shared_access",
        follow_up=date(2026, 11, 30),
    )
    assert [c.id for c in records.ticket_entries(store.read())] == [email.id]
    assert email.follow_up == date(2026, 11, 30) and email.status is TicketStatus.OPEN


def test_changing_a_missing_contact_is_an_error() -> None:
    with pytest.raises(KeyError):
        tickets.set_status(FakeStore(), 99, TicketStatus.RESOLVED)


def test_log_is_newest_first() -> None:
    store = FakeStore()
    site_id = harbour_view(store)
    for hour in (9, 14, 11):
        tickets.record_entry(
            store,
            site_id=site_id,
            at=datetime(2026, 11, 24, hour, 0, tzinfo=LONDON),
            channel=Channel.PHONE,
            script="other",
        )
    assert [c.at.astimezone(LONDON).hour for c in tickets.log(store.read())] == [14, 11, 9]


# --- the new owner form ---------------------------------------------------------------------


def test_new_owner_form_normalises_each_field() -> None:
    owner = tickets.new_owner_from_form(
        "  Priya   Shah ", "+44 7700 900123", "priya.shah@Example.ORG", ""
    )
    assert owner == NewOwner("Priya Shah", "07700900123", "priya.shah@example.org", None)


def test_new_owner_form_names_every_broken_rule() -> None:
    with pytest.raises(FormRejected) as caught:
        tickets.new_owner_from_form("", "01632 960123", "not-an-email", "priya@example.org")
    errors = caught.value.errors
    assert set(errors) == {"full_name", "personal_mobile", "personal_email", "nhsmail"}
    assert "required" in errors["full_name"]
    assert "07" in errors["personal_mobile"]
    assert "@nhs.net" in errors["nhsmail"]


def test_personal_email_is_required_only_without_nhsmail() -> None:
    with pytest.raises(FormRejected) as caught:
        tickets.new_owner_from_form("Priya Shah", "07700900123", "", "")
    assert "NHSmail account" in caught.value.errors["personal_email"]
    owner = tickets.new_owner_from_form("Priya Shah", "07700900123", "", "Priya.Shah@nhs.net")
    assert owner.nhsmail == "priya.shah@nhs.net" and owner.personal_email is None


# --- the no-access call, in one transaction ----------------------------------------------


def test_no_access_call_creates_joiner_owner_request_and_contact() -> None:
    store = FakeStore()
    site_id = harbour_view(store)
    before = len(store.audit_entries)
    owner = tickets.new_owner_from_form("Priya Shah", "07700 900123", "priya.shah@example.org", "")
    done = tickets.record_no_access_call(
        store,
        site_id=site_id,
        at=CALL_AT,
        owner=owner,
        ticket="INC0123456",
        notes="Agent said 2 working days.",
    )
    db = store.read()
    person = records.person(db, done.person_id)
    assert person is not None
    assert person.full_name == "Priya Shah"
    assert person.personal_mobile == "07700900123"
    assert person.access == {site_id: Role.OWNER}
    assert person.status is PersonStatus.JOINER
    assert person.status_since == date(2026, 11, 24)
    [request] = records.requests(db)
    assert request.id == done.request_id
    assert (request.kind, request.role, request.person_id, request.ticket, request.sent) == (
        RequestKind.NO_ACCESS,
        Role.OWNER,
        done.person_id,
        "INC0123456",
        date(2026, 11, 24),
    )
    assert request.status is RequestStatus.OPEN
    [logged] = records.ticket_entries(db)
    assert logged.id == done.entry_id
    assert (logged.channel, logged.script, logged.ticket, logged.request_id) == (
        Channel.PHONE,
        "no_access",
        "INC0123456",
        done.request_id,
    )
    assert logged.at == CALL_AT
    assert logged.follow_up == date(2026, 12, 1)
    assert logged.notes == "Agent said 2 working days."
    actions = [(e["action"], e["table"]) for e in store.audit_entries[before:]]
    assert actions == [
        ("person.add", "people"),
        ("request.add", "requests"),
        ("contact.add", "contacts"),
    ]
    assert "Priya" not in str(store.audit_entries) and "07700" not in str(store.audit_entries)


def _tom_on_record() -> tuple[FakeStore, int, Person]:
    store = FakeStore()
    site_id = harbour_view(store)
    pid = add_person(
        store,
        Person(
            "Tom Reed",
            "07700900456",
            "tom.reed@example.org",
            "tom.reed@nhs.net",
            access={site_id: Role.MEMBER},
            last_activity=date(2026, 11, 20),
        ),
    )
    person = records.person(store.read(), pid)
    assert person is not None
    return store, site_id, person


def test_no_access_call_leaves_an_existing_persons_record_untouched() -> None:
    """Rewritten (M5): this test asserted that picking Tom made him a Joining owner at
    once. The call only asks NAS; Tom's record (name, contacts, role, status) stays as
    it was, so he still counts as the member he is, and only the request and the ticket
    are added. His role changes when NAS's answer is recorded (next test)."""
    store, site_id, person = _tom_on_record()
    before = store.read().table(PEOPLE).get(doc_id=person.id)
    done = tickets.record_no_access_call(
        store,
        site_id=site_id,
        at=CALL_AT,
        owner=NewOwner.from_person(person),
        ticket="",
        follow_up=date(2026, 11, 26),
    )
    assert done.person_id == person.id
    assert store.read().table(PEOPLE).get(doc_id=person.id) == before
    assert len(records.people(store.read())) == 1
    [request] = records.requests(store.read())
    assert (request.kind, request.person_id, request.role) == (
        RequestKind.NO_ACCESS, person.id, Role.OWNER,
    )
    assert records.ticket_entries(store.read())[0].follow_up == date(2026, 11, 26)
    assert [e["action"] for e in store.audit_entries[-2:]] == ["request.add", "contact.add"]
    assert "person.change" not in [e["action"] for e in store.audit_entries]


def test_nas_answer_on_an_existing_persons_no_access_request() -> None:
    """Done makes them the owner and leaves the rest of their record as it was; Rejected
    leaves them exactly as they were (their member access is not taken away)."""
    from kiosk.people import record_answer

    for done, role in ((True, Role.OWNER), (False, Role.MEMBER)):
        store, site_id, person = _tom_on_record()
        made = tickets.record_no_access_call(
            store, site_id=site_id, at=CALL_AT, owner=NewOwner.from_person(person), ticket="X1"
        )
        record_answer(
            store, made.request_id, done=done, day=date(2026, 11, 25), reason="" if done else "No"
        )
        after = records.person(store.read(), person.id)
        assert after is not None
        assert after == replace(person, access={site_id: role}), done


def test_no_access_call_refuses_someone_already_on_record() -> None:
    store = FakeStore()
    site_id = harbour_view(store)
    add_person(store, Person("Tom Reed", "07700900456", "tom.reed@example.org"))
    owner = tickets.new_owner_from_form("T Reed", "07700 900456", "t.reed@example.org", "")
    with pytest.raises(FormRejected, match="Tom Reed is already on record"):
        tickets.record_no_access_call(store, site_id=site_id, at=CALL_AT, owner=owner, ticket="X1")
    db = store.read()
    assert len(records.people(db)) == 1
    assert records.requests(db) == [] and records.ticket_entries(db) == []


def test_no_access_call_with_a_bad_ticket_saves_nothing() -> None:
    store = FakeStore()
    site_id = harbour_view(store)
    owner = tickets.new_owner_from_form("Priya Shah", "07700900123", "priya@example.org", "")
    with pytest.raises(FormRejected):
        tickets.record_no_access_call(
            store, site_id=site_id, at=CALL_AT, owner=owner, ticket="no spaces please"
        )
    assert records.people(store.read()) == []


# --- labels and the status cycle ------------------------------------------------------------


def test_status_cycles_open_waiting_resolved() -> None:
    assert tickets.next_status(TicketStatus.OPEN) is TicketStatus.WAITING
    assert tickets.next_status(TicketStatus.WAITING) is TicketStatus.RESOLVED
    assert tickets.next_status(TicketStatus.RESOLVED) is TicketStatus.OPEN


def test_labels() -> None:
    assert tickets.script_label("no_access") == "No access"
    assert tickets.script_label("something_new") == "something_new"
    assert tickets.status_label(TicketStatus.WAITING) == "waiting"
    assert tickets.channel_label(Channel.EMAIL) == "Email"


# --- the local support team -----------------------------------------------------------------


def test_local_support_is_checked_and_saved_in_settings() -> None:
    store = FakeStore()
    saved = tickets.save_local_support(
        store, " Care Provider Support ", "support@example.org", "01632 960555"
    )
    assert saved == LocalSupport("Care Provider Support", "support@example.org", "01632960555")
    assert records.settings(store.read()).local_support == saved
    assert store.audit_entries[-1]["action"] == "settings.change"
    assert "Care" not in str(store.audit_entries)


def test_local_support_keeps_other_settings() -> None:
    store = FakeStore()
    with store.transaction() as tx:
        records.save_settings(tx, Settings(idle_lock_minutes=9))
    tickets.save_local_support(store, "Team", "", "01632960555")
    assert records.settings(store.read()).idle_lock_minutes == 9


@pytest.mark.parametrize(
    ("name", "email", "phone", "fields"),
    [
        ("", "support@example.org", "", {"name"}),
        ("Team", "", "", {"email"}),
        ("Team", "not an email", "12", {"email", "phone"}),
    ],
)
def test_local_support_names_each_broken_rule(
    name: str, email: str, phone: str, fields: set[str]
) -> None:
    with pytest.raises(FormRejected) as caught:
        tickets.check_local_support(name, email, phone)
    assert set(caught.value.errors) == fields


def test_local_support_all_empty_clears_it() -> None:
    assert tickets.check_local_support(" ", "", "") == LocalSupport()


def test_no_access_call_is_all_or_nothing_on_the_real_store(
    kiosk_store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while saving the contact leaves no person and no request behind."""
    site_id = harbour_view(kiosk_store)
    before = len(kiosk_store.audit_entries())
    real_save = records.save

    def failing_save(tx: Any, table: str, record: Any, action: str, detail: str = "") -> int:
        if table == "contacts":
            raise OSError("disk full")
        return real_save(tx, table, record, action, detail)

    monkeypatch.setattr(records, "save", failing_save)
    owner = tickets.new_owner_from_form("Priya Shah", "07700900123", "priya@example.org", "")
    with pytest.raises(OSError):
        tickets.record_no_access_call(
            kiosk_store, site_id=site_id, at=CALL_AT, owner=owner, ticket="INC1"
        )
    db = kiosk_store.read()
    assert records.people(db) == [] and records.requests(db) == []
    assert len(kiosk_store.audit_entries()) == before
    monkeypatch.setattr(records, "save", real_save)
    done = tickets.record_no_access_call(
        kiosk_store, site_id=site_id, at=CALL_AT, owner=owner, ticket="INC1"
    )
    assert records.person(kiosk_store.read(), done.person_id) is not None
    assert kiosk_store.verify_audit().ok


# --- one ticket, however many contacts (L2) --------------------------------------------------


def _call_and_escalation(call_ticket: str, email_ticket: str) -> tuple[FakeStore, int, int]:
    store = FakeStore()
    site_id = harbour_view(store)
    call = tickets.record_entry(
        store, site_id=site_id, at=CALL_AT, channel=Channel.PHONE, script="no_access",
        ticket=call_ticket, follow_up=date(2026, 11, 25),
    )
    email = tickets.record_email(
        store, site_id=site_id, at=datetime(2026, 12, 2, 9, 30, tzinfo=LONDON),
        script="escalate", ticket=email_ticket, escalates=call.id,
        follow_up=date(2026, 12, 3),
    )
    return store, call.id, email.id


@pytest.mark.parametrize(
    ("call_ticket", "email_ticket"), [("", ""), ("INC0123456", ""), ("", "INC0123456")]
)
def test_a_call_and_its_escalation_email_are_one_ticket_everywhere(
    call_ticket: str, email_ticket: str
) -> None:
    """L2: tickets were grouped by reference only, so a call logged without one (or with
    the reference on only one of the two) and its escalation email counted as two open
    tickets on the dashboard, in kiosk status and on the report. The email's escalates
    link is stored and grouping follows it."""
    from kiosk.dashboard import _ticket_lines
    from kiosk.site_status import read_status

    store, call_id, email_id = _call_and_escalation(call_ticket, email_ticket)
    contacts = records.ticket_entries(store.read())
    [ticket] = tickets.tickets(contacts)
    assert {c.id for c in ticket.entries} == {call_id, email_id}
    assert ticket.reference == (call_ticket or email_ticket)
    assert len(tickets.open_tickets(contacts)) == 1
    today = date(2026, 12, 2)
    [site] = read_status(store.read(), today).sites
    assert len(site.open_tickets) == 1
    lines = " ".join(line.text for line in _ticket_lines(contacts, today))
    assert "2 open" not in lines


def test_editing_a_tickets_reference_changes_every_contact_of_it() -> None:
    """L2: edit_ticket changed one contact, so correcting the reference on the call split
    it from its email (two tickets again). The reference is the ticket's: every contact
    of the ticket takes it, each change audited; notes stay the contact's own."""
    store, call_id, email_id = _call_and_escalation("INC0123456", "INC0123456")
    tickets.edit_ticket(store, call_id, "INC0123457", "Typo in the reference")
    by_id = {c.id: c for c in records.ticket_entries(store.read())}
    assert by_id[call_id].ticket == by_id[email_id].ticket == "INC0123457"
    assert by_id[call_id].notes == "Typo in the reference" and by_id[email_id].notes == ""
    assert len(tickets.tickets(by_id.values())) == 1
    edits = [e for e in store.audit_entries if e["action"] == "contact.edit"]
    assert {e["record_id"] for e in edits} == {call_id, email_id}
