"""Issue 12: the store written as an attacker would attack it.

Every attacker here uses only the store's own format module, public data and what the
threat model grants them: (a) write access to the folder and no passphrase; (b) a removed
admin with an old file, their old passphrase and a recovery code they once saw.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from store import (
    RECOVERY_SLOT,
    AccessRevoked,
    KdfParams,
    OtherStore,
    Store,
    StoreDamaged,
    StoreRollback,
    StoreTampered,
    WrongPassphrase,
    files,
    signing,
)
from store.body import encode_fresh
from store.crypto import encrypt_body, new_data_key, wrap_data_key
from store.format import encode_header, parse, peek_header
from store.layout import SIG_LEN
from tests.conftest import FAST_KDF
from tests.store.conftest import ADMIN, PASSPHRASE, Made
from tests.store.helpers import add_person, names

BEA = "Bea Admin"
BEA_PASS = "hazel lantern orbit"
FIXTURE = Path(__file__).parent / "fixtures" / "v1"


def forge(victim: Path, out: Path, *, with_recovery: bool = False) -> None:
    """Attacker (a): a new data key wrapped to every public slot key, a document of their
    own, signed with a key of their own. Needs nothing but the file's public header."""
    header = parse(victim.read_bytes()).header
    data_key, key_id = new_data_key()
    own = signing.new_signing_key()
    slots = tuple(
        wrap_data_key(header.store_id, s, data_key, key_id)
        for s in header.slots
        if with_recovery or s.name != RECOVERY_SLOT
    )
    forged = replace(
        header,
        generation=header.generation + 5,
        key_id=key_id,
        slots=slots,
        sign_public=signing.public_bytes(own),
        body_nonce=os.urandom(12),
    )
    head = encode_header(forged)
    doc = {"people": {"1": {"full_name": "Mallory Forger"}}}
    payload = encode_fresh(doc, {"sign": signing.private_bytes(own).hex()})
    body = encrypt_body(data_key, forged.body_nonce, payload, head)
    out.write_bytes(head + body + signing.sign_file(own, head, body))


def test_forged_store_is_refused_at_unlock(made: Made) -> None:
    made.store.close()
    forge(made.path, made.path, with_recovery=True)
    before = made.path.read_bytes()
    with pytest.raises(StoreDamaged) as err:
        Store.open(made.path, ADMIN, PASSPHRASE)
    assert "not written by a current admin" in err.value.message
    with pytest.raises(StoreDamaged):
        Store.open_with_recovery(made.path, made.code)
    assert made.path.read_bytes() == before  # left exactly as it was


def test_forged_pin_is_refused(made: Made) -> None:
    """The forger also rewrites the victim's slot to vouch for the forger's key."""
    made.store.close()
    forge(made.path, made.path)
    parsed = parse(made.path.read_bytes())
    own = signing.new_signing_key()
    slots = tuple(
        replace(s, pin_public=signing.public_bytes(own), pin=os.urandom(32))
        for s in parsed.header.slots
    )
    header = replace(parsed.header, slots=slots, sign_public=signing.public_bytes(own))
    head = encode_header(header)
    made.path.write_bytes(head + parsed.body + signing.sign_file(own, head, parsed.body))
    with pytest.raises(StoreDamaged):
        Store.open(made.path, ADMIN, PASSPHRASE)


def test_open_session_refuses_a_forgery_on_its_next_read(made: Made) -> None:
    add_person(made.store)
    forge(made.path, made.path)
    with pytest.raises(StoreDamaged):
        made.store.read()


def test_forged_backup_is_refused_by_restore(made: Made, tmp_path: Path) -> None:
    fake = tmp_path / "stick" / "kiosk.store"
    fake.parent.mkdir()
    forge(made.path, fake)
    with pytest.raises(StoreDamaged):
        made.store.restore(fake, passphrase=PASSPHRASE)
    assert "Mallory Forger" not in names(made.store)


def test_forged_file_is_refused_by_restore_damaged(made: Made, tmp_path: Path) -> None:
    made.store.close()
    fake = tmp_path / "forged.store"
    forge(made.path, fake)
    made.path.write_bytes(b"junk")
    with pytest.raises(StoreDamaged):
        Store.restore_damaged(made.path, fake, ADMIN, PASSPHRASE)


def test_edited_kdf_parameter_is_damage_not_a_wrong_passphrase(made: Made) -> None:
    made.store.close()
    parsed = parse(made.path.read_bytes())
    slot = parsed.header.slots[0]
    edited = replace(slot, kdf=KdfParams(memory_kib=slot.kdf.memory_kib * 2, iterations=1, lanes=1))
    header = replace(parsed.header, slots=(edited, *parsed.header.slots[1:]))
    made.path.write_bytes(encode_header(header) + parsed.body + parsed.signature)
    with pytest.raises(StoreDamaged):
        Store.open(made.path, ADMIN, PASSPHRASE)


def test_every_header_field_is_bound(made: Made) -> None:
    """Any header change with a recomputed checksum and the old signature is damage."""
    made.store.close()
    parsed = parse(made.path.read_bytes())
    for change in (
        {"saved_by": "Mallory"},
        {"generation": parsed.header.generation + 1},
        {"recovery_shown": ()},
        {"key_id": "0" * 16},
    ):
        header = replace(parsed.header, **change)  # type: ignore[arg-type]
        made.path.write_bytes(encode_header(header) + parsed.body + parsed.signature)
        with pytest.raises(StoreDamaged):
            Store.open(made.path, ADMIN, PASSPHRASE)


def test_copied_back_generation_is_a_rollback(made: Made) -> None:
    add_person(made.store, "Alex Example")
    add_person(made.store, "Sam Sample")
    made.store.close()
    Store.open(made.path, ADMIN, PASSPHRASE).close()
    old = sorted((made.path.parent / "backups").iterdir())[0]
    shutil.copyfile(old, made.path)
    with pytest.raises(StoreRollback) as err:
        Store.open(made.path, ADMIN, PASSPHRASE)
    assert "older than the one you last used on" in err.value.message
    assert "kiosk restore" in err.value.message


def test_restore_goes_forward_and_never_reuses_a_generation(made: Made) -> None:
    add_person(made.store, "Alex Example")
    add_person(made.store, "Sam Sample")
    newest = made.store.generation
    made.store.close()
    gens = Store.list_generations(made.path)
    old = gens[-1]
    shutil.copyfile(old.path, made.path)
    with pytest.raises(StoreRollback):
        Store.open(made.path, ADMIN, PASSPHRASE)
    store = Store.restore_damaged(made.path, old.path, ADMIN, PASSPHRASE)
    try:
        assert store.generation > newest
        numbers = [g.generation for g in Store.list_generations(made.path)]
        assert len(numbers) == len(set(numbers))
        assert store.audit_entries()[-1].action == "store.restore_damaged"
    finally:
        store.close()
    Store.open(made.path, ADMIN, PASSPHRASE).close()


def test_open_session_refuses_a_copied_back_file(made: Made) -> None:
    add_person(made.store, "Alex Example")
    add_person(made.store, "Sam Sample")
    old = sorted((made.path.parent / "backups").iterdir())[0]
    shutil.copyfile(old, made.path)
    with pytest.raises(StoreRollback):
        made.store.read()


def _removed_bea(made: Made, tmp_path: Path) -> tuple[Path, str, str | None]:
    """Bea is added, sees a recovery code she makes, keeps a copy, and is removed."""
    made.store.add_admin(BEA, BEA_PASS)
    bea = Store.open(made.path, BEA, BEA_PASS)
    code = bea.regenerate_recovery()
    bea.close()
    copy = tmp_path / "bea-copy.store"
    shutil.copyfile(made.path, copy)
    new_code = made.store.remove_admin(BEA)
    add_person(made.store, "Alex Example")
    return copy, code, new_code


