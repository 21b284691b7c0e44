"""The front door: pick your admin name, type your passphrase, Enter.

The admin who last unlocked is preselected and the cursor starts in the passphrase field,
so the usual unlock is a passphrase and Enter. The key derivation (Argon2id) runs in a
worker thread so the screen stays responsive. Nothing personal is on this screen: it is
what a locked kiosk shows to whoever walks past.

A store file that cannot be read (cut short, zero bytes, junk: found here, on unlocking,
or by an open session's poll, which locks) is not a crash here: the screen gives way to
the restore screen (:class:`screens.missing_store.MissingStoreScreen`), which says that
the file is damaged, that kiosk left it as it was, and offers the newest backup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Select, Static

from kiosk.i18n import _
from kiosk.store_errors import describe_store_error
from kiosk.unlock_policy import unlock_delay
from screens.widgets.base import ShellScreen
from screens.widgets.footer import Footer
from screens.widgets.text import Literal, LiteralLabel, LiteralSelect

if TYPE_CHECKING:
    from store import Store


class UnlockScreen(ShellScreen):
    CSS_PATH = "unlock.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "unlock", _("Unlock"), show=True, priority=False),
        Binding("ctrl+r", "recovery", _("Use the recovery key")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._wait_until = 0.0
        self._counted = 0  # seconds of countdown already shown (not waited twice)
        self._unreadable = False  # the header does not read: nothing to unlock
        self._reason = ""  # why the last attempt failed, said with the wait after it
        self._busy = False  # an attempt is running in the worker

    def compose(self) -> ComposeResult:
        from store import StoreError, peek

        path = self.kiosk.store_path
        try:
            names = peek.admin_names(path)
        except (StoreError, OSError):  # damaged, gone or unreadable since kiosk looked
            self._unreadable = True
            yield from self._compose_damaged()
            return
        last = peek.last_admin(path)
        with Vertical(id="unlock-box"):
            yield Literal(_("kiosk is locked"), id="unlock-title")
            yield LiteralLabel(_("Admin"))
            yield LiteralSelect(
                [(name, name) for name in names],
                value=last if last in names else (names[0] if names else Select.BLANK),
                allow_blank=False,
                id="admin",
            )
            yield LiteralLabel(_("Passphrase"))
            yield Input(password=True, id="passphrase", placeholder=_("your own passphrase"))
            yield Literal("", id="unlock-message")
            if self.kiosk.demo is not None:
                yield Literal(
                    _(
                        "Demo: admin \u201c{admin}\u201d, passphrase \u201c{passphrase}\u201d"
                    ).format(admin=self.kiosk.demo.admin, passphrase=self.kiosk.demo.passphrase),
                    id="demo-hint",
                )
        yield Footer()

    def _compose_damaged(self) -> ComposeResult:
        from kiosk.missing_store import damaged_sentence, newest_intact

        path = self.kiosk.store_path
        with Vertical(id="unlock-box"):
            yield Literal(_("The store file is damaged"), id="unlock-title")
            yield Literal(damaged_sentence(path, newest_intact(path)), id="unlock-message")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Unlock and the recovery key have nothing to open when the file is damaged."""
        return not (self._unreadable and action in ("unlock", "recovery"))

    def on_mount(self) -> None:
        if self._unreadable:
            self._to_restore(None)
            return
        self.query_one("#passphrase", Input).focus()
        self._apply_throttle()

    def _to_restore(self, admin: str | None) -> None:
        """The file cannot be opened: the restore screen takes this one's place."""
        from kiosk.missing_store import newest_intact
        from screens.missing_store import MissingStoreScreen
        from store import peek

        path = self.kiosk.store_path
        self.app.switch_screen(
            MissingStoreScreen(newest_intact(path), damaged=peek.exists(path), admin=admin)
        )

    def _failures(self) -> int:
        from store import peek

        return peek.consecutive_failures(self.kiosk.store_path)

    def _apply_throttle(self) -> None:
        delay = unlock_delay(self._failures())
        self._counted = delay
        if delay:
            import time

            self._wait_until = time.monotonic() + delay
            self._tick()

    def _left(self) -> float:
        """Seconds still to wait before the next attempt may be made (0: none)."""
        import time

        return max(0.0, self._wait_until - time.monotonic())

    def _tick(self) -> None:
        """The countdown. The passphrase field stays enabled and keeps the cursor (a
        disabled field sent the cursor to the Admin list, where typing was lost and Enter
        opened it): the next passphrase can be typed during the wait, and Enter is refused
        until it ends (:meth:`action_unlock`)."""
        left = self._left()
        if left > 0:
            self._say(
                self._with_reason(
                    _("Too many failed attempts: you can try again in {seconds} s.").format(
                        seconds=int(left + 0.999)
                    )
                ),
                error=True,
            )
            self.set_timer(min(1.0, left), self._tick)
        else:
            self._say(self._with_reason(_("You can try again now.")), error=bool(self._reason))

    def _with_reason(self, text: str) -> str:
        """The wait never hides why the attempt failed (a wrong passphrase, say)."""
        return f"{self._reason} {text}" if self._reason else text

    def _say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#unlock-message", Static)
        message.update(text)
        message.set_class(error, "error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_unlock()

    def action_unlock(self) -> None:
        field = self.query_one("#passphrase", Input)
        if self._busy or self._left() > 0:
            return  # the countdown says when; what was typed stays in the field
        admin = self.query_one("#admin", Select).value
        if not isinstance(admin, str) or not field.value:
            self._say(_("Type your passphrase, then press Enter."), error=True)
            return
        self._busy = True
        self._reason = ""
        self._say(_("Unlocking\u2026"))
        self._open(admin, field.value)

    @work(thread=True, exclusive=True)
    def _open(self, admin: str, passphrase: str) -> None:
        from kiosk.unlock_policy import turn
        from store import Store, StoreDamaged, StoreError

        # In turn with every other attempt on this store (other processes too); the
        # countdown shown already covered the wait the failures here asked for.
        try:
            with turn(self.kiosk.store_path, already_waited=self._counted):
                store = Store.open(
                    self.kiosk.store_path, admin, passphrase, now=self.kiosk.store_clock
                )
        except StoreDamaged:  # tampered too: only a restore may replace it
            self.app.call_from_thread(self._to_restore, admin)
            return
        except StoreError as error:
            self.app.call_from_thread(self._failed, describe_store_error(error))
            return
        self.app.call_from_thread(self._opened, store)

    def _opened(self, store: Store) -> None:
        self.query_one("#passphrase", Input).value = ""
        self.kiosk.start_session(store)

    def _failed(self, message: str) -> None:
        field = self.query_one("#passphrase", Input)
        field.value = ""
        self._busy = False
        field.focus()
        self._reason = message
        self._say(message, error=True)
        self._apply_throttle()

    def action_recovery(self) -> None:
        from screens.recovery_unlock import RecoveryUnlockScreen

        self.app.push_screen(RecoveryUnlockScreen())
