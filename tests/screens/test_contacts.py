"""The Contacts screen with Pilot: every number and address copyable, the local support form."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from textual.widgets import Input, OptionList, Static

from kiosk import records
from kiosk.clock import FixedClock
from kiosk.model import LocalSupport, Settings
from kiosk.session import Session
from screens.contacts import ContactsScreen, LocalSupportDialog
from tests.fakes import FakeStore
from tests.screens.harness import ScreenHarness

NOW = datetime(2026, 11, 28, 11, 0)  # a Saturday: NAS is closed


def harness(store: FakeStore) -> ScreenHarness:
    return ScreenHarness(Session(store, FixedClock(NOW)), ContactsScreen())  # type: ignore[arg-type]


def with_support() -> FakeStore:
    store = FakeStore()
    with store.transaction() as tx:
        records.save_settings(
            tx,
            Settings(
                local_support=LocalSupport(
                    "County Care Support", "care.support@example.org", "01632960555"
                )
            ),
        )
    return store


def shown(app: ScreenHarness) -> list[str]:
    screen = app.screen
    assert isinstance(screen, ContactsScreen)
    return [row.text for row in screen._rows]


@pytest.mark.asyncio
async def test_every_number_and_address_can_be_copied() -> None:
    app = harness(with_support())
    async with app.run_test(size=(80, 24)) as pilot:
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await pilot.pause()
        text = "\n".join(shown(app))
        assert "NAS is closed; it opens Monday, 30 November 2026 at 09:00" in text
        assert "date of birth" in text and "home address" in text
        screen = app.screen
        assert isinstance(screen, ContactsScreen)
        assert screen.query_one("#contacts-list", OptionList).highlighted == 1  # first number
        for _ in [row for row in screen._rows if not row.heading]:  # the cursor skips headings
            await pilot.press("c")
            await pilot.press("down")
        await pilot.pause()
        assert copied == [
            "0333 200 1133",
            "Helpdesk@nhs.net",
            "feedback@nhs.net",
            "Subject Matter Expert",
            "https://portal.nhs.net",
            "https://support.nhs.net/knowledge-base/starter-guide-for-social-care-providers",
            "https://www.digitalcarehub.co.uk",
            "https://www.digitisingsocialcare.co.uk",
            "County Care Support",
            "care.support@example.org",
            "01632 960555",
        ]


@pytest.mark.asyncio
async def test_enter_copies_too() -> None:
    app = harness(FakeStore())
    async with app.run_test(size=(80, 24)) as pilot:
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert copied == ["0333 200 1133"]
        assert any("press l to add" in row for row in shown(app))


@pytest.mark.asyncio
async def test_local_support_form_checks_each_field_then_saves() -> None:
    store = FakeStore()
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, LocalSupportDialog)
        dialog.query_one("#field-name", Input).value = "County Care Support"
        dialog.query_one("#field-email", Input).value = "care.support@"
        dialog.query_one("#field-phone", Input).value = "12345"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LocalSupportDialog)
        assert "not an email" in str(dialog.query_one("#error-email", Static).render())
        assert "UK telephone" in str(dialog.query_one("#error-phone", Static).render())
        assert records.settings(store.read()).local_support == LocalSupport()
        dialog.query_one("#field-email", Input).value = "care.support@example.org"
        dialog.query_one("#field-phone", Input).value = "01632 960555"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ContactsScreen)
        assert "Phone 01632 960555" in shown(app)
    assert records.settings(store.read()).local_support == LocalSupport(
        "County Care Support", "care.support@example.org", "01632960555"
    )
    assert store.audit_entries[-1]["action"] == "settings.change"


def test_snapshot_contacts(snap_compare: Any) -> None:
    assert snap_compare(harness(with_support()), terminal_size=(80, 24))


def test_snapshot_local_support_form(snap_compare: Any) -> None:
    assert snap_compare(harness(with_support()), terminal_size=(80, 24), press=["l"])
