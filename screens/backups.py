"""The encrypted generations kept in ``backups/`` beside the store, and restoring one.

Every save keeps the file it replaces as a generation (the last 10). Restoring one puts
its records back as a new save, so the records it replaces become a generation too and a
restore can itself be undone. The key slots are not restored: a removed admin stays
removed. A generation saved before your passphrase last changed needs that old
passphrase, which is asked for only then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from kiosk import timefmt
from kiosk.forms import FieldErrors
from kiosk.i18n import _
from kiosk.store_errors import describe_store_error
from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.field_dialog import Field, FieldDialog
from screens.widgets.base import KioskScreen
from screens.widgets.footer import Footer
from screens.widgets.header import KioskHeader
from screens.widgets.saving import save_in_thread
from screens.widgets.table import cursor_key, keep_cursor
from screens.widgets.text import Literal, LiteralTable

if TYPE_CHECKING:
    from store import Generation


class BackupsScreen(KioskScreen):
    CSS_PATH = "backups.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "restore", _("Restore")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._generations: dict[str, Generation] = {}
        self._busy = False

    def compose(self) -> ComposeResult:
        yield KioskHeader()
        yield Literal(
            _(
                "Every save keeps the previous generation of the store here, encrypted (the "
                "last 10). Restoring one puts its records back; the records it replaces are kept "
                "as a generation too. For a copy elsewhere use 'kiosk backup DEST'."
            ),
            id="backups-intro",
        )
        table = LiteralTable(id="backups-table", cursor_type="row")
        table.add_column(_("Generation"), key="generation")
        table.add_column(_("Saved"), key="saved")
        table.add_column(_("By"), key="by")
        table.add_column(_("State"), key="state")
        yield table
        yield Literal("", id="backups-current")
        yield Footer()

    def refresh_data(self) -> None:
        if self._busy:
            return  # a restore is running: its end refreshes the list
        store = self.session.store
        table = self.query_one("#backups-table", DataTable)
        keep = table.cursor_row
        table.clear()
        self._generations = {}
        for gen in store.generations():
            key = str(gen.generation)
            self._generations[key] = gen
            table.add_row(
                str(gen.generation),
                timefmt.moment(gen.saved_at, "short") if gen.saved_at else _("unknown"),
                gen.saved_by or "?",
                _("intact") if gen.ok else _("DAMAGED"),
                key=key,
            )
        keep_cursor(table, keep)
        table.focus()
        self.query_one("#backups-current", Static).update(
            _("The store itself is at generation {n}.").format(n=store.generation)
            if table.row_count
            else _("No earlier generations yet: one is kept on every save.")
        )
        self.sub_title = _("Backups")

    def _selected(self) -> Generation | None:
        key = cursor_key(self.query_one("#backups-table", DataTable))
        return self._generations.get(key or "")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_restore()

    def action_restore(self) -> None:
        if self._busy:
            self.notify(_("A restore is already running."))
            return
        gen = self._selected()
        if gen is None:
            return
        if not gen.ok:
            self.notify(_("That generation is damaged and cannot be restored."), severity="error")
            return
        when = timefmt.moment(gen.saved_at, "short") if gen.saved_at else _("unknown")
        text = _(
            "Put back the records of generation {n}, saved {when} by {admin}? Everything "
            "changed since will be replaced; the records replaced are kept as a generation, so "
            "this can be undone. Admins and passphrases stay as they are now."
        ).format(n=gen.generation, when=when, admin=gen.saved_by or "?")

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._restore(gen, None)

        self.app.push_screen(
            ConfirmDialog(_("Restore a generation"), text, _("Restore")), confirmed
        )

    def _restore(self, gen: Generation, passphrase: str | None) -> None:
        """Start the restore in a worker thread: it decrypts a whole generation (and runs
        Argon2id for an old passphrase), seconds at 10,000 people, and may wait for the
        lock; the screen shows that it is working and keeps answering keys meanwhile."""
        if self._busy:
            return
        table = self.query_one("#backups-table", DataTable)
        store = self.session.store

        def refused(error: Exception) -> bool:
            from store import NotOpenable, StoreError, WrongPassphrase

            self._busy = False
            table.loading = False
            self.sub_title = _("Backups")
            if isinstance(error, NotOpenable):
                self.app.push_screen(
                    OldPassphraseDialog(gen.generation),
                    lambda old: self._restore(gen, old) if old else None,
                )
            elif isinstance(error, WrongPassphrase):
                self.notify(
                    _("That is not the passphrase you had then; nothing was restored."),
                    severity="error",
                )
            elif isinstance(error, StoreError):
                self.notify(describe_store_error(error), severity="error")
            else:
                return False
            return True

        if save_in_thread(
            self,
            lambda: store.restore(gen.path, passphrase=passphrase),
            lambda _done: self._restored(gen),
            refused=refused,
            working=_("Restoring generation {n}\u2026").format(n=gen.generation),
        ):
            self._busy = True
            table.loading = True
            self.sub_title = _("Restoring generation {n}\u2026").format(n=gen.generation)

    def _restored(self, gen: Generation) -> None:
        self._busy = False
        self.query_one("#backups-table", DataTable).loading = False
        self.notify(
            _("Generation {n} restored. The records it replaced are kept as a generation.").format(
                n=gen.generation
            ),
            timeout=8,
        )
        self.refresh_data()


class OldPassphraseDialog(FieldDialog[str]):
    """Asked only when a version predates your last passphrase change."""

    def __init__(self, generation: int) -> None:
        super().__init__(
            _("Your passphrase then"),
            [
                Field(
                    "passphrase",
                    _("The passphrase you used when generation {n} was saved").format(n=generation),
                )
            ],
            intro=_("Your passphrase has changed since this generation was saved."),
        )

    def on_mount(self) -> None:
        super().on_mount()
        from textual.widgets import Input

        self.query_one("#field-passphrase", Input).password = True

    def submit(self, values: dict[str, str]) -> str | None:
        if not values["passphrase"]:
            self.show_errors(FieldErrors(passphrase=_("Type the passphrase, or press Escape.")))
            return None
        return values["passphrase"]
