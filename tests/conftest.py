"""Fixtures shared by every test package.

``kiosk_store`` is a real encrypted store in the test's own tmp folder, with a cheap
Argon2id so that unlocking takes milliseconds. Use ``tests.fakes.FakeStore`` where
encryption does not matter; use this one where the real store's behaviour does
(transactions across sessions, audit, StoreBusy...).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from store import KdfParams, Store

# Tests never assert on wall-clock time (the guide's rule), and hypothesis's default 200 ms
# deadline per example is one: on a loaded CI machine a search over the FAQ took 266 ms and
# failed the suite; its "too slow" health check is the same kind of test. Properties are
# checked by what they find, never by how fast.
settings.register_profile("kiosk", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("kiosk")

FAST_KDF = KdfParams(memory_kib=8192, iterations=1, lanes=1)
KIOSK_ADMIN = "Test Admin"
KIOSK_PASSPHRASE = "correct horse battery"


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """Two workers per core for ``-n auto``: most tests wait (on tmux, a subprocess, a
    screen settling) rather than compute, so one per core leaves the cores half idle
    (measured on 2 cores: 6 min 15 s with 2 workers, 3 min 47 s with 4)."""
    return 2 * (os.cpu_count() or 1)


@pytest.fixture
def kiosk_store(tmp_path: Path) -> Store:
    store, _code = Store.create(
        tmp_path / "kiosk" / "kiosk.store", KIOSK_ADMIN, KIOSK_PASSPHRASE, kdf=FAST_KDF
    )
    return store


@pytest.fixture(autouse=True)
def steady_input_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold every Input's cursor in its visible phase.

    Textual blinks the cursor on a 0.5 s timer, so on a loaded machine a snapshot taken
    after the half-second shows a field without its cursor and fails for no fault of kiosk.
    Focus still shows and hides the cursor as in the real program; only the blink stops.
    """
    from textual.widgets import Input

    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


@pytest.fixture(autouse=True)
def pilot_waits_for_saves(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pilot's ``press`` and ``pause`` also wait for the saves they set off.

    Every save runs in a thread worker (screens/widgets/saving.py), so a test that presses
    Ctrl+S and reads the result would otherwise race the worker: Textual's own idle wait
    guesses from CPU time, which a loaded machine fools. Waiting for the save's worker
    makes the result there to read, whatever the load. Tests that hold a save on purpose
    to look at the screen meanwhile are marked ``holds_save``.
    """
    if request.node.get_closest_marker("holds_save"):
        return
    from textual.pilot import Pilot

    real_press, real_pause = Pilot.press, Pilot.pause

    async def wait_for_saves(pilot: Pilot[object]) -> None:
        saves = [w for w in pilot.app.workers if w.group == "save"]
        if saves:
            await pilot.app.workers.wait_for_complete(saves)
            await real_pause(pilot)

    async def press(self: Pilot[object], *keys: str) -> None:
        await real_press(self, *keys)
        await wait_for_saves(self)

    async def pause(self: Pilot[object], delay: float | None = None) -> None:
        await real_pause(self, delay)
        await wait_for_saves(self)

    monkeypatch.setattr(Pilot, "press", press)
    monkeypatch.setattr(Pilot, "pause", pause)


@pytest.fixture(autouse=True)
def private_state_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own ``KIOSK_STATE_DIR`` (the mirror of the admins' trust
    records, see store.mirror): no test may read or write the real user's state folder.
    Subprocesses inherit it through ``os.environ``."""
    folder = tmp_path_factory.mktemp("kiosk-state")
    monkeypatch.setenv("KIOSK_STATE_DIR", str(folder))
    return folder
