"""The one way stored or typed text reaches the screen: literally, never as markup.

Textual reads ``str`` as markup in many places (Static, Label, DataTable cells, Select and
OptionList options, notifications), so a name such as ``Crash [/] Me`` would raise a
``MarkupError`` and ``[@click=app.quit]`` would become a live link. Every string that
comes from the store or from a user goes through one of these helpers, which also
replace control characters (:func:`kiosk.validators.neutralise`) so that an escape
sequence in an older record reaches no terminal. Only kiosk's own catalog strings are
written by kiosk, and none of them carry markup either: a catalog sentence with data in
it is built with :func:`say`, which keeps the whole result literal.

The widgets at the end (:class:`Literal`, :class:`LiteralLabel`, :class:`LiteralTable`,
:class:`LiteralSelect`) are the only Static, Label, DataTable and Select kiosk's screens
create, so a string that skipped a helper is still shown literally and cleaned: a markup
error cannot crash a screen. ``KioskApp.notify``, ``format_title`` and
``copy_to_clipboard`` do the same for notifications, the header and OSC 52 copies.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import RenderableType
from rich.text import Text
from textual.content import Content
from textual.coordinate import Coordinate
from textual.visual import VisualType
from textual.widgets import DataTable, Label, Select, Static
from textual.widgets.data_table import CellType, ColumnKey, RowKey

from kiosk.validators import neutralise


def clean(value: object, *, newlines: bool = True) -> str:
    """``value`` as a string with its control characters made harmless."""
    return neutralise(str(value), newlines=newlines)


def one_line(value: object) -> str:
    """A stored value for an Input box (a single line: a newline shows as a symbol too)."""
    return clean(value, newlines=False)


def literal(value: object, *, style: str = "") -> Content:
    """Stored or typed text for a Static, Label or title: shown exactly as written."""
    return Content.styled(clean(value), style) if style else Content(clean(value))


def say(template: str, **values: object) -> Content:
    """A catalog sentence with data filled in (``_("Edit {name}")``), shown literally."""
    return Content(clean(template.format(**{k: clean(v) for k, v in values.items()})))


def say_text(template: str, **values: object) -> str:
    """:func:`say` as a plain string, for places that take ``str`` and no markup
    (notifications through :meth:`KioskApp.notify`, screen titles, confirm dialogs)."""
    return clean(template.format(**{k: clean(v) for k, v in values.items()}))


def cell(value: object, *, style: str = "") -> Text:
    """A DataTable cell (DataTable reads a plain ``str`` as Rich markup)."""
    return Text(clean(value, newlines=False), style=style, end="")


def choice(value: object, *, style: str = "", newlines: bool = False) -> Text:
    """The prompt of a Select or OptionList option (both read ``str`` as markup)."""
    return Text(clean(value, newlines=newlines), style=style, end="")


def _safe(content: VisualType) -> VisualType:
    """A plain string becomes literal Content; Content and Rich Text keep their styles
    with their text cleaned (:func:`neutralise` replaces one character by one, so every
    span still covers the same characters)."""
    if isinstance(content, str):
        return literal(content)
    if isinstance(content, Content):
        plain = clean(content.plain)
        return content if plain == content.plain else Content(plain, spans=list(content.spans))
    if isinstance(content, Text):
        return _safe_text(content, newlines=True)
    return content


def _safe_text(text: Text, *, newlines: bool = False) -> Text:
    plain = clean(text.plain, newlines=newlines)
    if plain == text.plain:
        return text
    return Text(plain, style=text.style, spans=list(text.spans), end=text.end)


class Literal(Static):
    """A Static that never reads markup and never shows a control character: the widget
    every kiosk screen uses for text, so a missed :func:`literal` cannot crash a screen."""

    def __init__(self, content: VisualType = "", **kwargs: Any) -> None:
        kwargs["markup"] = False
        super().__init__(_safe(content), **kwargs)

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        super().update(_safe(content), layout=layout)


class LiteralLabel(Label):
    """:class:`Literal` for a Label (a field's caption, a dialog's list of names)."""

    def __init__(self, content: VisualType = "", **kwargs: Any) -> None:
        kwargs["markup"] = False
        super().__init__(_safe(content), **kwargs)

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        super().update(_safe(content), layout=layout)


def _cell(value: object) -> object:
    if isinstance(value, str):
        return cell(value)
    return _safe_text(value) if isinstance(value, Text) else value


class LiteralTable(DataTable[Any]):
    """A DataTable whose ``str`` cells and column labels are literal: every table kiosk
    shows is one (a column may be labelled with a site's ODS code)."""

    def add_column(
        self,
        label: str | Text,
        *,
        width: int | None = None,
        key: str | None = None,
        default: CellType | None = None,
    ) -> ColumnKey:
        return super().add_column(
            cell(label) if isinstance(label, str) else label, width=width, key=key, default=default
        )

    def add_row(
        self,
        *cells: CellType,
        height: int | None = 1,
        key: str | None = None,
        label: str | Text | None = None,
    ) -> RowKey:
        return super().add_row(
            *(_cell(c) for c in cells),
            height=height,
            key=key,
            label=cell(label) if isinstance(label, str) else label,
        )

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: CellType,
        *,
        update_width: bool = False,
    ) -> None:
        super().update_cell(row_key, column_key, _cell(value), update_width=update_width)

    def update_cell_at(
        self, coordinate: Coordinate, value: CellType, *, update_width: bool = False
    ) -> None:
        super().update_cell_at(coordinate, _cell(value), update_width=update_width)


def _visible_prompt(prompt: RenderableType) -> RenderableType:
    return _safe_text(prompt) if isinstance(prompt, Text) else prompt


class LiteralSelect(Select[Any]):
    """A Select whose ``str`` option prompts are literal (admin names, site names)."""

    def _setup_variables_for_options(
        self, options: Iterable[tuple[RenderableType, Any]]
    ) -> None:
        super()._setup_variables_for_options(
            (choice(prompt) if isinstance(prompt, str) else _visible_prompt(prompt), value)
            for prompt, value in options
        )
