"""Every field kiosk accepts, checked and normalised in one place.

Each validator is pure: it returns the value as kiosk stores it, or raises
:class:`ValidationError` whose message names the rule in plain words, so a form can show
the admin exactly what to fix and the importer can report it against a line number. The
``rule`` code is stable (tests and the importer rely on it); the message is translated.

The rules follow the FAQ (a personal mobile "must start '07'") and the identifiers in
``nhsmail-facts.md``; the numbers come from :mod:`kiosk.facts`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date

from kiosk import facts
from kiosk.i18n import N_, _


class ValidationError(ValueError):
    """A value that breaks a rule; ``message`` is the translated sentence for the admin."""

    def __init__(self, message: str, rule: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule

    def __str__(self) -> str:
        return self.message


# Separators people type inside phone numbers; removed before checking the digits.
_PHONE_SEPARATORS = re.compile(r"[\s\-.()/]")
_ASCII_DIGITS = re.compile(r"[0-9]+")
_MOBILE = re.compile(r"07[0-9]{9}")
_UK_PHONE = re.compile(r"0[1-9][0-9]{8,9}")

# A practical address syntax: dot-atom local part, dotted domain with a letter TLD.
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"({_LOCAL})@((?:{_LABEL}\.)+[A-Za-z]{{2,63}})")
_EMAIL_MAX = 254
_NAME_MAX = 100
_ODS = re.compile(r"[A-Z0-9]+")
_ODS_MAX = 10
_TICKET = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_-]*")
_TICKET_MAX = 40
_ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_UK_DAY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


# Characters that can steer a terminal or reorder what an admin reads: C0 controls, DEL,
# C1 controls, and the bidirectional embeddings, overrides and isolates. They are refused at
# every way in (:func:`check_text`) and replaced on every way out (:func:`neutralise`).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = frozenset("\u2028\u2029")  # Unicode line/paragraph separators
_REPLACEMENT = "\ufffd"


def is_control(ch: str, *, newlines: bool = False) -> bool:
    """Is ``ch`` a character kiosk never stores (``\\n`` allowed when ``newlines``)?"""
    code = ord(ch)
    if newlines and ch == "\n":
        return False
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or ch in _BIDI_CONTROLS
        or ch in _LINE_BREAKS
        or 0xD800 <= code <= 0xDFFF  # lone surrogates cannot be written to any file
    )


def _visible(ch: str) -> str:
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ESC shows as "␛"
    if code == 0x7F:
        return "\u2421"
    return _REPLACEMENT


def neutralise(text: str, *, newlines: bool = False) -> str:
    """``text`` with every control character replaced by a harmless visible stand-in.

    The one way out for text from the store (screen, exports, drafts, reminders, clipboard,
    files): a record written by an older kiosk, a restore or the Python API may still hold
    an escape sequence, and it must reach no terminal or file as a live control. ESC shows
    as "␛", other C0 controls as their control pictures, DEL as "␡", C1 controls
    and bidi overrides as "�". ``newlines`` keeps ``\\n`` (multi-line notes and email
    bodies); a lone carriage return is always replaced.
    """
    if text.isprintable() and "\u2028" not in text:
        return text  # the common case, fast: no Cc/Cf/Zl/Zp/Cs characters at all
    return "".join(_visible(ch) if is_control(ch, newlines=newlines) else ch for ch in text)


def check_text(
    text: str, *, field: str, limit: int, newlines: bool = False, rule: str = "text"
) -> str:
    """``text`` unchanged if it holds no control character and is at most ``limit`` long.

    ``field`` is the translated name of the field, for the message; ``rule`` prefixes the
    stable rule codes ``<rule>_control`` and ``<rule>_too_long``.
    """
    if any(is_control(ch, newlines=newlines) for ch in text):
        message = (
            _("{field} must not contain control characters.")
            if newlines
            else _("{field} must not contain control characters or line breaks.")
        )
        raise ValidationError(message.format(field=field), f"{rule}_control")
    if len(text) > limit:
        raise ValidationError(
            _("{field} must be at most {limit} characters.").format(field=field, limit=limit),
            f"{rule}_too_long",
        )
    return text


def _phone_digits(text: str) -> str:
    """Drop separators and turn an international +44 / 0044 prefix into the leading 0.

    ``+44 (0)7700 900123`` is a common way of writing a UK number; the ``(0)`` is
    dropped with the prefix. Anything left that is not an ASCII digit makes the caller
    refuse the number (no silent stripping of letters).
    """
    compact = _PHONE_SEPARATORS.sub("", text.strip())
    for prefix in ("+440", "00440", "+44", "0044"):
        if compact.startswith(prefix):
            return "0" + compact[len(prefix) :]
    return compact


def normalise_mobile(text: str) -> str:
    """A UK mobile as ``07`` + 9 digits; spaces, dashes and ``+44 7…`` are accepted.

    NAS texts temporary passwords to this number (FAQ), so a landline is refused.
    Idempotent: a stored value passes through unchanged.
    """
    digits = _phone_digits(text)
    if not digits:
        raise ValidationError(_("A personal mobile number is required."), "mobile_required")
    if _MOBILE.fullmatch(digits):
        return digits
    if _UK_PHONE.fullmatch(digits) and not digits.startswith(facts.MOBILE_PREFIX):
        raise ValidationError(
            _(
                "That looks like a landline: a personal mobile must start 07 and have 11 digits "
                "(NAS texts the temporary password to it)."
            ),
            "mobile_landline",
        )
    raise ValidationError(
        _("A personal mobile must start 07 and have 11 digits, for example 07700 900123."),
        "mobile_format",
    )


def validate_email(text: str) -> str:
    """A personal email address with a real address syntax (the domain is lower-cased)."""
    value = text.strip()
    if not value:
        raise ValidationError(_("An email address is required."), "email_required")
    match = _EMAIL.fullmatch(value)
    if match is None or len(value) > _EMAIL_MAX or len(match.group(1)) > 64:
        raise ValidationError(
            _("That is not an email address: it should look like name@example.org."),
            "email_format",
        )
    return f"{match.group(1)}@{match.group(2).lower()}"


def validate_personal_email(text: str) -> str:
    """The personal email of someone without an NHSmail account: any address but an
    NHSmail one, because NAS sends the new account's username and password there, and an
    account the person does not have yet cannot receive it."""
    address = validate_email(text)
    if address.lower().endswith("@" + facts.NHSMAIL_DOMAIN):
        raise ValidationError(
            _(
                "Give a personal address, not an NHSmail one (@nhs.net): NAS sends the new "
                "account's username and password to it, outside NHSmail."
            ),
            "personal_email_nhsmail",
        )
    return address


def validate_nhsmail(text: str, personal_email: str | None = None) -> str:
    """An NHSmail address: ends in @nhs.net and is not the person's personal email.

    NAS sends the new account's details to the personal email, so the two must differ.
    Stored lower-case: NHSmail addresses are not case-sensitive.
    """
    value = text.strip()
    if not value:
        raise ValidationError(_("An NHSmail address is required."), "nhsmail_required")
    try:
        address = validate_email(value).lower()
    except ValidationError:
        raise ValidationError(
            _("That is not an email address: an NHSmail address looks like name@nhs.net."),
            "nhsmail_format",
        ) from None
    if not address.endswith("@" + facts.NHSMAIL_DOMAIN):
        raise ValidationError(_("An NHSmail address must end in @nhs.net."), "nhsmail_domain")
    if personal_email and address.casefold() == personal_email.strip().casefold():
        raise ValidationError(
            _("The NHSmail address must not be the same as the personal email."),
            "nhsmail_same_as_personal",
        )
    return address


def validate_full_name(text: str) -> str:
    """A person's full name: required, trimmed, inner spaces collapsed, no control characters."""
    if any(is_control(ch) for ch in text):
        raise ValidationError(
            _("A full name must not contain control characters or line breaks."), "name_control"
        )
    value = " ".join(text.split())
    if not value:
        raise ValidationError(_("A full name is required."), "name_required")
    if len(value) > _NAME_MAX:
        raise ValidationError(
            _("A full name must be at most {limit} characters.").format(limit=_NAME_MAX),
            "name_too_long",
        )
    return value


