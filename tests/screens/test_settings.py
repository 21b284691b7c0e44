"""Settings: every rule named on a bad value, nothing saved; good values saved and audited."""

from __future__ import annotations

from datetime import datetime

from textual.widgets import Input, Static

from kiosk import preferences, records
from kiosk.clock import FixedClock
from kiosk.forms import FieldErrors
from kiosk.model import Settings
from kiosk.session import Session
from screens.settings import SettingsDialog
from store import Store
from tests.screens.harness import ScreenHarness

NOW = datetime(2026, 11, 24, 10, 0)


def test_check_settings_names_each_rule() -> None:
    errors = preferences.check_settings(
        {"idle_lock_minutes": "0", "review_months": "three", "retention_months": "24"}, Settings()
    )
    assert isinstance(errors, FieldErrors)
    assert set(errors) == {"idle_lock_minutes", "review_months"}
    assert "1 to 60" in errors["idle_lock_minutes"]
    good = preferences.check_settings(
        {"idle_lock_minutes": "15", "review_months": "3", "retention_months": "24"}, Settings()
    )
    assert good == Settings(idle_lock_minutes=15, review_months=3, retention_months=24)


async def test_settings_dialog_saves_good_values(kiosk_store: Store) -> None:
    app = ScreenHarness(Session(kiosk_store, FixedClock(NOW)), SettingsDialog())
    async with app.run_test(size=(80, 24)) as pilot:
        field = app.screen.query_one("#field-idle_lock_minutes", Input)
        assert field.value == "5"
        field.value = "90"
        await pilot.press("ctrl+s")
        assert "1 to 60" in str(app.screen.query_one("#error-idle_lock_minutes", Static).render())
        assert records.settings(kiosk_store.read()).idle_lock_minutes == 5
        field.value = "15"
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert records.settings(kiosk_store.read()).idle_lock_minutes == 15
    assert kiosk_store.audit_entries()[-1].action == "settings.change"
