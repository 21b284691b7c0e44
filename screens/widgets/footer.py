"""The footer every kiosk screen uses: Textual's, but a key is shown whole or not at all.

Textual's footer is one row; at 80 columns a busy screen's keys ran off its end and were
cut mid-word (``g Joi▏``). This one leaves out whole keys from the end instead (the
shell's own Quit, Lock and Contacts come last, so they go first). Every key still works,
and every action is still in the command palette (Ctrl+P), which always stays.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

PALETTE_CLASS = "-command-palette"


def key_width(key: FooterKey) -> int:
    """Columns a key takes in the (non-compact) footer: " k " + "Description "."""
    width = cell_len(key.key_display) + 2
    if key.description:
        width += cell_len(key.description) + 1
    if key.has_class(PALETTE_CLASS):
        width += 1  # its left border
    return width


def fitting(widgets: list[Widget], columns: int) -> list[Widget]:
    """``widgets`` without the last ordinary keys that would not fit in ``columns``."""
    keys = [w for w in widgets if isinstance(w, FooterKey)]
    if columns <= 0 or sum(key_width(k) for k in keys) <= columns:
        return widgets
    used = sum(key_width(k) for k in keys if k.has_class(PALETTE_CLASS))
    kept: set[int] = set()
    for key in keys:
        if key.has_class(PALETTE_CLASS):
            continue
        if used + key_width(key) > columns:
            break  # keep the order: never skip a key to squeeze a later one in
        used += key_width(key)
        kept.add(id(key))
    return [
        w
        for w in widgets
        if not isinstance(w, FooterKey) or w.has_class(PALETTE_CLASS) or id(w) in kept
    ]


class Footer(TextualFooter):
    _fitted_to: int | None = None  # the terminal width the keys shown were fitted to

    def compose(self) -> ComposeResult:
        self._fitted_to = self.app.size.width
        yield from fitting(list(super().compose()), self._fitted_to)

    def on_resize(self) -> None:
        # Fit again only when the terminal's width changed: a footer's first resize (as it
        # is laid out) comes at the width its keys were just fitted to, and rebuilding them
        # then cost every screen's first paint a second set of keys and their styles.
        if self.app.size.width != self._fitted_to:
            self.call_after_refresh(self.recompose)
