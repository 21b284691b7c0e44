"""Admin changes on a real store: add (their own passphrase, twice), remove (the removed
passphrase opens nothing new; never the last admin), change your own passphrase, a new
recovery key, and recovery end to end when every admin is gone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk import records
from kiosk.admins import (
    add_admin,
    admin_rows,
    change_own_passphrase,
    new_admin_problems,
    recover,
    regenerate_recovery,
    remove_admin,
)
from kiosk.forms import FORM, FormRejected
from kiosk.model import SITES, Site
from store import RECOVERY_SLOT, Store, StoreLocked, WrongPassphrase
from tests.conftest import FAST_KDF, KIOSK_ADMIN, KIOSK_PASSPHRASE

BEA_PASS = "blue kettle on the hill"


def add_site(store: Store, name: str) -> None:
    with store.transaction() as tx:
        records.save(
            tx, SITES, Site(name, "VZZ01", "1-123456789", "01632960001", "a@nhs.net"), "site.add"
        )


def site_names(store: Store) -> list[str]:
    return [s.name for s in records.sites(store.read())]


def actions(store: Store) -> list[str]:
    return [e.action for e in store.audit_entries()]


def test_new_admin_problems_all_at_once() -> None:
    errors = new_admin_problems("", "short", "other", ["Ann"])
    assert set(errors) == {"name", "passphrase"}
    assert "12" in errors["passphrase"]
    mismatch = new_admin_problems("Bea", BEA_PASS, BEA_PASS + "!", ["Ann"])
    assert mismatch == {"passphrase": "The two passphrases are not the same."}
    assert "already" in new_admin_problems("ann", BEA_PASS, BEA_PASS, ["Ann"])["name"]
    assert new_admin_problems("  Bea   Example ", BEA_PASS, BEA_PASS, ["Ann"]) == {}


def test_add_admin_with_their_own_passphrase(kiosk_store: Store) -> None:
    with pytest.raises(FormRejected) as refused:
        add_admin(kiosk_store, "Bea Example", "too short", "too short")
    assert set(refused.value.errors) == {"passphrase"}
    assert add_admin(kiosk_store, "  Bea   Example ", BEA_PASS, BEA_PASS) == "Bea Example"
    rows = admin_rows(kiosk_store)
    assert [(r.name, r.is_you) for r in rows] == [("Bea Example", False), (KIOSK_ADMIN, True)]
    assert rows[0].last_unlock is None and rows[0].added is not None
    assert "admin.add" in actions(kiosk_store)
    Store.open(kiosk_store.path, "Bea Example", BEA_PASS).close()
    with pytest.raises(FormRejected) as duplicate:
        add_admin(kiosk_store, "bea example", BEA_PASS, BEA_PASS)
    assert "already" in duplicate.value.errors["name"]


def test_last_admin_cannot_be_removed(kiosk_store: Store) -> None:
    with pytest.raises(FormRejected) as refused:
        remove_admin(kiosk_store, KIOSK_ADMIN)
    assert "last admin" in refused.value.errors[FORM]
    assert [r.name for r in admin_rows(kiosk_store)] == [KIOSK_ADMIN]


def test_removed_passphrase_opens_nothing_new(kiosk_store: Store, tmp_path: Path) -> None:
    add_admin(kiosk_store, "Bea Example", BEA_PASS, BEA_PASS)
    add_site(kiosk_store, "Before")
    old_copy = tmp_path / "taken-earlier" / "kiosk.store"
    old_copy.parent.mkdir()
    shutil.copyfile(kiosk_store.path, old_copy)

    assert remove_admin(kiosk_store, "Bea Example").yourself is False
    add_site(kiosk_store, "After")
    assert "admin.remove" in actions(kiosk_store)
    assert [r.name for r in admin_rows(kiosk_store)] == [KIOSK_ADMIN]

    with pytest.raises(WrongPassphrase):
        Store.open(kiosk_store.path, "Bea Example", BEA_PASS)
    # The copy taken earlier still opens with Bea's passphrase, but holds nothing new...
    earlier = Store.open(old_copy, "Bea Example", BEA_PASS)
    assert site_names(earlier) == ["Before"]
    # ...and the current file is out of its reach: restoring it into the old copy fails,
    # because the old copy's signing key does not lead to the current file's signer
    # (StoreDamaged) and none of the keys it knows decrypts it.
    from store import StoreDamaged

    with pytest.raises(StoreDamaged):
        earlier.restore(kiosk_store.path)
    earlier.close()


def test_removing_yourself_locks_the_session(kiosk_store: Store) -> None:
    add_admin(kiosk_store, "Bea Example", BEA_PASS, BEA_PASS)
    assert remove_admin(kiosk_store, KIOSK_ADMIN).yourself is True
    with pytest.raises(StoreLocked):
        kiosk_store.read()
    bea = Store.open(kiosk_store.path, "Bea Example", BEA_PASS)
    assert [r.name for r in admin_rows(bea)] == ["Bea Example"]
    bea.close()


def test_change_own_passphrase_goes_through_the_one_throttle(
    kiosk_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review 2, finding 3 (P4): someone at an unlocked kiosk guessing the current
    passphrase in the change dialog waits like any other guesser, and every wrong guess
    counts into the same audited failure count."""
    import kiosk.unlock_policy
    from store import peek

    slept: list[float] = []
    monkeypatch.setattr(kiosk.unlock_policy.time, "sleep", slept.append)
    for _ in range(kiosk.unlock_policy.FREE_TRIES + 2):
        Store.record_failed_attempt(kiosk_store.path, KIOSK_ADMIN)
    failures = peek.consecutive_failures(kiosk_store.path)
    new = "seven green bottles standing"
    with pytest.raises(FormRejected):
        change_own_passphrase(kiosk_store, "a guess at it", new, new)
    assert slept == [kiosk.unlock_policy.unlock_delay(failures)]
    assert peek.consecutive_failures(kiosk_store.path) == failures + 1


