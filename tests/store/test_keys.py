"""Round trip, passphrases, admins' key slots, the recovery code and key rotation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from store import (
    RECOVERY_SLOT,
    AccessRevoked,
    AdminExists,
    InvalidName,
    InvalidPassphrase,
    LastAdmin,
    Store,
    StoreDamaged,
    StoreExists,
    StoreMissing,
    UnknownAdmin,
    WrongPassphrase,
)
from store.crypto import (
    RECOVERY_ALPHABET,
    KeyUnwrapFailed,
    normalize_recovery_code,
    unwrap_data_key,
)
from store.format import encode_header, parse
from tests.conftest import FAST_KDF
from tests.store.conftest import ADMIN, PASSPHRASE, Made
from tests.store.helpers import add_person, decrypt_file, names


def test_round_trip(made: Made) -> None:
    add_person(made.store, "Alex Example", personal_mobile="07700900123")
    again = Store.open(made.path, ADMIN, PASSPHRASE)
    people = again.read().table("people").all()
    assert [dict(p) for p in people] == [
        {"full_name": "Alex Example", "personal_mobile": "07700900123"}
    ]
    assert people[0].doc_id == 1
    assert again.admin == ADMIN
    assert again.generation == made.store.generation


def test_create_refuses_an_existing_file(made: Made) -> None:
    with pytest.raises(StoreExists):
        Store.create(made.path, "Someone Else", "another passphrase", kdf=FAST_KDF)
    assert Store.open(made.path, ADMIN, PASSPHRASE).admin == ADMIN


def test_missing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreMissing):
        Store.open(tmp_path / "nope.store", ADMIN, PASSPHRASE)
    assert not Store.exists(tmp_path / "nope.store")


def test_wrong_passphrase_and_unknown_name_are_the_same_error(made: Made) -> None:
    with pytest.raises(WrongPassphrase) as wrong:
        Store.open(made.path, ADMIN, PASSPHRASE + "x")
    with pytest.raises(WrongPassphrase) as unknown:
        Store.open(made.path, "Nobody", PASSPHRASE)
    assert wrong.value.code == unknown.value.code == "wrong_passphrase"
    assert wrong.value.message == unknown.value.message
    assert PASSPHRASE not in wrong.value.message and "Nobody" not in unknown.value.message


def test_name_is_matched_without_case_or_spaces(made: Made) -> None:
    assert Store.open(made.path, "  ann ADMIN ", PASSPHRASE).admin == ADMIN


def test_every_admin_and_the_recovery_code_open_the_same_data(made: Made) -> None:
    made.store.add_admin("Bea Admin", "second passphrase")
    made.store.add_admin("Cal Admin", "third passphrase")
    add_person(made.store, "Dee Example")
    stores = [
        Store.open(made.path, ADMIN, PASSPHRASE),
        Store.open(made.path, "Bea Admin", "second passphrase"),
        Store.open(made.path, "Cal Admin", "third passphrase"),
        Store.open_with_recovery(made.path, made.code),
    ]
    assert {tuple(names(s)) for s in stores} == {("Dee Example",)}
    assert stores[3].admin == RECOVERY_SLOT and stores[3].is_recovery
    assert Store.admin_names(made.path) == [ADMIN, "Bea Admin", "Cal Admin"]
    # a session of any admin sees another admin's save
    add_person(stores[1], "Eve Example")
    assert names(stores[2]) == ["Dee Example", "Eve Example"]


def test_recovery_code_shape_and_spellings(made: Made) -> None:
    groups = made.code.split("-")
    assert [len(g) for g in groups] == [5, 5, 5, 5, 5]
    assert all(ch in RECOVERY_ALPHABET for ch in "".join(groups))
    for spelling in (made.code.lower(), made.code.replace("-", ""), made.code.replace("-", " ")):
        assert Store.open_with_recovery(made.path, spelling).admin == RECOVERY_SLOT
    with pytest.raises(WrongPassphrase):
        Store.open_with_recovery(made.path, made.code[:-1] + ("A" if made.code[-1] != "A" else "B"))
    with pytest.raises(WrongPassphrase):
        Store.open_with_recovery(made.path, "not a code")
    assert normalize_recovery_code("abcde-fghjk-mnpqr-stvwx-yz234") == "ABCDEFGHJKMNPQRSTVWXYZ234"
    assert normalize_recovery_code("ABCDE-FGHIJ-KLMNO-PQRST-UVWXY") is None  # I, L, O, U


def test_recovery_code_is_not_stored_anywhere(made: Made) -> None:
    add_person(made.store)
    folder = made.path.parent
    for f in folder.rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            assert made.code.encode() not in data
            assert made.code.replace("-", "").encode() not in data
            assert PASSPHRASE.encode() not in data


def test_admin_names_rules(made: Made) -> None:
    for bad in ("", "   ", "#recovery", "#x", "a" * 65, "tab\there"):
        with pytest.raises(InvalidName):
            made.store.add_admin(bad, "whatever passphrase")
    with pytest.raises(AdminExists):
        made.store.add_admin(ADMIN.upper(), "whatever passphrase")
    with pytest.raises(InvalidPassphrase):
        made.store.add_admin("Bea Admin", "")
    with pytest.raises(UnknownAdmin):
        made.store.remove_admin("Nobody")
    with pytest.raises(UnknownAdmin):
        made.store.change_passphrase("Nobody", "x")


def test_last_admin_cannot_be_removed(made: Made) -> None:
    with pytest.raises(LastAdmin) as err:
        made.store.remove_admin(ADMIN)
    assert err.value.code == "last_admin"
    # the recovery slot does not count as an admin
    assert Store.open(made.path, ADMIN, PASSPHRASE).admins()[0].name == ADMIN


def test_removed_admin_opens_nothing_written_after_removal(made: Made, tmp_path: Path) -> None:
    made.store.add_admin("Bea Admin", "bea passphrase")
    add_person(made.store, "Before Removal")
    before = tmp_path / "copy-before-removal.store"
    shutil.copy(made.path, before)

    # What Bea can still get from her old copy: the old data key and her slot's key.
    bea_old = Store.open(before, "Bea Admin", "bea passphrase")
    old_key = bytes(bea_old._data_key or b"")
    bea_private = bea_old._private
    assert names(bea_old) == ["Before Removal"]

    made.store.remove_admin("Bea Admin")
    add_person(made.store, "After Removal")
    new_bytes = made.path.read_bytes()
    new = parse(new_bytes)

    # 1. her passphrase does not open the new file
    with pytest.raises(WrongPassphrase):
        Store.open(made.path, "Bea Admin", "bea passphrase")
    # 2. the old data key does not decrypt the new body
    with pytest.raises(InvalidTag):
        decrypt_file(made.path, old_key)
    # 3. her slot's private key unwraps no slot of the new header
    assert bea_private is not None
    for slot in new.header.slots:
        with pytest.raises(KeyUnwrapFailed):
            unwrap_data_key(new.header.store_id, slot, bea_private, new.header.key_id)
    # 4. splicing her old slot into the new header gets her nowhere
    old_slot = parse(before.read_bytes()).header.slot("Bea Admin")
    assert old_slot is not None
    spliced = new.header.__class__(
        **{
            **{f: getattr(new.header, f) for f in new.header.__dataclass_fields__},
            "slots": (*new.header.slots, old_slot),
        }
    )
    forged = tmp_path / "forged.store"
    forged.write_bytes(encode_header(spliced) + new.body)
    with pytest.raises((StoreDamaged, WrongPassphrase)):
        Store.open(forged, "Bea Admin", "bea passphrase")
    # and the remaining admin sees everything
    assert names(Store.open(made.path, ADMIN, PASSPHRASE)) == ["After Removal", "Before Removal"]


def test_session_of_a_removed_admin_is_revoked(made: Made) -> None:
    made.store.add_admin("Bea Admin", "bea passphrase")
    bea = Store.open(made.path, "Bea Admin", "bea passphrase")
    made.store.remove_admin("Bea Admin")
    with pytest.raises(AccessRevoked):
        bea.read()


def test_other_admins_sessions_survive_a_key_rotation(made: Made) -> None:
    made.store.add_admin("Bea Admin", "bea passphrase")
    made.store.add_admin("Cal Admin", "cal passphrase")
    cal = Store.open(made.path, "Cal Admin", "cal passphrase")
    made.store.remove_admin("Bea Admin")
    add_person(cal, "Written By Cal")  # Cal's session derives the new data key itself
    assert names(made.store) == ["Written By Cal"]


def test_removing_yourself_locks_the_session(made: Made) -> None:
    made.store.add_admin("Bea Admin", "bea passphrase")
    bea = Store.open(made.path, "Bea Admin", "bea passphrase")
    bea.remove_admin("Bea Admin")
    with pytest.raises(Exception) as err:
        bea.read()
    assert getattr(err.value, "code", "") == "locked"
    assert Store.admin_names(made.path) == [ADMIN]


def test_change_passphrase(made: Made, tmp_path: Path) -> None:
    other_session = Store.open(made.path, ADMIN, PASSPHRASE)
    before = tmp_path / "before.store"
    shutil.copy(made.path, before)
    old_key = bytes(Store.open(before, ADMIN, PASSPHRASE)._data_key or b"")

    made.store.change_passphrase(ADMIN, "a brand new passphrase")
    add_person(made.store, "After Change")  # this session keeps working

    with pytest.raises(WrongPassphrase):
        Store.open(made.path, ADMIN, PASSPHRASE)
    assert names(Store.open(made.path, ADMIN, "a brand new passphrase")) == ["After Change"]
    with pytest.raises(InvalidTag):  # old passphrase + old copy open nothing new
        decrypt_file(made.path, old_key)
    with pytest.raises(AccessRevoked):  # another session of the same admin must unlock again
        other_session.read()


def test_recovery_session_can_reset_a_forgotten_passphrase(made: Made) -> None:
    rescue = Store.open_with_recovery(made.path, made.code)
    rescue.change_passphrase(ADMIN, "remembered this time")
    assert Store.open(made.path, ADMIN, "remembered this time").admin == ADMIN
    assert any(
        e.action == "admin.passphrase_change" and e.admin == RECOVERY_SLOT
        for e in rescue.audit_entries()
    )


def test_regenerate_recovery(made: Made) -> None:
    add_person(made.store)
    new_code = made.store.regenerate_recovery()
    assert new_code != made.code
    with pytest.raises(WrongPassphrase):
        Store.open_with_recovery(made.path, made.code)
    assert names(Store.open_with_recovery(made.path, new_code)) == ["Alex Example"]


def test_regenerate_recovery_from_a_recovery_session(made: Made) -> None:
    rescue = Store.open_with_recovery(made.path, made.code)
    new_code = rescue.regenerate_recovery()
    add_person(rescue, "Still Works")  # the session switched to its new key pair
    assert names(Store.open_with_recovery(made.path, new_code)) == ["Still Works"]


def test_admins_list(made: Made) -> None:
    made.store.add_admin("Bea Admin", "bea passphrase")
    Store.open(made.path, "Bea Admin", "bea passphrase")
    infos = made.store.admins()
    assert [a.name for a in infos] == [ADMIN, "Bea Admin"]
    assert all(a.added.utcoffset() is not None for a in infos)
    assert infos[1].last_unlock is not None
    assert Store.last_admin(made.path) == "Bea Admin"


def test_lock_forgets_and_unlock_restores(made: Made) -> None:
    add_person(made.store)
    made.store.lock()
    assert made.store._data_key is None and made.store._private is None
    with pytest.raises(Exception) as err:
        made.store.read()
    assert getattr(err.value, "code", "") == "locked"
    with pytest.raises(WrongPassphrase):
        made.store.unlock("wrong")
    made.store.unlock(PASSPHRASE)
    assert names(made.store) == ["Alex Example"]


def test_kdf_parameters_are_kept_per_slot(made: Made) -> None:
    slot = parse(made.path.read_bytes()).header.slot(ADMIN)
    assert slot is not None and slot.kdf == FAST_KDF
