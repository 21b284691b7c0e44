"""The front door when the store file is gone but its backups are beside it.

Losing ``kiosk.store`` (deleted by mistake, a failed copy) must not look like a new
installation: the setup wizard would start an empty store next to the care group's
encrypted history. This screen says what is missing, names the newest intact generation
and, with an admin's passphrase, puts it back (the store's own ``restore_damaged``: the
generation is decrypted with that admin's key, so only an admin can restore it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Select, Static

from kiosk.i18n import _
from kiosk.missing_store import missing_sentence
from kiosk.store_errors import describe_store_error
from screens.widgets.base import ShellScreen
from screens.widgets.footer import Footer
from screens.widgets.text import Literal, LiteralLabel, LiteralSelect

if TYPE_CHECKING:
    from store import Store
    from store.models import Generation


class MissingStoreScreen(ShellScreen):
    CSS_PATH = "missing_store.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "restore", _("Restore it"), show=True, priority=False),
    ]

    def __init__(self, newest: Generation) -> None:
        super().__init__()
        self._newest = newest

    def compose(self) -> ComposeResult:
        from store import StoreError, peek

        try:
            names = peek.admin_names(self._newest.path)
        except (StoreError, OSError, ValueError):
            names = []
        with Vertical(id="missing-box"):
            yield Literal(_("The store file is missing"), id="missing-title")
            yield Literal(missing_sentence(self.kiosk.store_path, self._newest), id="missing-text")
            yield Literal(
                _(
                    "kiosk will not start a new, empty store here. Unlock the newest backup "
                    "to put it back; nothing else is changed."
                ),
                id="missing-offer",
            )
            yield LiteralLabel(_("Admin"))
            yield LiteralSelect(
                [(name, name) for name in names],
                value=names[0] if names else Select.BLANK,
                allow_blank=not names,
                id="admin",
            )
            yield LiteralLabel(_("Passphrase"))
            yield Input(password=True, id="passphrase", placeholder=_("your own passphrase"))
            yield Literal("", id="missing-message")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#passphrase", Input).focus()

    def _say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#missing-message", Static)
        message.update(text)
        message.set_class(error, "error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_restore()

    def action_restore(self) -> None:
        field = self.query_one("#passphrase", Input)
        admin = self.query_one("#admin", Select).value
        if field.disabled:
            return
        if not isinstance(admin, str) or not field.value:
            self._say(_("Type your passphrase, then press Enter."), error=True)
            return
        field.disabled = True
        self._say(_("Restoring\u2026"))
        self._restore(admin, field.value)

    @work(thread=True, exclusive=True)
    def _restore(self, admin: str, passphrase: str) -> None:
        from kiosk.unlock_policy import turn
        from store import Store, StoreError

        def notice(seconds: int) -> None:
            text = _("Too many failed attempts: waiting {seconds} s before trying.").format(
                seconds=seconds
            )
            self.app.call_from_thread(self._say, text)

        try:
            with turn(self.kiosk.store_path, notice=notice):  # the one throttle (P4)
                store = Store.restore_damaged(
                    self.kiosk.store_path,
                    self._newest.path,
                    admin,
                    passphrase,
                    now=self.kiosk.store_clock,
                )
        except StoreError as error:
            self.app.call_from_thread(self._failed, describe_store_error(error))
            return
        self.app.call_from_thread(self._restored, store)

    def _restored(self, store: Store) -> None:
        self.query_one("#passphrase", Input).value = ""
        self.kiosk.start_session(store)
        self.app.notify(
            _("Generation {n} was restored.").format(n=self._newest.generation), timeout=10
        )

    def _failed(self, message: str) -> None:
        field = self.query_one("#passphrase", Input)
        field.value = ""
        field.disabled = False
        field.focus()
        self._say(message, error=True)
