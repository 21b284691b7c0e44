"""Several kiosk processes on one store: crashes, concurrent saves, locks, refresh."""

from __future__ import annotations

import random
import signal
import time
from pathlib import Path

import pytest

from store import Store, StoreBusy
from tests.conftest import FAST_KDF
from tests.store.conftest import ADMIN, PASSPHRASE, Made
from tests.store.helpers import add_person, names, run_python

SAVER = """
import sys
from store import Store
store = Store.open(sys.argv[1], sys.argv[2], sys.argv[3], lock_timeout=60)
start = int(sys.argv[4])
print("ready", flush=True)
i = start
while True:
    with store.transaction() as tx:
        doc_id = tx.db.table("saves").insert({"n": i, "pad": "x" * 200})
        tx.audit("save.test", "saves", doc_id)
    print(i, flush=True)
    i += 1
"""


def _completed(output: str) -> list[int]:
    """Numbers the child reported as saved; a line cut off by the kill is ignored."""
    lines = output.split("\n")
    if not output.endswith("\n"):
        lines = lines[:-1]
    return [int(line) for line in lines if line.strip().isdigit()]


@pytest.mark.slow
def test_sigkill_at_random_moments_never_loses_a_returned_save(made: Made) -> None:
    # Give the document some weight so a kill often lands inside a save.
    with made.store.transaction() as tx:
        tx.db.table("people").insert_multiple(
            {"full_name": f"Person {i}", "notes": "n" * 300} for i in range(300)
        )
        tx.audit("bulk.add", "people")
    rng = random.Random(20240601)
    confirmed: set[int] = set()
    next_n = 0
    kills = 0
    for _round in range(40):
        child = run_python(SAVER, str(made.path), ADMIN, PASSPHRASE, str(next_n))
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready", child.stderr
        time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(signal.SIGKILL)
        out, _err = child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL
        kills += 1
        done = _completed(out)
        confirmed.update(done)
        next_n = (max(done) + 1 if done else next_n) + 1000  # unreported saves may exist

        store = Store.open(made.path, ADMIN, PASSPHRASE)  # always opens
        on_disk = {d["n"] for d in store.read().table("saves").all()}
        missing = confirmed - on_disk
        assert not missing, f"saves reported done but lost: {sorted(missing)[:5]}"
        assert store.verify_audit().ok
        store.close()
    assert kills == 40 and len(confirmed) > 40  # the test did exercise saves


WORKER = """
import sys
from pathlib import Path
from store import Store
path, who = sys.argv[1], sys.argv[2]
store = Store.open(path, sys.argv[3], sys.argv[4], lock_timeout=120)
go = Path(sys.argv[5])
while not go.exists():
    pass
for i in range(100):
    with store.transaction() as tx:
        doc_id = tx.db.table("people").insert({"full_name": f"{who}-{i}"})
        tx.audit("person.add", "people", doc_id)
print("done", flush=True)
"""


@pytest.mark.slow
def test_four_processes_adding_100_records_each_lose_nothing(made: Made, tmp_path: Path) -> None:
    go = tmp_path / "go"
    workers = [
        run_python(WORKER, str(made.path), f"w{w}", ADMIN, PASSPHRASE, str(go)) for w in range(4)
    ]
    time.sleep(0.5)
    go.touch()
    for worker in workers:
        out, err = worker.communicate(timeout=240)
        assert worker.returncode == 0, err
        assert out.strip() == "done"
    people = names(made.store)
    expected = sorted(f"w{w}-{i}" for w in range(4) for i in range(100))
    assert people == expected
    assert len({d.doc_id for d in made.store.read().table("people").all()}) == 400
    report = made.store.verify_audit()
    assert report.ok and report.length == 1 + 400


HOLDER = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(120)
"""


def test_store_busy_when_another_process_holds_the_lock(made: Made) -> None:
    holder = run_python(HOLDER, str(made.path.with_name("kiosk.store.lock")))
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        busy = Store.open(made.path, ADMIN, PASSPHRASE, lock_timeout=0.2)  # opening never waits
        generation = busy.generation
        with pytest.raises(StoreBusy) as err:
            add_person(busy)
        assert err.value.code == "busy"
        assert busy.generation == generation
        assert names(busy) == []
    finally:
        holder.kill()
        holder.communicate(timeout=30)
    add_person(busy, "After The Holder Died")  # a dead holder's lock is gone at once
    assert names(busy) == ["After The Holder Died"]


STUCK = """
import sys, time
from store import Store
store = Store.open(sys.argv[1], sys.argv[2], sys.argv[3])
with store.transaction() as tx:
    tx.db.table("people").insert({"full_name": "Never Saved"})
    tx.audit("person.add", "people", 1)
    print("inside", flush=True)
    time.sleep(120)
"""


def test_lock_of_a_killed_process_does_not_block(made: Made) -> None:
    stuck = run_python(STUCK, str(made.path), ADMIN, PASSPHRASE)
    assert stuck.stdout is not None and stuck.stdout.readline().strip() == "inside"
    stuck.send_signal(signal.SIGKILL)
    stuck.communicate(timeout=30)
    made.store._lock_timeout = 2.0
    add_person(made.store, "Next Admin")
    assert names(made.store) == ["Next Admin"]  # and the killed change never landed


def test_changed_and_read_follow_another_session(made: Made) -> None:
    other = Store.open(made.path, ADMIN, PASSPHRASE)
    db_before = made.store.read()
    assert not made.store.changed()
    assert made.store.read() is db_before  # unchanged: served from memory
    add_person(other, "From The Other Session")
    assert made.store.changed()
    db_after = made.store.read()
    assert db_after is not db_before  # a fresh TinyDB: no stale query cache or next id
    assert [d["full_name"] for d in db_after.table("people").all()] == ["From The Other Session"]
    assert not made.store.changed()


def test_query_cache_is_not_stale_after_reload(made: Made) -> None:
    from tinydb import Query

    other = Store.open(made.path, ADMIN, PASSPHRASE)
    add_person(made.store, "Alex Example")
    q = Query().full_name == "Bo Example"
    assert made.store.read().table("people").search(q) == []  # cached miss
    add_person(other, "Bo Example")
    assert len(made.store.read().table("people").search(q)) == 1


def test_transaction_builds_on_the_newest_generation(made: Made) -> None:
    other = Store.open(made.path, ADMIN, PASSPHRASE)
    add_person(other, "First")
    add_person(made.store, "Second")  # made.store never read "First" before its transaction
    assert names(other) == ["First", "Second"]
    ids = sorted(d.doc_id for d in other.read().table("people").all())
    assert ids == [1, 2]


def test_touching_the_file_is_not_a_change(made: Made) -> None:
    add_person(made.store)
    os_time = time.time() + 5
    import os

    os.utime(made.path, (os_time, os_time))
    assert not made.store.changed()
    assert names(made.store) == ["Alex Example"]


def test_create_with_a_short_lock_timeout_still_works(tmp_path: Path) -> None:
    store, _ = Store.create(tmp_path / "s.store", ADMIN, PASSPHRASE, kdf=FAST_KDF, lock_timeout=0)
    add_person(store)
    assert names(store) == ["Alex Example"]
