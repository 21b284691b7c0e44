"""A real store shared by the audit and backups screen tests: two admins and three sites
saved one transaction at a time, on a fixed clock, so generations 1 (created) to 4 (two
sites) are in backups/ and the store is at generation 5 (three sites)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from kiosk import records
from kiosk.model import SITES, Site
from store import Store
from tests.conftest import FAST_KDF

ADMIN = "Ann Admin"
PASSPHRASE = "correct horse battery"


def fixed_now() -> datetime:
    return datetime(2026, 5, 20, 9, 0, tzinfo=UTC)


def three_site_store(tmp_path: Path) -> Store:
    store, _code = Store.create(
        tmp_path / "k" / "kiosk.store", ADMIN, PASSPHRASE, kdf=FAST_KDF, now=fixed_now
    )
    store.add_admin("Bea Example", "blue kettle on the hill")
    for n in (1, 2, 3):
        with store.transaction() as tx:
            records.save(
                tx,
                SITES,
                Site(f"Site {n}", f"VZZ0{n}", "1-123456789", "01632960001", f"s{n}@nhs.net"),
                "site.add",
            )
    return store
