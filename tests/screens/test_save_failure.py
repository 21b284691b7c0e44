"""A save the disk refuses is told truthfully in the TUI (issue 13): the message says the
change was NOT saved, the form keeps what was typed, and the store file is untouched."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from textual.widgets import Input

from screens.person_form import PersonFormScreen
from store import SaveFailed
from tests.screens.screen_walk import settle
from tests.screens.test_app import PASSPHRASE, app_for, make_store, type_text


async def test_a_failed_save_keeps_the_form_and_says_nothing_was_saved(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.store"
    make_store(path, "Ann Example").close()
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await settle(pilot)
        before = path.read_bytes()

        @contextmanager
        def full_disk() -> Iterator[None]:
            raise SaveFailed()
            yield  # pragma: no cover

        app.session.store.transaction = full_disk  # type: ignore[method-assign]
        app.push_screen(PersonFormScreen())
        await settle(pilot)
        form = app.screen
        form.query_one("#person-full_name", Input).value = "Bea Example"
        form.query_one("#person-personal_mobile", Input).value = "07700 900105"
        form.query_one("#person-personal_email", Input).value = "bea@example.org"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.is_running and app.screen is form
        assert form.query_one("#person-full_name", Input).value == "Bea Example"
        assert any("NOT saved" in str(n.message) for n in app._notifications)
        assert path.read_bytes() == before
        # Enter in the last field saves too: the same message, the form still there.
        app._notifications.clear()
        form.query_one("#person-last_activity", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running and app.unlocked and app.screen is form
        assert form.query_one("#person-full_name", Input).value == "Bea Example"
        assert any("NOT saved" in str(n.message) for n in app._notifications)
        assert path.read_bytes() == before
