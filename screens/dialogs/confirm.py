"""A yes/no question in a modal box, shared by every screen that asks before it acts.

The caller words the title, the question and the verb on the confirming key; the dialog
only answers ``True`` (y or Enter) or ``False`` (n or Escape), so each screen keeps its
own rule about what happens next.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll

from kiosk.i18n import _
from screens.widgets.base import KioskModal
from screens.widgets.footer import Footer
from screens.widgets.text import Literal


class ConfirmDialog(KioskModal[bool]):
    """A yes/no question: y or Enter confirms, n or Escape cancels."""

    CSS_PATH = "confirm.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "yes", _("Yes")),
        Binding("n,escape", "no", _("No")),
    ]

    def __init__(self, title: str, text: str, verb: str) -> None:
        super().__init__()
        self._title, self._text, self._verb = title, text, verb

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="confirm-box"):
            yield Literal(self._title, id="confirm-title")
            yield Literal(self._text, id="confirm-text")
            yield Literal(_("y: {verb}    n: cancel").format(verb=self._verb), id="confirm-keys")
        yield Footer()

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)
