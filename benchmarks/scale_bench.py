"""kiosk at a care group's scale: 10 people and 1 site against 10,000 people and 50 sites.

What is timed is what an admin waits for (issue 15), with the installed ``kiosk`` console
script in a real terminal (a private tmux server, 80x24) and through the CLI:

* start to the unlock screen visible, against a bare Textual app (Header, DataTable,
  Footer) started the same way, in turn; the ratio is taken pair by pair;
* Enter on the passphrase to the dashboard painted;
* dashboard to People painted (``p``), and dashboard to Logins painted (``r``);
* ``kiosk reminders`` and ``kiosk import`` of one more person (whole processes, Argon2id
  included: the same at both sizes, so the difference is what the data costs);
* ``kiosk import`` of 1,000 new people into an empty store (the drama range has 1,000
  mobiles, so a real 10,000-row file of distinct people cannot be made from it), and the
  import's write path in one process at 2,000 / 8,000 / 16,000 rows: a transaction that
  saves that many people one by one, as ``kiosk import`` does, then writes the store.
  The time per row shows whether bulk writes are linear.

"Painted" means the text that only the new screen shows is in ``tmux capture-pane``,
polled every few milliseconds; the time runs from the key being sent. Each step runs
``--runs`` times (fresh ``kiosk`` each run) and the median is printed, with min and max.
The machine is shared and noisy: compare medians, and re-run when min and max are far
apart. Nothing asserts on time.

    python benchmarks/scale_bench.py [--runs N] [--skip-tui] [--skip-cli] [--skip-write]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

import scale_data  # noqa: E402

POLL = 0.005
TIMEOUT = 60.0
SIZES = {"small": (10, 1), "large": (10_000, 50)}
PERSON_ROW = re.compile(r"^\s*(?:" + "|".join(scale_data.FIRST) + r") [A-Z][a-z]+\b", re.MULTILINE)


def kiosk_bin() -> str:
    found = shutil.which("kiosk") or str(Path(sys.executable).parent / "kiosk")
    if not Path(found).exists():
        sys.exit("the kiosk console script is not installed (pip install -e .)")
    return found


class Tmux:
    """A private tmux server; one session at a time, 80x24, status line off."""

    def __init__(self, workdir: Path) -> None:
        self.socket = f"kiosk-scale-{os.getpid()}"
        self.conf = workdir / "tmux.conf"
        self.conf.write_text(
            "set -g status off\nset -g remain-on-exit on\nset -sg escape-time 0\n"
            "set -g default-terminal tmux-256color\n",
            encoding="utf-8",
        )
        self.workdir = workdir

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, "-f", str(self.conf), *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        return done.stdout

    def start(self, argv: list[str]) -> float:
        # Bytecode cached for kiosk and the bare app alike, in a private folder (written by
        # the first run): an installed kiosk has its own, and a shell's
        # PYTHONDONTWRITEBYTECODE=1 would make every start compile kiosk's sources.
        env = [
            "env",
            "-u",
            "NO_COLOR",
            "-u",
            "KIOSK_STORE",
            "-u",
            "TEXTUAL",
            "-u",
            "PYTHONDONTWRITEBYTECODE",
            f"PYTHONPYCACHEPREFIX={self.workdir / 'pycache'}",
            "TERM=tmux-256color",
        ]
        command = " ".join(_quote(a) for a in [*env, *argv])
        for _ in range(20):  # a server still ending after kill-server refuses a session
            started = time.perf_counter()
            done = subprocess.run(
                [
                    "tmux",
                    "-L",
                    self.socket,
                    "-f",
                    str(self.conf),
                    "new-session",
                    "-d",
                    "-s",
                    "k",
                    "-x",
                    "80",
                    "-y",
                    "24",
                    "-c",
                    str(self.workdir),
                    command,
                ],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            if done.returncode == 0:
                return started
            time.sleep(0.2)
        raise RuntimeError(f"tmux would not start a session: {done.stderr}")

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "k")

    def keys(self, *keys: str, literal: bool = False) -> float:
        sent = time.perf_counter()
        self.run("send-keys", "-t", "k", *(["-l"] if literal else []), *keys)
        return sent

    def wait(self, ready: Callable[[str], bool], what: str) -> float:
        deadline = time.perf_counter() + TIMEOUT
        while True:
            shown = self.screen()
            if ready(shown):
                return time.perf_counter()
            if time.perf_counter() > deadline:
                raise RuntimeError(f"waited {TIMEOUT:.0f} s for {what}; the screen:\n{shown}")
            time.sleep(POLL)

    def kill(self) -> None:
        self.run("kill-server")


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


def rows_shown(screen: str, at_least: int) -> bool:
    return len(PERSON_ROW.findall(screen)) >= at_least


def tui_runs(tmux: Tmux, store: Path, runs: int) -> dict[str, list[float]]:
    """Start kiosk on ``store`` ``runs`` times: unlock, People, back, Logins, quit."""
    out: dict[str, list[float]] = {"start": [], "unlock": [], "people": [], "logins": []}
    for _ in range(runs):
        started = tmux.start([kiosk_bin(), "--store", str(store)])
        seen = tmux.wait(lambda s: "your own passphrase" in s, "the unlock screen")
        out["start"].append(seen - started)
        tmux.keys(scale_data.PASSPHRASE, literal=True)
        sent = tmux.keys("Enter")
        seen = tmux.wait(lambda s: "Unlocked by" in s and "Logins" in s, "the dashboard")
        out["unlock"].append(seen - sent)
        time.sleep(0.3)
        sent = tmux.keys("p")
        seen = tmux.wait(lambda s: "Type to filter" in s and rows_shown(s, 5), "People with rows")
        out["people"].append(seen - sent)
        tmux.keys("Escape")
        tmux.wait(lambda s: "Unlocked by" in s, "the dashboard again")
        time.sleep(0.3)
        sent = tmux.keys("r")
        seen = tmux.wait(lambda s: "Logins \u2014" in s and rows_shown(s, 5), "Logins with rows")
        out["logins"].append(seen - sent)
        tmux.keys("C-q")
        time.sleep(0.3)
        tmux.kill()
    return out


def bare_runs(tmux: Tmux, runs: int) -> list[float]:
    times = []
    code = (
        f"import sys; sys.path.insert(0, {str(HERE)!r}); "
        "from bare_app import BareApp; BareApp().run()"
    )
    for _ in range(runs):
        started = tmux.start([sys.executable, "-c", code])
        seen = tmux.wait(lambda s: "Margaret Ellison" in s and "Quit" in s, "the bare app")
        times.append(seen - started)
        tmux.keys("q")
        time.sleep(0.2)
        tmux.kill()
    return times


def timed(argv: list[str], stdin: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, input=stdin, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 3, 4):
        raise RuntimeError(f"{argv[1]} failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed


def cli_args(store: Path) -> list[str]:
    return ["--store", str(store), "--admin", scale_data.ADMIN, "--passphrase-stdin"]


def copy_store(store: Path, into: Path) -> Path:
    if into.exists():
        shutil.rmtree(into)
    into.mkdir(mode=0o700)
    target = into / store.name
    shutil.copy2(store, target)
    return target


def cli_runs(stores: dict[str, Path], work: Path, runs: int, today: date) -> dict[str, list[float]]:
    kiosk = kiosk_bin()
    stdin = scale_data.PASSPHRASE + "\n"
    one = work / "one.csv"
    one.write_text(scale_data.import_csv(1, today, first_mobile=999), encoding="utf-8")
    thousand = work / "thousand.csv"
    thousand.write_text(scale_data.import_csv(1000, today), encoding="utf-8")
    out: dict[str, list[float]] = {}
    for _ in range(runs):
        for size, store in stores.items():
            out.setdefault(f"reminders {size}", []).append(
                timed([kiosk, "reminders", *cli_args(store)], stdin)
            )
            copy = copy_store(store, work / f"copy-{size}")
            out.setdefault(f"import1 {size}", []).append(
                timed([kiosk, "import", str(one), *cli_args(copy)], stdin)
            )
        copy = copy_store(stores["empty"], work / "copy-empty")
        out.setdefault("import1000", []).append(
            timed([kiosk, "import", str(thousand), *cli_args(copy)], stdin)
        )
    return out


def write_path(work: Path, rows: int, today: date) -> float:
    """One transaction saving ``rows`` people one by one (as ``kiosk import`` does), and
    the save that ends it; the store is created beforehand and not timed."""
    from kiosk import records
    from kiosk.model import PEOPLE
    from store import KdfParams, Store

    folder = work / f"write-{rows}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(mode=0o700)
    store, _ = Store.create(
        folder / "kiosk.store",
        scale_data.ADMIN,
        scale_data.PASSPHRASE,
        kdf=KdfParams(memory_kib=64, iterations=1, lanes=1),
    )
    people = [scale_data.person(i, [1], today) for i in range(rows)]
    try:
        started = time.perf_counter()
        with store.transaction() as tx:
            save_many = getattr(records, "save_many", None)
            if save_many is not None:
                save_many(tx, PEOPLE, people, "person.add", detail="import")
            else:
                for person in people:
                    records.save(tx, PEOPLE, person, "person.add", detail="import")
        return time.perf_counter() - started
    finally:
        store.close()


def med(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s"


def spread(values: list[float]) -> str:
    return f"{min(values):.2f}\u2013{max(values):.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each step (default 3)")
    parser.add_argument("--skip-tui", action="store_true")
    parser.add_argument("--skip-cli", action="store_true")
    parser.add_argument("--skip-write", action="store_true")
    args = parser.parse_args()
    today = date.today()
    with tempfile.TemporaryDirectory(prefix="kiosk-scale-") as tmp:
        work = Path(tmp)
        os.chmod(work, 0o700)
        stores: dict[str, Path] = {}
        for name, (people, sites) in {**SIZES, "empty": (0, 1)}.items():
            folder = work / name
            folder.mkdir(mode=0o700)
            stores[name] = scale_data.build(folder / "kiosk.store", people, sites, today)
        print(
            f"# kiosk scale benchmark, {today.isoformat()}, {os.cpu_count()} cores, "
            f"{args.runs} runs each, medians (min\u2013max)\n"
        )
        print("| step | 10 people, 1 site | 10,000 people, 50 sites | ratio |")
        print("|---|---|---|---|")
        if not args.skip_tui:
            tmux = Tmux(work)
            found: dict[str, dict[str, list[float]]] = {}
            for size in SIZES:
                found[size] = tui_runs(tmux, stores[size], args.runs)
            labels = {
                "unlock": "Enter on the passphrase \u2192 dashboard painted",
                "people": "dashboard \u2192 People painted",
                "logins": "dashboard \u2192 Logins painted",
            }
            for key, label in labels.items():
                small, large = found["small"][key], found["large"][key]
                ratio = statistics.median(large) / statistics.median(small)
                print(
                    f"| {label} | {med(small)} ({spread(small)}) | "
                    f"{med(large)} ({spread(large)}) | {ratio:.1f}\u00d7 |"
                )
            bare = bare_runs(tmux, args.runs)
            kiosk_start = found["small"]["start"]
            pairs = [k / b for k, b in zip(kiosk_start, bare, strict=False)]
            print(
                f"| start \u2192 unlock screen visible (tmux), kiosk vs bare app | "
                f"{med(kiosk_start)} vs {med(bare)} | {med(found['large']['start'])} | "
                f"kiosk/bare {statistics.median(pairs):.2f}\u00d7 |"
            )
        if not args.skip_cli:
            cli = cli_runs(stores, work, args.runs, today)
            for key, label in (
                ("reminders", "`kiosk reminders`"),
                ("import1", "`kiosk import` of one more person"),
            ):
                small, large = cli[f"{key} small"], cli[f"{key} large"]
                diff = (statistics.median(large) - statistics.median(small)) * 1000
                print(
                    f"| {label} | {med(small)} ({spread(small)}) | "
                    f"{med(large)} ({spread(large)}) | +{diff:.0f} ms |"
                )
            print(
                f"| `kiosk import` of 1,000 new people (empty store) | | "
                f"{med(cli['import1000'])} ({spread(cli['import1000'])}) | |"
            )
        if not args.skip_write:
            for rows in (2_000, 8_000, 16_000):
                values = [write_path(work, rows, today) for _ in range(max(1, args.runs - 1))]
                per_row = statistics.median(values) / rows * 1e6
                print(
                    f"| import write path, {rows:,} rows in one transaction | | "
                    f"{med(values)} ({spread(values)}) | {per_row:.0f} \u00b5s/row |"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