def test_removed_admin_reads_nothing_after_removal(made: Made, tmp_path: Path) -> None:
    copy, code, new_code = _removed_bea(made, tmp_path)
    assert new_code is not None and new_code != code  # she had seen it: rotated
    with pytest.raises(WrongPassphrase):
        Store.open(made.path, BEA, BEA_PASS)
    with pytest.raises(WrongPassphrase):
        Store.open_with_recovery(made.path, code)
    # her old copy still opens, but holds nothing written after the removal
    old = Store.open(copy, BEA, BEA_PASS)
    assert "Alex Example" not in names(old)
    old_sign = old._sign
    old.close()
    # the current file's body is under a key she never had
    parsed = parse(made.path.read_bytes())
    assert parsed.header.sign_public != signing.public_bytes(old_sign)
    Store.open_with_recovery(made.path, new_code).close()


def test_removed_admin_forges_nothing(made: Made, tmp_path: Path) -> None:
    """Bea signs a new file with the signing key she knew and certifies a key of hers."""
    copy, _, new_code = _removed_bea(made, tmp_path)
    assert new_code is not None
    old = Store.open(copy, BEA, BEA_PASS)
    old_sign = old._sign
    old.close()
    made.store.close()
    current = parse(made.path.read_bytes()).header
    mine = signing.new_signing_key()
    cert = signing.certify(old_sign, current.store_id, signing.public_bytes(mine))
    data_key, key_id = new_data_key()
    slots = tuple(wrap_data_key(current.store_id, s, data_key, key_id) for s in current.slots)
    forged = replace(
        current,
        generation=current.generation + 1,
        slots=slots,
        key_id=key_id,
        sign_public=signing.public_bytes(mine),
        rotations=(*current.rotations, cert),
        body_nonce=os.urandom(12),
    )
    head = encode_header(forged)
    payload = encode_fresh({"people": {}}, {"sign": signing.private_bytes(mine).hex()})
    body = encrypt_body(data_key, forged.body_nonce, payload, head)
    made.path.write_bytes(head + body + signing.sign_file(mine, head, body))
    # Ann unlocked since the removal: her pin and her record moved past Bea's old key.
    with pytest.raises(StoreDamaged):
        Store.open(made.path, ADMIN, PASSPHRASE)
    # The new recovery slot was pinned to the new key when it was made, not the old one.
    with pytest.raises(StoreDamaged):
        Store.open_with_recovery(made.path, new_code)


def test_damaged_header_restore_by_a_removed_admin_is_refused(made: Made, tmp_path: Path) -> None:
    copy, _, _ = _removed_bea(made, tmp_path)
    made.store.close()
    data = bytearray(made.path.read_bytes())
    data[40] ^= 0xFF  # the header no longer reads
    made.path.write_bytes(bytes(data))
    with pytest.raises((AccessRevoked, WrongPassphrase)):
        Store.restore_damaged(made.path, copy, BEA, BEA_PASS)
    for gen in Store.list_generations(made.path):
        with pytest.raises((AccessRevoked, WrongPassphrase, StoreDamaged)):
            Store.restore_damaged(made.path, gen.path, BEA, BEA_PASS)


def test_restore_never_brings_back_a_removed_slot(made: Made) -> None:
    made.store.add_admin(BEA, BEA_PASS)
    add_person(made.store, "Alex Example")
    with_bea = Store.list_generations(made.path)[0].path
    made.store.remove_admin(BEA)
    made.store.restore(with_bea)
    made.store.close()
    assert BEA not in Store.admin_names(made.path)
    with pytest.raises(WrongPassphrase):
        Store.open(made.path, BEA, BEA_PASS)


def test_generation_numbers_stay_unique_after_a_copy_back(made: Made) -> None:
    add_person(made.store, "Alex Example")
    made.store.close()
    numbers = [g.generation for g in Store.list_generations(made.path)]
    assert len(numbers) == len(set(numbers))


# --- format 1 ----------------------------------------------------------------------


def _fixture(tmp_path: Path) -> Path:
    folder = tmp_path / "v1"
    shutil.copytree(FIXTURE, folder)
    os.chmod(folder, 0o700)
    return folder / "kiosk.store"


def test_version_1_store_opens_upgrades_and_keeps_everything(tmp_path: Path) -> None:
    path = _fixture(tmp_path)
    assert struct.unpack(">H", path.read_bytes()[8:10]) == (1,)
    store = Store.open(path, ADMIN, PASSPHRASE)
    try:
        assert names(store) == ["Alex Example", "Sam Sample"]
        assert store.verify_audit().ok
        actions = [e.action for e in store.audit_entries()]
        assert "store.upgrade" in actions
    finally:
        store.close()
    assert struct.unpack(">H", path.read_bytes()[8:10]) == (2,)
    bob = Store.open(path, "Bob Admin", "violet anchor meadow")
    assert any(w.code == "slot_unpinned" for w in bob.warnings if hasattr(w, "code"))
    bob.close()
    code = (path.parent / "RECOVERY.txt").read_text("utf-8").strip()
    Store.open_with_recovery(path, code).close()


def test_version_1_backups_stay_restorable(tmp_path: Path) -> None:
    path = _fixture(tmp_path)
    store = Store.open(path, ADMIN, PASSPHRASE)
    try:
        oldest = Store.list_generations(path)[-1]
        store.restore(oldest.path, passphrase=PASSPHRASE)
        assert store.verify_audit().ok
        assert store.audit_entries()[-1].action == "store.restore"
    finally:
        store.close()


def test_downgrade_to_format_1_after_signing_is_refused(tmp_path: Path) -> None:
    path = _fixture(tmp_path)
    v1_copy = tmp_path / "v1-copy"
    shutil.copyfile(path, v1_copy)
    Store.open(path, ADMIN, PASSPHRASE).close()  # upgraded; Ann's record pins the key
    shutil.copyfile(v1_copy, path)
    with pytest.raises((StoreDamaged, StoreRollback)):
        Store.open(path, ADMIN, PASSPHRASE)


def test_signature_trailer_is_part_of_the_file(made: Made) -> None:
    made.store.close()
    data = made.path.read_bytes()
    made.path.write_bytes(data[:-SIG_LEN] + bytes(SIG_LEN))
    with pytest.raises(StoreDamaged):
        Store.open(made.path, ADMIN, PASSPHRASE)


def test_recovery_key_survives_removing_an_admin_who_never_saw_it(made: Made) -> None:
    made.store.add_admin(BEA, BEA_PASS)
    assert made.store.recovery_shown_to() == (ADMIN,)
    assert made.store.remove_admin(BEA) is None
    Store.open_with_recovery(made.path, made.code).close()


def test_removing_yourself_after_seeing_the_key_replaces_it_for_nobody(made: Made) -> None:
    made.store.add_admin(BEA, BEA_PASS)
    assert made.store.remove_admin(ADMIN) is None  # shown to nobody: you are leaving
    with pytest.raises(WrongPassphrase):
        Store.open_with_recovery(made.path, made.code)
    bea = Store.open(made.path, BEA, BEA_PASS)
    try:
        assert bea.recovery_shown_to() == ()
    finally:
        bea.close()


def test_a_key_made_in_a_recovery_session_counts_as_shown_to_every_admin(made: Made) -> None:
    """Who sat at the recovery screen is unknown (any admin may have held the old code),
    so the new code is recorded as seen by all: removing any admin replaces it."""
    made.store.close()
    rescue = Store.open_with_recovery(made.path, made.code)
    rescue.add_admin(BEA, BEA_PASS)
    rescue.regenerate_recovery(shown_to=BEA)
    assert set(rescue.recovery_shown_to()) == {ADMIN, BEA}
    rescue.close()


