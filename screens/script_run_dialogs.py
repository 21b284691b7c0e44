"""The forms of a call script's steps: the new owner, the ticket being escalated, the person
without mailbox access, and the record of the call or of the email.

Opened only by :class:`screens.script_run.ScriptRunScreen` (``o``, ``t``, ``p``, ``r``),
so they live beside it rather than in :mod:`screens.dialogs`; apart, so that the screen
reads as a screen. Each checks through a domain function (:mod:`kiosk.tickets`,
:mod:`kiosk.validators`) and shows the messages beside their fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from textual.widget import Widget
from textual.widgets import Input, Select

from kiosk import tickets, timefmt
from kiosk.forms import FieldErrors, FormRejected
from kiosk.i18n import _
from kiosk.model import Person, Site, TicketEntry
from kiosk.nas_hours import parse_london
from kiosk.tickets import NewOwner
from kiosk.validators import (
    ValidationError,
    parse_day,
    validate_full_name,
    validate_nhsmail,
    validate_ticket,
)
from screens.dialogs.field_dialog import (
    Field,
    FieldDialog,
    day_text,
    form_errors,
    optional_value,
)
from screens.widgets.text import LiteralLabel, LiteralSelect, one_line

_NEW = "new"


class OwnerDialog(FieldDialog[NewOwner]):
    """Pick someone on record as the new owner, or type in someone new."""

    def __init__(self, people: Sequence[Person], current: NewOwner | None) -> None:
        typed = current if current is not None and current.person_id is None else None
        super().__init__(
            _("The new owner"),
            [
                Field("full_name", _("Full name"), typed.full_name if typed else ""),
                Field(
                    "personal_mobile",
                    _("Personal mobile (starts 07)"),
                    typed.personal_mobile if typed else "",
                    _("e.g. 07700 900123"),
                ),
                Field(
                    "personal_email",
                    _("Personal email"),
                    (typed.personal_email or "") if typed else "",
                    _("e.g. name@example.org"),
                ),
                Field(
                    "nhsmail",
                    _("NHSmail address, if they have one"),
                    (typed.nhsmail or "") if typed else "",
                    _("e.g. name@nhs.net"),
                ),
            ],
            intro=_("NAS needs only these details. Pick someone on record or type them in."),
        )
        self._people = {str(p.id): p for p in people}
        self._picked = str(current.person_id) if current is not None and current.person_id else _NEW

    def compose_top(self) -> Sequence[Widget]:
        choices = [(_("Someone new (type below)"), _NEW)] + [
            (p.full_name, key) for key, p in self._people.items()
        ]
        return [
            LiteralLabel(_("Someone on record")),
            LiteralSelect(
                choices, value=self._picked, allow_blank=False, id="owner-pick", compact=True
            ),
        ]

    def on_mount(self) -> None:
        super().on_mount()
        self._apply_pick()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._picked = str(event.value)
        self._apply_pick()

    def _apply_pick(self) -> None:
        person = self._people.get(self._picked)
        for name in ("full_name", "personal_mobile", "personal_email", "nhsmail"):
            box = self.query_one(f"#field-{name}", Input)
            box.disabled = person is not None
            if person is not None:
                value = getattr(person, name) or ""
                box.value = one_line(value)
        self.show_errors(FieldErrors())

    def submit(self, values: dict[str, str]) -> NewOwner | None:
        person = self._people.get(self._picked)
        if person is not None:
            return NewOwner.from_person(person)
        try:
            return tickets.new_owner_from_form(
                values["full_name"],
                values["personal_mobile"],
                values["personal_email"],
                values["nhsmail"],
            )
        except FormRejected as errors:
            self.show_errors(errors.errors)
            return None


class TicketDialog(FieldDialog[tuple[str, datetime | None, int | None]]):
    """Which ticket is being escalated: one from the log, or its details typed in."""

    def __init__(
        self,
        open_tickets: Sequence[TicketEntry],
        ticket: str,
        call_at: datetime | None,
        contact_id: int | None,
    ) -> None:
        super().__init__(
            _("The ticket to escalate"),
            [
                Field("ticket", _("Ticket reference"), ticket, _("e.g. INC0123456")),
                Field(
                    "call_at",
                    _("Date and time of the call"),
                    timefmt_field(call_at),
                    _("YYYY-MM-DD HH:MM"),
                ),
            ],
            intro=_("Give the ticket reference, the date and time of the call, or both."),
        )
        self._tickets = {str(c.id): c for c in open_tickets}
        self._picked = str(contact_id) if contact_id and str(contact_id) in self._tickets else _NEW

    def compose_top(self) -> Sequence[Widget]:
        choices = [(_("Not in the log (type below)"), _NEW)] + [
            (
                "{ticket} \u00b7 {when}".format(
                    ticket=c.ticket or _("no reference"), when=timefmt.moment(c.at, "short")
                ),
                key,
            )
            for key, c in self._tickets.items()
        ]
        return [
            LiteralLabel(_("Open tickets in the log")),
            LiteralSelect(
                choices, value=self._picked, allow_blank=False, id="ticket-pick", compact=True
            ),
        ]

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._picked = str(event.value)
        found = self._tickets.get(self._picked)
        if found is not None:
            self.query_one("#field-ticket", Input).value = one_line(found.ticket)
            self.query_one("#field-call_at", Input).value = timefmt_field(found.at)

    def submit(self, values: dict[str, str]) -> tuple[str, datetime | None, int | None] | None:
        errors = FieldErrors()
        ticket = ""
        try:
            ticket = validate_ticket(values["ticket"])
        except ValidationError as error:
            errors["ticket"] = error.message
        call_at = optional_value(values, "call_at", parse_london, errors)
        if not errors and not ticket and call_at is None:
            errors["ticket"] = _(
                "Give the ticket reference, the date and time of the call, or both."
            )
        if errors:
            self.show_errors(errors)
            return None
        picked = self._tickets.get(self._picked)
        return ticket, call_at, picked.id if picked is not None else None


def timefmt_field(at: datetime | None) -> str:
    """A moment as the YYYY-MM-DD HH:MM a form field accepts back (London time)."""
    if at is None:
        return ""
    from kiosk.clock import LONDON

    return at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M")


class PersonDialog(FieldDialog[tuple[str, str]]):
    """Who has an individual NHSmail account but cannot open the shared mailbox."""

    def __init__(self, people: Sequence[Person], name: str, nhsmail: str) -> None:
        super().__init__(
            _("Who needs access"),
            [
                Field("full_name", _("Full name"), name),
                Field("nhsmail", _("Their NHSmail address"), nhsmail, _("e.g. name@nhs.net")),
            ],
            intro=_("The email goes from this NHSmail account, with the name and ODS code only."),
        )
        self._people = {str(p.id): p for p in people}

    def compose_top(self) -> Sequence[Widget]:
        if not self._people:
            return []
        choices = [(_("Someone else (type below)"), _NEW)] + [
            (p.full_name, key) for key, p in self._people.items()
        ]
        return [
            LiteralLabel(_("Someone on record")),
            LiteralSelect(choices, value=_NEW, allow_blank=False, id="person-pick", compact=True),
        ]

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        person = self._people.get(str(event.value))
        if person is not None:
            self.query_one("#field-full_name", Input).value = one_line(person.full_name)
            self.query_one("#field-nhsmail", Input).value = one_line(person.nhsmail or "")

    def submit(self, values: dict[str, str]) -> tuple[str, str] | None:
        errors = FieldErrors()
        name = nhsmail = ""
        try:
            name = validate_full_name(values["full_name"])
        except ValidationError as error:
            errors["full_name"] = error.message
        try:
            nhsmail = validate_nhsmail(values["nhsmail"])
        except ValidationError as error:
            errors["nhsmail"] = error.message
        if errors:
            self.show_errors(errors)
            return None
        return name, nhsmail


class RecordCallDialog(FieldDialog[tickets.NoAccessRecord]):
    """After the no-access call: its ticket, time and notes, saved with the new owner."""

    def __init__(self, site: Site, owner: NewOwner, now: datetime, ticket: str) -> None:
        today = now.date()
        super().__init__(
            _("Record the call"),
            [
                Field("ticket", _("Ticket reference"), ticket, _("e.g. INC0123456")),
                Field(
                    "at",
                    _("Time of the call"),
                    timefmt.time_of_day(now),
                    _("HH:MM today, or YYYY-MM-DD HH:MM"),
                ),
                Field(
                    "follow_up",
                    _("Follow up on"),
                    day_text(tickets.default_follow_up(today)),
                    _("DD/MM/YYYY"),
                ),
                Field("notes", _("Notes"), "", _("what NAS said, who you spoke to")),
            ],
            intro=_("{name} will be shown as a joiner in progress, as owner of {mailbox}.").format(
                name=owner.full_name, mailbox=site.mailbox
            ),
        )
        self._site = site
        self._owner = owner
        self._today = today

    def submit(self, values: dict[str, str]) -> tickets.NoAccessRecord | None:
        errors = FieldErrors()
        at: datetime | None = None
        try:
            at = parse_london(values["at"], today=self._today)
        except ValidationError as error:
            errors["at"] = error.message
        follow_up = optional_value(values, "follow_up", parse_day, errors)
        if at is None or errors:
            self.show_errors(errors)
            return None
        store, site_id, owner, when = self.session.store, self._site.id, self._owner, at

        def refused(error: Exception) -> Mapping[str, str] | None:
            if isinstance(error, KeyError):
                return {"_form": _("The chosen person is no longer on record.")}
            return form_errors(error)

        self.save_then_close(
            lambda: tickets.record_no_access_call(
                store,
                site_id=site_id,
                at=when,
                owner=owner,
                ticket=values["ticket"],
                notes=values["notes"],
                follow_up=follow_up,
            ),
            refused,
        )
        return None


class RecordEmailDialog(FieldDialog[TicketEntry]):
    """An email sent to NAS: its ticket if known, when to follow up, notes."""

    def __init__(
        self, site: Site, script_id: str, now: datetime, ticket: str, escalates: int | None
    ) -> None:
        intro = (
            _("The escalated ticket is set to waiting until the follow-up day.")
            if escalates is not None
            else _("Record it once it is sent from the shared mailbox or your account.")
        )
        super().__init__(
            _("Record the email"),
            [
                Field("ticket", _("Ticket reference, if known"), ticket, _("e.g. INC0123456")),
                Field(
                    "follow_up",
                    _("Follow up on"),
                    day_text(tickets.default_follow_up(now.date())),
                    _("DD/MM/YYYY"),
                ),
                Field("notes", _("Notes"), ""),
            ],
            intro=intro,
        )
        self._site = site
        self._script_id = script_id
        self._now = now
        self._escalates = escalates

    def submit(self, values: dict[str, str]) -> TicketEntry | None:
        errors = FieldErrors()
        follow_up = optional_value(values, "follow_up", parse_day, errors)
        if errors:
            self.show_errors(errors)
            return None
        store, site_id, now = self.session.store, self._site.id, self._now
        script, escalates = self._script_id, self._escalates

        def refused(error: Exception) -> Mapping[str, str] | None:
            if isinstance(error, KeyError):
                return {"_form": _("The escalated ticket is no longer in the log.")}
            return form_errors(error)

        self.save_then_close(
            lambda: tickets.record_email(
                store,
                site_id=site_id,
                at=now,
                script=script,
                ticket=values["ticket"],
                notes=values["notes"],
                follow_up=follow_up,
                escalates=escalates,
            ),
            refused,
        )
        return None
