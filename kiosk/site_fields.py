"""A site's details as typed in a form or on the command line, checked field by field.

The setup wizard, ``kiosk init`` and the Sites screen all take the same six things, so
the rules are applied here once and every failure comes back against its field, all at
once, so the admin can fix everything in one pass rather than one error at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from kiosk.dspt import approaching_used, check_version
from kiosk.forms import FieldErrors
from kiosk.i18n import N_, _
from kiosk.model import DsptStatus, Site
from kiosk.validators import (
    ValidationError,
    check_text,
    is_control,
    parse_day,
    validate_cqc_location,
    validate_mailbox,
    validate_ods_code,
    validate_uk_phone,
)

# Field names, in form order, with their labels (translate when shown).
SITE_NAME_MAX = 100  # as long as a person's name: fits a sign-off line

SITE_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", N_("Site name")),
    ("ods_code", N_("ODS code")),
    ("cqc_location_id", N_("CQC location ID")),
    ("site_phone", N_("CQC-registered site phone number")),
    ("mailbox", N_("Shared mailbox address")),
    ("dspt_status", N_("DSPT status")),
    ("dspt_published", N_("DSPT publication date")),
)


@dataclass
class SiteCheck:
    """The outcome of checking a site form: the site, or errors by field; warnings too."""

    site: Site | None
    errors: FieldErrors = field(default_factory=FieldErrors)
    warnings: dict[str, str] = field(default_factory=dict)


def _site_name(text: str) -> str:
    value = " ".join(text.split())
    if any(is_control(ch) for ch in text):
        raise ValidationError(
            _("A site name cannot contain control characters."), "site_name_control"
        )
    if not value:
        raise ValidationError(_("A site name is required."), "site_name_required")
    return check_text(value, field=_("A site name"), limit=SITE_NAME_MAX, rule="site_name")


def check_site(raw: Mapping[str, str], *, today: date, base: Site | None = None) -> SiteCheck:
    """Validate every field of ``raw``; ``base`` keeps the id and history of an edited site."""
    errors = FieldErrors()
    warnings: dict[str, str] = {}
    values: dict[str, object] = {}

    def take(name: str, rule: Callable[[str], object]) -> None:
        try:
            values[name] = rule(raw.get(name, ""))
        except ValidationError as error:
            errors[name] = error.message

    take("name", _site_name)
    try:
        code, warning = validate_ods_code(raw.get("ods_code", ""))
        values["ods_code"] = code
        if warning:
            warnings["ods_code"] = warning
    except ValidationError as error:
        errors["ods_code"] = error.message
    take("cqc_location_id", validate_cqc_location)
    take("site_phone", validate_uk_phone)
    take("mailbox", validate_mailbox)

    status_text = raw.get("dspt_status", "") or DsptStatus.NOT_PUBLISHED.value
    try:
        status = DsptStatus(status_text)
    except ValueError:
        errors["dspt_status"] = _(
            "The DSPT status is one of: not_published, approaching, met, exceeded."
        )
        status = DsptStatus.NOT_PUBLISHED
    published: date | None = None
    published_text = raw.get("dspt_published", "").strip()
    if published_text:
        try:
            published = parse_day(published_text)
            if published > today:
                errors["dspt_published"] = _("The DSPT publication date cannot be in the future.")
        except ValidationError as error:
            errors["dspt_published"] = error.message
    elif status is not DsptStatus.NOT_PUBLISHED:
        errors["dspt_published"] = _(
            "Give the date the DSPT assessment was published (it counts for a year)."
        )

    version: str | None = None
    version_text = raw.get("dspt_version", "").strip()
    if version_text and published is not None and "dspt_published" not in errors:
        try:
            version = check_version(version_text, published)
        except ValidationError as error:
            errors["dspt_version"] = error.message
    elif version_text and status is DsptStatus.NOT_PUBLISHED:
        errors["dspt_version"] = _("A Toolkit version needs a publication status and date.")

    if errors:
        return SiteCheck(None, errors, warnings)
    kept = (
        {}
        if base is None
        else {
            "id": base.id,
            "mailbox_last_sent": base.mailbox_last_sent,
            "last_review": base.last_review,
            "dspt_previous_status": base.dspt_previous_status,
        }
    )
    site = Site(
        name=str(values["name"]),
        ods_code=str(values["ods_code"]),
        cqc_location_id=str(values["cqc_location_id"]),
        site_phone=str(values["site_phone"]),
        mailbox=str(values["mailbox"]),
        dspt_status=status,
        dspt_published=published,
        dspt_approaching_used=approaching_used(base, status, published),
        dspt_version=version,
        **kept,  # type: ignore[arg-type]
    )
    return SiteCheck(site, FieldErrors(), warnings)
