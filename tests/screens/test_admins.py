"""The Admins screen with Pilot on a real store: add an admin (errors by field), remove one
(confirm; never the last), change your own passphrase, a new recovery key shown once, and
erasing leavers' details; plus its look at 80x24."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static

from kiosk import records
from kiosk.clock import FixedClock
from kiosk.model import PEOPLE, Person, PersonStatus
from kiosk.session import Session
from screens.admins import (
    AddAdminDialog,
    AdminsScreen,
    ChangePassphraseDialog,
    RecoveryKeyDialog,
)
from screens.dialogs.confirm import ConfirmDialog
from store import Store, WrongPassphrase
from tests.conftest import FAST_KDF
from tests.screens.harness import ScreenHarness

ADMIN = "Ann Admin"
PASSPHRASE = "correct horse battery"
BEA_PASS = "blue kettle on the hill"
NOW = datetime(2026, 5, 20, 10, 0)


def fixed_now() -> datetime:
    return datetime(2026, 5, 20, 9, 0, tzinfo=UTC)


def make_store(tmp_path: Path, *, bea: bool = True) -> tuple[Store, str]:
    store, code = Store.create(
        tmp_path / "k" / "kiosk.store", ADMIN, PASSPHRASE, kdf=FAST_KDF, now=fixed_now
    )
    if bea:
        store.add_admin("Bea Example", BEA_PASS)
    return store, code


def harness(store: Store) -> ScreenHarness:
    return ScreenHarness(Session(store, FixedClock(NOW)), AdminsScreen())


def rows(app: ScreenHarness) -> list[str]:
    table = app.screen.query_one("#admins-table", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


def text(widget: Static) -> str:
    return str(widget.render())


def test_admins_snapshot(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, _code = make_store(tmp_path)
    assert snap_compare(harness(store), terminal_size=(80, 24))


async def settle(pilot: Any) -> None:
    """Let the dialog's worker (Argon2id runs off the event loop) finish and report."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.holds_save
async def test_adding_an_admin_works_in_a_thread_and_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import screens.admins

    store, _code = make_store(tmp_path, bea=False)
    release = threading.Event()
    real_add = screens.admins.add_admin

    def slow_add(*args: Any) -> str:
        assert threading.current_thread() is not threading.main_thread()
        release.wait(10)
        return real_add(*args)

    monkeypatch.setattr(screens.admins, "add_admin", slow_add)
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        dialog = app.screen
        assert isinstance(dialog, AddAdminDialog)
        dialog.query_one("#field-name", Input).value = "Bea Example"
        dialog.query_one("#field-passphrase", Input).value = BEA_PASS
        dialog.query_one("#field-again", Input).value = BEA_PASS
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert dialog.query_one("#dialog-box").loading
        await pilot.press("escape")  # still working: not dismissed half-way
        assert app.screen is dialog
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, AdminsScreen)
        assert rows(app) == ["Ann Admin (you)", "Bea Example"]


async def test_add_admin_shows_errors_then_adds(tmp_path: Path) -> None:
    store, _code = make_store(tmp_path, bea=False)
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        assert rows(app) == ["Ann Admin (you)"]
        await pilot.press("a")
        dialog = app.screen
        assert isinstance(dialog, AddAdminDialog)
        assert dialog.query_one("#field-passphrase", Input).password
        dialog.query_one("#field-name", Input).value = "ann admin"
        dialog.query_one("#field-passphrase", Input).value = "short"
        dialog.query_one("#field-again", Input).value = "short"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "already" in text(dialog.query_one("#error-name", Static))
        assert "12" in text(dialog.query_one("#error-passphrase", Static))
        dialog.query_one("#field-name", Input).value = "Bea Example"
        dialog.query_one("#field-passphrase", Input).value = BEA_PASS
        dialog.query_one("#field-again", Input).value = BEA_PASS
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AdminsScreen)
        assert rows(app) == ["Ann Admin (you)", "Bea Example"]
    Store.open(store.path, "Bea Example", BEA_PASS).close()


async def test_remove_admin_after_confirming(tmp_path: Path) -> None:
    store, _code = make_store(tmp_path)
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "r")
        assert isinstance(app.screen, ConfirmDialog)
        assert "Bea Example" in text(app.screen.query_one("#confirm-text", Static))
        await pilot.press("n")  # changed their mind: nothing happens
        assert rows(app) == ["Ann Admin (you)", "Bea Example"]
        await pilot.press("r", "y")
        await pilot.pause()
        # Bea never saw the recovery key: it stands, and a new one is offered, saying
        # why, with the removal in the question itself (a notice would be hidden by it)
        assert isinstance(app.screen, ConfirmDialog)
        offer = " ".join(text(app.screen.query_one("#confirm-text", Static)).split())
        assert "new recovery key" in offer
        assert "Bea Example was removed" in offer
        assert "never shown the current recovery key, so it still works" in offer
        await pilot.press("n")
        assert rows(app) == ["Ann Admin (you)"]
        await pilot.press("r")  # the last admin: refused before any question
        assert isinstance(app.screen, AdminsScreen)
    with pytest.raises(WrongPassphrase):
        Store.open(store.path, "Bea Example", BEA_PASS)
    assert [r.name for r in store.admins()] == [ADMIN]


