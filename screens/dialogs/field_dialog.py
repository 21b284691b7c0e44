"""A small modal form: labelled inputs, each with its own error line under it.

Used for the short forms around NAS calls (the new owner, the ticket, the local support
team, a file name). Every field's rule is checked by a domain function; the dialog only
shows each message beside its field, all at once, and keeps everything typed, so the
admin fixes what is wrong without retyping the rest. Enter or Ctrl+S saves, Escape
cancels.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar, Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Static

from kiosk.forms import FORM, FieldErrors
from kiosk.i18n import _
from kiosk.validators import ValidationError
from screens.widgets.base import KioskModal
from screens.widgets.footer import Footer
from screens.widgets.saving import save_in_thread, saving_on, say_still_saving
from screens.widgets.text import Literal, LiteralLabel, one_line

T = TypeVar("T")
V = TypeVar("V")

FORM_ERROR = FORM  # the error line for what belongs to no single field (kiosk.forms)


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    label: str
    value: str = ""
    placeholder: str = ""


class FieldDialog(KioskModal[T | None], Generic[T]):
    """Subclasses implement :meth:`submit`; ``None`` from it keeps the dialog open."""

    DEFAULT_CSS = """
    FieldDialog {
        align: center middle;
    }
    FieldDialog #dialog-box {
        width: 72;
        max-width: 100%;
        height: auto;
        max-height: 22;
        border: heavy $accent;
        padding: 0 1;
        background: $surface;
    }
    FieldDialog #dialog-title {
        text-style: bold;
    }
    FieldDialog .dialog-intro {
        color: $text-muted;
    }
    FieldDialog Label {
        margin-top: 1;
        color: $text-muted;
    }
    FieldDialog Input, FieldDialog Select {
        margin: 0;
    }
    /* One row per field, but a visible box edge on both sides, brighter when focused:
       where a typed character will land is never a guess (compact inputs had none). */
    FieldDialog Input {
        height: 1;
        padding: 0 1;
        border: none;
        border-left: tall $foreground 40%;
        border-right: tall $foreground 40%;
    }
    FieldDialog Input:focus {
        border: none;
        border-left: tall $accent;
        border-right: tall $accent;
        background-tint: $foreground 5%;
    }
    FieldDialog .field-error {
        height: auto;
        color: $error;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", _("Cancel")),
        Binding("ctrl+s", "save", _("Save")),
    ]

    def __init__(self, title: str, fields: Sequence[Field], intro: str = "") -> None:
        super().__init__()
        self._title = title
        self._fields = tuple(fields)
        self._intro = intro

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog-box"):
            yield Literal(self._title, id="dialog-title")
            if self._intro:
                yield Literal(self._intro, classes="dialog-intro")
            yield from self.compose_top()
            for field in self._fields:
                yield LiteralLabel(field.label, id=f"label-{field.name}")
                yield Input(
                    value=one_line(field.value),
                    placeholder=field.placeholder,
                    id=f"field-{field.name}",
                )
                yield _error(field.name)
            yield _error(FORM_ERROR)
        yield Footer()

    def compose_top(self) -> Sequence[Widget]:
        """Widgets shown above the fields (e.g. a list to pick from); none by default."""
        return ()

    def on_mount(self) -> None:
        """Focus the first thing the admin fills in, top to bottom: a choice above the
        fields (compose_top) comes before them, so typing never starts mid-form."""
        for widget in self.query_one("#dialog-box").query("Select, Input"):
            if widget.focusable:
                widget.focus()
                break

    def values(self) -> dict[str, str]:
        return {f.name: self.query_one(f"#field-{f.name}", Input).value for f in self._fields}

    def show_errors(self, errors: FieldErrors) -> None:
        """Each message under its field (FORM's, and any unknown field's, under the form);
        the others cleared. Every form check returns, or FormRejected carries, this type."""
        names = {f.name for f in self._fields}
        general = [message for name, message in errors.items() if name not in names]
        for field in self._fields:
            self._set_error(field.name, errors.get(field.name, ""))
        self._set_error(FORM_ERROR, "\n".join(general))
        for field in self._fields:
            if field.name in errors:
                self.query_one(f"#field-{field.name}", Input).focus()
                break

    def _set_error(self, name: str, message: str) -> None:
        line = self.query_one(f"#error-{name}", Static)
        line.update(message)
        line.display = bool(message)

    def submit(self, values: dict[str, str]) -> T | None:
        """Check and apply ``values``; return the result, or show errors and return None."""
        raise NotImplementedError

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter saves through the app's action runner, so a store that refuses the save
        (disk full, busy) is a message and the form keeps what was typed."""
        event.stop()
        await self.app.run_action("save", self)

    def action_save(self) -> None:
        result = self.submit(self.values())
        if result is not None:
            self.dismiss(result)

    def save_then_close(
        self,
        save: Callable[[], T],
        refused: Callable[[Exception], Mapping[str, str] | None],
        *,
        said: str = "",
    ) -> None:
        """For :meth:`submit` once the values are checked: run ``save`` (the domain call)
        off the event loop (:func:`~screens.widgets.saving.save_in_thread`) and close with
        its result. ``refused`` turns the domain's refusal into field errors (None for an
        error it does not know), shown under the fields with everything typed kept;
        ``said`` is told once it is saved."""

        def saved(result: T) -> None:
            if said:
                self.notify(said)
            self.dismiss(result)

        def failed(error: Exception) -> bool:
            errors = refused(error)
            if errors is None:
                return False
            self.show_errors(errors if isinstance(errors, FieldErrors) else FieldErrors(errors))
            return True

        save_in_thread(self, save, saved, refused=failed)

    def action_cancel(self) -> None:
        if saving_on(self):  # the save's result comes back to this dialog
            say_still_saving(self)
            return
        self.dismiss(None)


def form_errors(error: Exception) -> Mapping[str, str] | None:
    """A ``refused`` for :meth:`FieldDialog.save_then_close`: the fields a domain call's
    :class:`~kiosk.forms.FormRejected` names (None for any other error)."""
    from kiosk.forms import FormRejected

    return error.errors if isinstance(error, FormRejected) else None


def day_text(value: date | None) -> str:
    """A day as a day field shows it for editing (DD/MM/YYYY); empty for none."""
    return value.strftime("%d/%m/%Y") if value else ""


def optional_value(
    values: Mapping[str, str],
    name: str,
    parse: Callable[[str], V],
    errors: FieldErrors,
) -> V | None:
    """An optional field: left empty it is None; otherwise what ``parse`` makes of it, or
    None with the rule it broke put in ``errors[name]`` for :meth:`FieldDialog.show_errors`."""
    text = values[name]
    if not text.strip():
        return None
    try:
        return parse(text)
    except ValidationError as error:
        errors[name] = error.message
        return None


def _error(name: str) -> Static:
    line = Literal("", id=f"error-{name}", classes="field-error")
    line.display = False
    return line