def test_missing_or_damaged_record_is_reported_never_silently_recreated(
    made: Made, private_state_dir: Path
) -> None:
    add_person(made.store)
    made.store.close()
    state_file = made.path.with_name(made.path.name + ".state")
    doc = json.loads(state_file.read_text("utf-8"))
    doc["trust"][ADMIN]["generation"] = 1  # moved back by hand: the MAC no longer fits
    state_file.write_text(json.dumps(doc), "utf-8")
    store = Store.open(made.path, ADMIN, PASSPHRASE)
    assert "trust_damaged" in [getattr(w, "code", "") for w in store.warnings]
    store.close()
    state_file.unlink()
    store = Store.open(made.path, ADMIN, PASSPHRASE)  # this machine's mirror still holds
    assert "trust_restored" in [getattr(w, "code", "") for w in store.warnings]
    store.close()
    state_file.unlink()
    shutil.rmtree(private_state_dir)  # and a machine where it never was
    store = Store.open(made.path, ADMIN, PASSPHRASE)
    assert "trust_missing" in [getattr(w, "code", "") for w in store.warnings]
    store.close()
    store = Store.open(made.path, ADMIN, PASSPHRASE)  # the new record now holds
    assert not [w for w in store.warnings if getattr(w, "code", "").startswith("trust")]
    store.close()


def test_version_1_store_damaged_is_restored_from_a_version_1_backup(tmp_path: Path) -> None:
    path = _fixture(tmp_path)
    newest = Store.list_generations(path)[0]
    path.write_bytes(b"not a store any more")
    store = Store.restore_damaged(path, newest.path, ADMIN, PASSPHRASE)
    try:
        assert names(store) == ["Alex Example"]  # the newest backup predates Sam
        assert store.verify_audit().ok
        assert store.generation > newest.generation
    finally:
        store.close()
    assert struct.unpack(">H", path.read_bytes()[8:10]) == (2,)


def test_removal_as_the_last_save_then_a_damaged_header_brings_nobody_back(
    made: Made,
) -> None:
    """The newest readable header is then a backup that still lists Bea and her recovery
    code: the state beside the store remembers that both lost access."""
    made.store.add_admin(BEA, BEA_PASS)
    bea = Store.open(made.path, BEA, BEA_PASS)
    bea_code = bea.regenerate_recovery()
    bea.close()
    assert made.store.remove_admin(BEA) is not None
    made.store.close()
    data = bytearray(made.path.read_bytes())
    data[40] ^= 0xFF
    made.path.write_bytes(bytes(data))
    before = made.path.read_bytes()
    for gen in Store.list_generations(made.path):
        with pytest.raises((AccessRevoked, WrongPassphrase, StoreDamaged)):
            Store.restore_damaged(made.path, gen.path, BEA, BEA_PASS)
        with pytest.raises((AccessRevoked, WrongPassphrase, StoreDamaged)):
            Store.restore_damaged(made.path, gen.path, RECOVERY_SLOT, bea_code)
    assert made.path.read_bytes() == before
    # Ann, still an admin, can; and the backup's slots for Bea and her code stay out
    newest = Store.list_generations(made.path)[0]
    ann = Store.restore_damaged(made.path, newest.path, ADMIN, PASSPHRASE)
    assert "recovery_missing" in [getattr(w, "code", "") for w in ann.warnings]
    ann.close()
    assert BEA not in Store.admin_names(made.path)
    with pytest.raises(WrongPassphrase):
        Store.open(made.path, BEA, BEA_PASS)
    with pytest.raises(WrongPassphrase):
        Store.open_with_recovery(made.path, bea_code)
    Store.open(made.path, ADMIN, PASSPHRASE).close()


def renumber(path: Path, data_key: bytes, generation: int) -> int:
    """The removed admin pushes her fork's generation number past the store's: she holds
    its data key and (inside the body) its signing key, so she re-signs the header with
    any number she likes."""
    from tests.store.helpers import rewrite

    rewrite(path, data_key, lambda body: None, lambda h: replace(h, generation=generation))
    return generation


def plant_fork(
    made: Made,
    tmp_path: Path,
    admin: str = ADMIN,
    passphrase: str = PASSPHRASE,
    *,
    into_backups: bool = False,
    keep_backups: bool = False,
    bea_replaces_recovery: bool = False,
) -> Path:
    """The removed admin's fork (review P3): Bea copies the file while she is an admin;
    Ann removes her (keys rotated), saves and unlocks again; Bea bumps the generation
    counter with an empty file in her own backups/, saves her copy with her old
    passphrase (signed with the OLD key, carrying Ann's old, validly pinned slot) and
    copies it over the store, removing backups/ (unless ``keep_backups``). Returns the
    store path. ``bea_replaces_recovery``: Bea made the recovery key, so removing her
    replaces it; the new code is written to ``tmp_path / "recovery.txt"``."""
    made.store.add_admin(BEA, BEA_PASS)
    bea_now = Store.open(made.path, BEA, BEA_PASS)
    if bea_replaces_recovery:
        bea_now.regenerate_recovery()
    bea_now.close()
    mine = tmp_path / "bea" / "kiosk.store"
    mine.parent.mkdir(mode=0o700)
    shutil.copyfile(made.path, mine)
    new_code = made.store.remove_admin(BEA)
    if new_code:
        (tmp_path / "recovery.txt").write_text(str(new_code))
    add_person(made.store, "Alex Example")
    made.store.close()
    again = Store.open(made.path, admin, passphrase)
    add_person(again, "Sam Sample")
    again.close()
    bea = Store.open(mine, BEA, BEA_PASS)
    add_person(bea, "Planted By Bea")
    key = bytes(bea._data_key or b"")
    bea.close()
    forked = renumber(mine, key, 500)
    if into_backups:  # beside the genuine store, as the newest "generation"
        planted = made.path.parent / "backups" / f"{made.path.name}.g{forked:08d}"
        shutil.copyfile(mine, planted)
        return planted
    shutil.copyfile(mine, made.path)
    if not keep_backups:
        shutil.rmtree(made.path.parent / "backups")
    return made.path


def test_removed_admins_fork_of_an_old_copy_is_refused(made: Made, tmp_path: Path) -> None:
    path = plant_fork(made, tmp_path)
    state_file = path.with_name(path.name + ".state")
    record_before = state_file.read_bytes()
    before = path.read_bytes()
    with pytest.raises(StoreTampered, match="signed by a key"):
        Store.open(path, ADMIN, PASSPHRASE)
    assert path.read_bytes() == before
    # the record was not moved forward to Bea's key: refused again, every time
    assert state_file.read_bytes() == record_before
    with pytest.raises(StoreDamaged):
        Store.open(path, ADMIN, PASSPHRASE)


def test_restore_of_a_damaged_store_carries_the_newest_key_forward(
    made: Made, tmp_path: Path
) -> None:
    """Ann restores an old generation (before a key rotation) over a damaged store; Cleo,
    whose record pins the newest key, still opens the result."""
    cleo, cleo_pass = "Cleo Admin", "violet harbour engine"
    made.store.add_admin(cleo, cleo_pass)
    made.store.add_admin(BEA, BEA_PASS)
    old = Store.list_generations(made.path)[0]
    made.store.remove_admin(BEA)
    add_person(made.store, "Alex Example")
    made.store.close()
    Store.open(made.path, cleo, cleo_pass).close()  # Cleo's record: the newest key
    data = bytearray(made.path.read_bytes())
    data[-100] ^= 0xFF
    made.path.write_bytes(bytes(data))
    restored = Store.restore_damaged(made.path, old.path, ADMIN, PASSPHRASE)
    restored.close()
    for name, passphrase in ((ADMIN, PASSPHRASE), (cleo, cleo_pass)):
        store = Store.open(made.path, name, passphrase)
        assert store.admins() and BEA not in [a.name for a in store.admins()]
        store.close()
    with pytest.raises((WrongPassphrase, AccessRevoked)):
        Store.open(made.path, BEA, BEA_PASS)


def test_open_session_calls_an_older_copy_after_a_rotation_a_rollback(made: Made) -> None:
    """A genuine generation from before a key rotation, copied back under an open
    session, is a rollback (use kiosk restore), not a forgery."""
    add_person(made.store, "Alex Example")
    old = sorted((made.path.parent / "backups").iterdir())[-1]
    made.store.add_admin(BEA, BEA_PASS)
    made.store.remove_admin(BEA)
    add_person(made.store, "Sam Sample")
    shutil.copyfile(old, made.path)
    with pytest.raises(StoreRollback):
        made.store.read()


