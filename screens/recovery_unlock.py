"""Unlock with the recovery key, when no admin can (every admin gone or forgotten).

Opening with the recovery key hands over to the recovery wizard, which makes a new admin
and a new recovery key (the old one stops working), so a recovery key is good once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from kiosk.i18n import _
from kiosk.store_errors import describe_store_error
from screens.widgets.base import ShellScreen
from screens.widgets.footer import Footer
from screens.widgets.text import Literal, LiteralLabel

if TYPE_CHECKING:
    from store import Store


class RecoveryUnlockScreen(ShellScreen):
    CSS_PATH = "unlock.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", _("Back"))]

    def compose(self) -> ComposeResult:
        with Vertical(id="unlock-box"):
            yield Literal(_("Unlock with the recovery key"), id="unlock-title")
            yield Literal(
                _(
                    "Use this only when no admin can unlock. You will then add a new admin, "
                    "and kiosk will make a new recovery key: this one will stop working."
                )
            )
            yield LiteralLabel(_("Recovery key"))
            yield Input(password=True, id="recovery-code", placeholder="XXXXX-XXXXX-\u2026")
            yield Literal("", id="unlock-message")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            event.input.disabled = True
            self.query_one("#unlock-message", Static).update(_("Unlocking\u2026"))
            self._open(event.value)

    @work(thread=True, exclusive=True)
    def _open(self, code: str) -> None:
        from kiosk.unlock_policy import turn
        from store import Store, StoreError

        def notice(seconds: int) -> None:
            text = _("Too many failed attempts: waiting {seconds} s before trying.").format(
                seconds=seconds
            )
            self.app.call_from_thread(self.query_one("#unlock-message", Static).update, text)

        try:
            with turn(self.kiosk.store_path, notice=notice):  # the one throttle (P4)
                store = Store.open_with_recovery(
                    self.kiosk.store_path, code, now=self.kiosk.store_clock
                )
        except StoreError as error:
            self.app.call_from_thread(self._failed, describe_store_error(error, recovery=True))
            return
        self.app.call_from_thread(self._opened, store)

    def _failed(self, message: str) -> None:
        field = self.query_one(Input)
        field.value = ""
        field.disabled = False
        field.focus()
        message_widget = self.query_one("#unlock-message", Static)
        message_widget.update(message)
        message_widget.add_class("error")

    def _opened(self, store: Store) -> None:
        from screens.recovery import RecoveryWizard

        def finished(opened: Store | None) -> None:
            # The wizard returns the store opened as the new admin (it has closed the
            # recovery session), or None when cancelled before any change.
            if opened is not None:
                self.kiosk.start_session(opened)
            else:
                store.lock()

        self.app.push_screen(RecoveryWizard(store, now=self.kiosk.store_clock), finished)
