"""Checkboxes and radio buttons whose state shows without colour (NO_COLOR=1).

Textual draws a ticked and an unticked box with the same ``X`` (and every radio button
with the same ``●``) and tells them apart by colour only. These draw the mark only when
the button is on, so ``▐X▌`` / ``▐ ▌`` and ``▐●▌`` / ``▐ ▌`` read right on any terminal.
"""

from __future__ import annotations

from textual.widgets import Checkbox, RadioButton


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
