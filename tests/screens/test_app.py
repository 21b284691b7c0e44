"""The shell end to end with Pilot: setup wizard, unlock (right, wrong, throttled), lock,
idle lock, live refresh, and a crash that must not print personal data."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from textual.widgets import Input, Select, Static

from kiosk import records
from kiosk.clock import FixedClock
from kiosk.model import PEOPLE, SITES, Person, Role, Site
from screens.app import KioskApp
from store import Store, WrongPassphrase
from tests.conftest import FAST_KDF

NOW = datetime(2026, 11, 24, 10, 30)
PASSPHRASE = "correct horse battery"


def make_store(path: Path, *admins: str) -> Store:
    store, _code = Store.create(path, admins[0], PASSPHRASE, kdf=FAST_KDF)
    for name in admins[1:]:
        store.add_admin(name, PASSPHRASE + " " + name)
    with store.transaction() as tx:
        records.save(
            tx,
            SITES,
            Site(
                name="Harbour View Care Home",
                ods_code="VZZ01",
                cqc_location_id="1-000000001",
                site_phone="01632960123",
                mailbox="harbourview.care@nhs.net",
            ),
            "site.add",
        )
    return store


def app_for(path: Path, **kwargs: object) -> KioskApp:
    return KioskApp(path, clock=FixedClock(NOW), store_kdf=FAST_KDF, **kwargs)  # type: ignore[arg-type]


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    for char in text:
        await pilot.press("space" if char == " " else char)


async def test_setup_wizard_creates_a_store_with_the_first_site(tmp_path: Path) -> None:
    path = tmp_path / "k" / "kiosk.store"
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        assert type(app.screen).__name__ == "SetupWizard"
        app.screen.query_one("#admin-name", Input).value = "Ann Example"
        await pilot.press("enter")
        app.screen.query_one("#pass1", Input).value = "short"
        app.screen.query_one("#pass2", Input).value = "short"
        await pilot.press("ctrl+s")
        assert "12" in str(app.screen.query_one("#pass-error", Static).render())
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
        await pilot.press("ctrl+s")
        # the mailbox can never be changed: the wizard insists on a confirmation
        assert not path.exists()
        app.screen.query_one("#mailbox-confirmed").value = True  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        code = str(app.screen.query_one("#recovery-code", Static).render())
        assert code.count("-") >= 4
        app.screen.query_one("#recovery-check", Input).value = "WRONG"
        await pilot.press("ctrl+s")
        assert type(app.screen).__name__ == "SetupWizard"
        app.screen.query_one("#recovery-check", Input).value = code.split("-")[-1].lower()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "DashboardScreen"
    store = Store.open(path, "Ann Example", PASSPHRASE)
    sites = records.sites(store.read())
    assert [s.ods_code for s in sites] == ["VZZ01"]
    assert Store.open_with_recovery(path, code).read() is not None


async def test_unlock_preselects_last_admin_and_opens_the_dashboard(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.store"
    make_store(path, "Ann Example", "Bob Example").close()
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.screen.focused is app.screen.query_one("#passphrase", Input)
        assert app.screen.query_one("#admin", Select).value == "Ann Example"
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "DashboardScreen"
        assert app.session.admin == "Ann Example"


async def test_wrong_passphrase_says_so_and_throttles_after_three(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.store"
    make_store(path, "Ann Example").close()
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        for attempt in range(3):
            await type_text(pilot, f"wrong guess {attempt}")
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
        message = str(app.screen.query_one("#unlock-message", Static).render())
        assert "try again in" in message
        assert not app.unlocked
    assert Store.consecutive_failures(path) == 3
    store = Store.open(path, "Ann Example", PASSPHRASE)
    assert len(store.pending_failures) == 3


async def test_typing_during_the_throttle_stays_in_the_passphrase_field(tmp_path: Path) -> None:
    """New-admin walk: while throttled the field was disabled and the cursor jumped to
    the Admin list, so the next passphrase was lost and Enter opened the list. The field
    keeps the cursor and what is typed; Enter is refused until the wait ends."""
    path = tmp_path / "kiosk.store"
    make_store(path, "Ann Example").close()
    for _attempt in range(8):  # failures made elsewhere: a 32 s wait, longer than this test
        with pytest.raises(WrongPassphrase):
            Store.open(path, "Ann Example", "wrong guess elsewhere")
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        field = app.screen.query_one("#passphrase", Input)
        assert app.focused is field
        await type_text(pilot, "next try")
        await pilot.press("enter")  # during the wait: refused, nothing lost
        await pilot.pause()
        assert field.value == "next try"
        assert app.focused is field
        assert not app.screen.query_one("#admin", Select).expanded
        message = str(app.screen.query_one("#unlock-message", Static).render())
        assert "try again in" in message
        assert not app.unlocked
    assert Store.consecutive_failures(path) == 8  # the refused Enter was no attempt


async def test_the_throttle_still_says_the_passphrase_was_wrong(tmp_path: Path) -> None:
    """The wait message used to replace the reason: after the third wrong passphrase the
    admin saw only "try again in N s", not that the passphrase was wrong."""
    path = tmp_path / "kiosk.store"
    make_store(path, "Ann Example").close()
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        for attempt in range(3):
            await type_text(pilot, f"wrong guess {attempt}")
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            shown = app.screen.query_one("#unlock-message", Static).render()
            message = " ".join(str(shown).split())
            assert "do not open this store" in message, (attempt, message)
        assert "try again" in message  # the wait (or its end) is said too


async def test_ctrl_l_locks_and_forgets_the_session(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.store"
    make_store(path, "Ann Example").close()
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.unlocked
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert not app.unlocked
        assert type(app.screen).__name__ == "UnlockScreen"
        assert len(app.screen_stack) == 2  # default + unlock: nothing personal underneath
        with pytest.raises(RuntimeError):
            _ = app.session


async def test_idle_lock(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.store"
    make_store(path, "Ann Example").close()
    app = app_for(path, idle_minutes=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        app._check_idle()
        await pilot.pause()
        assert not app.unlocked
        assert type(app.screen).__name__ == "UnlockScreen"


async def test_another_process_save_refreshes_the_dashboard(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.store"
    make_store(path, "Ann Example").close()
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        other = Store.open(path, "Ann Example", PASSPHRASE)
        with other.transaction() as tx:
            records.save(
                tx,
                PEOPLE,
                Person(
                    full_name="Cara Example", personal_mobile="07700900001", access={1: Role.OWNER}
                ),
                "person.add",
            )
        # the idle check reads the settings in between, taking the save in first: the poll
        # must still notice that the screen shows an older generation
        app._check_idle()
        app._poll_store()
        await pilot.pause()
        text = " ".join(str(o.prompt) for o in app.screen.query_one("OptionList")._options)  # type: ignore[attr-defined]
        assert "1 owner" in text


async def test_unlock_offers_to_erase_leavers_past_retention(tmp_path: Path) -> None:
    from datetime import date

    from kiosk.model import PersonStatus

    path = tmp_path / "kiosk.store"
    store = make_store(path, "Ann Example")
    with store.transaction() as tx:
        for name, left, mobile in (
            ("Old Leaver", date(2025, 6, 1), "07700900010"),
            ("Recent Leaver", date(2026, 9, 1), "07700900011"),
        ):
            records.save(
                tx,
                PEOPLE,
                Person(
                    full_name=name,
                    personal_mobile=mobile,
                    personal_email="x@example.org",
                    status=PersonStatus.LEFT,
                    status_since=left,
                    leaving_date=left,
                ),
                "person.add",
            )
    store.close()
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        text = str(app.screen.query_one("#confirm-text", Static).render())
        assert "Old Leaver" in text and "Recent Leaver" not in text
        await pilot.press("y")
        await pilot.pause()
        assert type(app.screen).__name__ == "DashboardScreen"
    people = {
        p.full_name: p for p in records.people(Store.open(path, "Ann Example", PASSPHRASE).read())
    }
    assert people["Old Leaver"].personal_mobile == "" and people["Old Leaver"].erased
    assert people["Recent Leaver"].personal_mobile == "07700900011"


async def test_a_busy_store_during_an_action_is_a_message_not_a_crash(tmp_path: Path) -> None:
    from textual.binding import Binding
    from textual.widgets import Input as TextInput

    from screens.widgets.base import KioskScreen
    from store import StoreBusy

    class Busy(KioskScreen):
        BINDINGS = [Binding("f5", "save", "Save")]  # noqa: RUF012

        def compose(self):  # type: ignore[no-untyped-def]
            yield TextInput(id="field")

        def action_save(self) -> None:
            raise StoreBusy()

        def on_input_submitted(self) -> None:
            raise StoreBusy()

    path = tmp_path / "kiosk.store"
    make_store(path, "Ann Example").close()
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.push_screen(Busy())
        await pilot.pause()
        await pilot.press("f5")  # a key's action: told, and the screen stays
        await pilot.pause()
        assert app.is_running and type(app.screen).__name__ == "Busy"
        assert any("saving" in str(n.message) for n in app._notifications)
        await pilot.press("enter")  # a message handler: told, and kiosk locks
        await pilot.pause()
        await pilot.pause()
        assert app.is_running and not app.unlocked
        assert type(app.screen).__name__ == "UnlockScreen"
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "DashboardScreen"


async def test_a_forged_store_locks_the_open_session_and_says_why(tmp_path: Path) -> None:
    """Issue 12: someone with no passphrase writes a store for the admins; the open
    session's poll refuses it instead of taking it in and saving under their key."""
    from tests.store.test_adversary import forge

    path = tmp_path / "kiosk.store"
    make_store(path, "Ann Example").close()
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.unlocked
        forge(path, path)
        app._poll_store()
        await pilot.pause()
        assert not app.unlocked
        assert type(app.screen).__name__ == "UnlockScreen"
        assert any("tampered" in str(n.message) for n in app._notifications)


async def test_a_folder_open_to_other_users_is_warned_with_the_fix(tmp_path: Path) -> None:
    folder = tmp_path / "office"
    folder.mkdir(mode=0o700)
    path = folder / "kiosk.store"
    make_store(path, "Ann Example").close()
    folder.chmod(0o755)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.unlocked
        said = " ".join(str(n.message) for n in app._notifications)
        assert "other users" in said
        assert f"chmod 700 {folder}" in said


async def test_setup_wizard_names_the_admin_name_rule_at_once(tmp_path: Path) -> None:
    """L4: the wizard checked the admin name as a person's name (100 characters), so a
    65-character name passed step one and the store refused it after everything else was
    typed, in general words. kiosk.validators.validate_admin_name now decides at step one."""
    path = tmp_path / "k" / "kiosk.store"
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.query_one("#admin-name", Input).value = "A" * 65
        await pilot.press("enter")
        await pilot.pause()
        assert "64" in str(app.screen.query_one("#admin-error", Static).render())
        assert app.screen.query_one("#admin-name", Input).has_focus
    assert not path.exists()
