"""Shared fictional data for the people, requests and CSV tests (Ofcom drama range
mobiles, example.org emails, VZZ ODS codes)."""

from __future__ import annotations

from datetime import date

from kiosk import records
from kiosk.model import PEOPLE, SITES, Person, Role, Site
from tests.fakes import FakeStore

TODAY = date(2026, 11, 24)  # a Tuesday

HARBOUR = Site(
    name="Harbour View Care Home",
    ods_code="VZZ01",
    cqc_location_id="1-123456789",
    site_phone="01632960123",
    mailbox="harbourview.care@nhs.net",
)
MEADOW = Site(
    name="Meadowbank House",
    ods_code="VZZ02",
    cqc_location_id="1-987654321",
    site_phone="01632960456",
    mailbox="meadowbank.house@nhs.net",
)


def staff(n: int, name: str, access: dict[int, Role] | None = None, **kw: object) -> Person:
    first = name.split()[0].lower()
    fields: dict[str, object] = {
        "full_name": name,
        "personal_mobile": f"07700900{n:03d}",
        "personal_email": f"{first}@example.org",
        "nhsmail": f"{first}.staff@nhs.net",
        "access": access or {},
    }
    fields.update(kw)
    return Person(**fields)  # type: ignore[arg-type]


def store_with(
    *people: Person, sites: tuple[Site, ...] = (HARBOUR,)
) -> tuple[FakeStore, list[int], list[int]]:
    store = FakeStore()
    with store.transaction() as tx:
        site_ids = [records.save(tx, SITES, s, "site.add") for s in sites]
        ids = [records.save(tx, PEOPLE, p, "person.add") for p in people]
    store.audit_entries.clear()
    return store, site_ids, ids


def active(n: int, name: str, access: dict[int, Role] | None = None, **kw: object) -> Person:
    """:func:`staff` who signed in two days before ``TODAY``: they count as usable cover."""
    fields: dict[str, object] = {
        "last_activity": date.fromordinal(TODAY.toordinal() - 2),
        "first_login_done": True,
    }
    fields.update(kw)
    return staff(n, name, access, **fields)
