"""A store file that is gone while its backups are beside it (issue 13): the TUI says so,
names the newest generation and restores it with an admin's passphrase; it never starts
the setup wizard there. ``kiosk check`` names the newest too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kiosk import records
from kiosk.model import SITES
from screens.missing_store import MissingStoreScreen
from store import Store
from tests.screens.screen_walk import screen_lines, settle
from tests.screens.test_app import PASSPHRASE, app_for, make_store, type_text

REPO = Path(__file__).resolve().parents[2]


def lost_store(tmp_path: Path) -> tuple[Path, int]:
    """A store saved twice (so backups/ holds generations), then deleted."""
    path = tmp_path / "office" / "kiosk.store"
    path.parent.mkdir(mode=0o700)
    store = make_store(path, "Ann Example")
    with store.transaction() as tx:  # the site is now in backups/ too
        records.save(tx, SITES, records.sites(tx.db)[0], "site.edit")
    store.close()
    newest = max(g.generation for g in Store.list_generations(path))
    path.unlink()
    return path, newest


async def test_the_tui_offers_the_newest_backup_not_the_setup_wizard(tmp_path: Path) -> None:
    path, newest = lost_store(tmp_path)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MissingStoreScreen)
        glass = " ".join(" ".join(screen_lines(app)).split())
        assert "missing" in glass and f"generation {newest}" in glass
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await settle(pilot)
        question = " ".join(" ".join(screen_lines(app)).split())
        assert f"generation {newest}" in question and "lost" in question  # later changes
        assert not path.exists()  # nothing before the answer
        await pilot.press("y")
        await settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
        assert path.is_file()
        assert [s.name for s in records.sites(app.session.db())] == ["Harbour View Care Home"]


async def test_a_wrong_passphrase_restores_nothing(tmp_path: Path) -> None:
    path, _newest = lost_store(tmp_path)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, "not the passphrase")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, MissingStoreScreen)
        assert not path.exists()


def test_kiosk_check_names_the_newest_backup(tmp_path: Path) -> None:
    path, newest = lost_store(tmp_path)
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_COLOR="1")
    env.pop("KIOSK_STORE", None)
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "check", "--store", str(path), "--admin", "Ann Example",
         "--passphrase-stdin"],
        input=PASSPHRASE + "\n", capture_output=True, text=True, env=env, timeout=120,
        check=False,
    )
    assert f"the newest is generation {newest}" in " ".join(result.stdout.split())
    assert f"kiosk restore {newest} --store {path} --admin 'Ann Example'" in result.stdout
    assert "kiosk init" not in result.stdout + result.stderr


async def test_the_setup_wizard_creates_no_store_beside_backups(tmp_path: Path) -> None:
    """The wizard obeys the same rule as `kiosk init` (kiosk.missing_store.creation_refused).
    Here every generation is damaged, so the front door has nothing to offer and shows
    the wizard; creating must still be refused, naming `kiosk restore`."""
    from textual.widgets import Input, Static

    path, newest = lost_store(tmp_path)
    for gen_path in (path.parent / "backups").iterdir():
        gen_path.write_bytes(b"damaged")
    backups = {p.name: p.read_bytes() for p in (path.parent / "backups").iterdir()}
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "SetupWizard"
        app.screen.query_one("#admin-name", Input).value = "Ann Example"
        await pilot.press("enter")
        app.screen.query_one("#pass1", Input).value = PASSPHRASE
        app.screen.query_one("#pass2", Input).value = PASSPHRASE
        await pilot.press("ctrl+s")
        values = {
            "name": "Harbour View Care Home",
            "ods_code": "vzz01",
            "cqc_location_id": "1-000000001",
            "site_phone": "01632 960123",
            "mailbox": "harbourview.care@nhs.net",
        }
        for name, value in values.items():
            app.screen.query_one(f"#site-{name}", Input).value = value
        app.screen.query_one("#mailbox-confirmed").value = True  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await settle(pilot)
        said = " ".join(str(app.screen.query_one("#creating-message", Static).render()).split())
        assert f"kiosk restore {newest}" in said
        assert type(app.screen).__name__ == "SetupWizard"
    assert not path.exists()
    assert {p.name: p.read_bytes() for p in (path.parent / "backups").iterdir()} == backups
