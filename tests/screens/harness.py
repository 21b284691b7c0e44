"""A minimal app that hosts one kiosk screen over a given session, for Pilot and snapshot
tests of a screen on its own (the full shell is tested in tests/screens/test_app.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App
from textual.screen import Screen

from kiosk.session import Session


class ScreenHarness(App[None]):
    """Pushes ``screen`` over a blank base screen, so Escape (back) has somewhere to go."""

    unlocked = True  # as screens.shell.KioskShell: the session is open

    def __init__(
        self, session: Session, screen: Screen[Any], store_path: Path | None = None
    ) -> None:
        super().__init__()
        self.session = session
        self._first = screen
        # Where the store would be: files saved on request go into drafts/ beside it.
        self.store_path = store_path or Path("/nonexistent/kiosk.store")
        self.opened: list[tuple[str, dict[str, Any]]] = []  # open_screen calls, in order

    def open_screen(self, name: str, **kwargs: Any) -> None:
        """As the app's (screens.shell.KioskShell): noted, and a blank screen stands in for
        the named one, so a test sees which screen was asked for with what."""
        self.opened.append((name, kwargs))
        self.push_screen(Screen())

    def action_lock(self) -> None:
        """As the app's lock, as far as a lone screen goes: it is no longer shown."""
        self.pop_screen()

    def store_problem(self, error: Exception, screen_broken: bool = False) -> None:
        """As the app's: the store error in a sentence (the lock part is the app's own,
        tested in tests/screens/test_app.py)."""
        from kiosk.store_errors import describe_store_error

        self.notify(describe_store_error(error), severity="error", markup=False)

    def on_mount(self) -> None:
        self.push_screen(self._first)
