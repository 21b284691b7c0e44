"""Who to call or write to, one key from anywhere (Ctrl+N): NAS, escalation, the FAQ's
useful links, local support.

Every number and address is a line of its own, so ``c`` (or Enter) copies exactly that
value. The list of what NAS will never ask for is here too, because the moment an admin
is on the phone is the moment someone may ask for more than they should give.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.padding import Padding
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from kiosk import facts, records, tickets
from kiosk.clock import LONDON
from kiosk.i18n import _
from kiosk.model import LocalSupport
from kiosk.nas_hours import describe, nas_status
from kiosk.timefmt import time_of_day
from kiosk.validators import display_phone
from screens.dialogs.field_dialog import Field, FieldDialog, form_errors
from screens.widgets.base import KioskScreen
from screens.widgets.footer import Footer
from screens.widgets.header import KioskHeader
from screens.widgets.text import choice


@dataclass(frozen=True, slots=True)
class Row:
    text: str
    copy: str = ""  # "" = nothing to copy (a heading or a note)
    heading: bool = False


def _nas_rows(now: datetime) -> list[Row]:
    today = now.astimezone(LONDON).date()
    opens = time_of_day(datetime.combine(today, facts.NAS_OPENS, tzinfo=LONDON))
    closes = time_of_day(datetime.combine(today, facts.NAS_CLOSES, tzinfo=LONDON))
    now_line = describe(nas_status(now), now)
    return [
        Row(_("National Administration Service (NAS)"), heading=True),
        Row(
            _("Phone {phone}, option {first} then {second} for a social care agent").format(
                phone=facts.NAS_PHONE,
                first=facts.NAS_PHONE_OPTIONS[0],
                second=facts.NAS_PHONE_OPTIONS[1],
            ),
            facts.NAS_PHONE,
        ),
        Row(_("Email {email}").format(email=facts.NAS_EMAIL), facts.NAS_EMAIL),
        Row(
            _("{opens} to {closes}, Monday to Friday, not on bank holidays. {now}.").format(
                opens=opens, closes=closes, now=now_line
            )
        ),
        Row(_("Escalation"), heading=True),
        Row(
            _("Email {email} with the ticket reference and the date and time of the call").format(
                email=facts.ESCALATION_EMAIL
            ),
            facts.ESCALATION_EMAIL,
        ),
        Row(
            _("On a call, ask to speak to a {expert}").format(expert=facts.ESCALATION_ON_CALL),
            facts.ESCALATION_ON_CALL,
        ),
        Row(_("What NAS will never ask for"), heading=True),
        Row(
            _(
                "NAS needs only a full name, a personal mobile (07...), a personal email and "
                "an NHSmail address if there is one."
            )
        ),
        Row(
            _(
                "Never give a date of birth, a home address or any other personal details, "
                "and never a password."
            )
        ),
    ]


def _link_rows() -> list[Row]:
    """The FAQ's useful links: each address a line of its own, so c copies just it."""
    return [
        Row(_("Useful links"), heading=True),
        Row(
            _("NHSmail portal (sign in; NHS Directory, the People Finder): {url}").format(
                url=facts.NHSMAIL_PORTAL_URL
            ),
            facts.NHSMAIL_PORTAL_URL,
        ),
        Row(_("Attachments open only after ticking 'This is a private computer' at sign-in.")),
        Row(
            _("Starter guide for social care: {url}").format(url=facts.STARTER_GUIDE_URL),
            facts.STARTER_GUIDE_URL,
        ),
        Row(
            _("Digital Care Hub (technology, data protection, cyber security): {url}").format(
                url=facts.DIGITAL_CARE_HUB_URL
            ),
            facts.DIGITAL_CARE_HUB_URL,
        ),
        Row(
            _("Digitising Social Care (digitising your service): {url}").format(
                url=facts.DIGITISING_SOCIAL_CARE_URL
            ),
            facts.DIGITISING_SOCIAL_CARE_URL,
        ),
    ]


def _support_rows(support: LocalSupport) -> list[Row]:
    rows = [Row(_("Local support"), heading=True)]
    if not (support.name or support.email or support.phone):
        rows.append(Row(_("Not set: press l to add your local support team.")))
        return rows
    rows.append(Row(support.name, support.name))
    if support.email:
        rows.append(Row(_("Email {email}").format(email=support.email), support.email))
    if support.phone:
        phone = display_phone(support.phone)
        rows.append(Row(_("Phone {phone}").format(phone=phone), phone))
    return rows


class ContactsScreen(KioskScreen):
    CSS_PATH = "contacts.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy_row", _("Copy")),
        Binding("l", "local_support", _("Local support")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Row] = []

    def compose(self) -> ComposeResult:
        yield KioskHeader()
        yield OptionList(id="contacts-list")
        yield Footer()

    def refresh_data(self) -> None:
        self.sub_title = _("Contacts")
        now = self.session.clock.now()
        support = records.settings(self.session.db()).local_support
        self._rows = _nas_rows(now) + _link_rows() + _support_rows(support)
        options = self.query_one("#contacts-list", OptionList)
        keep = options.highlighted
        options.clear_options()
        items: list[Option | None] = []  # None is a rule between sections, not an option
        for number, row in enumerate(self._rows):
            if row.heading and number:
                items.append(None)
            items.append(
                Option(
                    choice(row.text, style="bold underline")
                    if row.heading
                    else Padding(choice(row.text), (0, 0, 0, 2)),
                    disabled=row.heading,
                )
            )
        options.add_options(items)
        copyable = [i for i, row in enumerate(self._rows) if row.copy]
        if keep is not None and keep in copyable:
            options.highlighted = keep
        elif copyable:
            options.highlighted = copyable[0]
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_copy_row()

    def action_copy_row(self) -> None:
        index = self.query_one("#contacts-list", OptionList).highlighted
        if index is None or index >= len(self._rows):
            return
        row = self._rows[index]
        if row.copy:
            self.copy(row.copy)
        else:
            self.notify(_("Nothing to copy on this line."), timeout=3)

    def action_local_support(self) -> None:
        support = records.settings(self.session.db()).local_support
        self.app.push_screen(LocalSupportDialog(support), self._support_saved)

    def _support_saved(self, saved: LocalSupport | None) -> None:
        if saved is not None:
            self.notify(_("Local support saved."))
            self.refresh_data()


class LocalSupportDialog(FieldDialog[LocalSupport]):
    """The care home's own support team (e.g. a county's care-provider support team)."""

    def __init__(self, current: LocalSupport) -> None:
        super().__init__(
            _("Local support team"),
            [
                Field("name", _("Name"), current.name, _("e.g. the county's care support team")),
                Field("email", _("Email"), current.email, _("e.g. support@example.org")),
                Field(
                    "phone",
                    _("Telephone"),
                    display_phone(current.phone) if current.phone else "",
                    _("e.g. 01632 960123"),
                ),
            ],
            intro=_("Give an email, a phone number or both. Clear every field to remove it."),
        )

    def submit(self, values: dict[str, str]) -> LocalSupport | None:
        store = self.session.store
        self.save_then_close(
            lambda: tickets.save_local_support(
                store, values["name"], values["email"], values["phone"]
            ),
            form_errors,
        )
        return None
