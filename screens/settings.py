"""Store-wide settings: idle lock, membership review period, leavers' data retention."""

from __future__ import annotations

from textual.app import ComposeResult

from kiosk import preferences, records
from kiosk.forms import FieldErrors
from kiosk.i18n import _
from kiosk.model import Settings
from screens.dialogs.field_dialog import Field, FieldDialog


class SettingsDialog(FieldDialog[Settings]):
    """Every admin shares these: they are the care home's policy, kept in the store."""

    def __init__(self) -> None:
        super().__init__(_("Settings"), [], intro=_("These apply to every admin of this store."))
        self._current = Settings()

    def compose(self) -> ComposeResult:
        # The session is reachable only once the dialog is attached to the app.
        self._current = records.settings(self.session.db())
        self._fields = tuple(
            Field(name, _(label), str(getattr(self._current, name)))
            for name, (label, _low, _high) in preferences.RANGES.items()
        )
        yield from super().compose()

    def submit(self, values: dict[str, str]) -> Settings | None:
        new = preferences.check_settings(values, self._current)
        if isinstance(new, FieldErrors):
            self.show_errors(new)
            return None
        store = self.session.store

        def saved() -> Settings:
            preferences.save_settings(store, new)
            return new

        self.save_then_close(saved, lambda _error: None, said=_("Settings saved."))
        return None
