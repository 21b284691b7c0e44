"""Asking before a recovery key that is on screen, and not yet checked, is lost.

A recovery key is shown once (setup, the recovery wizard, a new key after removing an
admin or on request). Until its last group is typed back, quitting or leaving would lose it
without a word: the store (or the new key) already exists and the old key may already be
dead. Every screen that shows one says so with :attr:`RecoveryKeyHolder.recovery_key_pending`;
the app's quit, and each such screen's Escape, ask with :func:`ask_before_losing_key`, and
the question's default (Enter, Escape, n) is to stay.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar, Protocol, runtime_checkable

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll

from kiosk.i18n import _
from screens.dialogs.confirm import ConfirmDialog
from screens.widgets.footer import Footer
from screens.widgets.text import Literal


@runtime_checkable
class RecoveryKeyHolder(Protocol):
    """A screen that may be showing a recovery key not yet typed back."""

    @property
    def recovery_key_pending(self) -> bool:
        """True while a recovery key is on screen and its last group not yet typed back."""
        ...


def recovery_key_pending(screens: Iterable[object]) -> bool:
    """Whether any of ``screens`` (the app's stack) shows an unconfirmed recovery key."""
    return any(
        isinstance(screen, RecoveryKeyHolder) and screen.recovery_key_pending
        for screen in screens
    )


class LoseKeyDialog(ConfirmDialog):
    """The question before a recovery key is lost: only ``y`` goes on; Enter stays."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "yes", _("Yes")),
        Binding("n,escape,enter", "no", _("No")),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="confirm-box"):
            yield Literal(self._title, id="confirm-title")
            yield Literal(self._text, id="confirm-text")
            yield Literal(
                _("y: {verb}    n or Enter: stay").format(verb=self._verb), id="confirm-keys"
            )
        yield Footer()


def ask_before_losing_key(
    app: App[Any], then: Callable[[], object], *, closing: bool = False
) -> None:
    """Ask whether to quit (or, with ``closing``, close the key's dialog) with the recovery
    key unchecked; call ``then`` only on ``y``.

    Asking twice (Ctrl+Q pressed again over the question) shows the one question."""
    if isinstance(app.screen, LoseKeyDialog):
        return
    if closing:
        text = _(
            "The recovery key has not been written down and checked. If you close it now it "
            "cannot be shown again: you would make a new one under Admins (k). Close anyway?"
        )
        verb = _("Close")
    else:
        text = _(
            "The recovery key has not been written down and checked. If you quit now it "
            "cannot be shown again: you would make a new one under Admins (k). Quit anyway?"
        )
        verb = _("Quit")

    def answered(yes: bool | None) -> None:
        if yes:
            then()

    app.push_screen(LoseKeyDialog(_("Recovery key not checked"), text, verb), answered)
