"""Kiosk admins: who can unlock the store, when they were added and last unlocked here;
add one (they type their own passphrase), remove one, change your own passphrase, make a
new recovery key, and erase the personal details of people who left long ago.

Thin: the rules and the wording of refusals are in :mod:`kiosk.admins` and
:mod:`kiosk.retention`; the store audits every admin change itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from kiosk import timefmt
from kiosk.admins import (
    AdminRow,
    Removal,
    add_admin,
    admin_rows,
    change_own_passphrase,
    regenerate_recovery,
    remove_admin,
)
from kiosk.forms import FormRejected
from kiosk.i18n import _, ngettext
from kiosk.retention import erase_due, left_on, pending
from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.field_dialog import Field, FieldDialog
from screens.dialogs.recovery_guard import ask_before_losing_key
from screens.widgets.base import KioskScreen
from screens.widgets.footer import Footer
from screens.widgets.header import KioskHeader
from screens.widgets.saving import save_in_thread, saving_on, told
from screens.widgets.table import cursor_key, keep_cursor
from screens.widgets.text import Literal, LiteralLabel, LiteralTable


class AdminsScreen(KioskScreen):
    CSS_PATH = "admins.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", _("Add")),
        Binding("r", "remove", _("Remove")),
        Binding("p", "passphrase", _("Passphrase")),
        Binding("k", "recovery", _("Recovery")),
        Binding("x", "retention", _("Retention")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[str, AdminRow] = {}

    def compose(self) -> ComposeResult:
        yield KioskHeader()
        yield Literal(
            _(
                "Each admin has their own passphrase (NHSmail forbids shared passwords). Removing "
                "an admin replaces the store's key, so their passphrase opens nothing new."
            ),
            id="admins-intro",
        )
        table = LiteralTable(id="admins-table", cursor_type="row")
        table.add_column(_("Admin"), key="name")
        table.add_column(_("Added"), key="added")
        table.add_column(_("Last unlock here"), key="last")
        yield table
        yield Literal("", id="retention-line")
        yield Footer()

    def refresh_data(self) -> None:
        store = self.session.store
        table = self.query_one("#admins-table", DataTable)
        keep = table.cursor_row
        table.clear()
        self._rows = {}
        for row in admin_rows(store):
            self._rows[row.name] = row
            name = _("{name} (you)").format(name=row.name) if row.is_you else row.name
            last = timefmt.moment(row.last_unlock, "short") if row.last_unlock else _("never")
            table.add_row(name, timefmt.day(row.added), last, key=row.name)
        keep_cursor(table, keep)
        table.focus()
        self.sub_title = _("Admins")
        asked = pending(self.session.db(), self.session.clock.today())
        due = asked.people
        line = self.query_one("#retention-line", Static)
        if due:
            line.update(
                ngettext(
                    "{n} person left more than {months} months ago: press x to erase their "
                    "mobile and personal email.",
                    "{n} people left more than {months} months ago: press x to erase their "
                    "mobile and personal email.",
                    len(due),
                ).format(n=len(due), months=asked.months)
            )
        else:
            line.update(_("Retention: nobody's personal details are due for erasure."))

    def _selected(self) -> AdminRow | None:
        key = cursor_key(self.query_one("#admins-table", DataTable))
        return self._rows.get(key or "")

    # -- actions ------------------------------------------------------------------------

    def action_add(self) -> None:
        self.app.push_screen(AddAdminDialog(), self._after)

    def action_passphrase(self) -> None:
        self.app.push_screen(ChangePassphraseDialog(), self._after)

    def _after(self, result: str | None) -> None:
        if result:
            self.notify(result)
        self.refresh_data()

    def action_remove(self) -> None:
        row = self._selected()
        if row is None:
            return
        if len(self._rows) <= 1:
            self.notify(
                _("The last admin cannot be removed: add another admin first."), severity="warning"
            )
            return
        text = _(
            "Remove {name} as a kiosk admin? Their passphrase will stop opening the store, and "
            "the store's key is replaced so that an old copy of the file opens nothing new."
        ).format(name=row.name)
        if row.is_you:
            text += " " + _("This is you: this session will lock at once.")
        elif row.saw_recovery_key:
            text += " " + _(
                "{name} was shown the current recovery key, so it is replaced too: the new "
                "key is shown to you once, straight after. Have pen and paper ready."
            ).format(name=row.name)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._remove(row.name)

        self.app.push_screen(ConfirmDialog(_("Remove an admin"), text, _("Remove")), confirmed)

    def _remove(self, name: str) -> None:
        """Replacing the store's keys is a save with Argon2id: off the event loop."""
        store = self.session.store
        save_in_thread(
            self,
            lambda: remove_admin(store, name),
            lambda removal: self._removed(name, removal),
            refused=told(self, FormRejected),
        )

    def _removed(self, name: str, removal: Removal) -> None:
        if removal.yourself:
            self.kiosk.action_lock()  # their key is gone: the front door
            return
        removed = _("{name} was removed; the store's key was replaced.").format(name=name)
        if removal.recovery_code is not None:
            # They had seen the recovery key, so it was replaced too: show the new one once.
            why = _(
                "{name} was removed and had been shown the old recovery key, so it was "
                "replaced: the old key no longer works."
            ).format(name=name)
            self.app.push_screen(
                RecoveryKeyDialog(removal.recovery_code, why=why),
                lambda _done: self.refresh_data(),
            )
            return
        self.refresh_data()
        # They never saw the current recovery key, so it still stands; offer a new one
        # anyway (they may have seen it over someone's shoulder), saying so, with the
        # removal itself in the question (a notice would be hidden behind it).
        self.action_recovery(
            removed
            + " "
            + _(
                "They were never shown the current recovery key, so it still works. If they "
                "may have seen it anyway (over someone's shoulder), make a new one now."
            )
        )

    def action_recovery(self, why: str = "") -> None:
        text = _(
            "Make a new recovery key? The current one stops working at once. The new key is "
            "shown only once: have pen and paper ready."
        )
        if why:
            text = f"{why} {text}"

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            # Argon2id for the new recovery slot, and the lock: off the event loop.
            store = self.session.store
            save_in_thread(
                self,
                lambda: regenerate_recovery(store),
                lambda code: self.app.push_screen(
                    RecoveryKeyDialog(code), lambda _done: self.refresh_data()
                ),
                refused=told(self, FormRejected),
                working=_("Making a new recovery key\u2026"),
            )

        self.app.push_screen(ConfirmDialog(_("New recovery key"), text, _("Make it")), confirmed)

    def action_retention(self) -> None:
        today = self.session.clock.today()
        asked = pending(self.session.db(), today)
        due = asked.people
        if not due:
            self.notify(_("Nobody's personal details are due for erasure."))
            return
        names = "\n".join(
            _("\u2022 {name}, left {day}").format(
                name=p.full_name, day=timefmt.day(left_on(p) or today)
            )
            for p in due[:8]
        )
        if len(due) > 8:
            names += "\n" + _("\u2026and {n} more").format(n=len(due) - 8)
        text = _(
            "These people left more than {months} months ago. Erase their personal mobile and "
            "personal email? Their names and dates stay for the audit trail.\n{names}"
        ).format(months=asked.months, names=names)

        def erased(done: list[int]) -> None:
            self.notify(
                ngettext(
                    "Personal details erased for {n} person.",
                    "Personal details erased for {n} people.",
                    len(done),
                ).format(n=len(done))
            )
            self.refresh_data()

        def confirmed(yes: bool | None) -> None:
            if yes:
                store, today = self.session.store, self.session.clock.today()
                save_in_thread(self, lambda: erase_due(store, today), erased)

        self.app.push_screen(
            ConfirmDialog(_("Erase leavers' details"), text, _("Erase")), confirmed
        )


