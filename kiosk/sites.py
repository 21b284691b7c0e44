"""Sites over the years: adding and editing them, new DSPT publications, and a change of
ODS code or ownership that keeps the history.

A care group's office may run several CQC-registered locations, each with its one shared
mailbox. Field rules live in :mod:`kiosk.site_fields` (shared with the setup wizard and
``kiosk init``); this module adds what only makes sense among several sites (two open sites
cannot share an ODS code or a shared mailbox) and the audited changes.

Change of ODS code or ownership (FAQ: "If the site changes ownership or registration, steps
must be taken to update or close the shared mailbox and register a new one if necessary").
kiosk never rewrites the old site: it is **closed** (``closed`` = the day, ``replaced_by`` =
the new site's id) and a **new** site is registered with the new ODS code, so what the home
was called, which code and mailbox it had and until when all stay on record. The new site
either keeps the same shared mailbox (NAS updated it) or has a newly registered one. The
admin chooses whether people's shared mailbox access moves to the new site with the same
roles (the mailbox carried on, or NAS moved everyone) or not (access to a new mailbox has to
be requested from NAS); either way nobody keeps access to the closed site.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from kiosk import records
from kiosk.dspt import approaching_used, check_version, suggest_version
from kiosk.forms import FieldErrors
from kiosk.i18n import _
from kiosk.lifecycle import person_status
from kiosk.model import PEOPLE, SITES, DsptStatus, Person, Site
from kiosk.site_fields import SiteCheck, check_site
from kiosk.validators import ValidationError, validate_mailbox, validate_ods_code


class SiteError(Exception):
    """A site change that cannot be made; the text is a translated sentence for the admin."""


def unique_problems(
    site: Site, sites: Iterable[Site], *, ignore: int | None = None
) -> dict[str, str]:
    """Field errors when another open site already has ``site``'s ODS code or mailbox.

    ``ignore`` is a site that does not count (the one being replaced by an ODS change,
    which may hand its mailbox to the new site).
    """
    problems: dict[str, str] = {}
    for other in sites:
        if other.closed is not None or (other.id and other.id in (site.id, ignore)):
            continue
        if other.ods_code == site.ods_code:
            problems["ods_code"] = _("Another site, {name}, already has this ODS code.").format(
                name=other.name
            )
        if other.mailbox == site.mailbox:
            problems["mailbox"] = _(
                "Another site, {name}, already has this shared mailbox."
            ).format(name=other.name)
    return problems


def _clashes(
    raw: Mapping[str, str], sites: Sequence[Site], base: Site | None, ignore: int | None
) -> dict[str, str]:
    """Uniqueness problems for a form whose other fields are not all valid yet."""
    try:
        ods, _warning = validate_ods_code(raw.get("ods_code", ""))
    except ValidationError:
        ods = ""
    try:
        mailbox = validate_mailbox(raw.get("mailbox", ""))
    except ValidationError:
        mailbox = ""
    probe = Site("", ods or "\0", "", "", mailbox or "\0", id=base.id if base else 0)
    return unique_problems(probe, sites, ignore=ignore)


def check_site_form(
    raw: Mapping[str, str],
    sites: Sequence[Site],
    *,
    today: date,
    base: Site | None = None,
    replacing: Site | None = None,
) -> SiteCheck:
    """Every field rule, then the rules among sites; warnings for risky edits.

    ``base`` is the site being edited (its id, DSPT history and dates are kept);
    ``replacing`` is the site an ODS change closes.
    """
    check = check_site(raw, today=today, base=base)
    ignore = replacing.id if replacing is not None else None
    if check.site is None:
        # Still name a clash on the fields that are well formed: every error at once.
        for name, problem in _clashes(raw, sites, base, ignore).items():
            check.errors.setdefault(name, problem)
        return check
    site = check.site
    if "dspt_previous_status" in raw:  # the form shows it; blank means none or not known
        previous = raw["dspt_previous_status"].strip()
        try:
            site = replace(
                site,
                dspt_previous_status=DsptStatus(previous)
                if previous and previous != DsptStatus.NOT_PUBLISHED
                else None,
            )
        except ValueError:
            check.errors["dspt_previous_status"] = _(
                "The earlier DSPT status is one of: not_published, approaching, met, exceeded."
            )
    if base is not None:
        site = replace(site, closed=base.closed, replaced_by=base.replaced_by)
        # The form has no version field: the recorded version (and the one Approaching
        # Standards used) stay while the publication does; a new date is suggested afresh.
        same_publication = (site.dspt_published, site.dspt_status) == (
            base.dspt_published,
            base.dspt_status,
        )
        kept = base.dspt_version if same_publication else None
        site = replace(site, dspt_version=site.dspt_version or kept)
        if site.mailbox != base.mailbox:
            check.warnings["mailbox"] = _(
                "NHSmail cannot change a shared mailbox address: only correct a typo here."
            )
        if site.ods_code != base.ods_code and "ods_code" not in check.warnings:
            check.warnings["ods_code"] = _(
                "If the ODS code really changed (new owner or registration), use Change ODS "
                "code instead, so the old site stays on record."
            )
    check.errors.update(unique_problems(site, sites, ignore=ignore))
    if check.errors:
        return SiteCheck(None, check.errors, check.warnings)
    return SiteCheck(site, FieldErrors(), check.warnings)


def add_site(store: records.StoreLike, site: Site) -> int:
    """Register a new site (audited ``site.add``) and return its id."""
    if site.id:
        raise ValueError("add_site takes a site that is not saved yet")
    with store.transaction() as tx:
        return records.save(tx, SITES, site, "site.add")


def mailbox_rule() -> str:
    """The FAQ's rule, in the words the confirmation names."""
    return _(
        "The shared mailbox address can never change: only correct a mistake in what was typed."
    )


