"""The step-by-step shape shared by the joiner, leaver and access-change wizards.

Each wizard is a column of steps in a :class:`~textual.widgets.ContentSwitcher`: ctrl+s
checks the step and moves on, Escape goes back a step (or leaves from the first and the
last), the step before ``step-done`` records, and ``step-done`` says what happens next.
Only that navigation lives here; what each step shows, checks and records stays in the
wizard's own module.

A subclass:

- sets ``STEPS`` to its step ids in order, the last being :data:`DONE`;
- composes a ``Static#step-title`` and a ``ContentSwitcher#steps`` with one child per step;
- returns each step's title from :meth:`WizardScreen._step_titles`;
- has an ``_enter_<step id with underscores>()`` method per step that fills and focuses it;
- refuses to move on from a step in :meth:`WizardScreen._check_step` (showing why);
- records in :meth:`WizardScreen._record`, then calls :meth:`WizardScreen._show_done`;
- sets ``CSS_PATH = wizard_css("its.tcss")``: the shared step layout, then its own rules.
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import ContentSwitcher, Static

from kiosk.i18n import _
from screens.widgets.base import KioskScreen
from screens.widgets.saving import saving_on, say_still_saving

DONE = "step-done"
WIZARD_CSS = Path(__file__).with_name("wizard.tcss")


def wizard_css(own: str) -> list[str | PurePath]:
    """A wizard's ``CSS_PATH``: the shared step layout first, then the wizard's own file
    (a relative name is found beside the wizard's module, as Textual does for any screen)."""
    return [WIZARD_CSS, own]


class WizardScreen(KioskScreen):
    """Step navigation over ``#steps``; see the module docstring for what a wizard adds."""

    STEPS: ClassVar[tuple[str, ...]] = ()
    # ctrl+s is named for what it does: Record on the step that records, Finish on the
    # last. The footer and the palette show the first binding of a key that check_action
    # allows, so those two come first; "next" stays allowed everywhere (a wizard's Enter
    # runs it), and shows as Next on the other steps.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "previous", _("Back")),
        Binding("ctrl+s", "record", _("Record")),
        Binding("ctrl+s", "finish", _("Finish")),
        Binding("ctrl+s", "next", _("Next")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._step = 0

    @property
    def step(self) -> str:
        return self.STEPS[self._step]

    # -- what each wizard supplies --------------------------------------------------------

    def _step_titles(self) -> dict[str, str]:
        """The line above the steps, for each step id (translated when shown)."""
        raise NotImplementedError

    def _check_step(self) -> bool:
        """May ctrl+s leave the current step? Shows why not before returning False."""
        return True

    def _record(self) -> None:
        """Record what the wizard asked for, through
        :func:`~screens.widgets.saving.save_in_thread`; call :meth:`_show_done` once it
        is recorded."""
        raise NotImplementedError

    # -- navigation -----------------------------------------------------------------------

    def _show_step(self) -> None:
        self.query_one("#step-title", Static).update(self._step_titles()[self.step])
        self.query_one("#steps", ContentSwitcher).current = self.step
        getattr(self, f"_enter_{self.step.replace('-', '_')}")()
        self.refresh_bindings()  # a wizard's check_action may depend on the step

    def _show_done(self) -> None:
        self._step = self.STEPS.index(DONE)
        self._show_step()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Record only on the step before :data:`DONE`, Finish only on it."""
        if action == "record":
            return self._step + 1 < len(self.STEPS) and self.STEPS[self._step + 1] == DONE
        if action == "finish":
            return self.step == DONE
        return True

    def action_record(self) -> None:
        self.action_next()

    def action_finish(self) -> None:
        self.action_next()

    def action_next(self) -> None:
        if self.step == DONE:
            self.dismiss()
            return
        if not self._check_step():
            return
        if self.STEPS[self._step + 1] == DONE:
            self._record()
            return
        self._step += 1
        self._show_step()

    def action_previous(self) -> None:
        if saving_on(self):  # the record's result comes back to this wizard
            say_still_saving(self)
            return
        if self._step == 0 or self.step == DONE:
            self.dismiss()
            return
        self._step -= 1
        self._show_step()
