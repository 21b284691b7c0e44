"""The recovery wizard: end to end from the locked kiosk (Ctrl+R, the recovery key, a new
admin, a NEW key shown once, the dashboard as that admin), and on its own (refusals,
cancel, resetting a forgotten passphrase)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Input, Static

from kiosk import records
from kiosk.clock import FixedClock
from kiosk.model import SITES, Site
from screens.app import KioskApp
from screens.recovery import RecoveryWizard
from store import RECOVERY_SLOT, Store, WrongPassphrase
from tests.conftest import FAST_KDF

ADMIN = "Ann Admin"
PASSPHRASE = "correct horse battery"
NEW_PASS = "three rivers meet at dawn"
NOW = datetime(2026, 5, 20, 10, 0)


def make_store(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "k" / "kiosk.store"
    store, code = Store.create(path, ADMIN, PASSPHRASE, kdf=FAST_KDF)
    with store.transaction() as tx:
        records.save(
            tx,
            SITES,
            Site("Willow House", "VZZ01", "1-123456789", "01632960001", "willow@nhs.net"),
            "site.add",
        )
    store.close()
    return path, code


class WizardHost(App[None]):
    """Pushes the wizard over a blank screen and keeps what it dismisses with."""

    def __init__(self, rescue: Store) -> None:
        super().__init__()
        self.rescue = rescue
        self.result: list[Store | None] = []

    def on_mount(self) -> None:
        self.push_screen(RecoveryWizard(self.rescue), self.result.append)


def text(widget: Static) -> str:
    return str(widget.render())


async def fill(app: App[object], name: str, pass1: str, pass2: str) -> None:
    app.screen.query_one("#recovery-name", Input).value = name
    app.screen.query_one("#recovery-pass1", Input).value = pass1
    app.screen.query_one("#recovery-pass2", Input).value = pass2


async def test_recovery_end_to_end_from_the_locked_kiosk(tmp_path: Path) -> None:
    path, old_code = make_store(tmp_path)
    app = KioskApp(path, clock=FixedClock(NOW), store_kdf=FAST_KDF)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        assert type(app.screen).__name__ == "RecoveryUnlockScreen"
        app.screen.query_one("#recovery-code", Input).value = old_code
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, RecoveryWizard)
        await fill(app, "Cy Example", NEW_PASS, NEW_PASS)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        code = text(app.screen.query_one("#recovery-code", Static))
        assert code != old_code and code.count("-") >= 4
        app.screen.query_one("#recovery-check", Input).value = "WRONG"
        await pilot.press("enter")
        assert "not the last group" in text(app.screen.query_one("#recovery-check-error", Static))
        await pilot.press("escape")  # the key is already replaced: no way back now
        assert isinstance(app.screen, RecoveryWizard)
        app.screen.query_one("#recovery-check", Input).value = code.split("-")[-1]
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "DashboardScreen"
        assert app.session.admin == "Cy Example"  # not the recovery slot
    with pytest.raises(WrongPassphrase):
        Store.open_with_recovery(path, old_code)
    cy = Store.open(path, "Cy Example", NEW_PASS)
    assert [s.name for s in records.sites(cy.read())] == ["Willow House"]
    actions = [e.action for e in cy.audit_entries()]
    assert "admin.add" in actions and "recovery.regenerate" in actions
    cy.close()
    Store.open_with_recovery(path, code).close()


async def test_refusals_keep_the_wizard_open_and_cancel_changes_nothing(tmp_path: Path) -> None:
    path, code = make_store(tmp_path)
    rescue = Store.open_with_recovery(path, code)
    app = WizardHost(rescue)
    async with app.run_test(size=(80, 24)) as pilot:
        await fill(app, "", "short", "short")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "required" in text(app.screen.query_one("#recovery-name-error", Static))
        await fill(app, "Cy Example", NEW_PASS, NEW_PASS + "x")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "not the same" in text(app.screen.query_one("#recovery-pass-error", Static))
        await pilot.press("escape")
        await pilot.pause()
    assert app.result == [None]
    rescue.lock()
    Store.open_with_recovery(path, code).close()  # cancelled: the key still works
    assert Store.admin_names(path) == [ADMIN]


async def test_forgotten_passphrase_is_replaced(tmp_path: Path) -> None:
    path, code = make_store(tmp_path)
    rescue = Store.open_with_recovery(path, code)
    assert rescue.admin == RECOVERY_SLOT
    app = WizardHost(rescue)
    async with app.run_test(size=(80, 24)) as pilot:
        assert ADMIN in text(app.screen.query_one("#step-admin .intro", Static))
        await fill(app, ADMIN.lower(), NEW_PASS, NEW_PASS)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        new_code = text(app.screen.query_one("#recovery-code", Static))
        app.screen.query_one("#recovery-check", Input).value = new_code.split("-")[-1]
        await pilot.press("ctrl+s")
        await pilot.pause()
    (opened,) = app.result
    assert opened is not None and opened.admin == ADMIN
    opened.close()
    assert Store.admin_names(path) == [ADMIN]
    with pytest.raises(WrongPassphrase):
        Store.open(path, ADMIN, PASSPHRASE)
    Store.open(path, ADMIN, NEW_PASS).close()


async def test_a_wrong_recovery_key_is_named_as_the_recovery_key(tmp_path: Path) -> None:
    path, code = make_store(tmp_path)
    app = KioskApp(path, clock=FixedClock(NOW), store_kdf=FAST_KDF)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        wrong = ("B" if code[0] != "B" else "C") + code[1:]
        app.screen.query_one("#recovery-code", Input).value = wrong
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        message = text(app.screen.query_one("#unlock-message", Static))
        assert "That recovery key does not open this store" in message
        assert "admin name and passphrase" not in message


async def test_recovery_screen_shares_the_throttle_and_the_audited_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12, P4: wrong recovery keys count with every other attempt, and the recovery
    screen waits by the same rule as the unlock screen and the CLI."""
    import kiosk.unlock_policy

    path, code = make_store(tmp_path)
    for _ in range(3):  # e.g. three wrong tries from the CLI or another screen
        with pytest.raises(WrongPassphrase):
            Store.open_with_recovery(path, "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA")
    slept: list[float] = []
    monkeypatch.setattr(kiosk.unlock_policy.time, "sleep", slept.append)
    app = KioskApp(path, clock=FixedClock(NOW), store_kdf=FAST_KDF)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        app.screen.query_one("#recovery-code", Input).value = "BBBBB-BBBBB-BBBBB-BBBBB-BBBBB"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert slept == [1]
        assert Store.consecutive_failures(path) == 4
        app.screen.query_one("#recovery-code", Input).value = code
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert slept == [1, 2]
        assert isinstance(app.screen, RecoveryWizard)
    rescue = Store.open_with_recovery(path, code)
    failed = [e for e in rescue.audit_entries() if e.action == "unlock.failed"]
    assert len(failed) == 4 and all(e.admin == RECOVERY_SLOT for e in failed)
    rescue.close()
