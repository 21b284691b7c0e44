"""Add someone already working here, or correct a person's details.

Every rule is in :mod:`kiosk.people` / :mod:`kiosk.validators`; each error comes back
against its field, all at once, so nothing typed is lost. Access and status change only
through the joiner, leaver and access flows (so a request to NAS is never skipped), except
that adding someone who already has access lets the admin say which.

:func:`field_widgets` and :func:`show_field_errors` are shared with the joiner wizard.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from kiosk import records
from kiosk.forms import FieldErrors
from kiosk.i18n import N_, _
from kiosk.model import Role
from kiosk.people import PersonForm, Saved, add_person, edit_person, form_of
from screens.widgets.base import KioskScreen
from screens.widgets.footer import Footer
from screens.widgets.header import KioskHeader
from screens.widgets.saving import save_in_thread
from screens.widgets.text import Literal, LiteralLabel, LiteralSelect, one_line

FIELD_LABELS: dict[str, str] = {
    "full_name": N_("Full name"),
    "personal_mobile": N_("Personal mobile (must start 07)"),
    "personal_email": N_("Personal email"),
    "nhsmail": N_("NHSmail address (if they have one)"),
    "last_activity": N_("Last NHSmail activity (YYYY-MM-DD or DD/MM/YYYY, optional)"),
}

PLACEHOLDERS: dict[str, str] = {
    "full_name": N_("e.g. Ann Example"),
    "personal_mobile": N_("e.g. 07700 900123"),
    "personal_email": N_("e.g. ann@example.org"),
    "nhsmail": N_("e.g. ann.example@nhs.net"),
    "last_activity": N_("e.g. 24/11/2026"),
}

FIELDS = tuple(FIELD_LABELS)
ACCESS_CHOICES = (("none", N_("No access")), ("member", N_("Member")), ("owner", N_("Owner")))


def field_widgets(
    prefix: str, names: Iterable[str], labels: Mapping[str, str] | None = None
) -> Iterator[Widget]:
    """Label, Input and error line for each field (ids ``{prefix}-{name}[-label|-error]``)."""
    labels = labels or {}
    for name in names:
        yield LiteralLabel(
            _(labels.get(name, FIELD_LABELS[name])),
            id=f"{prefix}-{name}-label",
            classes="field-label",
        )
        yield Input(id=f"{prefix}-{name}", placeholder=_(PLACEHOLDERS[name]))
        yield Literal("", id=f"{prefix}-{name}-error", classes="field-error empty")


def read_form(node: DOMNode, prefix: str, names: Iterable[str]) -> PersonForm:
    values = {name: node.query_one(f"#{prefix}-{name}", Input).value for name in names}
    return PersonForm(**values)


def fill_form(node: DOMNode, prefix: str, form: PersonForm, names: Iterable[str]) -> None:
    for name in names:
        node.query_one(f"#{prefix}-{name}", Input).value = one_line(getattr(form, name))


def show_field_errors(
    node: DOMNode, prefix: str, names: Iterable[str], errors: FieldErrors
) -> None:
    """Each field's error under it (cleared when fixed); focus the first bad field."""
    first: str | None = None
    for name in names:
        error = errors.get(name)
        line = node.query_one(f"#{prefix}-{name}-error", Static)
        line.update(error or "")
        line.set_class(error is None, "empty")
        if error is not None and first is None:
            first = name
    if first is not None:
        node.query_one(f"#{prefix}-{first}", Input).focus()


class PersonFormScreen(KioskScreen):
    """``PersonFormScreen()`` adds someone; ``person_id=`` edits their details."""

    CSS_PATH = "person_form.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", _("Cancel")),
        Binding("ctrl+s", "save", _("Save")),
    ]

    def __init__(self, person_id: int | None = None) -> None:
        super().__init__()
        self._person_id = person_id
        self._loaded = False
        self._site_ids: list[int] = []

    def compose(self) -> ComposeResult:
        yield KioskHeader()
        with VerticalScroll(id="person-form"):
            yield Literal("", id="form-intro")
            yield from field_widgets("person", FIELDS)
            if self._person_id is None:
                for site in records.sites(self.session.db()):
                    self._site_ids.append(site.id)
                    yield LiteralLabel(
                        _("Shared mailbox access at {site} ({ods})").format(
                            site=site.name, ods=site.ods_code
                        ),
                        classes="field-label",
                    )
                    yield LiteralSelect(
                        [(_(text), value) for value, text in ACCESS_CHOICES],
                        value="none",
                        allow_blank=False,
                        id=f"person-access-{site.id}",
                    )
        yield Footer()

    def refresh_data(self) -> None:
        """Fill the fields once; later refreshes must never overwrite what is being typed."""
        if self._loaded:
            return
        self._loaded = True
        intro = self.query_one("#form-intro", Static)
        if self._person_id is None:
            self.sub_title = _("Add a person")
            intro.update(
                _(
                    "Someone who already works here. For a new member of staff who needs "
                    "NHSmail or shared mailbox access, use the joiner wizard (j on People) "
                    "so that NAS is asked. kiosk keeps no date of birth or home address."
                )
            )
        else:
            person = records.person(self.session.db(), self._person_id)
            if person is None:
                self.notify(_("That person is no longer on record."), severity="error")
                self.dismiss()
                return
            self.sub_title = _("Edit {name}").format(name=person.full_name)
            intro.update(
                _(
                    "Correct their details. To change their shared mailbox access use x on "
                    "People; for a leaver use l."
                )
            )
            fill_form(self, "person", form_of(person), FIELDS)
        self.query_one("#person-full_name", Input).focus()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "person-last_activity":
            await self.app.run_action("save", self)  # a failed save: told, form kept
        else:
            self.focus_next()

    def action_save(self) -> None:
        form = read_form(self, "person", FIELDS)
        today = self.session.clock.today()
        if self._person_id is None:
            access: dict[int, Role] = {}
            for site_id in self._site_ids:
                value = self.query_one(f"#person-access-{site_id}", Select).value
                if value in ("owner", "member"):
                    access[site_id] = Role(str(value))
            store = self.session.store
            save_in_thread(self, lambda: add_person(store, form, today, access), self._saved)
        else:
            store, person_id = self.session.store, self._person_id
            save_in_thread(self, lambda: edit_person(store, person_id, form, today), self._saved)

    def _saved(self, saved: Saved) -> None:
        show_field_errors(self, "person", FIELDS, saved.errors)
        if not saved.ok:
            self.notify(_("Check the fields marked in red."), severity="error")
            return
        self.notify(_("Saved."))
        self.dismiss()