class _PassphraseDialog(FieldDialog[str]):
    """A field dialog whose passphrase fields are hidden; Enter moves to the next field.

    Saving runs Argon2id (about 0.15 s a derivation, several per change, far more on a
    busy machine) and may wait for the store's lock, so :meth:`apply` runs in a worker
    thread while the dialog shows that it is working; the app keeps drawing and
    answering keys. Errors come back to the dialog's fields as before.
    """

    HIDDEN: ClassVar[tuple[str, ...]] = ()

    def apply(self, values: dict[str, str]) -> str:
        """Do the change (in a worker thread); FormRejected for what to show."""
        raise NotImplementedError

    def action_save(self) -> None:
        values = self.values()
        box = self.query_one("#dialog-box")

        def refused(error: Exception) -> Mapping[str, str] | None:
            box.loading = False
            return error.errors if isinstance(error, FormRejected) else None

        self.save_then_close(lambda: self.apply(values), refused)
        box.loading = saving_on(self)  # nothing typed changes under a running change

    def on_mount(self) -> None:
        super().on_mount()
        for name in self.HIDDEN:
            self.query_one(f"#field-{name}", Input).password = True

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        if event.input is inputs[-1]:
            await self.app.run_action("save", self)
        else:
            inputs[inputs.index(event.input) + 1].focus()


