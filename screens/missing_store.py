"""The front door when the store file is gone or damaged and its backups are beside it.

Losing ``kiosk.store`` (deleted by mistake, a failed copy) must not look like a new
installation: the setup wizard would start an empty store next to the care group's
encrypted history. A damaged file (cut short, junk) must not be a dead end. This screen
says what is wrong, names the newest intact generation and, with an admin's passphrase
and a confirmation that says what is lost, puts it back (the store's own
``restore_damaged``: the generation is decrypted with that admin's key, so only an admin
can restore it; a damaged file is kept byte for byte beside the store, and the screen
names it). It is the one way the TUI restores a store it cannot open: the unlock screen
sends a damaged file here. The passphrase is checked against the generation (nothing
written) before the confirmation is asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Select, Static

from kiosk.i18n import _
from kiosk.missing_store import (
    damaged_copies,
    damaged_sentence,
    kept_copy,
    missing_sentence,
    restore_warning,
)
from kiosk.store_errors import describe_store_error
from screens.widgets.base import ShellScreen
from screens.widgets.footer import Footer
from screens.widgets.text import Literal, LiteralLabel, LiteralSelect

if TYPE_CHECKING:
    from pathlib import Path

    from store import Store
    from store.models import Generation


class MissingStoreScreen(ShellScreen):
    CSS_PATH = "missing_store.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "restore", _("Restore it"), show=True, priority=False),
    ]

    def __init__(
        self, newest: Generation | None, *, damaged: bool = False, admin: str | None = None
    ) -> None:
        """``newest``: the generation to offer (None: there is none, so only the sentence
        is shown); ``damaged``: the file is there but cannot be opened (else it is gone);
        ``admin``: who was trying to unlock, chosen first."""
        super().__init__()
        self._newest = newest
        self._damaged = damaged
        self._admin = admin

    def compose(self) -> ComposeResult:
        from store import StoreError, peek

        path = self.kiosk.store_path
        names: list[str] = []
        last = self._admin
        if self._newest is not None:
            try:
                names = peek.admin_names(self._newest.path)
                last = last or peek.last_admin(path)
            except (StoreError, OSError, ValueError):
                pass
        with Vertical(id="missing-box"):
            # The text scrolls within a capped height, so that the form and its message
            # always fit at 80x24, whatever the length of the store's path.
            with VerticalScroll(
                id="missing-about", classes="with-form" if self._newest is not None else ""
            ):
                yield from self._compose_text(path)
            if self._newest is not None:
                yield LiteralLabel(_("Admin"))
                yield LiteralSelect(
                    [(name, name) for name in names],
                    value=last if last in names else (names[0] if names else Select.BLANK),
                    allow_blank=not names,
                    id="admin",
                )
                yield LiteralLabel(_("Passphrase"))
                yield Input(
                    password=True, id="passphrase", placeholder=_("your own passphrase")
                )
                yield Literal("", id="missing-message")
        yield Footer()

    def _compose_text(self, path: Path) -> ComposeResult:
        if self._damaged:
            yield Literal(_("The store file is damaged"), id="missing-title")
            yield Literal(damaged_sentence(path, self._newest), id="missing-text")
        elif self._newest is not None:
            yield Literal(_("The store file is missing"), id="missing-title")
            yield Literal(missing_sentence(path, self._newest), id="missing-text")
            yield Literal(
                _(
                    "kiosk will not start a new, empty store here. Unlock the newest "
                    "backup to put it back."
                ),
                id="missing-offer",
            )
        else:  # gone since kiosk looked, and nothing to offer
            yield Literal(_("The store file is missing"), id="missing-title")
            yield Literal(
                _("There is no store file at {path}. Quit and start kiosk again.").format(
                    path=path
                ),
                id="missing-text",
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """With no backup to offer there is nothing to restore: no key for it."""
        return not (action == "restore" and self._newest is None)

    def on_mount(self) -> None:
        if self._newest is not None:
            self.query_one("#passphrase", Input).focus()

    def _say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#missing-message", Static)
        message.update(text)
        message.set_class(error, "error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_restore()

    def action_restore(self) -> None:
        """Check the passphrase against the generation first, then ask: what comes back,
        what is lost, where a damaged file is kept. Asking first had an admin with a
        mistyped passphrase confirm a restore only to hear the passphrase was wrong."""
        newest = self._newest
        if newest is None:
            return
        field = self.query_one("#passphrase", Input)
        admin = self.query_one("#admin", Select).value
        if field.disabled:
            return
        if not isinstance(admin, str) or not field.value:
            self._say(_("Type your passphrase, then press Enter."), error=True)
            return
        field.disabled = True
        self._say(_("Checking the passphrase\u2026"))
        self._check(newest, admin, field.value)

    def _notice(self, seconds: int) -> None:
        """From a worker: the throttle's wait before this attempt."""
        text = _("Too many failed attempts: waiting {seconds} s before trying.").format(
            seconds=seconds
        )
        self.app.call_from_thread(self._say, text)

    @work(thread=True, exclusive=True)
    def _check(self, newest: Generation, admin: str, passphrase: str) -> None:
        """Open the generation as the restore would, writing nothing but the failure count
        (in turn with every other attempt on this store: the one throttle, P4)."""
        from kiosk.unlock_policy import turn
        from store import Store, StoreError

        path = self.kiosk.store_path
        try:
            with turn(path, notice=self._notice) as waited:
                Store.check_restore_damaged(
                    path, newest.path, admin, passphrase, now=self.kiosk.store_clock
                )
        except StoreError as error:
            self.app.call_from_thread(self._failed, describe_store_error(error))
            return
        self.app.call_from_thread(self._ask, newest, admin, passphrase, waited)

    def _ask(self, newest: Generation, admin: str, passphrase: str, waited: int) -> None:
        from screens.dialogs.confirm import ConfirmDialog

        field = self.query_one("#passphrase", Input)

        def answered(restore: bool | None) -> None:
            if not restore:
                field.disabled = False
                field.focus()
                self._say(_("Nothing was restored."))
                return
            self._say(_("Restoring\u2026"))
            self._restore(newest, admin, passphrase, waited)

        self.app.push_screen(
            ConfirmDialog(
                _("Restore the store"),
                restore_warning(self.kiosk.store_path, newest, damaged=self._damaged),
                _("Restore"),
            ),
            answered,
        )

    @work(thread=True, exclusive=True)
    def _restore(self, newest: Generation, admin: str, passphrase: str, waited: int) -> None:
        from kiosk.unlock_policy import turn
        from store import Store, StoreError

        path = self.kiosk.store_path
        before = damaged_copies(path)
        try:
            # The check just now already waited out the failures before it.
            with turn(path, notice=self._notice, already_waited=waited):
                store = Store.restore_damaged(
                    path, newest.path, admin, passphrase, now=self.kiosk.store_clock
                )
        except StoreError as error:
            self.app.call_from_thread(self._failed, describe_store_error(error))
            return
        self.app.call_from_thread(self._restored, store, newest, kept_copy(path, before))

    def _restored(self, store: Store, newest: Generation, kept: Path | None) -> None:
        self.query_one("#passphrase", Input).value = ""
        self.kiosk.start_session(store)
        text = _("Generation {n} was restored.").format(n=newest.generation)
        if kept is not None:
            text += " " + _("The damaged file is kept, unchanged, as {path}.").format(path=kept)
        self.app.notify(text, timeout=15)

    def _failed(self, message: str) -> None:
        """Say why, and how long the next try will wait (the throttle's notice is shown
        only during the wait itself), and put the cursor back in the passphrase field so
        the next try can be typed at once."""
        from kiosk.unlock_policy import delay_for

        field = self.query_one("#passphrase", Input)
        field.value = ""
        field.disabled = False
        wait = delay_for(self.kiosk.store_path)
        if wait:
            message += " " + _(
                "Too many failed attempts: the next try waits {seconds} s."
            ).format(seconds=wait)
        self._say(message, error=True)
        # After the field was disabled, focus it once it can take focus again.
        self.call_after_refresh(field.focus)
