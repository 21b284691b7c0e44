"""Access changes, made by an owner in the NHSmail portal or asked of NAS, and the
summary of a person's access that the People table shows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from kiosk import records
from kiosk.i18n import _
from kiosk.model import PEOPLE, NasRequest, Person, RequestKind, Role, Site
from kiosk.nas_requests import open_request, role_word
from kiosk.people.common import person_in, site_in, with_role


def record_access_change(
    store: records.StoreLike,
    person_id: int,
    site_id: int,
    role: Role | None,
    today: date,
    *,
    via_nas: bool,
) -> int | None:
    """Promote, demote, give or remove access at one site.

    An owner can do it in the NHSmail portal (``via_nas`` False: it takes effect now), or
    the admin asked NAS from the shared mailbox (a request, applied when NAS answers).
    Returns the request id when one was opened.
    """
    with store.transaction() as tx:
        person = person_in(tx, person_id)
        site_in(tx, site_id)
        if via_nas:
            return open_request(
                tx,
                NasRequest(
                    kind=RequestKind.ACCESS_CHANGE,
                    site_id=site_id,
                    sent=today,
                    person_id=person_id,
                    role=role,
                ),
            )
        records.save(tx, PEOPLE, with_role(person, site_id, role), "person.access")
        return None


# --- what the People table shows ---------------------------------------------------------


def access_summary(
    person: Person, sites: Sequence[Site], pending: Mapping[int, Role | None] | None = None
) -> str:
    """``owner`` (one site) or ``VZZ01 owner, VZZ02 member``; a requested role in brackets."""
    parts: list[str] = []
    pending = pending or {}
    for site in sites:
        role = person.access.get(site.id)
        word = role_word(role) if role else ""
        if site.id in pending:
            asked = role_word(pending[site.id])
            word = _("{now} → {asked}?").format(now=word or "—", asked=asked)
        if not word:
            continue
        parts.append(word if len(sites) == 1 else f"{site.ods_code} {word}")
    return ", ".join(parts) if parts else "—"
