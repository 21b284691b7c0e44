"""What every people flow reads and writes alike: a person or a site by id inside a
transaction (a missing one is a caller's bug, so a KeyError), and a person with one site's
role set or removed. Private to :mod:`kiosk.people`; callers use the flows."""

from __future__ import annotations

from dataclasses import replace

from kiosk import records
from kiosk.model import Person, Role, Site
from kiosk.records import Tx


def person_in(tx: Tx, person_id: int) -> Person:
    """The person ``person_id`` as the transaction sees them."""
    found = records.person(tx.db, person_id)
    if found is None:
        raise KeyError(f"person {person_id} does not exist")
    return found


def site_in(tx: Tx, site_id: int) -> Site:
    """The site ``site_id`` as the transaction sees it."""
    found = records.site(tx.db, site_id)
    if found is None:
        raise KeyError(f"site {site_id} does not exist")
    return found


def with_role(person: Person, site_id: int, role: Role | None) -> Person:
    """``person`` with ``role`` at ``site_id`` (None removes their access there)."""
    access = dict(person.access)
    if role is None:
        access.pop(site_id, None)
    else:
        access[site_id] = role
    return replace(person, access=access)
