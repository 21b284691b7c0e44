"""Issue 12 through the CLI: a forged store, a copied-back generation and guessed
passphrases, as ``kiosk check`` and ``kiosk restore`` see them (subprocesses)."""

from __future__ import annotations

import shutil
from pathlib import Path

from store import Store
from tests.kiosk.test_cli_maintenance import (
    ADMIN,
    PASSPHRASE,
    Made,
    add_site,
    made,
    run_process,
    site_names,
    store_args,
)
from tests.store.test_adversary import forge

__all__ = ["made"]  # the fixture, shared with the maintenance tests


def test_check_refuses_a_forged_store_with_exit_2(made: Made) -> None:
    forge(made.path, made.path)
    before = made.path.read_bytes()
    result = run_process(*store_args(made, "check"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Store file:   DAMAGED" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert made.path.read_bytes() == before


def test_restore_refuses_a_forged_backup(made: Made, tmp_path: Path) -> None:
    fake = tmp_path / "stick" / "kiosk.store"
    fake.parent.mkdir()
    forge(made.path, fake)
    result = run_process(*store_args(made, "restore", str(fake), "--yes"))
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert site_names(made.path) == ["Site 1", "Site 2", "Site 3"]


def test_copied_back_generation_check_exits_2_then_restore_goes_forward(made: Made) -> None:
    newest = Store.list_generations(made.path)[0].generation
    Store.open(made.path, ADMIN, PASSPHRASE).close()
    old = Store.list_generations(made.path)[-1]
    shutil.copyfile(old.path, made.path)

    result = run_process(*store_args(made, "check"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "older than the one you last used on" in result.stdout
    assert "kiosk restore" in result.stdout

    restored = run_process(*store_args(made, "restore", str(old.generation), "--yes"))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    store = Store.open(made.path, ADMIN, PASSPHRASE)
    try:
        assert store.generation > newest
        assert store.audit_entries()[-1].action == "store.restore_damaged"
    finally:
        store.close()
    numbers = [g.generation for g in Store.list_generations(made.path)]
    assert len(numbers) == len(set(numbers))
    assert run_process(*store_args(made, "check")).returncode == 0


def test_check_exits_2_when_a_backup_is_newer_than_the_store(
    made: Made, private_state_dir: Path
) -> None:
    """Even for an admin with no record here (a fresh machine), backups/ tells: the
    store is refused at unlock as older, and the newest good generation is named."""
    old = Store.list_generations(made.path)[-1]
    newest = Store.list_generations(made.path)[0]
    shutil.copyfile(old.path, made.path)
    state = made.path.with_name(made.path.name + ".state")
    state.unlink()
    shutil.rmtree(private_state_dir)
    result = run_process(*store_args(made, "check"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "older than the one you last used on" in result.stdout
    assert f"kiosk restore {newest.path}" in result.stdout


def test_cli_attempts_share_the_throttle_and_are_audited(made: Made) -> None:
    for _ in range(3):
        wrong = run_process(*store_args(made, "check"), stdin="not it\n")
        assert wrong.returncode == 1
        assert "waiting" not in wrong.stderr
    fourth = run_process(*store_args(made, "check"), stdin="not it\n")
    assert "Too many failed attempts: waiting 1 s before trying." in fourth.stderr
    assert Store.consecutive_failures(made.path) == 4
    good = run_process(*store_args(made, "check"))
    assert "waiting 2 s" in good.stderr
    store = Store.open(made.path, ADMIN, PASSPHRASE)
    try:
        failed = [e for e in store.audit_entries() if e.action == "unlock.failed"]
        assert len(failed) == 4
    finally:
        store.close()


def test_removed_admin_cannot_restore_a_damaged_store(made: Made) -> None:
    bea_pass = "hazel lantern orbit"
    store = Store.open(made.path, ADMIN, PASSPHRASE)
    store.add_admin("Bea Admin", bea_pass)
    oldest_with_bea = store.generation
    store.remove_admin("Bea Admin")
    store.close()
    data = bytearray(made.path.read_bytes())
    data[40] ^= 0xFF  # the header no longer reads: "damaged"
    made.path.write_bytes(bytes(data))
    before = made.path.read_bytes()
    result = run_process(
        "restore",
        str(oldest_with_bea),
        "--yes",
        "--store",
        str(made.path),
        "--admin",
        "Bea Admin",
        "--passphrase-stdin",
        stdin=bea_pass + "\n",
    )
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "This admin was removed from the store" in result.stderr  # not "unlock again"
    assert "unlock again" not in result.stderr
    assert made.path.read_bytes() == before


def test_check_refuses_a_removed_admins_fork_with_exit_2(made: Made, tmp_path: Path) -> None:
    from tests.store.conftest import Made as StoreMade
    from tests.store.test_adversary import plant_fork

    ann = StoreMade(Store.open(made.path, ADMIN, PASSPHRASE), "", made.path)
    plant_fork(ann, tmp_path, ADMIN, PASSPHRASE)
    before = made.path.read_bytes()
    result = run_process(*store_args(made, "check"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "TAMPERED" in result.stdout and "signed by a key" in result.stdout
    assert "all is well" not in result.stdout
    assert made.path.read_bytes() == before
    assert run_process(*store_args(made, "check")).returncode == 2


def _rotated_then_copied_back(made: Made) -> tuple[int, int]:  # (old number, newest kept)
    """Ann removes Bea (keys rotated), saves on, then an older generation from before
    the rotation is copied over the store by hand. (old number, newest backup)."""
    store = Store.open(made.path, ADMIN, PASSPHRASE)
    old = store.generation
    store.add_admin("Bea Admin", "hazel lantern orbit")
    store.remove_admin("Bea Admin")
    add_site(store, 4)
    add_site(store, 5)
    store.close()
    Store.open(made.path, ADMIN, PASSPHRASE).close()
    shutil.copyfile(made.path.parent / "backups" / f"kiosk.store.g{old:08d}", made.path)
    return old, Store.list_generations(made.path)[0].generation


def test_check_after_a_rotation_and_a_copy_back_recommends_the_newest(made: Made) -> None:
    _, newest = _rotated_then_copied_back(made)
    result = run_process(*store_args(made, "check"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "older than the one you last used" in result.stdout
    assert "DAMAGED: it does not decrypt" not in result.stdout  # later ones: a newer key
    assert f"Newest good backup: generation {newest}," in result.stdout
    restored = run_process(*store_args(made, "restore", str(newest), "--yes"))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert site_names(made.path) == [f"Site {n}" for n in range(1, 5)]  # 5: overwritten
    assert run_process(*store_args(made, "check")).returncode == 0


def test_restore_keeps_a_replaced_genuine_state_as_a_generation(made: Made, tmp_path: Path) -> None:
    stick = tmp_path / "stick.store"
    assert run_process(*store_args(made, "backup", str(stick))).returncode == 0
    store = Store.open(made.path, ADMIN, PASSPHRASE)
    add_site(store, 4)
    replaced = store.generation
    add_site(store, 5)
    store.close()
    Store.open(made.path, ADMIN, PASSPHRASE).close()
    shutil.copyfile(made.path.parent / "backups" / f"kiosk.store.g{replaced:08d}", made.path)
    shutil.rmtree(made.path.parent / "backups")  # a clean-up that went too far
    result = run_process(*store_args(made, "restore", str(stick), "--yes"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert replaced in [g.generation for g in Store.list_generations(made.path)]


def _failures(made: Made) -> int:
    from store import peek

    return peek.consecutive_failures(made.path)


def test_restore_of_a_damaged_store_counts_a_wrong_passphrase(made: Made) -> None:
    data = bytearray(made.path.read_bytes())
    data[-100] ^= 0xFF
    made.path.write_bytes(bytes(data))
    newest = Store.list_generations(made.path)[0].generation
    args = store_args(made, "restore", str(newest), "--yes")
    result = run_process(*args, stdin="not the passphrase\n")
    assert result.returncode != 0
    assert _failures(made) == 1


def test_check_counts_a_wrong_passphrase_tried_on_its_copies(made: Made) -> None:
    made.path.unlink()  # only backups/: check tries them on throwaway copies
    result = run_process(*store_args(made, "check"), stdin="not the passphrase\n")
    assert result.returncode != 0
    assert _failures(made) == 1


def test_attempts_from_parallel_processes_go_in_turn(made: Made) -> None:
    """While one attempt holds the turn, another process waits for it (then counts)."""
    import fcntl
    import os
    import subprocess
    import sys
    import time

    from tests.kiosk.test_cli_maintenance import REPO

    lock = made.path.with_name(made.path.name + ".attempts")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_COLOR="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", *store_args(made, "check")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        assert proc.stdin is not None
        proc.stdin.write("not the passphrase\n")
        proc.stdin.close()
        for _ in range(30):  # long enough for an unthrottled attempt to finish
            time.sleep(0.1)
            assert proc.poll() is None
        assert _failures(made) == 0  # it has not tried yet
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    proc.wait(timeout=60)
    assert proc.returncode != 0
    assert _failures(made) == 1


def test_check_does_not_call_an_unverifiable_copy_all_well(
    made: Made, private_state_dir: Path
) -> None:
    """No record of the newest store here (neither beside it nor in this machine's state
    folder) and no backups: nothing to compare with."""
    shutil.rmtree(made.path.parent / "backups")
    made.path.with_name(made.path.name + ".state").unlink()
    shutil.rmtree(private_state_dir)
    result = run_process(*store_args(made, "check"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all is well" not in result.stdout
    assert "freshness could not be checked" in result.stdout
    # the check made a record: the next one can tell, and says so
    again = run_process(*store_args(made, "check"))
    assert again.returncode == 0
    assert "Result: all is well." in again.stdout


def test_check_reports_a_fork_planted_in_backups_as_damaged(made: Made, tmp_path: Path) -> None:
    from tests.store.conftest import Made as StoreMade
    from tests.store.test_adversary import plant_fork

    ann = StoreMade(Store.open(made.path, ADMIN, PASSPHRASE), "", made.path)
    planted = plant_fork(ann, tmp_path, ADMIN, PASSPHRASE, into_backups=True)
    number = int(planted.name.rsplit(".g", 1)[1])
    result = run_process(*store_args(made, "check"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"backup generation {number} is damaged" in result.stdout
    assert "replaced by an older copy" not in result.stdout
    assert f"Newest good backup: generation {number}," not in result.stdout


def test_restore_refuses_a_fork_planted_in_backups_as_tampered(made: Made, tmp_path: Path) -> None:
    """Review N1: ``kiosk restore <planted file>`` by a current admin leaves the store."""
    from tests.store.conftest import Made as StoreMade
    from tests.store.test_adversary import plant_fork

    ann = StoreMade(Store.open(made.path, ADMIN, PASSPHRASE), "", made.path)
    planted = plant_fork(ann, tmp_path, ADMIN, PASSPHRASE, into_backups=True)
    before = made.path.read_bytes()
    for source in (str(planted), planted.name.rsplit(".g", 1)[1]):
        result = run_process(*store_args(made, "restore", source, "--yes"))
        assert result.returncode == 2, result.stdout + result.stderr
        assert "TAMPERED" in result.stderr and "nothing was restored" in result.stderr
        assert made.path.read_bytes() == before
    store = Store.open(made.path, ADMIN, PASSPHRASE)
    assert "Planted By Bea" not in _people(store)
    store.close()


def test_check_beside_a_fork_over_the_store_recommends_the_newest_genuine(
    made: Made, tmp_path: Path
) -> None:
    """Review N2: the fork copied over the store (backups kept) claims a high number; it is
    no base for checking, so the genuine generations after the removal check good and
    the newest of them is recommended, not one from before the removal."""
    from store import files
    from tests.store.conftest import Made as StoreMade
    from tests.store.test_adversary import plant_fork

    ann = StoreMade(Store.open(made.path, ADMIN, PASSPHRASE), "", made.path)
    plant_fork(ann, tmp_path, ADMIN, PASSPHRASE, keep_backups=True)
    newest = max(n for n, _ in files.list_generation_files(made.path))
    result = run_process(*store_args(made, "check"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "TAMPERED" in result.stdout
    assert "does not decrypt" not in result.stdout  # no genuine generation called damaged
    assert f"Newest good backup: generation {newest}," in result.stdout


def _people(store: Store) -> list[str]:
    from tests.store.helpers import names

    return names(store)


def test_check_and_restore_refuse_a_fake_old_generation(made: Made, tmp_path: Path) -> None:
    """Gap 2: a removed admin's file under the retired key with a *lower* number, planted
    in backups/ over a genuine generation, is reported and refused, never recommended."""
    from store import files
    from store.format import peek_header
    from tests.store.conftest import Made as StoreMade
    from tests.store.test_adversary import fake_old_generation

    ann = StoreMade(Store.open(made.path, ADMIN, PASSPHRASE), "", made.path)
    fake = fake_old_generation(ann, tmp_path)
    ann.store.close()
    number = peek_header(fake)[0].generation
    shutil.copyfile(fake, files.generation_path(made.path, number))
    result = run_process(*store_args(made, "check"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"backup generation {number} is damaged" in result.stdout
    before = made.path.read_bytes()
    restored = run_process(*store_args(made, "restore", str(number), "--yes"))
    assert restored.returncode == 2, restored.stdout + restored.stderr
    assert "TAMPERED" in restored.stderr
    assert made.path.read_bytes() == before
    store = Store.open(made.path, ADMIN, PASSPHRASE)
    assert "Planted By Bea" not in _people(store)
    store.close()


def _fork_with_a_key_of_her_own(made: Made, tmp_path: Path) -> tuple[Path, bytes]:
    """Bea's fork planted in backups/, its chain extended backwards by a key of hers
    (K_x certifies the retired key): a trust record naming K_x would lead to the fork
    alone. Returns the planted file and K_x's public key."""
    from dataclasses import replace

    from store import signing
    from tests.store.conftest import Made as StoreMade
    from tests.store.helpers import rewrite
    from tests.store.test_adversary import BEA, BEA_PASS, plant_fork

    ann = StoreMade(Store.open(made.path, ADMIN, PASSPHRASE), "", made.path)
    planted = plant_fork(ann, tmp_path, ADMIN, PASSPHRASE, into_backups=True)
    bea = Store.open(tmp_path / "bea" / "kiosk.store", BEA, BEA_PASS)
    data_key = bytes(bea._data_key or b"")
    old_sign = signing.public_bytes(bea._sign)
    bea.close()
    k_x = signing.new_signing_key()

    def extend(h):  # type: ignore[no-untyped-def]
        cert = signing.certify(k_x, h.store_id, old_sign)
        return replace(h, rotations=(*h.rotations, cert))

    rewrite(planted, data_key, lambda body: None, extend)
    return planted, signing.public_bytes(k_x)


def _forge_record(made: Made, sign_public: bytes) -> None:
    """The attacker (folder write access) points Ann's trust record at a key of theirs;
    the MAC, which needs Ann's passphrase, is left as it was."""
    import json

    state = made.path.with_name(made.path.name + ".state")
    doc = json.loads(state.read_text("utf-8"))
    doc["trust"][ADMIN]["sign_public"] = sign_public.hex()
    state.write_text(json.dumps(doc), "utf-8")


def test_check_of_a_refused_store_ignores_a_forged_trust_record(made: Made, tmp_path: Path) -> None:
    """Gap 1: the store was refused (tampered or rolled back) and the trust record is
    then rewritten before the backups are checked: the record steers nothing unless its
    MAC verifies under the passphrase, so the genuine generations check good and the
    fork is not one of them."""
    from kiosk.cli.check import check_generations

    planted, k_x = _fork_with_a_key_of_her_own(made, tmp_path)
    fork = int(planted.name.rsplit(".g", 1)[1])
    _forge_record(made, k_x)
    gens = Store.list_generations(made.path)
    checks, opened = check_generations(made.path, gens, ADMIN, PASSPHRASE, store_refused=True)
    assert opened
    state = {c.generation.generation: c.state for c in checks}
    assert state.pop(fork) == "damaged"
    newest_genuine = max(state)
    assert state[newest_genuine] == "ok"


def test_check_of_a_damaged_store_is_not_steered_by_a_planted_fork(
    made: Made, tmp_path: Path
) -> None:
    """Gap 1: the store file does not decrypt, a fork (the highest number) sits in
    backups/ and the record is forged: check starts from the newest genuine generation,
    reports the fork as damaged and never recommends it."""
    planted, k_x = _fork_with_a_key_of_her_own(made, tmp_path)
    fork = int(planted.name.rsplit(".g", 1)[1])
    _forge_record(made, k_x)
    data = bytearray(made.path.read_bytes())
    data[-100] ^= 0xFF
    made.path.write_bytes(bytes(data))
    genuine = max(g.generation for g in Store.list_generations(made.path) if g.path != planted)
    result = run_process(*store_args(made, "check"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"backup generation {fork} is damaged" in result.stdout
    assert f"Newest good backup: generation {genuine}," in result.stdout
    total = len(Store.list_generations(made.path))
    assert f"{total - 1} of {total} generations good" in result.stdout  # all but the fork


def test_check_by_another_admin_after_a_restore_without_the_newest_key(
    made: Made,
) -> None:
    """Gap 3 through the CLI: Ann restores an old generation when every file under the
    newest key is lost; Cleo's check accepts the restored store on Ann's voucher (a
    warning says so) and finds nothing damaged."""
    from tests.store.conftest import Made as StoreMade
    from tests.store.test_adversary import CLEO, CLEO_PASS, _every_file_under_the_newest_key_lost

    ann = StoreMade(Store.open(made.path, ADMIN, PASSPHRASE), "", made.path)
    old = _every_file_under_the_newest_key_lost(ann)
    Store.restore_damaged(made.path, old, ADMIN, PASSPHRASE).close()
    result = run_process(
        "check",
        "--store",
        str(made.path),
        "--admin",
        CLEO,
        "--passphrase-stdin",
        stdin=CLEO_PASS + "\n",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "restored from an older generation by another admin" in result.stdout
    assert "TAMPERED" not in result.stdout


def test_check_exits_2_on_a_store_copied_back_with_its_state_file(
    made: Made, tmp_path: Path
) -> None:
    """The whole folder (store, state file, backups/) put back as it was: the mirror of
    the admin's record outside it (KIOSK_STATE_DIR, passed to the subprocess) tells."""
    Store.open(made.path, ADMIN, PASSPHRASE).close()
    shutil.copytree(made.path.parent, tmp_path / "then")
    store = Store.open(made.path, ADMIN, PASSPHRASE)
    add_site(store, 4)
    store.close()
    shutil.rmtree(made.path.parent)
    shutil.copytree(tmp_path / "then", made.path.parent)
    result = run_process(*store_args(made, "check"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "older than the one you last used on" in result.stdout


def test_restore_over_a_damaged_store_refuses_another_stores_file(
    made: Made, tmp_path: Path
) -> None:
    from tests.conftest import FAST_KDF

    other, _ = Store.create(tmp_path / "mine" / "kiosk.store", ADMIN, PASSPHRASE, kdf=FAST_KDF)
    other.close()
    data = bytearray(made.path.read_bytes())
    data[-100] ^= 0xFF
    made.path.write_bytes(bytes(data))
    before = made.path.read_bytes()
    result = run_process(*store_args(made, "restore", str(other.path), "--yes"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "another store's" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert made.path.read_bytes() == before