def test_a_fork_planted_in_backups_is_refused_by_restore(made: Made, tmp_path: Path) -> None:
    planted = plant_fork(made, tmp_path, into_backups=True)
    store = Store.open(made.path, ADMIN, PASSPHRASE)
    try:
        with pytest.raises(StoreTampered):
            store.restore(planted)
        assert "Planted By Bea" not in names(store)
    finally:
        store.close()


def test_a_fork_planted_in_backups_is_refused_by_restore_damaged(
    made: Made, tmp_path: Path
) -> None:
    planted = plant_fork(made, tmp_path, into_backups=True)
    data = bytearray(made.path.read_bytes())
    data[-100] ^= 0xFF
    made.path.write_bytes(bytes(data))
    before = made.path.read_bytes()
    with pytest.raises(StoreTampered):
        Store.restore_damaged(made.path, planted, ADMIN, PASSPHRASE)
    assert made.path.read_bytes() == before
    genuine = next(g for g in Store.list_generations(made.path) if g.path != planted)
    Store.restore_damaged(made.path, genuine.path, ADMIN, PASSPHRASE).close()


def test_damaged_restore_beside_a_fork_keeps_the_recovery_key(made: Made, tmp_path: Path) -> None:
    """Review N3: the fork over the store carries the highest number; the restore must
    take its ways in from the newest genuine generation, not the fork (whose recovery
    slot is the old one), so the code shown at the removal still opens the store."""
    path = plant_fork(made, tmp_path, keep_backups=True, bea_replaces_recovery=True)
    code = (tmp_path / "recovery.txt").read_text()
    number, newest = max(files.list_generation_files(path))
    assert peek_header(path)[0].generation > number  # the fork claims to be newest
    Store.restore_damaged(path, newest, ADMIN, PASSPHRASE).close()
    recovered = Store.open_with_recovery(path, code)
    assert recovered.admin == RECOVERY_SLOT
    assert "Planted By Bea" not in names(recovered)
    recovered.close()
    with pytest.raises(WrongPassphrase):
        Store.open(path, BEA, BEA_PASS)


# --- gap 2: a fake *old* generation under a retired key ---------------------------------


def fake_old_generation(made: Made, tmp_path: Path) -> Path:
    """Bea (removed) saves her old copy again with her old passphrase: signed by the
    retired key, with a generation number *lower* than the store's (so no rule about
    forks claiming to be newer catches it), carrying Ann's old, validly pinned slot and
    a data key Ann's keyring still holds. Returns the fake file."""
    made.store.add_admin(BEA, BEA_PASS)
    mine = tmp_path / "bea" / "kiosk.store"
    mine.parent.mkdir(mode=0o700)
    shutil.copyfile(made.path, mine)
    made.store.remove_admin(BEA)
    for n in range(3):
        add_person(made.store, f"Genuine Person {n}")
    bea = Store.open(mine, BEA, BEA_PASS)
    add_person(bea, "Planted By Bea")
    assert bea.generation < made.store.generation
    bea.close()
    return mine


def test_a_fake_old_generation_under_a_retired_key_is_refused_by_restore(
    made: Made, tmp_path: Path
) -> None:
    fake = fake_old_generation(made, tmp_path)
    with pytest.raises(StoreTampered, match="lists it"):
        made.store.restore(fake, passphrase=PASSPHRASE)
    assert "Planted By Bea" not in names(made.store)
    # planted in backups/ over the genuine generation with its number: the same
    planted = files.generation_path(made.path, peek_header(fake)[0].generation)
    genuine_bytes = planted.read_bytes()
    shutil.copyfile(fake, planted)
    with pytest.raises(StoreTampered):
        made.store.restore(planted, passphrase=PASSPHRASE)
    planted.write_bytes(genuine_bytes)
    # a genuine generation from before the rotation is still restorable
    genuine = Store.list_generations(made.path)[-1]
    assert (
        parse(genuine.path.read_bytes()).header.sign_public
        != parse(made.path.read_bytes()).header.sign_public
    )
    made.store.restore(genuine.path)


def test_a_fake_old_generation_is_refused_by_restore_damaged(made: Made, tmp_path: Path) -> None:
    fake = fake_old_generation(made, tmp_path)
    made.store.close()
    data = bytearray(made.path.read_bytes())
    data[-100] ^= 0xFF
    made.path.write_bytes(bytes(data))
    before = made.path.read_bytes()
    with pytest.raises(StoreTampered):
        Store.restore_damaged(made.path, fake, ADMIN, PASSPHRASE)
    assert made.path.read_bytes() == before
    oldest = Store.list_generations(made.path)[-1]  # genuine, before the rotation
    store = Store.restore_damaged(made.path, oldest.path, ADMIN, PASSPHRASE)
    store.close()


def test_a_store_from_before_lineages_starts_one_and_keeps_its_backups(
    made: Made, tmp_path: Path
) -> None:
    """Format 2 as first released had no lineage: such a store (and its backups) opens,
    its first save starts a lineage from the verified files in backups/, its earlier
    generations stay restorable, and a fake made afterwards is refused."""
    from tests.store.helpers import rewrite

    made.store.add_admin(BEA, BEA_PASS)
    mine = tmp_path / "bea" / "kiosk.store"
    mine.parent.mkdir(mode=0o700)
    shutil.copyfile(made.path, mine)
    made.store.remove_admin(BEA)
    add_person(made.store, "Alex Example")
    keys = [bytes(made.store._data_key or b""), *made.store._keyring.values()]
    made.store.close()
    for path in [made.path, *(p for _, p in files.list_generation_files(made.path))]:
        for key in keys:  # each file under the data key it was saved with
            try:
                rewrite(path, key, lambda body: None, lambda h: replace(h, lineage=None))
            except Exception:
                continue
            break
        assert parse(path.read_bytes()).header.lineage is None
    store = Store.open(made.path, ADMIN, PASSPHRASE)
    try:
        add_person(store, "Sam Sample")  # the first save: a lineage from backups/
        assert store._header.lineage
        oldest = Store.list_generations(made.path)[-1]
        store.restore(oldest.path, passphrase=PASSPHRASE)
        bea = Store.open(mine, BEA, BEA_PASS)
        add_person(bea, "Planted By Bea")
        bea.close()
        with pytest.raises(StoreTampered):
            store.restore(mine, passphrase=PASSPHRASE)
    finally:
        store.close()


# --- gap 3: a restore that cannot carry the newest key forward -------------------------

CLEO, CLEO_PASS = "Cleo Admin", "violet harbour engine"


def _every_file_under_the_newest_key_lost(made: Made) -> Path:
    """Ann, Cleo and Bea; Bea removed (keys rotated); Cleo unlocks (her record: the new
    key). Then the store is damaged and every later backup is lost: only generations
    from before the removal remain. Returns the newest of them."""
    made.store.add_admin(CLEO, CLEO_PASS)
    made.store.add_admin(BEA, BEA_PASS)
    made.store.remove_admin(BEA)
    add_person(made.store, "Alex Example")
    made.store.close()
    Store.open(made.path, CLEO, CLEO_PASS).close()
    newest_key = parse(made.path.read_bytes()).header.sign_public
    for gen in Store.list_generations(made.path):
        if peek_header(gen.path)[0].sign_public == newest_key:
            gen.path.unlink()
    data = bytearray(made.path.read_bytes())
    data[-100] ^= 0xFF
    made.path.write_bytes(bytes(data))
    return Store.list_generations(made.path)[0].path


