"""The dashboard on the demo care group: what it says, where its lines lead, and how the
front door and the home screen look at 80x24 and 120x40."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from kiosk import demo
from kiosk.clock import FixedClock
from kiosk.dashboard import Level, build_dashboard
from screens.app import DemoCredentials, KioskApp
from store import Store
from tests.conftest import FAST_KDF

NOW = datetime(2026, 11, 24, 10, 30)  # a Tuesday, NAS open


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    path = tmp_path / "demo" / "kiosk.store"
    store, _code = Store.create(path, demo.DEMO_ADMIN, demo.DEMO_PASSPHRASE, kdf=FAST_KDF)
    demo.populate(store, NOW.date())
    store.close()
    return path


def demo_app(path: Path) -> KioskApp:
    return KioskApp(
        path,
        clock=FixedClock(NOW),
        demo=DemoCredentials(demo.DEMO_ADMIN, demo.DEMO_PASSPHRASE),
        store_kdf=FAST_KDF,
    )


def test_dashboard_content_for_the_demo_care_group(demo_path: Path) -> None:
    store = Store.open(demo_path, demo.DEMO_ADMIN, demo.DEMO_PASSPHRASE)
    board = build_dashboard(store.read(), FixedClock(NOW).now())
    assert board.nas.level is Level.OK and "open" in board.nas.text
    # an owner at risk is the very first line, and leads to the reminders
    assert board.top[0].level is Level.BAD and board.top[0].text.startswith("Owner ")
    assert board.top[0].target == "reminders" and dict(board.top[0].link)["person_id"]
    tickets = [line for line in board.top if line.target == "tickets"]
    assert tickets and "contact_id" in dict(tickets[0].link)
    assert [s.site.ods_code for s in board.sites] == ["VZZ01", "VZZ02"]
    second = " | ".join(line.text for line in board.sites[1].lines)
    assert "only one owner" in second
    assert "has sent no email since" in second
    assert "open more than 5 working days" in second
    for summary in board.sites:
        # worst first, and every line leads somewhere
        levels = [line.level for line in summary.lines]
        assert levels == sorted(levels)
        assert all(line.target for line in summary.lines)


async def _unlock(app: KioskApp, pilot) -> None:  # type: ignore[no-untyped-def]
    app.screen.query_one("#passphrase").value = demo.DEMO_PASSPHRASE  # type: ignore[attr-defined]
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    # the demo has a leaver past the retention period: the app asks first; keep them
    assert type(app.screen).__name__ == "ConfirmDialog"
    await pilot.press("n")
    await pilot.pause()


async def test_enter_on_a_line_opens_the_screen_that_fixes_it(demo_path: Path) -> None:
    app = demo_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _unlock(app, pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
        await pilot.press("enter")  # the first line: an owner at risk
        await pilot.pause()
        assert type(app.screen).__name__ == "RemindersScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "DashboardScreen"
        await pilot.press("escape")  # home: nowhere further back
        assert type(app.screen).__name__ == "DashboardScreen"


async def test_enter_on_an_owner_line_opens_logins_on_that_person(demo_path: Path) -> None:
    from textual.widgets import DataTable

    app = demo_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _unlock(app, pilot)
        first = app.screen._targets["top-0"]  # type: ignore[attr-defined]
        assert first.text.startswith("Owner ")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "RemindersScreen"
        table = screen.query_one("#reminders-table", DataTable)
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        assert key == f"p{dict(first.link)['person_id']}"
        person = screen._rows[key][0]  # type: ignore[attr-defined]
        assert first.text.startswith(f"Owner {person.full_name} ")
        assert table.cursor_row > 0  # not simply the top of the list


async def test_every_nav_key_opens_its_screen_and_escape_comes_back(demo_path: Path) -> None:
    app = demo_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _unlock(app, pilot)
        for entry in app.nav_entries():
            await pilot.press(entry.key)
            await pilot.pause()
            assert type(app.screen).__name__ == entry.target.split(":")[1], entry.name
            await pilot.press("escape")
            await pilot.pause()
            assert type(app.screen).__name__ == "DashboardScreen", entry.name


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_unlock_snapshot(demo_path: Path, snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(demo_app(demo_path), terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_dashboard_snapshot(demo_path: Path, snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def unlock(pilot) -> None:  # type: ignore[no-untyped-def]
        await _unlock(pilot.app, pilot)

    assert snap_compare(demo_app(demo_path), terminal_size=size, run_before=unlock)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_setup_snapshot(tmp_path: Path, snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    app = KioskApp(tmp_path / "new" / "kiosk.store", clock=FixedClock(NOW), store_kdf=FAST_KDF)
    assert snap_compare(app, terminal_size=size)
