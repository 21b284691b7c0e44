"""Leavers: an owner removes their shared-mailbox permission (NHSmail leaves it in place)
and NAS marks the account a leaver, after which it is "Active (Leaver)" for 30 days."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from kiosk import facts, records
from kiosk.i18n import N_, _
from kiosk.lifecycle import leaver_days_left, leaver_deadline, person_status
from kiosk.model import PEOPLE, NasRequest, Person, PersonStatus, RequestKind, Site
from kiosk.nas_requests import open_request
from kiosk.people.common import person_in, site_in
from kiosk.timefmt import day as fmt_day
from kiosk.validators import ValidationError

# The owner's checklist for a leaver. Translate with _() where shown.
LEAVER_STEPS: tuple[str, ...] = (
    N_(
        "Remove their permission to the shared mailbox: NHSmail leaves it in place until an "
        "owner removes it."
    ),
    N_(
        "Ask NAS to mark their account as a leaver, so that their next employer can add them "
        "as a joiner (the email below)."
    ),
)


def leaver_site(person: Person, sites: Sequence[Site]) -> Site | None:
    """The site whose shared mailbox sends the leaver email: the first they can reach."""
    for site in sites:
        if site.id in person.access:
            return site
    return sites[0] if sites else None


def record_leaver(
    store: records.StoreLike,
    person_id: int,
    leaving: date,
    today: date,
    *,
    site_id: int | None,
    access_removed: bool,
) -> int | None:
    """Record someone leaving on ``leaving``; returns the leaver request id, if any.

    With an NHSmail account a leaver request goes from ``site_id``'s shared mailbox; with
    none there is nothing to ask of NAS and they simply leave. ``access_removed`` says an
    owner has already taken away their shared-mailbox permission.
    """
    with store.transaction() as tx:
        person = person_in(tx, person_id)
        if person.status is PersonStatus.LEFT:
            raise ValidationError(_("This person has already left."), "already_left")
        if person.status is PersonStatus.LEAVER:
            raise ValidationError(
                _("A leaver is already recorded for this person."), "already_leaving"
            )
        needs_nas = bool(person.nhsmail)
        status = PersonStatus.LEAVER if needs_nas else PersonStatus.LEFT
        updated = replace(person, status=status, status_since=today, leaving_date=leaving)
        if access_removed:
            updated = replace(updated, access={})
        records.save(tx, PEOPLE, updated, "person.leaver")
        if not needs_nas:
            return None
        if site_id is None:
            raise ValueError("a leaver request needs a site to send it from")
        site_in(tx, site_id)
        return open_request(
            tx,
            NasRequest(kind=RequestKind.LEAVER, site_id=site_id, sent=today, person_id=person_id),
        )


def leaver_handover(person: Person, today: date) -> list[str]:
    """What to tell the leaver, so they keep their NHSmail account at their next job."""
    deadline = leaver_deadline(person)
    lines: list[str] = []
    if deadline is not None:
        left = leaver_days_left(person, today) or 0
        if left:
            lines.append(
                _(
                    "NHSmail shows their account as Active (Leaver) until {day} ({n} days left); "
                    "after that it is deleted unless a new organisation joins them."
                ).format(day=fmt_day(deadline), n=left)
            )
        else:
            lines.append(
                _("The Active (Leaver) period ended on {day}: the account is deleted.").format(
                    day=fmt_day(deadline)
                )
            )
    else:
        lines.append(
            _(
                "Once NAS marks them as a leaver, NHSmail shows the account as Active (Leaver) "
                "for {n} days; after that it is deleted unless a new organisation joins them."
            ).format(n=facts.LEAVER_ACTIVE_DAYS)
        )
    lines.append(
        _(
            "Tell them to give their next employer their NHSmail address and the mobile linked "
            "to it, and not to apply for a new account: the new employer asks NAS to add them "
            "as a joiner."
        )
    )
    lines.append(
        _("Remove their access to the shared mailbox if an owner has not done it yet.")
        if person.access
        else _("Their shared mailbox access has been removed.")
    )
    return lines


def access_to_remove(
    people: Iterable[Person], sites: Sequence[Site], today: date
) -> list[tuple[Person, Site]]:
    """Leavers whose shared mailbox access is still on record, by site.

    NHSmail does not remove a leaver's permission: an owner must, in the portal. Until the
    admin records that (an access change on People), the access stays in the record, never
    counts as cover, and the dashboard keeps this to-do.
    """
    found: list[tuple[Person, Site]] = []
    for person in people:
        if not person.access or not person_status(person, today).leaver:
            continue
        found.extend((person, site) for site in sites if site.id in person.access)
    return sorted(found, key=lambda pair: (pair[0].full_name.casefold(), pair[1].name.casefold()))