ADMIN_NAME_MAX = 64  # the store's limit on a key slot's name (store.format.MAX_NAME)


def validate_admin_name(text: str) -> str:
    """An admin's name as the store keeps it: NFC, trimmed, inner spaces collapsed; or
    ValidationError naming the rule (required, no control characters, at most 64
    characters, not starting with #, which marks the store's own slots).

    The one rule for every way an admin name is typed: ``kiosk init``, the setup wizard,
    the Admins screen and recovery. The store checks the same (``store.format.valid_name``)
    but can only refuse in general terms, after the passphrase has been typed."""
    if any(is_control(ch) for ch in text):
        raise ValidationError(
            _("An admin name must not contain control characters or line breaks."),
            "admin_name_control",
        )
    value = " ".join(unicodedata.normalize("NFC", text).split())
    if not value:
        raise ValidationError(_("An admin name is required."), "admin_name_required")
    if len(value) > ADMIN_NAME_MAX:
        raise ValidationError(
            _("An admin name must be at most {limit} characters.").format(limit=ADMIN_NAME_MAX),
            "admin_name_too_long",
        )
    if value.startswith("#"):
        raise ValidationError(_("An admin name must not start with #."), "admin_name_hash")
    if any(_invisible(ch) for ch in value):
        raise ValidationError(
            _("An admin name must not contain invisible or formatting characters."),
            "admin_name_invisible",
        )
    if any(len(_scripts(word)) > 1 for word in value.split()):
        raise ValidationError(
            _(
                "Each word of an admin name must be written in one alphabet (not Latin and "
                "Cyrillic letters mixed, for example)."
            ),
            "admin_name_mixed_script",
        )
    return value