def update_site(store: records.StoreLike, site: Site, *, mailbox_typo: bool = False) -> None:
    """Save an edited site (audited ``site.edit``); a closed site cannot be edited.

    NHSmail never changes a shared mailbox address (FAQ), so a different address is only a
    typo being corrected: it needs ``mailbox_typo`` (the admin confirmed :func:`mailbox_rule`)
    and is audited on its own as ``site.mailbox_typo``.
    """
    with store.transaction() as tx:
        current = records.site(tx.db, site.id)
        if current is None:
            raise SiteError(_("That site no longer exists."))
        if current.closed is not None:
            raise SiteError(_("A closed site cannot be changed: it is kept as history."))
        corrected = site.mailbox != current.mailbox
        if corrected and not mailbox_typo:
            raise SiteError(mailbox_rule() + " " + _("Confirm the correction to save it."))
        records.save(tx, SITES, replace(site, closed=None, replaced_by=None), "site.edit")
        if corrected:
            records.save(
                tx,
                SITES,
                replace(site, closed=None, replaced_by=None),
                "site.mailbox_typo",
                detail="typo corrected after confirming the FAQ rule",
            )


def with_publication(
    site: Site, status: DsptStatus, published: date, version: str | None = None
) -> Site:
    """``site`` after a new DSPT publication for Toolkit ``version`` (suggested from the
    date when None): the current status becomes the previous one.

    Re-entering the same publication date corrects the current status and version and keeps
    the previous one as it was, so a typo never uses up the one Approaching Standards a
    site is allowed; the first Approaching Standards ever is remembered as that one.
    """
    if status == DsptStatus.NOT_PUBLISHED:
        raise SiteError(
            _("A new publication needs a status: Not Met, Approaching, Met or Exceeded.")
        )
    try:
        name = check_version(version or suggest_version(published), published)
    except ValidationError as error:
        raise SiteError(error.message) from error
    used = approaching_used(site, status, published)
    if site.dspt_published is not None and published == site.dspt_published:
        return replace(site, dspt_status=status, dspt_version=name, dspt_approaching_used=used)
    if site.dspt_published is not None and published < site.dspt_published:
        raise SiteError(_("A newer publication cannot be dated before the one recorded."))
    previous = site.dspt_status if site.dspt_status != DsptStatus.NOT_PUBLISHED else None
    return replace(
        site,
        dspt_status=status,
        dspt_published=published,
        dspt_previous_status=previous,
        dspt_version=name,
        dspt_approaching_used=used,
    )


