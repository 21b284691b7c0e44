"""kiosk.new_store.create_store: the one way kiosk init, the setup wizard and the demo make
a store (first admin, recovery key, first site audited as any other site)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk import records
from kiosk.new_store import create_store
from store import Store
from store.errors import StoreExists
from tests.conftest import FAST_KDF
from tests.kiosk.test_sites import new_site

PASSPHRASE = "correct horse battery"


def test_creates_the_store_with_its_first_site_audited(tmp_path: Path) -> None:
    path = tmp_path / "new" / "kiosk.store"
    store, recovery = create_store(path, "Ann Example", PASSPHRASE, new_site(), kdf=FAST_KDF)
    try:
        assert [s.ods_code for s in records.sites(store.read())] == ["VZZ01"]
        assert [e.action for e in store.audit_entries()][-1] == "site.add"
    finally:
        store.close()
    assert Store.admin_names(path) == ["Ann Example"]
    reopened = Store.open_with_recovery(path, recovery)
    assert [s.mailbox for s in records.sites(reopened.read())] == ["willow.house@nhs.net"]
    reopened.close()
    assert (path.stat().st_mode & 0o777) == 0o600


def test_without_a_site_the_store_is_empty_for_the_demo(tmp_path: Path) -> None:
    store, _recovery = create_store(
        tmp_path / "kiosk.store", "Ann Example", PASSPHRASE, None, kdf=FAST_KDF
    )
    assert records.sites(store.read()) == []
    store.close()


def test_an_existing_store_is_never_touched(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.store"
    store, _recovery = create_store(path, "Ann Example", PASSPHRASE, None, kdf=FAST_KDF)
    store.close()
    before = path.read_bytes()
    with pytest.raises(StoreExists):
        create_store(path, "Bob Example", PASSPHRASE, new_site(), kdf=FAST_KDF)
    assert path.read_bytes() == before
