"""What a screen at 80x24 must never do silently: cut a footer key's label, a checkbox or
radio label (or its right border), or an NHSmail address, a name or a date in a table.

``layout_problems(app)`` reads the glass (the rendered rows) and the widgets' regions and
returns one sentence per problem, so a test can list them all at once.
"""

from __future__ import annotations

import re
from typing import Any

from rich.text import Text
from textual.widgets import DataTable, Footer, Label, RadioSet, Static
from textual.widgets._footer import FooterKey
from textual.widgets._toggle_button import ToggleButton

from tests.screens.screen_walk import screen_lines

ELLIPSIS = "\u2026"
EMAIL = re.compile(r"\S+@\S+\.\S+")
DAY = re.compile(r"\b\d{1,2} [A-Z][a-z]{2} \d{4}\b")


def _plain(value: object) -> str:
    if isinstance(value, Text):
        return value.plain
    return str(value)


def footer_problems(app: Any, lines: list[str]) -> list[str]:
    problems = []
    for footer in app.screen.query(Footer):
        row = lines[footer.region.y] if 0 <= footer.region.y < len(lines) else ""
        for key in footer.query(FooterKey):
            label = key.description
            if label and f"{key.key_display} {label}" not in row:
                problems.append(f"footer key {key.key_display!r} {label!r} cut: {row!r}")
    return problems


def key_guide_problems(app: Any, lines: list[str]) -> list[str]:
    """A key guide (the dashboard's, People's) never splits a key from its description."""
    from screens.widgets.key_guide import KeyGuide

    problems = []
    for guide in app.screen.query(KeyGuide):
        rows = lines[guide.region.y : guide.region.bottom]
        for binding in guide._keys:
            key = binding.key_display or app.get_key_display(binding)
            if not any(f" {key}  {binding.description}" in row for row in rows):
                problems.append(f"key guide splits {key!r} {binding.description!r}")
    return problems


def toggle_problems(app: Any, lines: list[str]) -> list[str]:
    """Every visible checkbox or radio button shows its whole label and its right edge."""
    problems = []
    width = len(lines[0]) if lines else 0
    for button in app.screen.query(ToggleButton):
        region = button.region
        if not on_glass(button, len(lines)):
            continue
        label = _plain(button.label)
        rows = lines[region.y : region.bottom]
        if not any(label in row for row in rows):
            problems.append(f"{type(button).__name__} label cut: {label!r}")
            continue
        middle = lines[region.y + region.height // 2]
        # A radio button's edge is its set's: the set draws the border around them all.
        owner = button.parent if isinstance(button.parent, RadioSet) else button
        right = owner.region.right
        visible_right = min(right, width, _clip_right(owner))
        if right > visible_right or middle[right - 1] == " ":
            problems.append(f"{type(button).__name__} right border cut: {label!r}")
    return problems


def on_glass(widget: Any, rows: int) -> bool:
    """Is the widget drawn, wholly inside the screen and every scrolling ancestor's window
    (a field scrolled out of view is not cut, only out of view)?"""
    region = widget.region
    if not region.height or not widget.display or region.y < 0 or region.bottom > rows:
        return False
    for ancestor in widget.ancestors:
        outer = getattr(ancestor, "scrollable_content_region", None)
        if outer is not None and outer.height and (
            region.y < outer.y or region.bottom > outer.bottom
        ):
            return False
    return True


def _clip_right(widget: Any) -> int:
    """The rightmost visible column allowed by the widget's scrolling ancestors."""
    right = 10**6
    for ancestor in widget.ancestors:
        region = getattr(ancestor, "region", None)
        if region is not None and region.width:
            right = min(right, region.right)
    return right


def table_problems(app: Any, lines: list[str]) -> list[str]:
    """An address, a name or a date in a visible table row is on screen whole, or its
    visible part ends in "…" (never a silent cut)."""
    problems = []
    for table in app.screen.query(DataTable):
        if not table.region.height:
            continue
        name_columns = {
            index
            for index, column in enumerate(table.ordered_columns)
            if _plain(column.label).strip().casefold() in {"name", "full name", "admin"}
        }
        first = table.scroll_offset.y
        header = 1 if table.show_header else 0
        visible = table.scrollable_content_region.height - header
        for row_index in range(first, min(first + visible, table.row_count)):
            y = table.region.y + header + (row_index - first)
            if not 0 <= y < len(lines):
                continue
            row_text = lines[y]
            for col_index, cell in enumerate(table.get_row_at(row_index)):
                text = _plain(cell).strip()
                checked = col_index in name_columns or EMAIL.search(text) or DAY.search(text)
                if not text or not checked:
                    continue
                if text in row_text:
                    continue
                stem = text[:6]
                if stem in row_text and ELLIPSIS in row_text[row_text.index(stem) :]:
                    continue
                problems.append(f"table cell cut without '…': {text!r} in {row_text.strip()!r}")
    return problems


def label_problems(app: Any, lines: list[str]) -> list[str]:
    """Titles and labels (single-line Labels) are on screen whole."""
    problems = []
    for label in app.screen.query(Label):
        if not on_glass(label, len(lines)):
            continue
        text = _plain(label.render()).strip()
        if "\n" in text or not text or len(text) > 200:
            continue
        if not any(text in row for row in lines[label.region.y : label.region.bottom]):
            problems.append(f"label cut: {text!r}")
    return problems


def layout_problems(app: Any) -> list[str]:
    lines = screen_lines(app)
    return (
        footer_problems(app, lines)
        + key_guide_problems(app, lines)
        + toggle_problems(app, lines)
        + table_problems(app, lines)
        + label_problems(app, lines)
    )


__all__ = ["Static", "layout_problems"]