async def test_change_my_passphrase(tmp_path: Path) -> None:
    store, _code = make_store(tmp_path, bea=False)
    app = harness(store)
    new = "seven green bottles standing"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p")
        dialog = app.screen
        assert isinstance(dialog, ChangePassphraseDialog)
        dialog.query_one("#field-current", Input).value = "not my passphrase"
        dialog.query_one("#field-passphrase", Input).value = new
        dialog.query_one("#field-again", Input).value = new
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "current" in text(dialog.query_one("#error-current", Static))
        dialog.query_one("#field-current", Input).value = PASSPHRASE
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AdminsScreen)
    Store.open(store.path, ADMIN, new).close()


async def test_new_recovery_key_is_shown_once_and_the_old_one_stops(tmp_path: Path) -> None:
    store, old_code = make_store(tmp_path, bea=False)
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("k", "y")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RecoveryKeyDialog)
        code = text(dialog.query_one("#recovery-code", Static))
        assert code != old_code and code.count("-") >= 4
        dialog.query_one("#recovery-check", Input).value = "WRONG"
        await pilot.press("enter")
        assert "not the last group" in text(dialog.query_one("#recovery-error", Static))
        dialog.query_one("#recovery-check", Input).value = code.split("-")[-1].lower()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AdminsScreen)
    with pytest.raises(WrongPassphrase):
        Store.open_with_recovery(store.path, old_code)
    Store.open_with_recovery(store.path, code).close()


async def test_erase_leavers_details_from_the_admins_screen(tmp_path: Path) -> None:
    store, _code = make_store(tmp_path, bea=False)
    with store.transaction() as tx:
        gone = records.save(
            tx,
            PEOPLE,
            Person(
                "Gus Gone",
                "07700900001",
                "gus@example.org",
                status=PersonStatus.LEFT,
                leaving_date=date(2025, 1, 31),
            ),
            "person.add",
        )
        recent = records.save(
            tx,
            PEOPLE,
            Person(
                "Rae Recent",
                "07700900002",
                "rae@example.org",
                status=PersonStatus.LEFT,
                leaving_date=date(2026, 1, 31),
            ),
            "person.add",
        )
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "1 person left more than 12 months ago" in text(
            app.screen.query_one("#retention-line", Static)
        )
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmDialog)
        question = text(app.screen.query_one("#confirm-text", Static))
        assert "Gus Gone, left 31 Jan 2025" in question and "Rae" not in question
        await pilot.press("y")
        await pilot.pause()
        assert "nobody" in text(app.screen.query_one("#retention-line", Static))
    db = store.read()
    erased, kept = records.person(db, gone), records.person(db, recent)
    assert erased is not None and kept is not None
    assert (erased.personal_mobile, erased.personal_email, erased.erased) == ("", None, NOW.date())
    assert erased.full_name == "Gus Gone"
    assert kept.personal_mobile == "07700900002"
    assert [e.action for e in store.audit_entries()][-1] == "person.erase"


async def test_removing_an_admin_who_saw_the_recovery_key_shows_a_new_one(
    tmp_path: Path,
) -> None:
    """Issue 12, P3: Bea made (and so saw) the current recovery key; removing her replaces
    it, and the admin doing it is shown the new key once, with the type-back check."""
    store, first_code = make_store(tmp_path)
    bea = Store.open(store.path, "Bea Example", BEA_PASS)
    bea_code = bea.regenerate_recovery()
    bea.close()
    # Ann's session as the app has it once its poll has seen Bea's save.
    store.close()
    store = Store.open(store.path, ADMIN, PASSPHRASE, now=fixed_now)
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "r")
        question = " ".join(text(app.screen.query_one("#confirm-text", Static)).split())
        # New-admin walk: nothing said a new key was coming, nor why it came
        assert "shown the current recovery key" in question
        assert "pen and paper" in question
        await pilot.press("y")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, RecoveryKeyDialog)
        why = " ".join(text(dialog.query_one("#key-why", Static)).split())
        assert "Bea Example was removed and had been shown the old recovery key" in why
        code = text(dialog.query_one("#recovery-code", Static))
        assert code not in (first_code, bea_code)
        dialog.query_one("#recovery-check", Input).value = code.split("-")[-1]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AdminsScreen)
        assert rows(app) == ["Ann Admin (you)"]
    with pytest.raises(WrongPassphrase):
        Store.open_with_recovery(store.path, bea_code)
    Store.open_with_recovery(store.path, code).close()
    assert store.recovery_shown_to() == (ADMIN,)


async def test_the_new_recovery_key_dialog_asks_before_it_is_lost(tmp_path: Path) -> None:
    """New-admin walk: Ctrl+Q on "The new recovery key" quit at once, the old key already
    dead. Quit and Escape now ask first; Enter stays; only the typed-back group closes it
    without a question."""
    from tests.screens.screen_walk import make_demo_store, unlocked

    path = make_demo_store(tmp_path)
    async with unlocked(path, (80, 24)) as pilot:
        app = pilot.app
        app.push_screen(RecoveryKeyDialog("AAAA-BBBB-CCCC"))
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert app.is_running
        assert "Quit anyway?" in text(app.screen.query_one("#confirm-text", Static))
        await pilot.press("enter")  # the default is to stay
        await settle(pilot)
        assert isinstance(app.screen, RecoveryKeyDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert "Close anyway?" in text(app.screen.query_one("#confirm-text", Static))
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, RecoveryKeyDialog)
        await pilot.press("escape", "y")
        await settle(pilot)
        assert not isinstance(app.screen, RecoveryKeyDialog)
        await pilot.press("ctrl+q")  # nothing on screen to lose: quits at once
        await settle(pilot)
        assert not app.is_running