def record_publication(
    store: records.StoreLike,
    site_id: int,
    status: DsptStatus,
    published: date,
    today: date,
    version: str | None = None,
) -> Site:
    """Record a new DSPT publication for an open site (audited ``site.dspt``)."""
    if published > today:
        raise SiteError(_("The DSPT publication date cannot be in the future."))
    with store.transaction() as tx:
        site = records.site(tx.db, site_id)
        if site is None or site.closed is not None:
            raise SiteError(_("That site is closed or no longer exists."))
        updated = with_publication(site, status, published, version)
        records.save(
            tx, SITES, updated, "site.dspt", detail=f"{status.value} {updated.dspt_version}"
        )
        return updated


@dataclass(frozen=True)
class OdsChange:
    """What an ODS change did: the new site, and whose access moved or ended."""

    new_site_id: int
    moved: tuple[int, ...]  # person ids now at the new site with the same role
    removed: tuple[int, ...]  # person ids whose access ended with the closed site


def people_with_access(people: Iterable[Person], site_id: int) -> list[Person]:
    return [p for p in people if p.role_at(site_id) is not None]


def movers(people: Iterable[Person], site_id: int, today: date) -> list[Person]:
    """Whose access an ODS change can move: everyone with access except leavers.

    A leaver's access never moves to a new site; it stays on record at the closed site
    until an owner removes it, so the dashboard keeps asking for that.
    """
    return [p for p in people_with_access(people, site_id) if not person_status(p, today).leaver]


def change_ods(
    store: records.StoreLike, old_site_id: int, new_site: Site, *, move_access: bool, today: date
) -> OdsChange:
    """Close ``old_site_id`` and register ``new_site`` in its place, in one transaction.

    ``new_site`` comes from :func:`check_site_form` with ``replacing`` = the old site, so
    it may keep the old mailbox. Every step is audited: the new site (``site.add``), the
    closed one (``site.close``) and each person whose access moved or ended
    (``person.access``).
    """
    if new_site.id:
        raise ValueError("change_ods takes a site that is not saved yet")
    with store.transaction() as tx:
        old = records.site(tx.db, old_site_id)
        if old is None:
            raise SiteError(_("That site no longer exists."))
        if old.closed is not None:
            raise SiteError(_("That site was already closed on an earlier change."))
        same_mailbox = new_site.mailbox == old.mailbox
        fresh = replace(
            new_site,
            closed=None,
            replaced_by=None,
            mailbox_last_sent=old.mailbox_last_sent if same_mailbox else None,
            last_review=old.last_review if same_mailbox and move_access else None,
        )
        new_id = records.save(tx, SITES, fresh, "site.add", detail=f"replaces site {old.id}")
        records.save(
            tx,
            SITES,
            replace(old, closed=today, replaced_by=new_id),
            "site.close",
            detail=f"replaced by site {new_id}",
        )
        moved: list[int] = []
        removed: list[int] = []
        for person in movers(records.people(tx.db), old.id, today):
            access = dict(person.access)
            role = access.pop(old.id)
            if move_access:
                access[new_id] = role
                moved.append(person.id)
                detail = f"moved from site {old.id} to site {new_id}"
            else:
                removed.append(person.id)
                detail = f"access ended with closed site {old.id}"
            records.save(tx, PEOPLE, replace(person, access=access), "person.access", detail)
        return OdsChange(new_id, tuple(moved), tuple(removed))


def history(sites: Iterable[Site], site_id: int) -> list[Site]:
    """The sites ``site_id`` replaced, most recent first (following ``replaced_by`` back)."""
    by_successor = {s.replaced_by: s for s in sites if s.replaced_by is not None}
    found: list[Site] = []
    current = site_id
    while current in by_successor and len(found) < 100:
        earlier = by_successor[current]
        found.append(earlier)
        current = earlier.id
    return found
