"""The care groups ``scale_bench.py`` measures: deterministic, fictional, any size.

Everything here is made up and repeatable: names from two short lists, personal mobiles
from Ofcom's drama range (07700 900000-900999), landlines from 01632 960000-960999,
personal emails at example.org, ODS codes in the fake ``VZZ`` range. The drama range has
only 1,000 mobiles, so in a store of 10,000 people the mobiles repeat (the model allows
that; only the forms and the import refuse a duplicate). ``SPARE_MOBILE`` is kept out of
every store so that "import one more person" never collides.

Stores are built with one transaction and TinyDB's ``insert_multiple`` (one audit entry
per record, as an import leaves), so building them costs the same before and after any
change to kiosk's write path: the benchmark times kiosk, not its own set-up.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

from kiosk.model import PEOPLE, SITES, Person, Role, Settings, Site

PASSPHRASE = "bench passphrase 2026"
ADMIN = "Bench Admin"
SPARE_MOBILE = "07700900999"
FIRST = (
    "Ada",
    "Ben",
    "Cara",
    "Dev",
    "Ema",
    "Finn",
    "Gail",
    "Hugo",
    "Iris",
    "Jon",
    "Kira",
    "Liam",
    "Maya",
    "Nia",
    "Omar",
    "Pia",
    "Raj",
    "Sara",
    "Tom",
    "Una",
)
LAST = (
    "Example",
    "Sample",
    "Testwell",
    "Demo",
    "Fictive",
    "Madeup",
    "Placeholder",
    "Dummy",
    "Mockford",
    "Pretend",
    "Specimen",
    "Trial",
    "Notreal",
    "Invent",
)


def site(index: int) -> Site:
    number = index + 1
    return Site(
        name=f"Bench House {number:02d}",
        ods_code=f"VZZ{number:02d}",
        cqc_location_id=f"1-{number:09d}",
        site_phone=f"01632960{number:03d}",
        mailbox=f"bench.house{number:02d}@nhs.net",
    )


def person(index: int, site_ids: list[int], today: date) -> Person:
    """Person ``index``: a mix of owners (1 in 20), members (3 in 4) and no access,
    spread across the sites, last activity spread over 0-95 days."""
    first = FIRST[index % len(FIRST)]
    last = LAST[(index // len(FIRST)) % len(LAST)]
    name = f"{first} {last} {index:05d}"
    kind = index % 20
    access: dict[int, Role] = {}
    if kind < 15:
        access[site_ids[index % len(site_ids)]] = Role.OWNER if kind == 0 else Role.MEMBER
    handle = f"{first.lower()}.{last.lower()}{index}"
    has_account = kind != 19
    return Person(
        full_name=name,
        personal_mobile=f"07700900{index % 999:03d}",
        personal_email=f"{handle}@example.org",
        nhsmail=f"{handle}@nhs.net" if has_account else None,
        access=access,
        status_since=today - timedelta(days=200),
        last_activity=today - timedelta(days=(index * 7) % 96) if has_account else None,
        first_login_done=has_account,
    )


def build(path: Path, people: int, sites: int, today: date) -> Path:
    """Create a store at ``path`` holding ``sites`` sites and ``people`` people."""
    from kiosk import records
    from store import Store

    store, _recovery = Store.create(path, ADMIN, PASSPHRASE)
    try:
        with store.transaction() as tx:
            records.save_settings(tx, Settings())
            site_table = tx.db.table(SITES)
            site_ids = site_table.insert_multiple(site(i).to_doc() for i in range(sites))
            for site_id in site_ids:
                tx.audit("site.add", SITES, site_id, "bench")
            people_table = tx.db.table(PEOPLE)
            ids = people_table.insert_multiple(
                person(i, site_ids, today).to_doc() for i in range(people)
            )
            for person_id in ids:
                tx.audit("person.add", PEOPLE, person_id, "bench")
    finally:
        store.close()
    return path


def import_csv(rows: int, today: date, *, first_mobile: int = 0) -> str:
    """A CSV for ``kiosk import`` with ``rows`` new people (at most 1,000: one drama-range
    mobile each, from ``first_mobile``), all for the first site."""
    if first_mobile + rows > 1000:
        raise ValueError("the drama range has 1,000 mobiles")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["full_name", "personal_mobile", "personal_email", "nhsmail", "access", "last_activity"]
    )
    for i in range(rows):
        index = 50_000 + i
        handle = f"new.starter{index}"
        writer.writerow(
            [
                f"New Starter {index}",
                f"07700900{first_mobile + i:03d}",
                f"{handle}@example.org",
                f"{handle}@nhs.net",
                "member",
                (today - timedelta(days=i % 20)).isoformat(),
            ]
        )
    return out.getvalue()
