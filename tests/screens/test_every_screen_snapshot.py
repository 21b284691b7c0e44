"""What the admin sees on every screen of the demo care group at 80x24, in colour and with
NO_COLOR=1: one snapshot each, reached by keyboard from the dashboard as an admin would.

The store is created with a fixed clock and the app runs on a fixed day, so audit times,
generations and relative dates are the same on every run.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk import demo
from kiosk.clock import FixedClock
from screens.app import DemoCredentials, KioskApp
from screens.nav import NAV
from store import Store
from tests.conftest import FAST_KDF

NOW = datetime(2026, 11, 24, 10, 30)
STORE_TIME = datetime(2026, 11, 24, 9, 15, tzinfo=UTC)


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    path = tmp_path / "demo" / "kiosk.store"
    store, _code = Store.create(
        path, demo.DEMO_ADMIN, demo.DEMO_PASSPHRASE, kdf=FAST_KDF, now=lambda: STORE_TIME
    )
    demo.populate(store, NOW.date())
    store.close()
    return path


@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "no_color"])
@pytest.mark.parametrize(
    "key", [*(entry.key for entry in NAV), "f1"], ids=[*(e.name for e in NAV), "help"]
)
def test_screen_at_80x24(
    demo_path: Path,
    snap_compare,
    monkeypatch: pytest.MonkeyPatch,
    key: str,
    no_color: bool,  # type: ignore[no-untyped-def]
) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    app = KioskApp(
        demo_path,
        clock=FixedClock(NOW),
        demo=DemoCredentials(demo.DEMO_ADMIN, demo.DEMO_PASSPHRASE),
        store_kdf=FAST_KDF,
    )

    async def open_screen(pilot) -> None:  # type: ignore[no-untyped-def]
        pilot.app.screen.query_one("#passphrase").value = demo.DEMO_PASSPHRASE
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("n")  # keep the demo's old leaver: the retention question
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_screen)
