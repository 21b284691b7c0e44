"""Golden-file tests of every drafted email, and the request rules (overdue, review due).

Regenerate the golden files after a deliberate wording change with
``KIOSK_UPDATE_GOLDEN=1 pytest tests/kiosk/test_nas_requests.py`` and review the diff.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from kiosk import facts, records
from kiosk.activity import record_mailbox_sent
from kiosk.drafts import Draft
from kiosk.i18n import set_locale
from kiosk.model import NasRequest, RequestKind, RequestStatus, Role, Settings
from kiosk.nas_requests import (
    JoinerDetails,
    draft_access_change,
    draft_joiner,
    draft_leaver,
    escalation_advice,
    open_request,
    overdue_requests,
    review_due,
    working_days_open,
)
from tests.kiosk.people_fixtures import HARBOUR, TODAY, staff, store_with

GOLDEN = Path(__file__).parent / "golden" / "drafts"
SITE = replace(HARBOUR, id=1)

NEW = JoinerDetails(
    has_account=False,
    full_name="Ellie Robinson",
    mobile="07700900342",
    personal_email="ellie.robinson@example.com",
)
EXISTING = JoinerDetails(
    has_account=True,
    full_name="Marcus Reid",
    mobile="07700900358",
    nhsmail="marcus.reid@nhs.net",
)
KAREN = replace(
    staff(329, "Karen Fletcher", {1: Role.MEMBER}), nhsmail="karen.fletcher@nhs.net", id=7
)


@pytest.fixture(autouse=True)
def _english() -> None:
    set_locale("en_GB")


def check_golden(name: str, draft: Draft) -> None:
    path = GOLDEN / f"{name}.txt"
    text = draft.as_text()
    if os.environ.get("KIOSK_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


DRAFTS = {
    "joiner_new_member": lambda: draft_joiner(SITE, NEW, Role.MEMBER),
    "joiner_existing_owner": lambda: draft_joiner(SITE, EXISTING, Role.OWNER),
    "leaver": lambda: draft_leaver(SITE, KAREN, date(2026, 12, 4)),
    "access_promote": lambda: draft_access_change(SITE, KAREN, Role.OWNER),
    "access_demote": lambda: draft_access_change(
        SITE, replace(KAREN, access={1: Role.OWNER}), Role.MEMBER
    ),
    "access_remove": lambda: draft_access_change(SITE, KAREN, None),
    "access_give": lambda: draft_access_change(SITE, replace(KAREN, access={}), Role.MEMBER),
}


@pytest.mark.parametrize("name", sorted(DRAFTS))
def test_golden_draft(name: str) -> None:
    check_golden(name, DRAFTS[name]())


@pytest.mark.parametrize("name", sorted(DRAFTS))
def test_every_draft_goes_to_nas_from_the_shared_mailbox_naming_site_and_ods(name: str) -> None:
    draft = DRAFTS[name]()
    assert draft.to == facts.NAS_EMAIL == "Helpdesk@nhs.net"
    assert draft.sender == SITE.mailbox
    for part in (draft.subject, draft.body):
        assert SITE.name in part
        assert SITE.ods_code in part


def _field_labels(body: str) -> list[str]:
    return re.findall(r"^([A-Z][A-Za-z ]*): ", body, flags=re.MULTILINE)


def test_new_joiner_carries_exactly_the_faq_fields() -> None:
    draft = draft_joiner(SITE, NEW, Role.MEMBER)
    assert _field_labels(draft.body) == [
        "Full name",
        "Personal mobile number",
        "Personal email address",
        "Shared mailbox access",
    ]
    assert "07700 900342" in draft.body
    assert "as a member" in draft.body
    assert "joiner" not in draft.body.lower()


def test_existing_joiner_says_joiner_and_owner() -> None:
    draft = draft_joiner(SITE, EXISTING, Role.OWNER)
    assert _field_labels(draft.body) == [
        "Full name",
        "NHSmail address",
        "Mobile number linked to the account",
        "Shared mailbox access",
    ]
    assert "as a joiner" in draft.body
    assert "as an owner" in draft.body
    assert "Shared mailbox access: owner" in draft.body


def test_drafts_never_carry_more_personal_data() -> None:
    for name, make in DRAFTS.items():
        body = make().body.lower()
        for word in ("birth", "address:", "postcode", "home address"):
            if word == "address:":
                # only the two email address fields may say "address"
                assert all(
                    label in ("nhsmail address", "personal email address")
                    for label in re.findall(r"^([a-z ]*address): ", body, flags=re.MULTILINE)
                ), name
            else:
                assert word not in body, name


def test_leaver_draft_has_no_personal_mobile_or_email() -> None:
    draft = draft_leaver(SITE, KAREN, date(2026, 12, 4))
    assert KAREN.personal_mobile not in draft.body
    assert "karen@example.org" not in draft.body
    assert "4 December 2026" in draft.body


# --- recording ---


def test_open_request_marks_the_shared_mailbox_as_having_sent() -> None:
    store, (site_id,), _ = store_with()
    with store.transaction() as tx:
        rid = open_request(
            tx, NasRequest(kind=RequestKind.LEAVER, site_id=site_id, sent=TODAY, person_id=3)
        )
    db = store.read()
    assert records.requests(db)[0].id == rid
    site = records.site(db, site_id)
    assert site is not None and site.mailbox_last_sent == TODAY
    actions = [e["action"] for e in store.audit_entries]
    assert actions == ["request.leaver", "site.mailbox_sent"]
    assert all(e["detail"] in ("", "leaver") for e in store.audit_entries)


def test_record_mailbox_sent_never_goes_backwards() -> None:
    store, (site_id,), _ = store_with()
    with store.transaction() as tx:
        record_mailbox_sent(tx, site_id, TODAY)
        record_mailbox_sent(tx, site_id, date(2026, 1, 1))
    site = records.site(store.read(), site_id)
    assert site is not None and site.mailbox_last_sent == TODAY


# --- open too long ---


def req(sent: date, status: RequestStatus = RequestStatus.OPEN, rid: int = 1) -> NasRequest:
    return NasRequest(kind=RequestKind.JOINER_NEW, site_id=1, sent=sent, status=status, id=rid)


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    # Sent Monday 21 Dec 2026: 22, 23, 24 Dec are working days; 25, 28 Dec bank holidays
    # (Boxing Day observed on Monday 28th); 29 Dec is the fourth.
    assert working_days_open(req(date(2026, 12, 21)), date(2026, 12, 29)) == 4


def test_overdue_after_more_than_five_working_days() -> None:
    sent = date(2026, 11, 16)  # a Monday
    assert not overdue_requests([req(sent)], date(2026, 11, 23))  # 5 working days: not yet
    assert overdue_requests([req(sent)], date(2026, 11, 24)) == [req(sent)]  # 6
    done = req(sent, RequestStatus.DONE)
    assert overdue_requests([done], date(2026, 12, 24)) == []


def test_overdue_sorted_oldest_first() -> None:
    a, b = req(date(2026, 11, 2), rid=2), req(date(2026, 10, 1), rid=3)
    assert overdue_requests([a, b], TODAY) == [b, a]


def test_escalation_names_feedback_and_ticket() -> None:
    text = escalation_advice(replace(req(TODAY), ticket="INC123"))
    assert "feedback@nhs.net" in text and "INC123" in text
    assert "24 Nov 2026" in escalation_advice(req(TODAY))


def test_review_due() -> None:
    settings = Settings(review_months=3)
    assert review_due(SITE, settings, TODAY)  # never reviewed
    reviewed = replace(SITE, last_review=date(2026, 8, 24))
    assert not review_due(reviewed, settings, TODAY)  # exactly 3 months: not older
    assert review_due(reviewed, settings, date(2026, 11, 25))
    assert not review_due(reviewed, Settings(review_months=6), date(2026, 11, 25))
