"""The setup wizard as a new admin meets it (review of issues 12 and 13): an error goes
once the field is put right, Enter moves from the first passphrase field to the second,
and ctrl+s says what it does on the steps where it is more than "Next"."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Input, Static

from screens.setup import SetupWizard
from tests.screens.screen_walk import screen_lines, settle
from tests.screens.test_app import PASSPHRASE, app_for, type_text

SITE = {
    "name": "Harbour View Care Home",
    "ods_code": "vzz01",
    "cqc_location_id": "1-000000001",
    "site_phone": "01632 960123",
    "mailbox": "harbourview.care@nhs.net",
}


def shown(app: object, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render()).strip()  # type: ignore[attr-defined]


def footer(app: object) -> str:
    return screen_lines(app)[-1]  # type: ignore[arg-type]


async def test_an_error_goes_once_the_field_is_put_right(tmp_path: Path) -> None:
    app = app_for(tmp_path / "k" / "kiosk.store")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+s")  # no name
        assert shown(app, "#admin-error")
        await type_text(pilot, "A")
        await pilot.pause()
        assert shown(app, "#admin-error") == ""  # put right: no stale error
        await type_text(pilot, "nn Example")
        await pilot.press("enter")
        await pilot.pause()

        await type_text(pilot, "short")
        await pilot.press("ctrl+s")
        assert "12" in shown(app, "#pass-error")
        await type_text(pilot, " but now long enough")
        await pilot.pause()
        assert shown(app, "#pass-error") == ""
        app.screen.query_one("#pass2", Input).value = "something else entirely"
        await pilot.press("ctrl+s")
        assert "not the same" in shown(app, "#pass-error")
        app.screen.query_one("#pass2", Input).value = "short but now long enough"
        await pilot.pause()
        assert shown(app, "#pass-error") == ""

        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SetupWizard) and app.screen._step == 2
        await pilot.press("ctrl+s")  # every field empty
        assert shown(app, "#site-name-error")
        assert shown(app, "#site-error")
        app.screen.query_one("#site-name", Input).value = SITE["name"]
        await pilot.pause()
        assert shown(app, "#site-name-error") == ""
        assert shown(app, "#site-ods_code-error")  # still wrong, still said
        assert shown(app, "#site-error")  # other fields are still marked


async def test_enter_in_the_first_passphrase_field_moves_to_the_second(tmp_path: Path) -> None:
    app = app_for(tmp_path / "k" / "kiosk.store")
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "Ann Example")
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is app.screen.query_one("#pass1", Input)
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is app.screen.query_one("#pass2", Input)
        assert shown(app, "#pass-error") == ""  # no "not the same" for a field not yet typed



async def test_ctrl_s_says_create_then_finish(tmp_path: Path) -> None:
    app = app_for(tmp_path / "k" / "kiosk.store")
    async with app.run_test(size=(80, 24)) as pilot:
        assert "^s Next" in footer(app)
        await type_text(pilot, "Ann Example")
        await pilot.press("enter")
        await settle(pilot)
        assert "^s Next" in footer(app)
        app.screen.query_one("#pass1", Input).value = PASSPHRASE
        app.screen.query_one("#pass2", Input).value = PASSPHRASE
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "^s Create the store" in footer(app)
        assert "Next" not in footer(app)
        for name, value in SITE.items():
            app.screen.query_one(f"#site-{name}", Input).value = value
        app.screen.query_one("#mailbox-confirmed", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "This is the recovery key" in " ".join(screen_lines(app))
        assert "^s Finish" in footer(app)
        assert "Next" not in footer(app)


async def _to_the_recovery_step(pilot, app) -> None:  # type: ignore[no-untyped-def]
    app.screen.query_one("#admin-name", Input).value = "Ann Example"
    await pilot.press("ctrl+s")
    await settle(pilot)
    app.screen.query_one("#pass1", Input).value = PASSPHRASE
    app.screen.query_one("#pass2", Input).value = PASSPHRASE
    await pilot.press("ctrl+s")
    await settle(pilot)
    for name, value in SITE.items():
        app.screen.query_one(f"#site-{name}", Input).value = value
    app.screen.query_one("#mailbox-confirmed", Checkbox).value = True
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert "This is the recovery key" in " ".join(screen_lines(app))


async def test_quit_asks_before_the_unchecked_recovery_key_is_lost(tmp_path: Path) -> None:
    """New-admin walk: Ctrl+Q on the recovery step quit at once, the store made and the key
    never checked. Now it asks, and Enter (the default) stays."""
    app = app_for(tmp_path / "k" / "kiosk.store")
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_the_recovery_step(pilot, app)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert app.is_running
        assert "Quit anyway?" in " ".join(screen_lines(app))
        await pilot.press("enter")  # the default is to stay
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, SetupWizard)
        assert app.screen._step == 4
        await pilot.press("escape")  # Escape cannot go back: it asks the same
        await settle(pilot)
        assert "has not been written down and checked" in " ".join(screen_lines(app))
        await pilot.press("y")
        await settle(pilot)
    assert app.return_code in (None, 0)
    assert not app.is_running


async def test_quit_after_the_key_is_checked_does_not_ask(tmp_path: Path) -> None:
    app = app_for(tmp_path / "k" / "kiosk.store")
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, SetupWizard)
        await pilot.press("ctrl+q")  # nothing created yet: nothing to lose
        await settle(pilot)
        assert not app.is_running
