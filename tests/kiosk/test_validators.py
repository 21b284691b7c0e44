"""Table tests of every validator, and hypothesis fuzzing that none of them crashes."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk import validators as v
from kiosk.validators import ValidationError, admin_name_key, validate_admin_name

MOBILE_OK = [
    ("07700900123", "07700900123"),
    ("07700 900123", "07700900123"),
    ("07700-900-123", "07700900123"),
    (" 077 0090 0123 ", "07700900123"),
    ("+44 7700 900123", "07700900123"),
    ("+447700900123", "07700900123"),
    ("+44 (0)7700 900123", "07700900123"),
    ("0044 7700 900123", "07700900123"),
    ("(07700) 900123", "07700900123"),
]

MOBILE_BAD = [
    ("", "mobile_required"),
    ("   ", "mobile_required"),
    ("01632 960123", "mobile_landline"),
    ("0163296012", "mobile_landline"),
    ("+44 1632 960123", "mobile_landline"),
    ("0770090012", "mobile_format"),  # 10 digits
    ("077009001234", "mobile_format"),  # 12 digits
    ("7700900123", "mobile_format"),  # no leading 0
    ("07700 9OO123", "mobile_format"),  # letter O
    ("０7700900123", "mobile_format"),  # full-width digit
    ("07700900123 ext 4", "mobile_format"),
    ("+1 7700 900123", "mobile_format"),
]


@pytest.mark.parametrize(("text", "expected"), MOBILE_OK)
def test_normalise_mobile_accepts(text: str, expected: str) -> None:
    assert v.normalise_mobile(text) == expected


@pytest.mark.parametrize(("text", "rule"), MOBILE_BAD)
def test_normalise_mobile_refuses(text: str, rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        v.normalise_mobile(text)
    assert info.value.rule == rule
    assert "07" in info.value.message or rule == "mobile_required"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ann@example.org", "ann@example.org"),
        ("  Ann.Smith@Example.ORG ", "Ann.Smith@example.org"),
        ("a+tag@mail.example.com", "a+tag@mail.example.com"),
        ("o'brien@example.com", "o'brien@example.com"),
    ],
)
def test_validate_email_accepts(text: str, expected: str) -> None:
    assert v.validate_email(text) == expected


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("", "email_required"),
        ("ann", "email_format"),
        ("ann@", "email_format"),
        ("@example.org", "email_format"),
        ("ann@example", "email_format"),
        ("ann@@example.org", "email_format"),
        ("ann smith@example.org", "email_format"),
        (".ann@example.org", "email_format"),
        ("ann..b@example.org", "email_format"),
        ("ann@-example.org", "email_format"),
        ("ann@example.o", "email_format"),
        ("a" * 65 + "@example.org", "email_format"),
    ],
)
def test_validate_email_refuses(text: str, rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        v.validate_email(text)
    assert info.value.rule == rule


def test_validate_nhsmail() -> None:
    assert v.validate_nhsmail(" Ann.Smith@NHS.net ") == "ann.smith@nhs.net"
    assert v.validate_nhsmail("ann@nhs.net", "ann@example.org") == "ann@nhs.net"
    cases = [
        ("", None, "nhsmail_required"),
        ("ann@example.org", None, "nhsmail_domain"),
        ("ann@mail.nhs.net", None, "nhsmail_domain"),
        ("ann@nhs.net.example.org", None, "nhsmail_domain"),
        ("ann@", None, "nhsmail_format"),
        ("ann@nhs.net", "ANN@nhs.net", "nhsmail_same_as_personal"),
    ]
    for text, personal, rule in cases:
        with pytest.raises(ValidationError) as info:
            v.validate_nhsmail(text, personal)
        assert info.value.rule == rule, text


def test_validate_personal_email_refuses_nhsmail_only() -> None:
    assert v.validate_personal_email("Ann@Example.ORG") == "Ann@example.org"
    assert v.validate_personal_email("ann@nhs.net.example.org") == "ann@nhs.net.example.org"
    for text in ("ann@nhs.net", "Ann@NHS.NET "):
        with pytest.raises(ValidationError) as caught:
            v.validate_personal_email(text)
        assert caught.value.rule == "personal_email_nhsmail"
    with pytest.raises(ValidationError) as caught:
        v.validate_personal_email("")
    assert caught.value.rule == "email_required"


def test_validate_full_name() -> None:
    assert v.validate_full_name("  Ann   Smith ") == "Ann Smith"
    assert v.validate_full_name("Siân O'Neill-Jones") == "Siân O'Neill-Jones"
    for text, rule in [
        ("", "name_required"),
        ("   ", "name_required"),
        ("Ann\x00Smith", "name_control"),
        ("Ann\nSmith", "name_control"),
        ("Ann\x1b[31mSmith", "name_control"),
        ("A" * 101, "name_too_long"),
    ]:
        with pytest.raises(ValidationError) as info:
            v.validate_full_name(text)
        assert info.value.rule == rule, text


def test_validate_ods_code() -> None:
    assert v.validate_ods_code(" vzz01 ") == ("VZZ01", None)
    code, warning = v.validate_ods_code("zz1")
    assert code == "ZZ1" and warning and "V" in warning
    code, warning = v.validate_ods_code("AZZ01")
    assert code == "AZZ01" and warning is not None
    bad = [("", "ods_required"), ("VZZ-01", "ods_format"), ("VZZ01VZZ01V", "ods_format")]
    for text, rule in bad:
        with pytest.raises(ValidationError) as info:
            v.validate_ods_code(text)
        assert info.value.rule == rule, text


def test_validate_cqc_location() -> None:
    assert v.validate_cqc_location("1-123456789") == "1-123456789"
    assert v.validate_cqc_location(" 1-12345678901 ") == "1-12345678901"
    for text, rule in [
        ("", "cqc_required"),
        ("1-12345678", "cqc_format"),
        ("1-123456789012", "cqc_format"),
        ("2-123456789", "cqc_format"),
        ("123456789", "cqc_format"),
        ("1-12345678a", "cqc_format"),
    ]:
        with pytest.raises(ValidationError) as info:
            v.validate_cqc_location(text)
        assert info.value.rule == rule, text


def test_validate_uk_phone() -> None:
    assert v.validate_uk_phone("01632 960123") == "01632960123"
    assert v.validate_uk_phone("+44 1632 960123") == "01632960123"
    assert v.validate_uk_phone("07700 900123") == "07700900123"
    assert v.validate_uk_phone("020 7946 0000") == "02079460000"
    for text, rule in [
        ("", "phone_required"),
        ("999", "phone_format"),
        ("1632 960123", "phone_format"),
        ("01632 960123 x12", "phone_format"),
        ("00000000000", "phone_format"),
    ]:
        with pytest.raises(ValidationError) as info:
            v.validate_uk_phone(text)
        assert info.value.rule == rule, text


def test_validate_mailbox() -> None:
    assert v.validate_mailbox(" Sunnyside.Care@NHS.NET") == "sunnyside.care@nhs.net"
    for text, rule in [
        ("", "mailbox_required"),
        ("care@example.org", "mailbox_domain"),
        ("care home@nhs.net", "mailbox_format"),
    ]:
        with pytest.raises(ValidationError) as info:
            v.validate_mailbox(text)
        assert info.value.rule == rule, text


def test_parse_day() -> None:
    assert v.parse_day("2026-11-24") == date(2026, 11, 24)
    assert v.parse_day(" 24/11/2026 ") == date(2026, 11, 24)
    assert v.parse_day("1/2/2026") == date(2026, 2, 1)  # UK: day first
    for text, rule in [
        ("", "day_format"),
        ("11/24", "day_format"),
        ("2026/11/24", "day_format"),
        ("24-11-2026", "day_format"),
        ("31/02/2026", "day_invalid"),
        ("2026-13-01", "day_invalid"),
        ("0000-01-01", "day_invalid"),
    ]:
        with pytest.raises(ValidationError) as info:
            v.parse_day(text)
        assert info.value.rule == rule, text


def test_validation_error_is_a_value_error_with_plain_message() -> None:
    with pytest.raises(ValueError, match="must start 07 and have 11 digits"):
        v.normalise_mobile("12345")


def test_mask_and_display() -> None:
    assert v.mask_mobile("07700900123") == "07••• ••• 123"
    assert v.display_phone("07700900123") == "07700 900123"
    assert v.display_phone("0163296012") == "0163 296012"


# --- hypothesis: no input crashes a validator; mobiles are canonical and idempotent ---

ALL = [
    v.normalise_mobile,
    v.validate_email,
    v.validate_nhsmail,
    v.validate_full_name,
    v.validate_ods_code,
    v.validate_cqc_location,
    v.validate_uk_phone,
    v.validate_mailbox,
    v.parse_day,
]

phone_like = st.text(alphabet="0123456789 +-()7.４", max_size=20)


@given(text=st.text(max_size=80) | phone_like)
def test_no_input_crashes(text: str) -> None:
    for func in ALL:
        try:
            func(text)
        except ValidationError as error:
            assert error.rule and error.message


@given(text=st.text(max_size=40) | phone_like)
def test_normalise_mobile_canonical_and_idempotent(text: str) -> None:
    try:
        once = v.normalise_mobile(text)
    except ValidationError:
        return
    assert re.fullmatch(r"07[0-9]{9}", once, flags=re.ASCII)
    assert v.normalise_mobile(once) == once


@given(
    digits=st.text(alphabet="0123456789", min_size=9, max_size=9),
    sep=st.sampled_from(["", " ", "-"]),
)
def test_every_written_form_of_a_mobile_normalises_the_same(digits: str, sep: str) -> None:
    stored = "07" + digits
    assert v.normalise_mobile(f"07{digits[:3]}{sep}{digits[3:]}") == stored
    assert v.normalise_mobile(f"+44{sep}7{digits}") == stored


@given(text=st.text(max_size=40))
def test_validators_are_idempotent(text: str) -> None:
    for func in (v.validate_email, v.validate_full_name, v.validate_uk_phone, v.validate_mailbox):
        try:
            once = func(text)
        except ValidationError:
            continue
        assert func(once) == once


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("", ""),
        ("  ", ""),
        ("INC0123456", "INC0123456"),
        (" INC0123456 ", "INC0123456"),
        ("REQ/2026-11", "REQ/2026-11"),
    ],
)
def test_ticket_reference_is_trimmed(typed: str, stored: str) -> None:
    from kiosk.validators import validate_ticket

    assert validate_ticket(typed) == stored


@pytest.mark.parametrize("typed", ["INC 01", "INC#1", "-INC1", "x" * 41, "INC\u00e91"])
def test_ticket_reference_rule_is_named(typed: str) -> None:
    from kiosk.validators import ValidationError, validate_ticket

    with pytest.raises(ValidationError) as raised:
        validate_ticket(typed)
    assert raised.value.rule == "ticket_format"


@pytest.mark.parametrize("typed", ["INC1\n", "\tINC1", "INC\x1b[31m1", "INC1\u202e", "INC1\x85"])
def test_ticket_reference_refuses_control_characters_like_every_single_line_field(
    typed: str,
) -> None:
    """The rule every single-line field has (check_text): a control character or line
    break is refused with that rule named, never trimmed away or stored."""
    from kiosk.validators import ValidationError, validate_ticket

    with pytest.raises(ValidationError) as raised:
        validate_ticket(typed)
    assert raised.value.rule == "ticket_control"
    assert "control characters" in raised.value.message


# --- admin names (L4) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "rule", "words"),
    [
        ("", "admin_name_required", "required"),
        ("   ", "admin_name_required", "required"),
        ("Ann\x1b[31m Example", "admin_name_control", "control characters"),
        ("Ann\nExample", "admin_name_control", "control characters"),
        ("A" * 65, "admin_name_too_long", "64"),
        ("#recovery", "admin_name_hash", "#"),
    ],
)
def test_admin_name_rules_are_named(typed: str, rule: str, words: str) -> None:
    """One rule for every way an admin name is typed (kiosk init, the setup wizard, the
    Admins screen, recovery): the store's own limit (64, no leading #) named before the
    store is touched, not a generic refusal after the passphrase and site were typed."""
    from kiosk.validators import ValidationError, validate_admin_name

    with pytest.raises(ValidationError) as raised:
        validate_admin_name(typed)
    assert raised.value.rule == rule
    assert words in raised.value.message


def test_admin_name_is_trimmed_to_what_the_store_keeps() -> None:
    from kiosk.validators import validate_admin_name
    from store.format import valid_name

    for typed, kept in (
        (" Ann  Example ", "Ann Example"),
        ("A" * 64, "A" * 64),
        ("Evil [/] Admin", "Evil [/] Admin"),
    ):
        assert validate_admin_name(typed) == kept
        assert valid_name(kept)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Ann Admin\u3164", "admin_name_invisible"),  # Hangul filler: shows as nothing
        ("Ann\u200b Admin", "admin_name_invisible"),  # zero-width space
        ("Ann Admin\ufe0f", "admin_name_invisible"),  # variation selector
        ("\u0410nn Admin", "admin_name_mixed_script"),  # Cyrillic А among Latin letters
        ("Ann Adm\u0456n", "admin_name_mixed_script"),  # Cyrillic і
    ],
)
def test_admin_names_that_pass_for_another_are_refused(text: str, rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_admin_name(text)
    assert info.value.rule == rule


@pytest.mark.parametrize(
    "text",
    ["Zoë Ó Briain", "Łucja Wójcik", "Αλέξης Παπαδόπουλος", "Ольга Иванова", "Jo-Ann O'Neil"],
)
def test_real_admin_names_in_any_one_alphabet_pass(text: str) -> None:
    assert validate_admin_name(text) == text


def test_admin_name_key_reads_look_alikes_as_one_name() -> None:
    base = admin_name_key("Ann Admin")
    for other in ("ANN ADMIN", "Ann Adm\u0131n", "\u00c1nn Admin", "Ann  Admin"):
        assert admin_name_key(other) == base
    assert admin_name_key("Anne Admin") != base
