"""Modes, safe saves, the ten generations in backups/, restore and backup copies."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from store import (
    RECOVERY_SLOT,
    NotOpenable,
    Store,
    StoreDamaged,
    StoreError,
    StoreExists,
    StoreMissing,
    WrongPassphrase,
)
from store.files import BACKUPS_KEPT
from tests.conftest import FAST_KDF
from tests.store.conftest import ADMIN, PASSPHRASE, Made
from tests.store.helpers import add_person, names


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_store_is_private(made: Made) -> None:
    add_person(made.store)
    folder = made.path.parent
    assert _mode(made.path) == 0o600
    assert _mode(folder) == 0o700
    assert _mode(folder / "backups") == 0o700
    assert _mode(made.path.with_name("kiosk.store.state")) == 0o600
    assert _mode(made.path.with_name("kiosk.store.lock")) == 0o600
    for backup in (folder / "backups").iterdir():
        assert _mode(backup) == 0o600
    assert made.store.warnings == []


def test_missing_parent_folders_are_created_private(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "kiosk.store"
    Store.create(path, ADMIN, PASSPHRASE, kdf=FAST_KDF)
    assert _mode(tmp_path / "a") == 0o700 and _mode(tmp_path / "a" / "b") == 0o700


def test_loose_modes_are_warned_about_with_codes(made: Made) -> None:
    os.chmod(made.path, 0o644)
    os.chmod(made.path.parent, 0o755)
    store = Store.open(made.path, ADMIN, PASSPHRASE)
    codes = {getattr(w, "code", None) for w in store.warnings}
    assert {"file_mode", "folder_mode"} <= codes
    assert all(isinstance(w, str) and ("0600" in w or "0700" in w) for w in store.warnings)
    store.fix_permissions()
    assert store.warnings == []
    assert _mode(made.path) == 0o600 and _mode(made.path.parent) == 0o700


def test_existing_loose_folder_is_left_but_reported(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    store, _ = Store.create(folder / "kiosk.store", ADMIN, PASSPHRASE, kdf=FAST_KDF)
    assert _mode(folder) == 0o755
    assert [w.code for w in store.warnings if hasattr(w, "code")] == ["folder_mode"]


def test_nothing_decrypted_touches_the_disk(made: Made) -> None:
    marker = "Zebedee Quillfeather"
    add_person(made.store, marker, personal_email="zq@example.org")
    add_person(made.store, "Other Person")
    made.store.backup_to(made.path.parent / "copy.store")
    for f in made.path.parent.rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            assert marker.encode() not in data and b"zq@example.org" not in data, f.name
            assert b"Zebedee" not in data


def test_backups_rotate_at_ten(made: Made) -> None:
    for i in range(15):
        add_person(made.store, f"Person {i:02d}")
    gens = made.store.generations()
    assert len(gens) == BACKUPS_KEPT
    current = made.store.generation
    assert [g.generation for g in gens] == list(range(current - 1, current - 11, -1))
    assert all(g.ok and g.saved_by == ADMIN for g in gens)
    on_disk = sorted(p.name for p in (made.path.parent / "backups").iterdir())
    assert len(on_disk) == BACKUPS_KEPT


def test_restore_an_earlier_generation(made: Made) -> None:
    for i in range(4):
        add_person(made.store, f"Person {i}")
    target = next(g for g in made.store.generations() if g.generation == 3)  # 2 people
    other_session = Store.open(made.path, ADMIN, PASSPHRASE)
    before = made.store.generation

    made.store.restore(target.path)

    assert names(made.store) == ["Person 0", "Person 1"]
    assert made.store.generation == before + 1  # never goes back: others must notice
    assert other_session.changed()
    assert names(other_session) == ["Person 0", "Person 1"]
    # the file replaced by the restore is itself kept as a generation
    assert made.store.generations()[0].generation == before
    report = made.store.verify_audit()
    assert report.ok
    last = made.store.audit_entries()[-1]
    assert last.action == "store.restore" and "generation 3" in last.detail
    # and the replaced state can be restored in turn
    made.store.restore(made.store.generations()[0].path)
    assert len(names(made.store)) == 4


def test_restore_does_not_bring_back_a_removed_admin(made: Made) -> None:
    made.store.add_admin("Bea Admin", "bea passphrase")
    add_person(made.store)
    with_bea = made.store.generations()[0]
    made.store.remove_admin("Bea Admin")
    made.store.restore(with_bea.path)
    with pytest.raises(WrongPassphrase):
        Store.open(made.path, "Bea Admin", "bea passphrase")
    assert Store.admin_names(made.path) == [ADMIN]


def test_restore_across_a_passphrase_change_uses_the_keyring(made: Made) -> None:
    add_person(made.store, "Old Record")
    add_person(made.store, "Second Record")
    made.store.change_passphrase(ADMIN, "new passphrase here")
    old = next(g for g in made.store.generations() if g.generation == 2)
    # a new session, opened with the new passphrase, can still restore the old generation
    fresh = Store.open(made.path, ADMIN, "new passphrase here")
    fresh.restore(old.path)
    assert names(fresh) == ["Old Record"]


def test_restore_of_a_foreign_or_unknown_generation(made: Made, tmp_path: Path) -> None:
    other, _ = Store.create(tmp_path / "other" / "x.store", ADMIN, PASSPHRASE, kdf=FAST_KDF)
    with pytest.raises(NotOpenable):
        made.store.restore(other.path)
    junk = tmp_path / "junk.store"
    junk.write_bytes(b"nothing here")
    with pytest.raises(StoreDamaged):
        made.store.restore(junk)


def test_restore_needs_the_old_passphrase_when_no_key_is_known(made: Made, tmp_path: Path) -> None:
    add_person(made.store, "Kept")
    copy = tmp_path / "offsite.store"
    made.store.backup_to(copy)
    made.store.change_passphrase(ADMIN, "second passphrase")
    fresh = Store.open(made.path, ADMIN, "second passphrase")
    fresh._keyring.clear()  # as if the copy were older than every key the store remembers
    with pytest.raises(NotOpenable):
        fresh.restore(copy)
    with pytest.raises(WrongPassphrase):
        fresh.restore(copy, passphrase="not it")
    fresh.restore(copy, passphrase=PASSPHRASE)
    assert names(fresh) == ["Kept"]


def test_backup_copy_opens_with_the_same_slots(made: Made, tmp_path: Path) -> None:
    made.store.add_admin("Bea Admin", "bea passphrase")
    add_person(made.store, "In The Copy")
    dest = tmp_path / "usb" / "kiosk-backup.store"
    made.store.backup_to(dest)
    assert _mode(dest) == 0o600
    assert names(Store.open(dest, "Bea Admin", "bea passphrase")) == ["In The Copy"]
    copy_audit = Store.open(dest, ADMIN, PASSPHRASE).audit_entries()
    assert copy_audit[-1].action == "store.backup" and copy_audit[-1].detail == dest.name
    assert names(Store.open_with_recovery(dest, made.code)) == ["In The Copy"]
    # using the recovery code is audited: from then on it counts as seen by every admin
    assert Store.open(dest, ADMIN, PASSPHRASE).audit_entries()[-1].action == "recovery.used"
    with pytest.raises(StoreExists):
        made.store.backup_to(dest)
    made.store.backup_to(dest, overwrite=True)


def test_restore_a_damaged_store(made: Made) -> None:
    for i in range(3):
        add_person(made.store, f"Person {i}")
    damaged = bytearray(made.path.read_bytes())
    damaged[-1] ^= 1
    made.path.write_bytes(bytes(damaged))
    with pytest.raises(StoreDamaged) as err:
        Store.open(made.path, ADMIN, PASSPHRASE)
    newest = err.value.generations[0]

    restored = Store.restore_damaged(made.path, newest.path, ADMIN, PASSPHRASE)

    assert names(restored) == ["Person 0", "Person 1"]
    assert restored.generation > newest.generation
    aside = [p for p in made.path.parent.iterdir() if p.name.startswith("kiosk.store.damaged-")]
    assert len(aside) == 1 and aside[0].read_bytes() == bytes(damaged)
    assert restored.audit_entries()[-1].action == "store.restore_damaged"
    assert names(Store.open(made.path, ADMIN, PASSPHRASE)) == ["Person 0", "Person 1"]


def test_store_deleted_by_mistake_lists_backups_and_comes_back(made: Made) -> None:
    add_person(made.store, "Person 0")
    add_person(made.store, "Person 1")
    made.path.unlink()
    with pytest.raises(StoreMissing) as err:
        Store.open(made.path, ADMIN, PASSPHRASE)
    newest = err.value.generations[0]
    restored = Store.restore_damaged(made.path, newest.path, ADMIN, PASSPHRASE)
    assert names(restored) == ["Person 0"]


def test_restore_damaged_with_the_recovery_code(made: Made) -> None:
    add_person(made.store, "Person 0")
    add_person(made.store, "Person 1")
    made.path.write_bytes(b"garbage")
    gen = made.store.generations()[0]
    restored = Store.restore_damaged(made.path, gen.path, RECOVERY_SLOT, made.code)
    assert restored.admin == RECOVERY_SLOT and names(restored) == ["Person 0"]


def test_restore_damaged_refuses_a_healthy_store(made: Made) -> None:
    add_person(made.store)
    gen = made.store.generations()[0]
    with pytest.raises(StoreError) as err:
        Store.restore_damaged(made.path, gen.path, ADMIN, PASSPHRASE)
    assert type(err.value) is StoreError
    # a removed admin cannot use it to roll the store back either
    made.store.add_admin("Bea Admin", "bea passphrase")
    with_bea = made.store.generations()[0]
    made.store.remove_admin("Bea Admin")
    with pytest.raises(WrongPassphrase):
        Store.restore_damaged(made.path, with_bea.path, "Bea Admin", "bea passphrase")
    assert Store.admin_names(made.path) == [ADMIN]


def test_stray_temp_files_are_cleaned_up(made: Made) -> None:
    stray = made.path.with_name(".kiosk.store.tmp-deadbeef")
    stray.write_bytes(b"half a save")
    add_person(made.store)
    assert not stray.exists()


def test_save_failure_leaves_the_file_and_memory_as_they_were(
    made: Made, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_person(made.store, "Before")
    original = made.path.read_bytes()

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("store.transactions.os.replace", disk_full)
    with pytest.raises(StoreError) as err:
        add_person(made.store, "Lost")
    assert err.value.code == "save_failed" and "No space" in err.value.message
    monkeypatch.undo()
    assert made.path.read_bytes() == original
    assert names(made.store) == ["Before"]
    assert not list(made.path.parent.glob(".kiosk.store.tmp-*"))


def test_generation_file_names_do_not_mix_stores(made: Made) -> None:
    other, _ = Store.create(made.path.with_name("second.store"), ADMIN, PASSPHRASE, kdf=FAST_KDF)
    add_person(other)
    add_person(made.store)
    assert [g.path.name for g in other.generations()] == ["second.store.g00000001"]
    assert [g.path.name for g in made.store.generations()] == ["kiosk.store.g00000001"]


def test_copy_of_store_elsewhere_opens(made: Made, tmp_path: Path) -> None:
    add_person(made.store, "Copied")
    dest = tmp_path / "elsewhere.store"
    shutil.copy(made.path, dest)
    assert names(Store.open(dest, ADMIN, PASSPHRASE)) == ["Copied"]


def test_unwritable_lock_file_gives_a_clear_error_and_reading_still_works(made: Made) -> None:
    add_person(made.store, "Readable")
    lock = made.path.with_name("kiosk.store.lock")
    lock.unlink()
    lock.mkdir()  # cannot be opened for writing, like a lock file on a read-only folder
    store = Store.open(made.path, ADMIN, PASSPHRASE)
    assert names(store) == ["Readable"]
    assert "read_only" in {getattr(w, "code", None) for w in store.warnings}
    with pytest.raises(StoreError) as err:
        add_person(store)
    assert err.value.code == "save_failed"
