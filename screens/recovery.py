"""The recovery wizard: after unlocking with the recovery key, make an admin and a NEW key.

The unlock screen opens the store with the recovery key and pushes
``RecoveryWizard(store)``. The wizard asks for the admin who will look after kiosk from now
on (a new name, or an existing admin's name to replace a forgotten passphrase), then
replaces the recovery key, because the one just used may have been read out or copied
while every admin was gone. The new key is shown once and its last group typed back.

The wizard then opens the store as that admin, closes the recovery session and dismisses
with the admin's store, so that everything done afterwards is audited under a real name.
It dismisses with None when cancelled before any change (the recovery session is then for
the caller to lock).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Input, Static

from kiosk.admins import recover
from kiosk.forms import FORM, FieldErrors, FormRejected
from kiosk.i18n import _
from kiosk.passphrase import strength_hint
from kiosk.store_errors import describe_store_error
from screens.widgets.footer import Footer
from screens.widgets.text import Literal, LiteralLabel

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from store import Store

STEPS = ("step-admin", "step-working", "step-key")


class RecoveryWizard(Screen["Store | None"]):
    CSS_PATH = "recovery.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", _("Cancel")),
        Binding("ctrl+s", "next", _("Next")),
    ]

    def __init__(self, store: Store, *, now: Callable[[], datetime] | None = None) -> None:
        """``now`` is the shell's clock for the store's audit times (None: the store's)."""
        super().__init__()
        self._rescue = store
        self._now = now
        self._step = 0
        self._code = ""
        self._opened: Store | None = None

    def compose(self) -> ComposeResult:
        names = ", ".join(info.name for info in self._rescue.admins()) or _("none")
        yield Literal(_("Recovery"), id="recovery-title")
        with ContentSwitcher(initial=STEPS[0], id="recovery-steps"):
            with Vertical(id="step-admin"):
                yield Literal(
                    _(
                        "The recovery key was accepted. Who will look after kiosk from now on? "
                        "Type a new name to add an admin, or an existing admin's name to give "
                        "them a new passphrase. Existing admins: {names}."
                    ).format(names=names),
                    classes="intro",
                )
                yield LiteralLabel(_("Name"))
                yield Input(id="recovery-name")
                yield Literal("", id="recovery-name-error", classes="error")
                yield LiteralLabel(_("Passphrase (at least 12 characters)"))
                yield Input(password=True, id="recovery-pass1")
                yield Literal("", id="recovery-hint")
                yield LiteralLabel(_("Passphrase again"))
                yield Input(password=True, id="recovery-pass2")
                yield Literal("", id="recovery-pass-error", classes="error")
            with Vertical(id="step-working"):
                yield Literal(
                    _("Saving the admin and making a new recovery key\u2026"), id="recovery-working"
                )
            with Vertical(id="step-key"):
                yield Literal(
                    _(
                        "This is the NEW recovery key; the one you used no longer works. Write "
                        "it down now and keep it locked away: it is shown only once."
                    ),
                    classes="intro",
                )
                yield Literal("", id="recovery-code")
                yield LiteralLabel(_("Type its last group to show it is written down"))
                yield Input(id="recovery-check")
                yield Literal("", id="recovery-check-error", classes="error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#recovery-name", Input).focus()

    @property
    def recovery_key_pending(self) -> bool:
        """The new key is on screen and its last group not yet typed back (the app's quit
        asks first)."""
        return self._step == 2 and bool(self._code)

    def _show(self, step: int) -> None:
        self._step = step
        self.query_one("#recovery-steps", ContentSwitcher).current = STEPS[step]
        focus = {0: "#recovery-name", 2: "#recovery-check"}.get(step)
        if focus:
            self.query_one(focus, Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "recovery-pass1":
            self.query_one("#recovery-hint", Static).update(
                strength_hint(event.value) if event.value else ""
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id in ("recovery-name", "recovery-pass1"):
            self.focus_next()
        else:
            self.action_next()

    def action_cancel(self) -> None:
        """Leave before any change; once the key is replaced there is no going back."""
        if self._step == 0:
            self.dismiss(None)

    def action_next(self) -> None:
        if self._step == 0:
            self._start()
        elif self._step == 2:
            self._finish()

    def _start(self) -> None:
        name = self.query_one("#recovery-name", Input).value
        pass1 = self.query_one("#recovery-pass1", Input).value
        pass2 = self.query_one("#recovery-pass2", Input).value
        self.query_one("#recovery-name-error", Static).update("")
        self.query_one("#recovery-pass-error", Static).update("")
        self._show(1)
        self._recover(name, pass1, pass2)

    @work(thread=True, exclusive=True)
    def _recover(self, name: str, passphrase: str, again: str) -> None:
        """Argon2id runs three times here (new slot, new key, opening as the admin)."""
        from store import Store, StoreError

        try:
            admin, code = recover(self._rescue, name, passphrase, again)
        except FormRejected as error:
            self.app.call_from_thread(self._refused, error.errors)
            return
        try:
            opened: Store | None = Store.open(
                self._rescue.path,
                admin,
                passphrase,
                now=self._now,
            )
        except StoreError as error:  # should not happen; stay in the recovery session
            opened = None
            self.app.call_from_thread(self.notify, describe_store_error(error), severity="error")
        self.app.call_from_thread(self._recovered, code, opened)

    def _refused(self, errors: FieldErrors) -> None:
        self._show(0)
        self.query_one("#recovery-name-error", Static).update(
            errors.get("name") or errors.get(FORM, "")
        )
        self.query_one("#recovery-pass-error", Static).update(errors.get("passphrase", ""))
        if "passphrase" in errors:
            self.query_one("#recovery-pass1", Input).focus()

    def _recovered(self, code: str, opened: Store | None) -> None:
        self._code = code
        self._opened = opened
        for field in ("#recovery-pass1", "#recovery-pass2"):
            self.query_one(field, Input).value = ""
        self.query_one("#recovery-code", Static).update(code)
        self._show(2)

    def _finish(self) -> None:
        typed = self.query_one("#recovery-check", Input).value.strip().upper()
        if typed != self._code.split("-")[-1].upper():
            self.query_one("#recovery-check-error", Static).update(
                _("That is not the last group of the recovery key: check what you wrote down.")
            )
            return
        self._code = ""
        if self._opened is None:
            self.dismiss(self._rescue)
            return
        self._rescue.close()
        self.dismiss(self._opened)
