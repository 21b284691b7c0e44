"""Store benchmark: unlock, save latency and file size, unchanged-generation reads.

Prints figures; asserts nothing about time. Run from the repository root:

    python benchmarks/store_bench.py            # 100, 1,000 and 10,000 people
    python benchmarks/store_bench.py --quick    # 100 and 1,000, fewer samples

Targets (2-core machine): unlock <= 0.5 s; save p50 <= 10 ms at 1,000 people and
<= 60 ms at 10,000; unchanged-generation read <= 1 ms.

Every record is fictional: mobiles in 07700 900000-900999, emails at example.org and
example.com, ODS codes like VZZ01.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from store import KdfParams, Store

FIRST = ["Alex", "Bea", "Cal", "Dee", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jude", "Kit", "Lou"]
LAST = ["Example", "Sample", "Testwell", "Placeholder", "Demo", "Fictive", "Madeup", "Notreal"]


def person_doc(rng: random.Random, i: int) -> dict[str, Any]:
    """A document shaped like kiosk.model.Person.to_doc(), with fictional values."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return {
        "full_name": f"{first} {last} {i}",
        "personal_mobile": f"07700900{rng.randrange(1000):03d}",
        "personal_email": f"{first.lower()}.{last.lower()}{i}@example.org",
        "nhsmail": f"{first.lower()}.{last.lower()}{i}@example.com",
        "access": {str(s): rng.choice(["owner", "member"]) for s in range(1, rng.randint(2, 3))},
        "status": rng.choice(["active", "active", "active", "joiner", "leaver", "left"]),
        "status_since": "2025-03-14",
        "leaving_date": None,
        "leaver_marked": None,
        "last_activity": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "account_created": "2024-11-02",
        "first_login_done": True,
        "disabled_since": None,
        "erased": None,
    }


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.2f} ms"


def us(seconds: float) -> str:
    return f"{seconds * 1e6:6.1f} µs"


def bench_unlock(folder: Path, rounds: int) -> None:
    path = folder / "unlock.store"
    kdf = KdfParams()
    Store.create(path, "Bench Admin", "bench passphrase one", kdf=kdf)
    times = [
        timed(lambda: Store.open(path, "Bench Admin", "bench passphrase one"))
        for _ in range(rounds)
    ]
    print(
        f"unlock (Argon2id {kdf.memory_kib} KiB, t={kdf.iterations}, p={kdf.lanes}): "
        f"median {statistics.median(times):.3f} s, max {max(times):.3f} s  (target <= 0.5 s)"
    )


def bench_size(folder: Path, people: int, saves: int, reads: int) -> None:
    rng = random.Random(people)
    path = folder / f"people-{people}.store"
    store, _ = Store.create(path, "Bench Admin", "bench passphrase one", kdf=KdfParams())
    # A realistic history: every person was added by its own audited change.
    with store.transaction() as tx:
        table = tx.db.table("people")
        ids = table.insert_multiple(person_doc(rng, i) for i in range(people))
        for doc_id in ids:
            tx.audit("person.add", "people", doc_id)
        tx.db.table("sites").insert_multiple(
            {"name": f"Care Home {s}", "ods_code": f"VZZ{s:02d}", "site_phone": "01632960123"}
            for s in range(1, 4)
        )
        tx.audit("site.add", "sites", 1)

    def one_save() -> None:
        doc_id = rng.choice(ids)
        with store.transaction() as tx:
            tx.db.table("people").update({"last_activity": "2025-12-01"}, doc_ids=[doc_id])
            tx.audit("person.activity", "people", doc_id)

    for _ in range(3):
        one_save()  # warm up
    save_times = [timed(one_save) for _ in range(saves)]
    size = os.path.getsize(path)

    store.read()
    read_times = [timed(store.read) for _ in range(reads)]
    changed_times = [timed(store.changed) for _ in range(reads)]

    start = time.perf_counter()
    other = Store.open(path, "Bench Admin", "bench passphrase one")
    open_time = time.perf_counter() - start
    reload_times = []
    for _ in range(max(3, saves // 5)):
        one_save()
        reload_times.append(timed(other.read))

    print(
        f"{people:>6} people ({len(ids) + 2} audit entries): "
        f"save p50 {ms(pct(save_times, 50))}, p95 {ms(pct(save_times, 95))}; "
        f"file {size / 1024:7.1f} KiB\n"
        f"{'':>15}unchanged read p50 {us(pct(read_times, 50))}, p95 {us(pct(read_times, 95))}; "
        f"changed() p50 {us(pct(changed_times, 50))}; "
        f"read after another session saved p50 {ms(pct(reload_times, 50))}\n"
        f"{'':>15}unlock of this store (KDF + decrypt + parse): {open_time:.3f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip 10,000 people")
    parser.add_argument("--saves", type=int, default=60)
    args = parser.parse_args()
    sizes = [100, 1000] if args.quick else [100, 1000, 10000]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        folder = Path(tmp)
        # the admins' trust-record mirror (store.mirror) goes with the throwaway stores,
        # not into the user's real state folder
        os.environ["KIOSK_STATE_DIR"] = str(folder / "state")
        bench_unlock(folder, 3 if args.quick else 5)
        for people in sizes:
            bench_size(folder, people, args.saves if people < 10000 else args.saves // 2, 2000)


if __name__ == "__main__":
    main()
