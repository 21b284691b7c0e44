"""Add a site, edit one, or register the site that replaces one after an ODS change.

The form is thin: every rule is in :mod:`kiosk.site_fields` and :mod:`kiosk.sites`, and
every error comes back against its field, all at once, so nothing typed is lost. In the
ODS change mode the form starts from the old site's details, explains what the FAQ asks
(update or close the shared mailbox, register a new one if necessary) and asks whether
people's access moves to the new site.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Checkbox, Input, Select, Static

from kiosk import records, timefmt
from kiosk.coverage import cover_sentence, coverage
from kiosk.dspt import STATUS_LABELS
from kiosk.i18n import _, ngettext
from kiosk.model import DsptStatus, Site
from kiosk.sites import (
    OdsChange,
    SiteError,
    add_site,
    change_ods,
    check_site_form,
    mailbox_rule,
    movers,
    update_site,
)
from screens.dialogs.confirm import ConfirmDialog
from screens.widgets.base import KioskScreen
from screens.widgets.footer import Footer
from screens.widgets.header import KioskHeader
from screens.widgets.saving import save_in_thread
from screens.widgets.site_fields import read_site_fields, show_site_messages, site_field_widgets
from screens.widgets.text import Literal, LiteralLabel, LiteralSelect, one_line

PREVIOUS_FIELD = "dspt_previous_status"


def _values(site: Site) -> dict[str, str]:
    return {
        "name": site.name,
        "ods_code": site.ods_code,
        "cqc_location_id": site.cqc_location_id,
        "site_phone": site.site_phone,
        "mailbox": site.mailbox,
        "dspt_status": site.dspt_status.value,
        "dspt_published": site.dspt_published.isoformat() if site.dspt_published else "",
        PREVIOUS_FIELD: site.dspt_previous_status.value if site.dspt_previous_status else "",
    }


class SiteFormScreen(KioskScreen):
    """``SiteFormScreen()`` adds, ``site_id=`` edits, ``replacing=`` changes an ODS code."""

    CSS_PATH = "site_form.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", _("Cancel")),
        Binding("ctrl+s", "save", _("Save")),
    ]

    def __init__(self, site_id: int | None = None, replacing: int | None = None) -> None:
        super().__init__()
        self._site_id = site_id
        self._replacing_id = replacing
        self._loaded = False

    @property
    def mode(self) -> str:
        if self._replacing_id is not None:
            return "change"
        return "edit" if self._site_id is not None else "add"

    def _base(self) -> Site | None:
        return records.site(self.session.db(), self._site_id) if self._site_id else None

    def _replacing(self) -> Site | None:
        if self._replacing_id is None:
            return None
        return records.site(self.session.db(), self._replacing_id)

    def compose(self) -> ComposeResult:
        yield KioskHeader()
        with VerticalScroll(id="site-form"):
            yield Literal("", id="form-intro")
            yield from site_field_widgets(label_classes="field-label", error_classes="field-error")
            yield LiteralLabel(
                _("DSPT status of the publication before that"), classes="field-label"
            )
            yield LiteralSelect(
                [(_("None, or not known"), "")]
                + [
                    (_(text), status.value)
                    for status, text in STATUS_LABELS.items()
                    if status != DsptStatus.NOT_PUBLISHED
                ],
                value="",
                allow_blank=False,
                id=f"site-{PREVIOUS_FIELD}",
            )
            yield Literal("", id=f"site-{PREVIOUS_FIELD}-error", classes="field-error")
            yield Checkbox(
                _("Mailbox address checked: NHSmail can never change it"),
                id="mailbox-confirmed",
            )
            yield Checkbox(_("Move people's access to the new site"), id="move-access", value=True)
            yield Literal("", id="form-error", classes="field-error")
        yield Footer()

    def refresh_data(self) -> None:
        """Fill the fields once; later refreshes must never overwrite what is being typed."""
        if self._loaded:
            return
        self._loaded = True
        base, old = self._base(), self._replacing()
        intro = self.query_one("#form-intro", Static)
        move = self.query_one("#move-access", Checkbox)
        if self.mode == "add":
            self.sub_title = _("Add a site")
            intro.update(_("A CQC-registered location and its one shared mailbox."))
            move.display = False
            self.query_one("#site-name", Input).focus()
            return
        source = base if self.mode == "edit" else old
        if source is None:
            self.notify(_("That site no longer exists."), severity="error")
            self.dismiss()
            return
        values = _values(source)
        if self.mode == "change":
            self.sub_title = _("Change of ODS code or ownership")
            today = self.session.clock.today()
            moving = movers(records.people(self.session.db()), source.id, today)
            count = len(moving)
            moved_cover = cover_sentence(coverage(source.id, moving, today))
            intro.update(
                _(
                    "When a site changes owner or registration, its shared mailbox is updated "
                    "or closed and, if needed, a new one registered (FAQ). kiosk closes "
                    "{name} ({ods}) as of today, keeping it on record, and registers the site "
                    "below in its place. Keep the mailbox address if NAS updated the mailbox; "
                    "type the new one if a new mailbox was registered."
                ).format(name=source.name, ods=source.ods_code)
                + "\n"
                + _(
                    "If access moves, the new site has {cover}. Leavers never move: their "
                    "access stays on record until an owner removes it."
                ).format(cover=moved_cover)
            )
            move.label = ngettext(
                # Short enough for 80 columns with its box: a label is never cut.
                "Move {n} person's access to the new site (same role)",
                "Move {n} people's access to the new site (same roles)",
                count,
            ).format(n=count)
            values["ods_code"] = ""
        else:
            self.sub_title = _("Edit {name}").format(name=source.name)
            intro.update(
                _(
                    "Correct this site's details. The shared mailbox address cannot change at "
                    "NHSmail: only fix a typo here."
                )
            )
            move.display = False
            self.query_one("#mailbox-confirmed", Checkbox).display = False
        for name, value in values.items():
            if name in ("dspt_status", PREVIOUS_FIELD):
                self.query_one(f"#site-{name}", Select).value = value
            else:
                self.query_one(f"#site-{name}", Input).value = one_line(value)
        self.query_one("#site-ods_code" if self.mode == "change" else "#site-name", Input).focus()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "site-dspt_published":
            await self.app.run_action("save", self)  # a failed save: told, form kept
        else:
            self.focus_next()

    def _raw(self) -> dict[str, str]:
        raw = read_site_fields(self)
        raw[PREVIOUS_FIELD] = str(self.query_one(f"#site-{PREVIOUS_FIELD}", Select).value)
        return raw

    def _show(self, errors: dict[str, str], warnings: dict[str, str]) -> None:
        show_site_messages(self, errors, warnings, (PREVIOUS_FIELD,))

    def _say(self, text: str) -> None:
        self.query_one("#form-error", Static).update(text)

    def action_save(self) -> None:
        session = self.session
        db = session.db()
        today = session.clock.today()
        base, old = self._base(), self._replacing()
        check = check_site_form(
            self._raw(),
            records.sites(db),
            today=today,
            base=base if self.mode == "edit" else None,
            replacing=old,
        )
        self._show(check.errors, check.warnings)
        if check.site is None:
            self._say(_("Please correct the fields marked above; nothing was saved."))
            return
        site = check.site
        new_mailbox = self.mode == "add" or (old is not None and site.mailbox != old.mailbox)
        if new_mailbox and not self.query_one("#mailbox-confirmed", Checkbox).value:
            self._say(_("Tick the box to confirm the shared mailbox address: it can never change."))
            return
        if self.mode == "edit" and base is not None and site.mailbox != base.mailbox:
            self._confirm_mailbox_typo(site, base)
            return
        store = session.store
        if self.mode == "add":
            save_in_thread(
                self,
                lambda: add_site(store, site),
                lambda _r: self._saved(_("Site {name} added.").format(name=site.name)),
                refused=self._refused,
            )
        elif self.mode == "edit":
            save_in_thread(
                self,
                lambda: update_site(store, site),
                lambda _r: self._saved(_("Site {name} saved.").format(name=site.name)),
                refused=self._refused,
            )
        else:
            assert old is not None
            move = self.query_one("#move-access", Checkbox).value

            def changed(result: OdsChange) -> None:
                if move:
                    access = ngettext(
                        "{n} person's access moved to it.",
                        "{n} people's access moved to it.",
                        len(result.moved),
                    ).format(n=len(result.moved))
                else:
                    access = ngettext(
                        "{n} person's access ended: request access to the new mailbox.",
                        "{n} people's access ended: request access to the new mailbox.",
                        len(result.removed),
                    ).format(n=len(result.removed))
                self._saved(
                    _("{old} closed on {day}; {new} registered in its place.").format(
                        old=old.ods_code, day=timefmt.day(today), new=site.ods_code
                    )
                    + " "
                    + access,
                    timeout=8,
                )

            save_in_thread(
                self,
                lambda: change_ods(store, old.id, site, move_access=move, today=today),
                changed,
                refused=self._refused,
            )

    def _saved(self, message: str, timeout: float | None = None) -> None:
        self.notify(message, timeout=timeout)
        self.dismiss()

    def _refused(self, error: Exception) -> bool:
        """A site rule the store's current records break (told on the form, kept)."""
        if isinstance(error, SiteError):
            self._say(str(error))
            return True
        return False

    def _confirm_mailbox_typo(self, site: Site, base: Site) -> None:
        """A different address is only ever a typo: save it after the admin confirms the
        FAQ rule by name; the correction is audited on its own."""

        def answered(yes: bool | None) -> None:
            if not yes:
                self._say(_("Nothing was saved: the shared mailbox address is as it was."))
                return
            store = self.session.store
            save_in_thread(
                self,
                lambda: update_site(store, site, mailbox_typo=True),
                lambda _r: self._saved(
                    _("Site {name} saved; the mailbox address was corrected.").format(
                        name=site.name
                    )
                ),
                refused=self._refused,
            )

        self.app.push_screen(
            ConfirmDialog(
                _("Correct the shared mailbox address?"),
                mailbox_rule()
                + "\n\n"
                + _("Was: {old}\nCorrected to: {new}").format(old=base.mailbox, new=site.mailbox),
                _("it was a typo: correct it"),
            ),
            answered,
        )
