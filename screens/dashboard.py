"""The home screen: every site at a glance, worst first, each line one Enter from its fix.

The words carry the verdict ("no owner", "3 overdue") so the screen reads the same with
NO_COLOR=1 or on a monochrome terminal; colour only repeats it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from kiosk.dashboard import Dashboard, Level, Line, build_dashboard, mark
from kiosk.i18n import _
from screens.nav import NAV
from screens.widgets.base import KioskScreen
from screens.widgets.footer import Footer
from screens.widgets.header import KioskHeader
from screens.widgets.key_guide import KeyGuide
from screens.widgets.text import choice, clean

STYLES = {Level.BAD: "bold red", Level.WARN: "yellow", Level.INFO: "", Level.OK: "green"}


class DashboardScreen(KioskScreen):
    CSS_PATH = "dashboard.tcss"
    # Eleven screens' keys do not fit in one footer line at 80 columns: they are listed in
    # a key guide above the footer instead (show=False keeps them out of the footer).
    KEYS: ClassVar[list[Binding]] = [
        *[
            Binding(entry.key, f"app.open('{entry.name}')", _(entry.label), show=False)
            for entry in NAV
        ],
        Binding("enter", "follow", _("Open the highlighted line"), show=False),
        Binding("question_mark", "app.help", _("Help"), key_display="?", show=False),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", _("Back"), show=False),
        *KEYS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self._targets: dict[str, Line] = {}

    def compose(self) -> ComposeResult:
        yield KioskHeader()
        yield OptionList(id="dashboard-lines")
        yield KeyGuide(self.KEYS, id="key-guide")
        yield Footer()

    def action_back(self) -> None:
        """The dashboard is home: Escape has nowhere further back to go."""

    def refresh_data(self) -> None:
        session = self.session
        board = build_dashboard(session.db(), session.clock.now())
        self.sub_title = _("Unlocked by {admin}").format(admin=session.admin)
        self._render_board(board)

    def _render_board(self, board: Dashboard) -> None:
        options = self.query_one("#dashboard-lines", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        self._targets.clear()
        items: list[Option | None] = []

        def add(line: Line, key: str) -> None:
            text = Text.assemble((f" {mark(line.level)} ", STYLES[line.level]), clean(line.text))
            self._targets[key] = line
            items.append(Option(text, id=key, disabled=line.target is None))

        for i, line in enumerate(board.top):
            add(line, f"top-{i}")
        add(board.nas, "nas")
        for s, summary in enumerate(board.sites):
            site = summary.site
            items.append(None)
            items.append(
                Option(
                    choice(f"{site.name} ({site.ods_code})", style="bold"),
                    id=f"site-{s}",
                    disabled=True,
                )
            )
            for i, line in enumerate(summary.lines):
                add(line, f"site-{s}-{i}")
        options.add_options(items)
        if highlighted is not None and highlighted < options.option_count:
            options.highlighted = highlighted
        else:
            options.highlighted = 0  # the worst line is first: Enter goes straight to its fix

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._follow(event.option.id)

    def action_follow(self) -> None:
        options = self.query_one("#dashboard-lines", OptionList)
        if options.highlighted is not None:
            self._follow(options.get_option_at_index(options.highlighted).id)

    def _follow(self, option_id: str | None) -> None:
        line = self._targets.get(option_id or "")
        if line is None or line.target is None:
            return
        self.kiosk.open_screen(line.target, **dict(line.link))