class AddAdminDialog(_PassphraseDialog):
    """The new admin sits at the keyboard and types their own passphrase, twice."""

    HIDDEN = ("passphrase", "again")

    def __init__(self) -> None:
        super().__init__(
            _("Add an admin"),
            [
                Field("name", _("Their name (as other admins will see it)")),
                Field("passphrase", _("Their passphrase (at least 12 characters)")),
                Field("again", _("Their passphrase again")),
            ],
            intro=_("Hand the keyboard to the new admin: they type their own passphrase."),
        )

    def apply(self, values: dict[str, str]) -> str:
        session = self.session
        name = add_admin(session.store, values["name"], values["passphrase"], values["again"])
        return _("{name} is now a kiosk admin.").format(name=name)


class ChangePassphraseDialog(_PassphraseDialog):
    HIDDEN = ("current", "passphrase", "again")

    def __init__(self) -> None:
        super().__init__(
            _("Change my passphrase"),
            [
                Field("current", _("Current passphrase")),
                Field("passphrase", _("New passphrase (at least 12 characters)")),
                Field("again", _("New passphrase again")),
            ],
        )

    def apply(self, values: dict[str, str]) -> str:
        session = self.session
        change_own_passphrase(
            session.store, values["current"], values["passphrase"], values["again"]
        )
        return _("Your passphrase was changed.")


class RecoveryKeyDialog(ModalScreen[bool]):
    """Shows a new recovery key once; closes when its last group is typed back."""

    CSS_PATH = "admins.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "done", _("Done")),
        Binding("escape", "close", _("Close"), show=False),
    ]

    def __init__(self, code: str, *, why: str = "") -> None:
        """``why``: the reason a new key was made when the admin did not ask for one (an
        admin who had seen the old key was removed)."""
        super().__init__()
        self._code = code
        self._why = why

    def compose(self) -> ComposeResult:
        with Vertical(id="key-box"):
            yield Literal(_("The new recovery key"), id="key-title")
            if self._why:
                yield Literal(self._why, id="key-why")
            yield Literal(
                _(
                    "It opens the store if every admin is gone. Write it down now and keep it "
                    "locked away: it is shown only once. The old key no longer works."
                ),
            )
            yield Literal(self._code, id="recovery-code")
            yield LiteralLabel(_("Type its last group to show it is written down"))
            yield Input(id="recovery-check")
            yield Literal("", id="recovery-error", classes="field-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#recovery-check", Input).focus()

    @property
    def recovery_key_pending(self) -> bool:
        """The new key is on screen and its last group not yet typed back."""
        return bool(self._code)

    def action_close(self) -> None:
        """Escape: close without the check, only after asking (the key is not shown again)."""

        def close() -> None:
            self._code = ""
            self.dismiss(False)

        ask_before_losing_key(self.app, close, closing=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_done()

    def action_done(self) -> None:
        typed = self.query_one("#recovery-check", Input).value.strip().upper()
        if typed != self._code.split("-")[-1].upper():
            self.query_one("#recovery-error", Static).update(
                _("That is not the last group of the recovery key: check what you wrote down.")
            )
            return
        self._code = ""
        self.dismiss(True)
