"""Start-up to the first painted screen: kiosk against a bare Textual app, in one run.

What is timed is a whole process, from ``exec`` of the interpreter to its exit, because that
is what an admin waits for when they type ``kiosk``: the interpreter, every import, argument
parsing, opening the store folder, Textual's CSS, the first layout and the first compositor
render. Each side exits right after its first screen is painted (Textual's ``Ready`` event,
then the refresh after it), headless at 80x24:

* **kiosk**: ``benchmarks/kiosk_first_paint.py``, i.e. ``kiosk --store PATH`` through the
  same ``kiosk.cli.main`` as the console script, on an existing store (created here with a
  fast KDF and the demo care group), so the first screen is the unlock screen. The driver
  checks that it really is the unlock screen; a run that shows anything else fails the
  benchmark instead of timing it.
* **bare**: ``benchmarks/bare_app.py``, a Header, a DataTable and a Footer.

The two run in turn (bare, kiosk, bare, kiosk ...) after warm-up runs, so drift in the
machine's speed affects both alike; the ratio is taken pair by pair and its median quoted.
Nothing here asserts anything about time: it prints figures (target: kiosk within 1.2x).

    python benchmarks/startup_bench.py [-n RUNS] [--warmup N] [--importtime]

``--importtime`` adds what kiosk imports that the bare app does not, slowest first
(``python -X importtime``), which is where start-up time usually goes. ``--commands``
prints the two commands (and creates the store they need) so they can be timed with any
external tool, e.g. ``/usr/bin/time -v``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

SIZE = (80, 24)  # as in both drivers
CHILD_TIMEOUT_SECONDS = 60.0
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def create_store(folder: Path) -> Path:
    """An existing kiosk store with the demo care group, created with a fast KDF.

    The KDF cost does not matter here: the unlock screen derives no key until a
    passphrase is typed. A real-sized store makes the file-system work realistic.
    """
    sys.path.insert(0, str(ROOT))
    from kiosk import demo
    from store import KdfParams, Store

    path = folder / "kiosk.store"
    store, _recovery = Store.create(
        path,
        demo.DEMO_ADMIN,
        demo.DEMO_PASSPHRASE,
        kdf=KdfParams(memory_kib=64, iterations=1, lanes=1),
    )
    demo.populate(store, date.today())
    close = getattr(store, "close", None)
    if close is not None:
        close()
    return path


@dataclass
class Side:
    name: str
    argv: list[str]
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + sys of the child

    def run_once(self, env: dict[str, str]) -> tuple[float, float]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = subprocess.run(
            self.argv,
            env=env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=CHILD_TIMEOUT_SECONDS,
            check=False,
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if result.returncode != 0:
            raise SystemExit(
                f"{self.name}: exit status {result.returncode} (did it reach its first "
                f"screen?)\n{result.stderr.decode(errors='replace')[-2000:]}"
            )
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall, cpu


def _env(pycache: Path) -> dict[str, str]:
    """The children's environment: no store or Textual settings of the caller's, and
    bytecode cached in ``pycache`` (see :func:`bytecode_note`)."""
    env = dict(os.environ)
    env.pop("KIOSK_STORE", None)
    env.pop("TEXTUAL", None)  # no devtools or debug features
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def bytecode_note() -> str:
    """Why both sides run with their bytecode cached (printed with the figures).

    An installed kiosk has its bytecode compiled when pip or pipx installs it, as Textual
    has. Run from a clone in a shell with ``PYTHONDONTWRITEBYTECODE=1``, kiosk's own
    modules were compiled from source on every start (about 90 ms on the reference machine
    in December 2026) while Textual's came from site-packages' bytecode: a cost no admin
    pays, and a third of the gap this benchmark measured then. Both sides now write their
    bytecode once, during the warm-up, into a private folder (``PYTHONPYCACHEPREFIX``;
    nothing is written into the clone), and are timed reading it.
    """
    return "bytecode: cached for both sides in a private folder during the warm-up"


def _commands(store_path: Path) -> tuple[Side, Side]:
    python = sys.executable
    bare = Side("bare Textual", [python, str(HERE / "bare_app.py")])
    kiosk = Side("kiosk", [python, str(HERE / "kiosk_first_paint.py"), str(store_path)])
    return bare, kiosk


def _row(label: str, values: list[float], unit: str = "s") -> str:
    scale, suffix = (1000.0, " ms") if unit == "s" else (1.0, "")
    low, mid, high = min(values), statistics.median(values), max(values)
    return (
        f"  {label:<22} min {low * scale:8.1f}{suffix}   median {mid * scale:8.1f}{suffix}"
        f"   max {high * scale:8.1f}{suffix}"
    )


def bench(runs: int, warmup: int, store_path: Path) -> None:
    env = _env(store_path.parent / "pycache")
    warmup = max(warmup, 1)  # the first run of each writes its bytecode
    bare, kiosk = _commands(store_path)
    for _ in range(warmup):
        bare.run_once(env)
        kiosk.run_once(env)
    for _ in range(runs):
        for side in (bare, kiosk):
            wall, cpu = side.run_once(env)
            side.wall.append(wall)
            side.cpu.append(cpu)
    print(
        f"start-up to first painted screen, headless {SIZE[0]}x{SIZE[1]}, whole process; "
        f"{runs} runs each after {warmup} warm-up, interleaved; python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs; {bytecode_note()}"
    )
    for side in (bare, kiosk):
        print(f"{side.name}:")
        print(_row("wall", side.wall))
        print(_row("cpu (user+sys)", side.cpu))
    wall_ratio = [k / b for k, b in zip(kiosk.wall, bare.wall, strict=True)]
    cpu_ratio = [k / b for k, b in zip(kiosk.cpu, bare.cpu, strict=True)]
    print("kiosk / bare, pair by pair (target: within 1.2):")
    print(_row("wall ratio", wall_ratio, unit="x"))
    print(_row("cpu ratio", cpu_ratio, unit="x"))


def _import_times(argv: list[str], pycache: Path) -> dict[str, tuple[int, int]]:
    """Module -> (self, cumulative) microseconds of one run under ``python -X importtime``."""
    env = _env(pycache)
    subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, check=False)  # bytecode
    result = subprocess.run(
        [argv[0], "-X", "importtime", *argv[1:]],
        env=env,
        cwd=ROOT,
        capture_output=True,
        timeout=CHILD_TIMEOUT_SECONDS,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    times: dict[str, tuple[int, int]] = {}
    for line in result.stderr.decode(errors="replace").splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, cumulative, name = (part.strip() for part in line[len("import time:") :].split("|", 2))
        times[name] = (int(own), int(cumulative))
    return times


def importtime(store_path: Path, top: int = 15) -> None:
    """Where kiosk's extra start-up goes: the modules it imports that the bare app does not.

    One run of each under ``python -X importtime``; a module's *self* time is its own
    top-level code, *cumulative* includes what it imports. Figures from a single run are
    rough, but the ranking is stable enough to say what to import lazily.
    """
    bare, kiosk = _commands(store_path)
    pycache = store_path.parent / "pycache"
    bare_times = _import_times(bare.argv, pycache)
    kiosk_times = _import_times(kiosk.argv, pycache)
    extra = {name: t for name, t in kiosk_times.items() if name not in bare_times}
    print(
        f"imports: bare app {len(bare_times)} modules, "
        f"{sum(t[0] for t in bare_times.values()) / 1000:.1f} ms; kiosk {len(kiosk_times)} "
        f"modules, {sum(t[0] for t in kiosk_times.values()) / 1000:.1f} ms (self times, one run)"
    )
    print(
        f"imported by kiosk only: {len(extra)} modules, "
        f"{sum(t[0] for t in extra.values()) / 1000:.1f} ms; the slowest, cumulative:"
    )
    ranked = sorted(extra.items(), key=lambda item: item[1][1], reverse=True)
    for name, (own, cumulative) in ranked[:top]:
        print(f"  {cumulative / 1000:8.1f} ms  (self {own / 1000:6.1f} ms)  {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--runs", type=int, default=10, help="counted runs of each app")
    parser.add_argument("--warmup", type=int, default=2, help="uncounted runs of each, first")
    parser.add_argument(
        "--importtime", action="store_true", help="also list the slowest imports of kiosk"
    )
    parser.add_argument(
        "--commands",
        metavar="FOLDER",
        type=Path,
        help="create the store in FOLDER and print the two commands, for an external timer",
    )
    args = parser.parse_args(argv)
    if args.commands is not None:
        args.commands.mkdir(parents=True, exist_ok=True)
        bare, kiosk = _commands(create_store(args.commands))
        cache = args.commands / "pycache"
        prefix = f"env -u PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX={cache}"
        for side in (bare, kiosk):
            print(f"{side.name}: {prefix} {' '.join(side.argv)}")
        return 0
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as folder:
        store_path = create_store(Path(folder))
        bench(args.runs, args.warmup, store_path)
        if args.importtime:
            importtime(store_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
