"""NAS's answer to one request (done or rejected), asked from Requests and from People.

Shared by both screens, so it lives with the other shared dialogs: each screen opens it
with the request and its person and re-reads once it is dismissed. The rules (a rejection
needs a reason, the day of the answer, a new NHSmail address where the request makes one)
are :func:`kiosk.people.record_answer`'s; the dialog shows each beside its field.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, RadioSet, Static

from kiosk import timefmt
from kiosk.i18n import _
from kiosk.model import NasRequest, Person
from kiosk.nas_requests import kind_label
from kiosk.people import needs_new_address, record_answer
from kiosk.validators import ValidationError, parse_day
from screens.widgets.base import KioskModal
from screens.widgets.footer import Footer
from screens.widgets.saving import save_in_thread, saving_on, say_still_saving
from screens.widgets.text import Literal, LiteralLabel, one_line
from screens.widgets.toggles import Choice

FIELD_FOR_RULE = {
    "reason_required": "reason",
    "day_format": "day",
    "day_invalid": "day",
    "day_before_sent": "day",
    "day_future": "day",
    "ticket_control": "ticket",
    "ticket_format": "ticket",
}


class AnswerDialog(KioskModal[bool]):
    """NAS's answer to one request: done (date, ticket, new NHSmail address) or rejected."""

    CSS_PATH = "answer.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", _("Cancel")),
        Binding("ctrl+s", "save", _("Save")),
    ]

    def __init__(self, request: NasRequest, person: Person | None) -> None:
        super().__init__()
        self._request = request
        self._person = person

    @property
    def _new_account(self) -> bool:
        return needs_new_address(self._request, self._person)

    def compose(self) -> ComposeResult:
        name = self._person.full_name if self._person else _("(no person)")
        with Vertical(id="answer-box"):
            yield Literal(
                _("NAS's answer: {kind} for {name}, sent {day}").format(
                    kind=kind_label(self._request.kind),
                    name=name,
                    day=timefmt.day(self._request.sent),
                ),
                id="answer-title",
                markup=False,
            )
            with RadioSet(id="answer-outcome"):
                yield Choice(_("Done"), id="outcome-done", value=True)
                yield Choice(_("Rejected"), id="outcome-rejected")
            yield LiteralLabel(_("Date of NAS's answer"), classes="field-label")
            yield Input(id="answer-day")
            yield Literal("", id="answer-day-error", classes="field-error")
            yield LiteralLabel(_("Ticket reference"), classes="field-label")
            yield Input(id="answer-ticket", placeholder=_("e.g. INC1234567"))
            yield Literal("", id="answer-ticket-error", classes="field-error")
            yield LiteralLabel(
                _("The new NHSmail address (the username NAS gave)"),
                classes="field-label",
                id="answer-nhsmail-label",
            )
            yield Input(id="answer-nhsmail", placeholder=_("e.g. ann.example@nhs.net"))
            yield Literal("", id="answer-nhsmail-error", classes="field-error")
            yield LiteralLabel(
                _("Why NAS rejected it"), classes="field-label", id="answer-reason-label"
            )
            yield Input(id="answer-reason")
            yield Literal("", id="answer-reason-error", classes="field-error")
            yield Literal("", id="answer-error", classes="field-error")
        yield Footer()

    def on_mount(self) -> None:
        today = self.session.clock.today()
        self.query_one("#answer-day", Input).value = today.isoformat()
        # The reference NAS gave when the request was logged: kept, and shown to confirm.
        # one_line: a reference from an older file may hold a control character.
        self.query_one("#answer-ticket", Input).value = one_line(self._request.ticket)
        self._show_fields()
        self.query_one("#answer-outcome", RadioSet).focus()

    def _done(self) -> bool:
        pressed = self.query_one("#answer-outcome", RadioSet).pressed_button
        return pressed is None or pressed.id == "outcome-done"

    def _show_fields(self) -> None:
        done = self._done()
        for suffix in ("-label", "", "-error"):
            self.query_one(f"#answer-nhsmail{suffix}").display = done and self._new_account
            self.query_one(f"#answer-reason{suffix}").display = not done

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self._show_fields()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self.app.run_action("save", self)  # a failed save: told, dialog kept

    def action_cancel(self) -> None:
        if saving_on(self):  # the answer's save comes back to this dialog
            say_still_saving(self)
            return
        self.dismiss(False)

    def action_save(self) -> None:
        store = self.session.store
        try:
            day = parse_day(self.query_one("#answer-day", Input).value)
        except ValidationError as error:
            self._show_error(error)
            return
        nhsmail = self.query_one("#answer-nhsmail", Input).value.strip()
        request_id, done = self._request.id, self._done()
        ticket = self.query_one("#answer-ticket", Input).value
        reason = self.query_one("#answer-reason", Input).value
        new_address = nhsmail if done and self._new_account and nhsmail else None

        def refused(error: Exception) -> bool:
            if not isinstance(error, ValidationError):
                return False
            self._show_error(error)
            return True

        def saved(_result: object) -> None:
            self.notify(_("NAS's answer recorded."))
            self.dismiss(True)

        save_in_thread(
            self,
            lambda: record_answer(
                store,
                request_id,
                done=done,
                day=day,
                ticket=ticket,
                reason=reason,
                nhsmail=new_address,
            ),
            saved,
            refused=refused,
        )

    def _show_error(self, error: ValidationError) -> None:
        """The rule broken, under the field it is about; the other error lines cleared."""
        errors = {name: "" for name in ("day", "ticket", "nhsmail", "reason", "")}
        field = FIELD_FOR_RULE.get(error.rule, "")
        if error.rule.startswith("nhsmail") or error.rule == "duplicate_nhsmail":
            field = "nhsmail"
        errors[field] = error.message
        for name, text in errors.items():
            suffix = f"-{name}-error" if name else "-error"
            self.query_one(f"#answer{suffix}", Static).update(text)