def test_a_restore_without_the_newest_key_is_vouched_for_to_the_other_admins(
    made: Made,
) -> None:
    old = _every_file_under_the_newest_key_lost(made)
    Store.restore_damaged(made.path, old, ADMIN, PASSPHRASE).close()
    cleo = Store.open(made.path, CLEO, CLEO_PASS)  # refused as a fork before vouchers
    try:
        assert "trust_vouched" in [getattr(w, "code", "") for w in cleo.warnings]
        assert BEA not in [a.name for a in cleo.admins()]
    finally:
        cleo.close()
    again = Store.open(made.path, CLEO, CLEO_PASS)  # her record has moved on
    assert not [w for w in again.warnings if getattr(w, "code", "").startswith("trust")]
    again.close()
    with pytest.raises((WrongPassphrase, AccessRevoked)):
        Store.open(made.path, BEA, BEA_PASS)


def test_a_removed_admins_fork_with_her_own_vouchers_stays_refused(
    made: Made, tmp_path: Path
) -> None:
    """Bea vouches for her fork to Cleo with her own (old) slot: Cleo's record, written
    after the removal, does not list Bea's slot, so the voucher counts for nothing."""
    from store import vouchers

    made.store.add_admin(CLEO, CLEO_PASS)
    made.store.add_admin(BEA, BEA_PASS)
    mine = tmp_path / "bea" / "kiosk.store"
    mine.parent.mkdir(mode=0o700)
    shutil.copyfile(made.path, mine)
    made.store.remove_admin(BEA)
    add_person(made.store, "Alex Example")
    made.store.close()
    cleo = Store.open(made.path, CLEO, CLEO_PASS)  # stays open: its poll must refuse too
    bea = Store.open(mine, BEA, BEA_PASS)
    assert bea._private is not None
    h = bea._header
    sign = signing.public_bytes(bea._sign)
    made_here = vouchers.make(bea._private, h.store_id, sign, 10**6, h.slots)
    bea._header = replace(h, vouchers=made_here)
    add_person(bea, "Planted By Bea")
    key = bytes(bea._data_key or b"")
    bea.close()
    renumber(mine, key, 500)
    assert parse(mine.read_bytes()).header.vouchers
    shutil.copyfile(mine, made.path)
    with pytest.raises(StoreDamaged):
        cleo.read()
    cleo.close()
    with pytest.raises(StoreTampered):
        Store.open(made.path, CLEO, CLEO_PASS)


def test_an_old_restores_vouchers_replayed_in_a_fork_count_for_nothing(
    made: Made, tmp_path: Path
) -> None:
    """Ann restored a damaged store while Bea was still an admin, so the file Bea copies
    carries Ann's vouchers to Cleo (for a key Bea knows). After Bea's removal she forks
    that copy: Cleo's record is newer than the restore, so the vouchers do not count."""
    made.store.add_admin(CLEO, CLEO_PASS)
    made.store.add_admin(BEA, BEA_PASS)
    add_person(made.store, "Alex Example")
    made.store.close()
    data = bytearray(made.path.read_bytes())
    data[-100] ^= 0xFF
    made.path.write_bytes(bytes(data))
    newest = Store.list_generations(made.path)[0].path
    ann = Store.restore_damaged(made.path, newest, ADMIN, PASSPHRASE)
    assert ann._header.vouchers
    mine = tmp_path / "bea" / "kiosk.store"
    mine.parent.mkdir(mode=0o700)
    shutil.copyfile(made.path, mine)
    ann.remove_admin(BEA)
    add_person(ann, "Sam Sample")
    ann.close()
    Store.open(made.path, CLEO, CLEO_PASS).close()  # Cleo's record: after the removal
    bea = Store.open(mine, BEA, BEA_PASS)
    add_person(bea, "Planted By Bea")
    key = bytes(bea._data_key or b"")
    bea.close()
    renumber(mine, key, 500)
    assert parse(mine.read_bytes()).header.vouchers  # carried into her fork
    shutil.copyfile(mine, made.path)
    with pytest.raises(StoreTampered):
        Store.open(made.path, CLEO, CLEO_PASS)


def test_an_open_session_takes_a_restore_vouched_for_to_it(made: Made) -> None:
    """Cleo's session is open (it has seen the newest key and Bea's removal) while Ann
    restores an old generation without that key: on its next read the session takes
    the restored store on Ann's voucher instead of locking, and saves on."""
    made.store.add_admin(CLEO, CLEO_PASS)
    made.store.add_admin(BEA, BEA_PASS)
    made.store.remove_admin(BEA)
    add_person(made.store, "Alex Example")
    made.store.close()
    cleo = Store.open(made.path, CLEO, CLEO_PASS)
    try:
        newest_key = parse(made.path.read_bytes()).header.sign_public
        for gen in Store.list_generations(made.path):
            if peek_header(gen.path)[0].sign_public == newest_key:
                gen.path.unlink()
        data = bytearray(made.path.read_bytes())
        data[-100] ^= 0xFF
        made.path.write_bytes(bytes(data))
        old = Store.list_generations(made.path)[0].path
        Store.restore_damaged(made.path, old, ADMIN, PASSPHRASE).close()
        assert "Alex Example" not in names(cleo)  # the restored generation predates Alex
        add_person(cleo, "Sam Sample")
    finally:
        cleo.close()
    Store.open(made.path, ADMIN, PASSPHRASE).close()
    Store.open(made.path, CLEO, CLEO_PASS).close()


# --- second review, 1: the state file copied back together with the store ---------------


def _snapshot(folder: Path, into: Path) -> None:
    """Attacker (a): a copy of the whole store folder (store, state file, backups/)."""
    shutil.copytree(folder, into)


def _put_back(snapshot: Path, folder: Path) -> None:
    shutil.rmtree(folder)
    shutil.copytree(snapshot, folder)


def test_old_store_copied_back_with_its_state_file_and_backups_is_a_rollback(
    made: Made, tmp_path: Path
) -> None:
    """The record beside the store goes back with the folder; the mirror outside it (in
    the user's state folder) does not."""
    add_person(made.store, "Alex Example")
    made.store.close()
    Store.open(made.path, ADMIN, PASSPHRASE).close()
    _snapshot(made.path.parent, tmp_path / "then")
    again = Store.open(made.path, ADMIN, PASSPHRASE)
    add_person(again, "Sam Sample")
    again.close()
    _put_back(tmp_path / "then", made.path.parent)
    with pytest.raises(StoreRollback, match="older than the one you last used on"):
        Store.open(made.path, ADMIN, PASSPHRASE)


def test_old_store_and_state_copied_back_is_refused_by_a_newer_genuine_backup(
    made: Made, tmp_path: Path, private_state_dir: Path
) -> None:
    """No mirror on this machine (a fresh one): the genuine newer generation in backups/
    still tells that the store file is old."""
    add_person(made.store, "Alex Example")
    made.store.close()
    Store.open(made.path, ADMIN, PASSPHRASE).close()
    state_file = files.state_path(made.path)
    old_store, old_state = made.path.read_bytes(), state_file.read_bytes()
    again = Store.open(made.path, ADMIN, PASSPHRASE)
    add_person(again, "Sam Sample")
    add_person(again, "Jo Bloggs")  # backups/ now holds a generation newer than old_store
    again.close()
    made.path.write_bytes(old_store)
    state_file.write_bytes(old_state)
    shutil.rmtree(private_state_dir)
    with pytest.raises(StoreRollback, match="kiosk restore"):
        Store.open(made.path, ADMIN, PASSPHRASE)


def test_a_fork_planted_in_backups_is_no_rollback_of_the_genuine_store(
    made: Made, tmp_path: Path
) -> None:
    """Only a generation the store's own key leads to calls the store old: a removed
    admin's fork with a higher number in backups/ does not lock the admins out."""
    plant_fork(made, tmp_path, into_backups=True)
    Store.open(made.path, ADMIN, PASSPHRASE).close()