_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")
"""Letters that render as nothing (Hangul and Braille blanks, the Mongolian separator)."""


def _invisible(ch: str) -> bool:
    """A character that shows as nothing: a format or unassigned code point, a blank
    letter, or a mark that attaches to nothing (combining class 0, e.g. a variation
    selector)."""
    category = unicodedata.category(ch)
    return (
        ch in _FILLERS
        or category in ("Cf", "Co", "Cn")
        or (category == "Mn" and not unicodedata.combining(ch))
    )


def _scripts(word: str) -> set[str]:
    """The alphabets of a word's letters, by the first word of each letter's Unicode
    name (LATIN, CYRILLIC, GREEK…): a look-alike name mixes them, a real one rarely does."""
    return {
        unicodedata.name(ch, "?").split(" ")[0] for ch in word if unicodedata.category(ch)[0] == "L"
    }


def admin_name_key(name: str) -> str:
    """What two admin names must not share: the name without case, accents or dots
    (``Ann Admın``, ``ANN ADMIN`` and ``Ánn Admin`` all read as ``Ann Admin`` on the
    lock screen). New admins are compared by it, so the lock screen, the Admins list and
    the audit trail never show two names a reader could take for one."""
    folded = unicodedata.normalize("NFKD", name.replace("\u0131", "i")).casefold()
    return " ".join("".join(ch for ch in folded if not unicodedata.combining(ch)).split())


def validate_ods_code(text: str) -> tuple[str, str | None]:
    """An ODS code, upper-cased, with a warning (not a refusal) when it looks unusual.

    Social care site codes are usually 5 characters starting with V, but an
    organisation's headquarters code is shorter, so kiosk only warns.
    """
    value = "".join(text.split()).upper()
    if not value:
        raise ValidationError(_("An ODS code is required."), "ods_required")
    if not _ODS.fullmatch(value) or len(value) > _ODS_MAX:
        raise ValidationError(
            _(
                "An ODS code has only letters and digits (at most {limit}), for example VZZ01."
            ).format(limit=_ODS_MAX),
            "ods_format",
        )
    warning: str | None = None
    if len(value) != facts.SOCIAL_CARE_ODS_LENGTH or not value.startswith(
        facts.SOCIAL_CARE_ODS_PREFIX
    ):
        warning = _(
            "Social care site ODS codes are usually 5 characters starting with V: "
            "check this code with the ODS search before you rely on it."
        )
    return value, warning


def validate_cqc_location(text: str) -> str:
    """A CQC location ID: ``1-`` then 9 to 11 digits (spaces ignored)."""
    value = "".join(text.split())
    if not value:
        raise ValidationError(_("A CQC location ID is required."), "cqc_required")
    low, high = facts.CQC_LOCATION_DIGITS
    rest = value[len(facts.CQC_LOCATION_PREFIX) :]
    if (
        not value.startswith(facts.CQC_LOCATION_PREFIX)
        or not _ASCII_DIGITS.fullmatch(rest)
        or not low <= len(rest) <= high
    ):
        raise ValidationError(
            _(
                "A CQC location ID is 1- followed by {low} to {high} digits, "
                "for example 1-123456789."
            ).format(low=low, high=high),
            "cqc_format",
        )
    return value


def validate_uk_phone(text: str) -> str:
    """The site's CQC-registered number: a UK landline or mobile, stored as digits from 0.

    NAS checks that a "no one can access the mailbox" call comes from this number, so
    it must be a real UK number, not an extension or a note.
    """
    digits = _phone_digits(text)
    if not digits:
        raise ValidationError(_("A telephone number is required."), "phone_required")
    if not _UK_PHONE.fullmatch(digits):
        raise ValidationError(
            _(
                "A UK telephone number starts with 0 (or +44) and has 10 or 11 digits, "
                "for example 01632 960123."
            ),
            "phone_format",
        )
    return digits


