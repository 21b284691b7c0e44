"""A screen's own keys, wrapped over as many lines as the terminal needs.

Textual's footer is one line: at 80 columns it cuts off a busy screen's keys. Screens
with more keys than fit list them here instead (their bindings have ``show=False``), and
the footer keeps the keys every screen shares (back, lock, contacts, quit, commands).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static


class KeyGuide(Static):
    DEFAULT_CSS = """
    KeyGuide {
        height: auto;
        padding: 0 1;
        border-top: solid $primary;
    }
    """

    def __init__(self, bindings: Sequence[Binding], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._keys = [b for b in bindings if b.description]

    def on_mount(self) -> None:
        guide = Text()
        for binding in self._keys:
            key = binding.key_display or self.app.get_key_display(binding)
            guide.append(f" {key} ", style="bold reverse")
            guide.append(f" {binding.description}  ")
        self.update(guide)