def test_change_own_passphrase_needs_the_current_one(kiosk_store: Store) -> None:
    new = "seven green bottles standing"
    with pytest.raises(FormRejected) as wrong:
        change_own_passphrase(kiosk_store, "not my passphrase", new, new)
    assert "current" in wrong.value.errors
    with pytest.raises(FormRejected) as mismatch:
        change_own_passphrase(kiosk_store, KIOSK_PASSPHRASE, new, new + "s")
    assert "passphrase" in mismatch.value.errors
    change_own_passphrase(kiosk_store, KIOSK_PASSPHRASE, new, new)
    assert "admin.passphrase_change" in actions(kiosk_store)
    add_site(kiosk_store, "Still works")  # this session carries on with the new key
    with pytest.raises(WrongPassphrase):
        Store.open(kiosk_store.path, KIOSK_ADMIN, KIOSK_PASSPHRASE)
    reopened = Store.open(kiosk_store.path, KIOSK_ADMIN, new)
    assert site_names(reopened) == ["Still works"]
    reopened.close()


def test_regenerate_recovery_key(tmp_path: Path) -> None:
    store, old_code = Store.create(
        tmp_path / "k" / "kiosk.store", KIOSK_ADMIN, KIOSK_PASSPHRASE, kdf=FAST_KDF
    )
    new_code = regenerate_recovery(store)
    assert new_code != old_code
    assert "recovery.regenerate" in actions(store)
    with pytest.raises(WrongPassphrase):
        Store.open_with_recovery(store.path, old_code)
    Store.open_with_recovery(store.path, new_code).close()
    store.close()


def test_recovery_end_to_end_when_every_admin_is_gone(tmp_path: Path) -> None:
    path = tmp_path / "k" / "kiosk.store"
    store, code = Store.create(path, KIOSK_ADMIN, KIOSK_PASSPHRASE, kdf=FAST_KDF)
    add_site(store, "Willow House")
    store.close()  # ...and nobody remembers the passphrase any more

    rescue = Store.open_with_recovery(path, code.lower().replace("-", " "))
    assert rescue.admin == RECOVERY_SLOT and rescue.is_recovery
    with pytest.raises(FormRejected):
        recover(rescue, "Cy Example", "short", "short")
    name, new_code = recover(
        rescue, "Cy Example", "three rivers meet at dawn", "three rivers meet at dawn"
    )
    assert name == "Cy Example" and new_code != code
    log = actions(rescue)
    assert log[-2:] == ["admin.add", "recovery.regenerate"]
    rescue.close()

    with pytest.raises(WrongPassphrase):
        Store.open_with_recovery(path, code)  # the key that was used stops working
    cy = Store.open(path, "Cy Example", "three rivers meet at dawn")
    assert site_names(cy) == ["Willow House"]
    assert cy.verify_audit().ok
    cy.close()
    Store.open_with_recovery(path, new_code).close()


def test_recovery_resets_a_forgotten_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "k" / "kiosk.store"
    store, code = Store.create(path, KIOSK_ADMIN, KIOSK_PASSPHRASE, kdf=FAST_KDF)
    store.close()
    rescue = Store.open_with_recovery(path, code)
    name, _new_code = recover(
        rescue, KIOSK_ADMIN.upper(), "a brand new passphrase", "a brand new passphrase"
    )
    rescue.close()
    assert name == KIOSK_ADMIN
    with pytest.raises(WrongPassphrase):
        Store.open(path, KIOSK_ADMIN, KIOSK_PASSPHRASE)
    Store.open(path, KIOSK_ADMIN, "a brand new passphrase").close()


def test_recover_refuses_an_ordinary_session(kiosk_store: Store) -> None:
    with pytest.raises(FormRejected):
        recover(kiosk_store, "Cy Example", BEA_PASS, BEA_PASS)


def test_a_recovery_key_shown_in_a_recovery_session_goes_with_any_removed_admin(
    tmp_path: Path,
) -> None:
    """P3: nobody knows who sat at the recovery screen (Bob may have reset Ann's passphrase
    for her), so the key it showed counts as seen by every admin, and removing any of
    them replaces it: removed Bob's copy of it opens nothing saved after his removal."""
    path = tmp_path / "kiosk.store"
    store, first_key = Store.create(path, "Ann Admin", KIOSK_PASSPHRASE, kdf=FAST_KDF)
    store.add_admin("Bob Builder", "bob secret passphrase 1")
    store.close()
    rescue = Store.open_with_recovery(path, first_key)
    _, seen_by_bob = recover(rescue, "Ann Admin", "ann new passphrase 22", "ann new passphrase 22")
    rescue.close()
    ann = Store.open(path, "Ann Admin", "ann new passphrase 22")
    assert set(ann.recovery_shown_to()) == {"Ann Admin", "Bob Builder"}
    assert ann.remove_admin("Bob Builder") is not None  # a new key, shown to Ann
    add_site(ann, "Saved after Bob left")
    ann.close()
    with pytest.raises(WrongPassphrase):
        Store.open_with_recovery(path, seen_by_bob)


def test_an_admin_name_that_reads_as_an_existing_one_is_refused() -> None:
    errors = new_admin_problems(
        "Ann Adm\u0131n", "three rivers meet at dawn", "three rivers meet at dawn", ["Ann Admin"]
    )
    assert "Ann Admin" in errors["name"]