def test_missing_mirror_is_made_again_from_an_authentic_record(
    made: Made, private_state_dir: Path
) -> None:
    add_person(made.store)
    made.store.close()
    for mirrored in private_state_dir.iterdir():
        mirrored.unlink()
    store = Store.open(made.path, ADMIN, PASSPHRASE)
    assert not [w for w in store.warnings if getattr(w, "code", "").startswith("trust")]
    store.close()
    assert list(private_state_dir.iterdir())  # made again


def test_damaged_mirror_is_reported_and_still_stops_a_rollback(
    made: Made, tmp_path: Path, private_state_dir: Path
) -> None:
    add_person(made.store, "Alex Example")
    made.store.close()
    _snapshot(made.path.parent, tmp_path / "then")
    again = Store.open(made.path, ADMIN, PASSPHRASE)
    add_person(again, "Sam Sample")
    again.close()
    (mirrored,) = private_state_dir.iterdir()
    doc = json.loads(mirrored.read_text("utf-8"))
    doc["trust"][ADMIN]["seen"] = "2001-01-01T00:00:00+00:00"  # the MAC no longer fits
    mirrored.write_text(json.dumps(doc), "utf-8")
    edited = mirrored.read_bytes()
    store = Store.open(made.path, ADMIN, PASSPHRASE)  # the record beside still holds
    assert "trust_mirror_damaged" in [getattr(w, "code", "") for w in store.warnings]
    store.close()
    assert mirrored.read_bytes() != edited  # replaced, after saying so
    reopened = Store.open(made.path, ADMIN, PASSPHRASE)
    assert not [w for w in reopened.warnings if getattr(w, "code", "").startswith("trust")]
    reopened.close()
    _put_back(tmp_path / "then", made.path.parent)
    with pytest.raises(StoreRollback):
        Store.open(made.path, ADMIN, PASSPHRASE)


def test_a_throwaway_copy_never_moves_the_stores_mirror(made: Made, tmp_path: Path) -> None:
    """kiosk check restores generations into a copy elsewhere: that copy's higher
    generation must not make the real store look old."""
    add_person(made.store, "Alex Example")
    made.store.close()
    copy = tmp_path / "probe" / "kiosk.store"
    copy.parent.mkdir(mode=0o700)
    shutil.copyfile(made.path, copy)
    probe = Store.open(copy, ADMIN, PASSPHRASE)
    add_person(probe, "Only In The Copy")
    add_person(probe, "Also In The Copy")
    probe.close()
    Store.open(made.path, ADMIN, PASSPHRASE).close()


# --- second review, 5: files planted in backups/ ------------------------------------------


def test_a_planted_huge_generation_name_does_not_brick_saves(made: Made) -> None:
    add_person(made.store, "Alex Example")
    planted = files.backups_dir(made.path) / f"{made.path.name}.g{'9' * 30}"
    planted.write_bytes(b"not a generation")
    before = made.store.generation
    add_person(made.store, "Sam Sample")
    add_person(made.store, "Jo Bloggs")
    assert made.store.generation == before + 2  # numbering ignores the planted name
    assert planted.read_bytes() == b"not a generation"  # ignored, never deleted
    assert not next(g for g in Store.list_generations(made.path) if g.path == planted).ok
    made.store.close()
    Store.open(made.path, ADMIN, PASSPHRASE).close()


def test_a_genuine_file_planted_under_a_higher_name_does_not_move_numbering(
    made: Made,
) -> None:
    add_person(made.store, "Alex Example")
    genuine = Store.list_generations(made.path)[0].path
    planted = files.backups_dir(made.path) / f"{made.path.name}.g{2**63:020d}"
    shutil.copyfile(genuine, planted)  # it verifies, but its name lies about its number
    before = made.store.generation
    add_person(made.store, "Sam Sample")
    assert made.store.generation == before + 1
    assert planted.exists()


def test_planted_names_do_not_make_pruning_delete_the_genuine_backups(made: Made) -> None:
    for n in range(4):
        add_person(made.store, f"Person {n}")
    genuine = {g.path for g in Store.list_generations(made.path)}
    backups = files.backups_dir(made.path)
    planted = [backups / f"{made.path.name}.g{90000000 + n:08d}" for n in range(12)]
    for p in planted:
        p.write_bytes(b"planted")
    add_person(made.store, "One More")
    assert genuine <= {g.path for g in Store.list_generations(made.path)}
    assert all(p.read_bytes() == b"planted" for p in planted)
    for n in range(12):  # and pruning still keeps ten genuine generations, no more
        add_person(made.store, f"Later {n}")
    kept = [g for g in Store.list_generations(made.path) if g.ok]
    assert len(kept) == files.BACKUPS_KEPT
    assert all(p.exists() for p in planted)


def test_a_file_planted_at_the_next_generations_name_is_set_aside(made: Made) -> None:
    add_person(made.store, "Alex Example")
    current = made.store.generation
    target = files.generation_path(made.path, current)
    target.write_bytes(b"planted to keep this generation out of backups/")
    add_person(made.store, "Sam Sample")
    assert peek_header(target)[0].generation == current  # the genuine file was kept
    aside = [p for p in target.parent.iterdir() if p.name.startswith(f"{target.name}.set-aside")]
    assert [p.read_bytes() for p in aside] == [b"planted to keep this generation out of backups/"]


# --- second review, 4: another store's file as a restore source -------------------------


def test_restore_damaged_refuses_another_stores_file(
    made: Made, tmp_path: Path, private_state_dir: Path
) -> None:
    """Ann keeps a test store of her own with the same name and passphrase: it must not
    take the place of the care home's damaged store."""
    add_person(made.store, "Alex Example")
    made.store.close()
    other, _ = Store.create(tmp_path / "mine" / "kiosk.store", ADMIN, PASSPHRASE, kdf=FAST_KDF)
    add_person(other, "Only In The Other Store")
    other.close()
    data = bytearray(made.path.read_bytes())
    data[-100] ^= 0xFF  # the body is damaged; the header still names the store
    made.path.write_bytes(bytes(data))
    before = made.path.read_bytes()
    with pytest.raises(OtherStore, match="different store"):
        Store.restore_damaged(made.path, other.path, ADMIN, PASSPHRASE)
    assert made.path.read_bytes() == before
    # the header unreadable too, the state file and this machine's mirror gone: the
    # generations in backups/ still name the store
    data[40] ^= 0xFF
    made.path.write_bytes(bytes(data))
    files.state_path(made.path).unlink()
    shutil.rmtree(private_state_dir)
    with pytest.raises(OtherStore, match="different store"):
        Store.restore_damaged(made.path, other.path, ADMIN, PASSPHRASE)
    newest = Store.list_generations(made.path)[0]
    restored = Store.restore_damaged(made.path, newest.path, ADMIN, PASSPHRASE)
    assert restored.generation > newest.generation  # forward, as every restore
    assert "Only In The Other Store" not in names(restored)
    restored.close()


def test_restore_onto_a_new_machine_still_takes_any_backup(made: Made, tmp_path: Path) -> None:
    """Nothing beside the path names a store (a new machine): a backup is restored."""
    made.store.close()
    empty = tmp_path / "new" / "kiosk.store"
    empty.parent.mkdir(mode=0o700)
    Store.restore_damaged(empty, made.path, ADMIN, PASSPHRASE).close()


# --- second review, 7: two restores of a damaged store at once ---------------------------


