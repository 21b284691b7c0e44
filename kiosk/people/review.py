"""The membership review: who has access at a site, and recording the admin's decisions
on each of them in one transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

from kiosk import records
from kiosk.model import PEOPLE, SITES, Person, PersonStatus, Role
from kiosk.people.common import person_in, site_in, with_role


def with_access_at(people: Sequence[Person], site_id: int) -> list[Person]:
    """Everyone who can reach ``site_id``'s shared mailbox (not yet left), owners first."""
    found = [p for p in people if site_id in p.access and p.status is not PersonStatus.LEFT]
    return sorted(
        found, key=lambda p: (p.access[site_id] is not Role.OWNER, p.full_name.casefold())
    )


def apply_decisions(
    people: Sequence[Person], site_id: int, decisions: Mapping[int, Role | None]
) -> list[Person]:
    """``people`` as they would be after the review's decisions (for the coverage guard)."""
    return [with_role(p, site_id, decisions[p.id]) if p.id in decisions else p for p in people]


def record_review(
    store: records.StoreLike, site_id: int, decisions: Mapping[int, Role | None], today: date
) -> int:
    """Record a membership review of one site: the changes the owner made in the portal
    (person id -> new role, None removes) and the date. Returns how many changed."""
    changed = 0
    with store.transaction() as tx:
        site = site_in(tx, site_id)
        for person_id, role in decisions.items():
            person = person_in(tx, person_id)
            if person.access.get(site_id) == role:
                continue
            records.save(
                tx, PEOPLE, with_role(person, site_id, role), "person.access", detail="review"
            )
            changed += 1
        records.save(tx, SITES, replace(site, last_review=today), "site.review")
    return changed
