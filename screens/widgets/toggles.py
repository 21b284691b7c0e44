"""Checkboxes and radio buttons whose state shows without colour (NO_COLOR=1).

Textual draws a ticked and an unticked box with the same ``X`` (and every radio button
with the same ``●``) and tells them apart by colour only. These draw the mark only when
the button is on, so ``▐X▌`` / ``▐ ▌`` and ``▐●▌`` / ``▐ ▌`` read right on any terminal.
"""

from __future__ import annotations

from textual.widgets import Checkbox, RadioButton, RadioSet


class Check(Checkbox):
    """A Checkbox that shows ``X`` only when ticked."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "X" if self.value else " "


class Choice(RadioButton):
    """A RadioButton that shows ``●`` only when chosen."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "●" if self.value else " "


def focus_on_pressed(radios: RadioSet) -> None:
    """Focus a RadioSet with its highlight bar on the chosen button.

    Textual highlights the first button on mount whatever is chosen, so a set whose
    second option is the default showed the bar on one option and the ``●`` on the
    other, and Enter would choose the highlighted one."""
    radios.focus()
    if radios.pressed_index >= 0:
        radios._selected = radios.pressed_index  # Textual has no public setter
