"""The bases every kiosk screen and dialog inherits: typed app and session access, Escape
to go back, live refresh.

Screens are thin: they call domain functions with ``self.session`` and render what comes
back. When another admin's process saves the store, the app posts
:class:`~screens.shell.StoreChanged` to the active screen, which re-reads through
:meth:`KioskScreen.refresh_data`.

``self.kiosk`` is the app as :class:`~screens.shell.KioskShell` (typed, without importing
the app: see :mod:`screens.shell`); ``self.app`` stays Textual's ``App`` for Textual's own
methods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypeVar, cast

from textual import on
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen

from kiosk.i18n import _
from screens.shell import StoreChanged
from screens.widgets.saving import after_save, save_pending, saving_on, say_still_saving

if TYPE_CHECKING:
    from kiosk.session import Session
    from screens.shell import KioskShell

ResultT = TypeVar("ResultT")


def kiosk_of(node: DOMNode) -> KioskShell:
    """The kiosk app running ``node`` (every kiosk screen runs inside a KioskApp)."""
    return cast("KioskShell", node.app)


class ShellScreen(Screen[None]):
    """A full screen shown while locked too (unlock, setup): the app, but no session."""

    @property
    def kiosk(self) -> KioskShell:
        return kiosk_of(self)


class KioskModal(ModalScreen[ResultT]):
    """A dialog of the unlocked kiosk, answering a ``ResultT``."""

    @property
    def kiosk(self) -> KioskShell:
        return kiosk_of(self)

    @property
    def session(self) -> Session:
        return self.kiosk.session


class KioskScreen(ShellScreen):
    """A full screen of the unlocked kiosk."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", _("Back"), show=True),
    ]

    @property
    def session(self) -> Session:
        return self.kiosk.session

    _mounted_on: tuple[int, int] | None = None

    def on_mount(self) -> None:
        self.refresh_data()
        self._mounted_on = self._document_state()

    def on_screen_resume(self) -> None:
        # Locking pops every screen; one uncovered on the way out must not read the store.
        if not self.kiosk.unlocked:
            return
        if save_pending(self.app):
            # Reading now would wait for the save's lock on the event loop: read when done.
            after_save(self.app, self._refresh_if_shown)
            return
        # A new screen is resumed straight after its mount: refreshing again then would
        # build everything twice (seconds at 10,000 people) for nothing, so that first
        # resume is skipped when the document is the one the mount read, unchanged.
        mounted_on, self._mounted_on = self._mounted_on, None
        if mounted_on is not None and mounted_on == self._document_state():
            return
        self.refresh_data()

    def _refresh_if_shown(self) -> None:
        if self.kiosk.unlocked and self.app.screen is self:
            self.refresh_data()

    def _document_state(self) -> tuple[int, int] | None:
        """Which document, and how many writes into it, a read would see now; None when
        that cannot be told (a store without a write counter)."""
        try:
            db = self.session.db()
        except Exception:
            return None
        writes = getattr(db.storage, "writes", None)
        return (id(db), writes) if isinstance(writes, int) else None

    @on(StoreChanged)
    def _store_changed(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        """Re-read from the store and update the widgets; called on mount, on resume and
        when another process changed the store. Override in every screen that shows data."""

    def action_back(self) -> None:
        """Go back one screen (the dashboard, at the bottom of the stack, overrides this);
        not while this screen's save is running: its result comes back here."""
        if saving_on(self):
            say_still_saving(self)
            return
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def copy(self, text: str) -> None:
        """Copy to the terminal's clipboard with OSC 52 (works over SSH in most terminals)."""
        self.app.copy_to_clipboard(text)
        self.notify(_("Copied to the clipboard."), timeout=3)