def test_two_restores_at_once_keep_the_damaged_file(
    made: Made, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two admins restore the damaged store in the same second: the second restore's
    rename must not overwrite the damaged file the first one set aside."""
    from datetime import UTC, datetime

    from store import damaged

    add_person(made.store, "Alex Example")
    made.store.close()
    data = bytearray(made.path.read_bytes())
    data[-100] ^= 0xFF
    made.path.write_bytes(bytes(data))
    damaged_bytes = made.path.read_bytes()
    newest = Store.list_generations(made.path)[0].path
    moment = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    real_finish = damaged.finish
    others: list[Store] = []
    started: list[bool] = []

    def interleaved(store: Store, prep: damaged.Prepared, clock: Callable[[], datetime]) -> None:
        # The first restore has checked that the store is damaged; before it takes the
        # lock, the second one does all of its restore.
        if not started:
            started.append(True)
            others.append(
                Store.restore_damaged(made.path, newest, ADMIN, PASSPHRASE, now=lambda: moment)
            )
        real_finish(store, prep, clock)

    monkeypatch.setattr(damaged, "finish", interleaved)
    Store.restore_damaged(made.path, newest, ADMIN, PASSPHRASE, now=lambda: moment).close()
    others[0].close()
    set_aside = [p for p in made.path.parent.iterdir() if ".damaged-" in p.name]
    assert damaged_bytes in [p.read_bytes() for p in set_aside]


# --- second review, 6: decoys that use up the record lookup's Argon2id runs -------------


def plant_decoy(victim: Path, out: Path, generation: int) -> None:
    """Attacker (a): a file that verifies (signed by a key of their own) with a slot named
    like the admin's but a salt of their own: each one would cost an Argon2id run."""
    header = parse(victim.read_bytes()).header
    own = signing.new_signing_key()
    slots = tuple(replace(s, salt=os.urandom(16)) if s.name == ADMIN else s for s in header.slots)
    decoy = replace(
        header,
        generation=generation,
        slots=slots,
        sign_public=signing.public_bytes(own),
        rotations=(),
        lineage=(),
    )
    head = encode_header(decoy)
    body = os.urandom(64)
    out.write_bytes(head + body + signing.sign_file(own, head, body))


def test_decoys_in_backups_do_not_hide_the_admins_record(made: Made) -> None:
    from store import lineage

    add_person(made.store, "Alex Example")
    made.store.close()
    Store.open(made.path, ADMIN, PASSPHRASE).close()  # Ann's record names the key
    key = parse(made.path.read_bytes()).header.sign_public
    assert lineage.trusted_pin(made.path, ADMIN, PASSPHRASE) == key
    for n in range(4):
        number = 10**7 + n
        plant_decoy(made.path, files.generation_path(made.path, number), number)
    plant_decoy(made.path, made.path, 10**8)  # and over the store itself
    assert lineage.trusted_pin(made.path, ADMIN, PASSPHRASE) == key
    assert lineage.trusted_pin(made.path, ADMIN, "not her passphrase") is None


# --- second review, 2: a restore's vouchers replayed after a later removal ---------------


def test_vouchers_from_before_a_removal_are_refused_after_it(made: Made, tmp_path: Path) -> None:
    """Cleo last unlocked before a restore that could not carry the newest key (its
    vouchers name a key Bea, then still an admin, holds). Bea is removed afterwards; Cleo
    has not unlocked since. Bea forks her copy, vouchers and all, and erases the state
    file beside the store: the removal this machine knows of refuses the old vouchers.
    The genuine store, whose vouchers the removal re-issued, still opens for Cleo."""
    dee, dee_pass = "Dee Admin", "copper lantern meadow"
    made.store.add_admin(CLEO, CLEO_PASS)
    made.store.add_admin(BEA, BEA_PASS)
    made.store.add_admin(dee, dee_pass)
    made.store.remove_admin(dee)  # a rotation Cleo's record will name
    add_person(made.store, "Alex Example")
    made.store.close()
    Store.open(made.path, CLEO, CLEO_PASS).close()
    newest_key = parse(made.path.read_bytes()).header.sign_public
    for gen in Store.list_generations(made.path):
        if peek_header(gen.path)[0].sign_public == newest_key:
            gen.path.unlink()
    data = bytearray(made.path.read_bytes())
    data[-100] ^= 0xFF
    made.path.write_bytes(bytes(data))
    old = Store.list_generations(made.path)[0].path
    ann = Store.restore_damaged(made.path, old, ADMIN, PASSPHRASE)
    assert ann._header.vouchers  # the newest key could not be carried forward
    mine = tmp_path / "bea" / "kiosk.store"
    mine.parent.mkdir(mode=0o700)
    shutil.copyfile(made.path, mine)
    ann.remove_admin(BEA)
    ann.close()
    genuine = made.path.read_bytes()

    bea = Store.open(mine, BEA, BEA_PASS)
    add_person(bea, "Planted By Bea")
    key = bytes(bea._data_key or b"")
    bea.close()
    renumber(mine, key, 500)
    shutil.copyfile(mine, made.path)
    files.state_path(made.path).unlink()
    with pytest.raises(StoreTampered):
        Store.open(made.path, CLEO, CLEO_PASS)

    made.path.write_bytes(genuine)
    cleo = Store.open(made.path, CLEO, CLEO_PASS)
    try:
        assert "trust_vouched" in [getattr(w, "code", "") for w in cleo.warnings]
        assert BEA not in [a.name for a in cleo.admins()]
        assert "Planted By Bea" not in names(cleo)
    finally:
        cleo.close()


# --- review of 2 December: edited Argon2id settings, planted records and backups -----------


def _resign_with_kdf(path: Path, kdf: KdfParams) -> None:
    """Attacker (a): every slot's Argon2id settings edited, the header re-signed with a key
    of their own, so that header and signature agree again."""
    parsed = parse(path.read_bytes())
    slots = tuple(replace(s, kdf=kdf) for s in parsed.header.slots)
    own = signing.new_signing_key()
    header = replace(parsed.header, slots=slots, sign_public=signing.public_bytes(own))
    head = encode_header(header)
    path.write_bytes(head + parsed.body + signing.sign_file(own, head, parsed.body))


def test_absurd_kdf_settings_are_damage_before_any_argon2id(
    made: Made, monkeypatch: pytest.MonkeyPatch
) -> None:
    """P5: the attacker must not choose the cost of an unlock (1 GiB x 64 passes)."""
    made.store.close()
    absurd = KdfParams(memory_kib=8192, iterations=1, lanes=1)
    # the attacker's own tools need not respect KdfParams's bounds
    object.__setattr__(absurd, "memory_kib", 1024 * 1024)
    object.__setattr__(absurd, "iterations", 64)
    _resign_with_kdf(made.path, absurd)
    import store.crypto

    runs: list[KdfParams] = []
    real = store.crypto.derive_kek

    def spy(secret: bytes, salt: bytes, kdf: KdfParams) -> bytearray:
        runs.append(kdf)
        return real(secret, salt, kdf)

    monkeypatch.setattr(store.crypto, "derive_kek", spy)
    monkeypatch.setattr("store.store.derive_kek", spy)
    with pytest.raises(StoreDamaged):
        Store.open(made.path, ADMIN, PASSPHRASE)
    assert runs == []
    assert Store.consecutive_failures(made.path) == 0


def test_resigned_kdf_edit_is_tampering_not_a_wrong_passphrase(made: Made) -> None:
    """P5: the right passphrase on a slot whose settings were edited (and the header
    re-signed) is tampering, found with the admin's authenticated record; no failed try."""
    made.store.close()
    _resign_with_kdf(made.path, KdfParams(memory_kib=16384, iterations=2, lanes=1))
    before = made.path.read_bytes()
    with pytest.raises(StoreTampered):
        Store.open(made.path, ADMIN, PASSPHRASE)
    assert Store.consecutive_failures(made.path) == 0
    assert made.path.read_bytes() == before
    with pytest.raises(WrongPassphrase):  # a wrong one is still just wrong, and counted
        Store.open(made.path, ADMIN, "not the passphrase")
    assert Store.consecutive_failures(made.path) == 1


@pytest.mark.parametrize("record", [True, False], ids=["with-record", "no-record-here"])
def test_restore_damaged_over_a_resigned_kdf_edit(
    made: Made, record: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The admin can restore over such a file (it is damage), with or without a record."""
    for n in range(3):
        add_person(made.store, f"Person {n}")
    made.store.close()
    _resign_with_kdf(made.path, KdfParams(memory_kib=16384, iterations=2, lanes=1))
    if not record:
        made.path.with_name(made.path.name + ".state").unlink()
        monkeypatch.setenv("KIOSK_STATE_DIR", str(tmp_path / "new-machine"))
    newest = Store.list_generations(made.path)[0]
    store = Store.restore_damaged(made.path, newest.path, ADMIN, PASSPHRASE)
    try:
        assert "Person 1" in names(store)
        assert store.generation > newest.generation
    finally:
        store.close()
    assert Store.consecutive_failures(made.path) == 0


def _strip_pins(made: Made) -> None:
    """Attacker (a): forged content under their own keys, every slot's pin stripped (a
    format-1-style slot "pins nothing yet"), the real slot keys kept."""
    header = parse(made.path.read_bytes()).header
    data_key, key_id = new_data_key()
    own = signing.new_signing_key()
    slots = tuple(
        replace(wrap_data_key(header.store_id, s, data_key, key_id), pin=b"", pin_public=b"")
        for s in header.slots
        if s.name != RECOVERY_SLOT
    )
    forged = replace(
        header,
        generation=header.generation + 5,
        key_id=key_id,
        slots=slots,
        sign_public=signing.public_bytes(own),
        body_nonce=os.urandom(12),
        rotations=(),
        vouchers=(),
    )
    head = encode_header(forged)
    payload = encode_fresh(
        {"people": {"1": {"full_name": "Mallory Forger"}}},
        {"sign": signing.private_bytes(own).hex()},
    )
    body = encrypt_body(data_key, forged.body_nonce, payload, head)
    made.path.write_bytes(head + body + signing.sign_file(own, head, body))


@pytest.mark.parametrize("mirror", [True, False], ids=["mirror", "new-machine"])
def test_stripped_pin_is_tampering_not_a_wrong_passphrase(
    made: Made, mirror: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made.store.close()
    _strip_pins(made)
    made.path.with_name(made.path.name + ".state").unlink(missing_ok=True)
    if not mirror:
        monkeypatch.setenv("KIOSK_STATE_DIR", str(tmp_path / "new-machine"))
    with pytest.raises(StoreDamaged) as err:
        Store.open(made.path, ADMIN, PASSPHRASE)
    assert not isinstance(err.value, WrongPassphrase)
    assert Store.consecutive_failures(made.path) == 0


def test_planted_record_does_not_move_numbering_at_restore(made: Made) -> None:
    """An unauthenticated record with an absurd generation must not move a restore's
    number: after it, no later generation would count as genuine and pruning would stop."""
    for n in range(4):
        add_person(made.store, f"Person {n}")
    made.store.close()
    state_file = made.path.with_name(made.path.name + ".state")
    doc = json.loads(state_file.read_text())
    store_id = peek_header(made.path)[0].store_id
    doc.setdefault("trust", {})["Mallory"] = {"store_id": store_id, "generation": 2**40}
    doc["trust"]["Mallory Two"] = {"store_id": store_id, "generation": 2**40 - 7}
    state_file.write_text(json.dumps(doc))
    raw = bytearray(made.path.read_bytes())
    raw[40] ^= 0xFF
    made.path.write_bytes(bytes(raw))
    newest = Store.list_generations(made.path)[0]
    store = Store.restore_damaged(made.path, newest.path, ADMIN, PASSPHRASE)
    try:
        assert store.generation <= newest.generation + 2
        for n in range(12):
            add_person(store, f"Later {n}")
        from store import lineage

        kept = lineage.genuine_generations(made.path, store._header)
        assert len(kept) == files.BACKUPS_KEPT
        assert len(list((made.path.parent / "backups").iterdir())) == files.BACKUPS_KEPT
    finally:
        store.close()


def test_planted_big_backup_is_not_read_whole_at_unlock(
    made: Made, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A planted backup claiming this store and a higher number, followed by junk: the
    unlock's look for a newer backup reads no more than a store can be."""
    made.store.close()
    import store.format
    import store.opening

    monkeypatch.setattr(store.format, "MAX_FILE", 1024 * 1024, raising=False)
    parsed = parse(made.path.read_bytes())
    head = encode_header(replace(parsed.header, generation=99_999_999))
    planted = made.path.parent / "backups" / "kiosk.store.g99999999"
    planted.parent.mkdir(mode=0o700, exist_ok=True)
    with open(planted, "wb") as f:
        f.write(head)
        f.truncate(len(head) + 3 * 1024 * 1024)
    read: list[int] = []
    real_open = open

    class Spy:
        def __init__(self, f: object) -> None:
            self._f = f

        def __enter__(self) -> Spy:
            return self

        def __exit__(self, *exc: object) -> None:
            self._f.close()  # type: ignore[attr-defined]

        def __getattr__(self, name: str) -> object:
            return getattr(self._f, name)

        def read(self, n: int = -1) -> bytes:
            data: bytes = self._f.read(n)  # type: ignore[attr-defined]
            read.append(len(data))
            return data

    def spy_open(file: object, *args: object, **kwargs: object) -> object:
        f = real_open(file, *args, **kwargs)  # type: ignore[call-overload]
        return Spy(f) if str(file) == str(planted) else f

    monkeypatch.setattr("builtins.open", spy_open)
    Store.open(made.path, ADMIN, PASSPHRASE).close()
    assert sum(read) <= 1024 * 1024 + 64 * 1024


def test_using_the_recovery_code_counts_it_as_seen_by_every_admin(made: Made) -> None:
    """P3, second attack review: Bea opened a recovery session with the office's code and
    cancelled the wizard; the code was still recorded as shown to Ann only, so removing
    Bea did not replace it and Bea's memory of it opened everything saved afterwards."""
    made.store.add_admin(BEA, BEA_PASS)
    made.store.close()
    Store.open_with_recovery(made.path, made.code).close()  # Bea, at the recovery screen
    ann = Store.open(made.path, ADMIN, PASSPHRASE)
    try:
        assert set(ann.recovery_shown_to()) == {ADMIN, BEA}
        assert ann.remove_admin(BEA) is not None  # a new code, for Ann to write down
    finally:
        ann.close()
    with pytest.raises(WrongPassphrase):
        Store.open_with_recovery(made.path, made.code)


def test_a_genuine_restore_to_before_a_passphrase_change_is_not_called_tampering(
    tmp_path: Path,
) -> None:
    """Second attack review, F1: Cleo changed her passphrase, a removal rotated the key, the
    store was damaged and the backups signed with the newest key were lost, and Ann restored
    a generation from before Cleo's change. Cleo's current passphrase was then reported as
    tampering (not counted, no restore offered). The restore's voucher for Cleo's old slot
    shows it is genuine: her current passphrase is simply not that slot's, and her old one
    opens it."""
    path = tmp_path / "home" / "kiosk.store"
    cleo, first, second = "Cleo Admin", "violet harbour engine", "granite meadow lantern"
    store, _code = Store.create(path, ADMIN, PASSPHRASE, kdf=FAST_KDF)
    store.add_admin(cleo, first)
    store.add_admin(BEA, BEA_PASS)
    store.close()
    Store.open(path, cleo, first).close()
    before_change = Store.list_generations(path)[0].path
    store = Store.open(path, cleo, first)
    store.change_passphrase(cleo, second, kdf=FAST_KDF)
    store.close()
    store = Store.open(path, ADMIN, PASSPHRASE)
    store.remove_admin(BEA)
    add_person(store, "Alex Example")
    store.close()
    Store.open(path, cleo, second).close()  # Cleo's record: newest key, new settings
    newest = parse(path.read_bytes()).header.sign_public
    for generation in Store.list_generations(path):
        if peek_header(generation.path)[0].sign_public == newest:
            generation.path.unlink()
    damaged = bytearray(path.read_bytes())
    damaged[-100] ^= 0xFF
    path.write_bytes(bytes(damaged))
    Store.restore_damaged(path, before_change, ADMIN, PASSPHRASE).close()
    with pytest.raises(WrongPassphrase):
        Store.open(path, cleo, second)
    Store.open(path, cleo, first).close()
