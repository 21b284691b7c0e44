"""Rules behind the shell: unlock throttle, passphrase checks, site form, crash report."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.crash import safe_crash_report
from kiosk.passphrase import passphrase_problem, strength_hint
from kiosk.site_fields import check_site
from kiosk.unlock_policy import unlock_delay

TODAY = date(2026, 11, 24)
GOOD_SITE = {
    "name": "Harbour View Care Home",
    "ods_code": "vzz01",
    "cqc_location_id": "1-000000001",
    "site_phone": "01632 960123",
    "mailbox": "HarbourView.Care@nhs.net",
    "dspt_status": "met",
    "dspt_published": "15/07/2026",
}


@pytest.mark.parametrize(
    ("failures", "delay"),
    [(0, 0), (1, 0), (2, 0), (3, 1), (4, 2), (5, 4), (8, 32), (9, 60), (50, 60)],
)
def test_unlock_delay_doubles_after_three_failures_and_caps_at_a_minute(
    failures: int, delay: int
) -> None:
    assert unlock_delay(failures) == delay


def test_passphrase_rules_are_named() -> None:
    assert "12" in (passphrase_problem("short") or "")
    assert passphrase_problem("correct horse battery", "correct horse batterx") is not None
    assert passphrase_problem(" correct horse battery") is not None
    assert passphrase_problem("correct horse battery", "correct horse battery") is None


@given(st.text(max_size=60))
def test_strength_hint_always_says_something(text: str) -> None:
    assert strength_hint(text)


def test_site_form_normalises_good_input() -> None:
    check = check_site(GOOD_SITE, today=TODAY)
    assert check.errors == {}
    assert check.site is not None
    assert check.site.ods_code == "VZZ01"
    assert check.site.mailbox == "harbourview.care@nhs.net"
    assert check.site.site_phone == "01632960123"
    assert check.site.dspt_published == date(2026, 7, 15)


def test_site_form_reports_every_bad_field_at_once() -> None:
    bad = dict(GOOD_SITE, cqc_location_id="12345", mailbox="office@example.org",
               site_phone="call us", dspt_published="2027-01-01")
    check = check_site(bad, today=TODAY)
    assert check.site is None
    assert set(check.errors) == {"cqc_location_id", "mailbox", "site_phone", "dspt_published"}
    assert "nhs.net" in check.errors["mailbox"]


def test_site_form_warns_but_accepts_an_unusual_ods_code() -> None:
    check = check_site(dict(GOOD_SITE, ods_code="RXA"), today=TODAY)
    assert check.site is not None
    assert "ods_code" in check.warnings


def test_published_dspt_needs_a_date() -> None:
    check = check_site(dict(GOOD_SITE, dspt_published=""), today=TODAY)
    assert "dspt_published" in check.errors


def test_crash_report_shows_code_locations_but_no_values() -> None:
    def handle(person_name: str, mobile: str) -> None:
        raise ValueError(f"cannot save {person_name} {mobile}")

    try:
        handle("Jane Testperson", "07700900123")
    except ValueError as error:
        report = safe_crash_report(error)
    assert "handle" in report and "ValueError" in report
    assert "Jane" not in report and "07700900123" not in report
