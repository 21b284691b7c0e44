"""The call scripts, one key from the dashboard: pick the situation, then walk it.

The NAS line at the top answers the first question an admin has ("can I call now?"),
and with more than one site the admin chooses whose details the scripts fill in.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from kiosk import call_scripts, records
from kiosk.i18n import _
from kiosk.model import Site
from kiosk.nas_hours import describe, nas_status
from screens.widgets.base import KioskScreen
from screens.widgets.footer import Footer
from screens.widgets.header import KioskHeader
from screens.widgets.text import Literal


class ScriptsScreen(KioskScreen):
    CSS_PATH = "scripts.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", _("Open"), priority=True),
        Binding("w", "switch_site", _("Switch site")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._sites: list[Site] = []
        self._site_index = 0

    def compose(self) -> ComposeResult:
        yield KioskHeader()
        yield Literal("", id="nas-status")
        yield Literal("", id="scripts-site")
        items: list[Option | None] = []
        for number, script in enumerate(call_scripts.SCRIPTS):
            if number:
                items.append(None)  # a rule between scripts, not an option
            items.append(
                Option(
                    Text.assemble((_(script.title), "bold"), "\n", _(script.summary)),
                    id=script.id,
                )
            )
        yield OptionList(*items, id="scripts-list")
        yield Footer()

    def refresh_data(self) -> None:
        self.sub_title = _("Call scripts")
        now = self.session.clock.now()
        status = nas_status(now)
        mark = "\u2714" if status.open else "\u2716"
        self.query_one("#nas-status", Static).update(f"{mark} {describe(status, now)}")
        self._sites = records.sites(self.session.db())
        self._site_index = min(self._site_index, max(len(self._sites) - 1, 0))
        site_line = self.query_one("#scripts-site", Static)
        site = self.site()
        if site is None:
            site_line.update(_("No site on record yet: add one in Sites first."))
        elif len(self._sites) > 1:
            site_line.update(
                _("For {name} ({ods}); press w to switch site.").format(
                    name=site.name, ods=site.ods_code
                )
            )
        else:
            site_line.update(_("For {name} ({ods})").format(name=site.name, ods=site.ods_code))
        self.query_one("#scripts-list", OptionList).focus()
        self.refresh_bindings()

    def site(self) -> Site | None:
        return self._sites[self._site_index] if self._sites else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "switch_site":
            return len(self._sites) > 1
        return True

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._open(event.option.id)

    def action_open(self) -> None:
        options = self.query_one("#scripts-list", OptionList)
        if options.highlighted is not None:
            self._open(options.get_option_at_index(options.highlighted).id)

    def _open(self, script_id: str | None) -> None:
        site = self.site()
        if script_id is None:
            return
        if site is None:
            self.notify(_("Add a site first: the scripts need its details."), severity="warning")
            return
        from screens.script_run import ScriptRunScreen

        self.app.push_screen(ScriptRunScreen(script_id, site_id=site.id))

    def action_switch_site(self) -> None:
        if len(self._sites) > 1:
            self._site_index = (self._site_index + 1) % len(self._sites)
            self.refresh_data()