def validate_mailbox(text: str) -> str:
    """A shared mailbox address: a real address ending in @nhs.net, stored lower-case."""
    value = text.strip()
    if not value:
        raise ValidationError(_("The shared mailbox address is required."), "mailbox_required")
    try:
        address = validate_email(value).lower()
    except ValidationError:
        raise ValidationError(
            _("That is not an email address: a shared mailbox looks like name@nhs.net."),
            "mailbox_format",
        ) from None
    if not address.endswith("@" + facts.NHSMAIL_DOMAIN):
        raise ValidationError(_("A shared mailbox address must end in @nhs.net."), "mailbox_domain")
    return address


def parse_day(text: str) -> date:
    """A calendar day written ``YYYY-MM-DD`` or the UK way ``DD/MM/YYYY``."""
    value = text.strip()
    parts: tuple[str, str, str] | None = None
    if (iso := _ISO_DAY.fullmatch(value)) is not None:
        parts = (iso.group(1), iso.group(2), iso.group(3))
    elif (uk := _UK_DAY.fullmatch(value)) is not None:
        parts = (uk.group(3), uk.group(2), uk.group(1))
    if parts is None:
        raise ValidationError(
            _("A date is written YYYY-MM-DD or DD/MM/YYYY, for example 24/11/2026."),
            "day_format",
        )
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise ValidationError(
            _("That date does not exist: check the day and the month."), "day_invalid"
        ) from None


def mask_mobile(mobile: str) -> str:
    """``07••• ••• 123``: enough to tell two people apart on screen, not enough to call them."""
    if len(mobile) < 3:
        return "•" * len(mobile)
    return f"{mobile[:2]}••• ••• {mobile[-3:]}"


def display_phone(number: str) -> str:
    """A stored UK number grouped the usual way: ``07700 900123``, ``01632 960123``."""
    if len(number) == 11:
        return f"{number[:5]} {number[5:]}"
    if len(number) == 10:
        return f"{number[:4]} {number[4:]}"
    return number


def validate_ticket(text: str) -> str:
    """A NAS ticket reference, or "" when NAS gave none (the call time then identifies it).

    Control characters and line breaks are refused with that rule named before anything
    is trimmed, as for every single-line field (:func:`check_text`): a pasted escape
    sequence is a mistake to show, not whitespace to drop."""
    check_text(text, field=_("A ticket reference"), limit=len(text), rule="ticket")
    value = text.strip()
    if not value:
        return ""
    if len(value) > _TICKET_MAX or not _TICKET.fullmatch(value):
        raise ValidationError(
            _(
                "A ticket reference has only letters, digits, dashes and slashes "
                "(at most {limit}), for example INC0123456."
            ).format(limit=_TICKET_MAX),
            "ticket_format",
        )
    return value


# -- the model's own check ---------------------------------------------------------------

# The longest text each stored field may hold (names and site names 100, notes 2,000...).
# Screens, the importer and ``kiosk init`` refuse longer values with their own messages;
# the model refuses them too, so nothing reaches the store by any other way (the API).
FIELD_LIMITS: dict[str, int] = {
    "full_name": _NAME_MAX,
    "name": _NAME_MAX,  # a site's name, the local support team's name
    "notes": 2000,
    "reason": 500,
    "ticket": _TICKET_MAX,
    "personal_email": _EMAIL_MAX,
    "nhsmail": _EMAIL_MAX,
    "mailbox": _EMAIL_MAX,
    "email": _EMAIL_MAX,
    "ods_code": _ODS_MAX,
}
TEXT_LIMIT = 200  # any other text field: codes, phone numbers, dates, enum values
MULTILINE_FIELDS = frozenset({"notes", "reason"})
FIELD_LABELS: dict[str, str] = {
    "full_name": N_("A full name"),
    "name": N_("A name"),
    "notes": N_("Notes"),
    "reason": N_("A reason"),
    "ticket": N_("A ticket reference"),
}


def check_document(doc: Mapping[str, object], path: str = "") -> None:
    """Refuse a record (as its stored document) holding a control character or an
    over-long value in any text field, with the rule named.

    Called by :func:`kiosk.records.save` for every write, so the Python API cannot store
    what the forms refuse. Nested maps (a person's access, the local support team) are
    checked field by field.
    """
    for key, value in doc.items():
        if isinstance(value, Mapping):
            check_document(value, key)
            continue
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if isinstance(item, Mapping):
                check_document(item, key)
            elif isinstance(item, str):
                label = FIELD_LABELS.get(key)
                check_text(
                    item,
                    field=_(label) if label else _("The field {name}").format(name=key),
                    limit=FIELD_LIMITS.get(key, TEXT_LIMIT),
                    newlines=key in MULTILINE_FIELDS,
                    rule=key,
                )
