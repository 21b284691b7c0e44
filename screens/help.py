"""Help: the NHSmail FAQ in kiosk's words, searchable as you type, one key from doing it.

Opened with ``?`` or F1 from anywhere (and from the command palette). The search box has
the focus: typing narrows the questions, Up and Down move through them, and Enter opens
the screen that does what the highlighted answer describes (and presses its key there,
e.g. ``j`` to start a joiner). The answers and their routes are domain data in
:mod:`kiosk.faq`; this screen only shows them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from kiosk import faq
from kiosk.i18n import _
from screens.nav import route_text
from screens.widgets.base import KioskScreen
from screens.widgets.footer import Footer
from screens.widgets.header import KioskHeader
from screens.widgets.text import Literal, LiteralLabel


class HelpScreen(KioskScreen):
    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_route", _("Open"), priority=True),
        Binding("up", "move(-1)", _("Up"), show=False),
        Binding("down", "move(1)", _("Down"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._shown: list[faq.HelpEntry] = list(faq.ENTRIES)

    def compose(self) -> ComposeResult:
        yield KioskHeader()
        with Horizontal(id="help-search-row"):
            yield LiteralLabel(_("Search:"), id="help-search-label")
            yield Input(
                placeholder=_("type a word, e.g. joiner, password, owner"),
                id="help-search",
                compact=True,
            )
        yield OptionList(id="help-questions")
        with VerticalScroll(id="help-answer-box"):
            yield Literal("", id="help-answer")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Help: the NHSmail questions")
        self._show(list(faq.ENTRIES))
        self.query_one("#help-search", Input).focus()

    def _show(self, entries: list[faq.HelpEntry]) -> None:
        self._shown = entries
        questions = self.query_one("#help-questions", OptionList)
        questions.clear_options()
        questions.add_options([Option(Text(faq.question(e))) for e in entries])
        if entries:
            questions.highlighted = 0
        self._show_answer()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._show(faq.search(event.value, route_text=route_text))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_answer()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open_route()

    def _current(self) -> faq.HelpEntry | None:
        index = self.query_one("#help-questions", OptionList).highlighted
        if index is None or index >= len(self._shown):
            return None
        return self._shown[index]

    def _show_answer(self) -> None:
        answer = self.query_one("#help-answer", Static)
        entry = self._current()
        if entry is None:
            answer.update(Text(_("No question matches. Try another word, or clear the search.")))
            return
        text = Text(faq.question(entry), style="bold")
        text.append("\n")
        text.append(faq.answer(entry))
        if entry.route is not None:
            text.append("\n")
            text.append(_("Enter opens it: {route}.").format(route=route_text(entry.route)))
        answer.update(text)

    def action_move(self, step: int) -> None:
        questions = self.query_one("#help-questions", OptionList)
        if questions.option_count:
            current = questions.highlighted or 0
            questions.highlighted = max(0, min(questions.option_count - 1, current + step))

    def action_open_route(self) -> None:
        entry = self._current()
        if entry is None or entry.route is None:
            return
        if not self.kiosk.unlocked:
            self.notify(_("Unlock kiosk first, then open Help again."), timeout=4)
            return
        route = entry.route
        self.app.pop_screen()
        self.kiosk.open_screen(route.screen)
        if route.key:
            target = self.app.screen
            self.app.call_after_refresh(self._press_on, target, route.key)

    def _press_on(self, target: Any, key: str) -> None:
        """Run the action the route's key is bound to on the screen just opened, as if the
        admin had pressed it there."""
        if self.app.screen is not target:
            return
        for binding in type(target).BINDINGS:
            if isinstance(binding, Binding) and key in binding.key.split(","):
                self.app.call_later(self.app.run_action, binding.action, target)
                return
