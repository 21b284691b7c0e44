"""Locking removes screens that may still be mounting: their header must not crash kiosk."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets._header import HeaderTitle

from screens.widgets.header import KioskHeader


class _HeaderApp(App[None]):
    def compose(self) -> ComposeResult:
        yield KioskHeader()


async def test_title_change_after_the_title_is_gone_does_not_crash() -> None:
    """Textual's own Header raises NoMatches here and stops the app (the idle-lock race)."""
    app = _HeaderApp()
    async with app.run_test() as pilot:
        await app.query_one(HeaderTitle).remove()
        app.title = "changed"
        await pilot.pause()
        assert app.is_running


async def test_the_title_still_follows_the_screen() -> None:
    app = _HeaderApp()
    async with app.run_test() as pilot:
        app.title = "Harbour View"
        await pilot.pause()
        title = app.query_one(HeaderTitle)
        assert "Harbour View" in str(title.render())
