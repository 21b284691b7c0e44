"""What a screen may ask of the app, without importing the app.

The app (:mod:`screens.app`) opens the front-door screens and, through
:func:`~screens.app.KioskApp.open_screen`, every other screen; the screens in turn need
the app's session, store path and clock. Importing :class:`~screens.app.KioskApp` back
from a screen would close a circle (app -> unlock -> app), so screens see the app through
:class:`KioskShell`, a protocol of exactly what they use, and the app is checked against
it by mypy (see ``screens.app._shell``). This module imports no screen and no app.

:class:`StoreChanged` is the other half of the contract: the app's store poll posts it to
the current screen when another admin's save arrives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from textual.message import Message

if TYPE_CHECKING:
    from kiosk.clock import Clock
    from kiosk.session import Session
    from store import KdfParams, Store


@dataclass(frozen=True, slots=True)
class DemoCredentials:
    """Shown on the unlock screen of ``kiosk --demo`` (fictional, deleted on exit)."""

    admin: str
    passphrase: str


class KioskShell(Protocol):
    """The kiosk app as the screens see it (every attribute here is the app's own)."""

    store_path: Path
    clock: Clock
    demo: DemoCredentials | None
    store_kdf: KdfParams | None

    @property
    def session(self) -> Session:
        """The unlocked session; raises while the store is locked."""
        ...

    @property
    def unlocked(self) -> bool: ...

    def start_session(self, store: Store) -> None:
        """Hand over a freshly opened store: the dashboard replaces the front door."""

    def store_clock(self) -> datetime:
        """The app's clock in UTC, for the store's audit and unlock times."""
        ...

    def open_screen(self, name: str, **kwargs: Any) -> None:
        """Open a screen of :data:`screens.nav.NAV` by its name: the one way to navigate."""

    def action_lock(self) -> None:
        """Forget the key and every screen: back to the front door."""

    def store_problem(self, error: Exception, screen_broken: bool = False) -> None:
        """Say what a store error means in a sentence (never a crash); lock when the store
        can no longer be trusted (see :func:`kiosk.store_errors.describe_store_error`)."""


class StoreChanged(Message):
    """Another admin's process saved the store: the screen shown re-reads it.

    Posted by the app's store poll to the current screen only; a screen that shows data
    handles it with ``@on(StoreChanged)`` (:class:`~screens.widgets.base.KioskScreen`
    does, by calling ``refresh_data``). It does not bubble: a dialog on top has nothing
    to refresh, and the screen under it re-reads when it is uncovered.
    """

    bubble = False
