"""A screen's own keys, wrapped over as many lines as the terminal needs.

Textual's footer is one line: at 80 columns it cuts off a busy screen's keys. Screens
with more keys than fit list them here instead (their bindings have ``show=False``), and
the footer keeps the keys every screen shares (back, lock, contacts, quit, commands).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
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
        self.update(self._guide(self.app.size.width - 2))

    def on_resize(self) -> None:
        self.update(self._guide(self.content_region.width or self.app.size.width - 2))

    def _guide(self, width: int) -> Text:
        """The keys, wrapped between keys only: a key never ends one line with its
        description starting the next (``x`` / ``Access``)."""
        guide = Text()
        used = 0
        for binding in self._keys:
            key = binding.key_display or self.app.get_key_display(binding)
            entry_width = cell_len(key) + 2 + cell_len(binding.description) + 3
            if used and used + entry_width > width:
                guide.append("\n")
                used = 0
            guide.append(f" {key} ", style="bold reverse")
            guide.append(f" {binding.description}  ")
            used += entry_width
        return guide
