"""The Sites screen and its form with Pilot: add with every error shown at once, edit,
record a DSPT publication, and an ODS change that closes the old site and keeps it."""

from __future__ import annotations

from datetime import date, datetime

from textual.widgets import Checkbox, DataTable, Input, Select, Static

from kiosk import records
from kiosk.clock import FixedClock
from kiosk.model import PEOPLE, SITES, DsptStatus, Person, Role, Site
from kiosk.session import Session
from screens.dialogs.confirm import ConfirmDialog
from screens.site_form import SiteFormScreen
from screens.sites import PublicationDialog, SitesScreen
from tests.fakes import FakeStore
from tests.screens.harness import ScreenHarness

NOW = datetime(2026, 5, 20, 10, 0)


def seeded() -> FakeStore:
    store = FakeStore()
    with store.transaction() as tx:
        site_id = records.save(
            tx,
            SITES,
            Site(
                name="Willow House",
                ods_code="VZZ01",
                cqc_location_id="1-123456789",
                site_phone="01632960001",
                mailbox="willow.house@nhs.net",
                dspt_status=DsptStatus.MET,
                dspt_published=date(2025, 6, 15),
            ),
            "site.add",
        )
        records.save(
            tx,
            PEOPLE,
            Person(
                full_name="Olu Owner", personal_mobile="07700900001", access={site_id: Role.OWNER}
            ),
            "person.add",
        )
    return store


def harness(store: FakeStore) -> ScreenHarness:
    return ScreenHarness(Session(store, FixedClock(NOW)), SitesScreen())  # type: ignore[arg-type]


def text(widget: Static) -> str:
    return str(widget.render())


async def test_lists_sites_with_the_dspt_warning() -> None:
    app = harness(seeded())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#sites-table", DataTable)
        assert table.row_count == 1
        row = [str(c) for c in table.get_row_at(0)]
        assert row[:2] == ["Willow House", "VZZ01"]
        assert row[2] == "! Standards Met"  # 41 days before 30 June 2026
        detail = text(app.screen.query_one("#site-detail", Static))
        assert "willow.house@nhs.net" in detail and "30 Jun 2026" in detail


async def test_add_site_shows_every_error_then_saves() -> None:
    store = seeded()
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, SiteFormScreen)
        form.query_one("#site-name", Input).value = "Oak Lodge"
        form.query_one("#site-ods_code", Input).value = "VZZ01"  # taken by Willow House
        form.query_one("#site-cqc_location_id", Input).value = "12"
        form.query_one("#site-site_phone", Input).value = "01632 960002"
        form.query_one("#site-mailbox", Input).value = "oak.lodge@nhs.net"
        await pilot.press("ctrl+s")
        assert "Willow House" in text(form.query_one("#site-ods_code-error", Static))
        assert "1-" in text(form.query_one("#site-cqc_location_id-error", Static))
        assert len(records.sites(store.read())) == 1
        form.query_one("#site-ods_code", Input).value = "VZZ02"
        form.query_one("#site-cqc_location_id", Input).value = "1-223456789"
        await pilot.press("ctrl+s")
        assert "Tick the box" in text(form.query_one("#form-error", Static))
        form.query_one("#mailbox-confirmed", Checkbox).value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SitesScreen)
        assert [s.ods_code for s in records.sites(store.read())] == ["VZZ01", "VZZ02"]
        assert app.screen.query_one("#sites-table", DataTable).row_count == 2


async def test_edit_site() -> None:
    store = seeded()
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, SiteFormScreen)
        assert form.query_one("#site-mailbox", Input).value == "willow.house@nhs.net"
        form.query_one("#site-name", Input).value = "Willow House Care"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SitesScreen)
        site = records.site(store.read(), 1)
        assert site is not None and site.name == "Willow House Care"
        assert site.dspt_published == date(2025, 6, 15)


async def test_correcting_the_mailbox_address_needs_a_confirmation_naming_the_rule() -> None:
    store = seeded()
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, SiteFormScreen)
        form.query_one("#site-mailbox", Input).value = "willow.houses@nhs.net"
        await pilot.press("ctrl+s")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmDialog)
        said = " ".join(str(w.render()) for w in confirm.query(Static))
        assert "can never change: only correct a mistake in what was typed" in said
        await pilot.press("n")  # not a typo after all: nothing saved
        await pilot.pause()
        assert app.screen is form
        site = records.site(store.read(), 1)
        assert site is not None and site.mailbox == "willow.house@nhs.net"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, SitesScreen)
    site = records.site(store.read(), 1)
    assert site is not None and site.mailbox == "willow.houses@nhs.net"
    assert [e["action"] for e in store.audit_entries[-2:]] == ["site.edit", "site.mailbox_typo"]


async def test_record_dspt_publication() -> None:
    store = seeded()
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("d")
        dialog = app.screen
        assert isinstance(dialog, PublicationDialog)
        dialog.query_one("#publication-date", Input).value = "31/02/2026"
        await pilot.press("enter")
        assert "does not exist" in text(dialog.query_one("#publication-error", Static))
        dialog.query_one("#publication-status", Select).value = DsptStatus.EXCEEDED.value
        dialog.query_one("#publication-date", Input).value = "2026-05-01"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SitesScreen)
        site = records.site(store.read(), 1)
        assert site is not None
        assert site.dspt_status == DsptStatus.EXCEEDED
        assert site.dspt_previous_status == DsptStatus.MET
        row = [str(c) for c in app.screen.query_one("#sites-table", DataTable).get_row_at(0)]
        assert row[2] == "\u2714 Standards Exceeded"


async def test_publication_version_is_suggested_from_the_date_and_confirmed() -> None:
    store = seeded()
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("d")
        dialog = app.screen
        assert isinstance(dialog, PublicationDialog)
        version = dialog.query_one("#publication-version", Input)
        dialog.query_one("#publication-date", Input).value = "2025-07-15"
        await pilot.pause()
        assert version.value == "2024-25"  # July: the version that has just ended
        dialog.query_one("#publication-date", Input).value = "2025-10-15"
        await pilot.pause()
        assert version.value == "2025-26"  # the suggestion follows the date...
        version.value = "2024-25"
        dialog.query_one("#publication-date", Input).value = "2025-10-16"
        await pilot.pause()
        assert version.value == "2024-25"  # ...until the admin types their own
        version.value = "2025-27"
        await pilot.press("ctrl+s")
        assert "two consecutive years" in text(dialog.query_one("#publication-error", Static))
        version.value = "2025-26"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SitesScreen)
    site = records.site(store.read(), 1)
    assert site is not None and site.dspt_version == "2025-26"
    assert store.audit_entries[-1]["action"] == "site.dspt"
    assert store.audit_entries[-1]["detail"] == "met 2025-26"


async def test_ods_change_keeps_the_old_site_as_history() -> None:
    store = seeded()
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        form = app.screen
        assert isinstance(form, SiteFormScreen)
        assert form.query_one("#site-ods_code", Input).value == ""  # the new code is typed
        assert form.query_one("#site-mailbox", Input).value == "willow.house@nhs.net"
        form.query_one("#site-ods_code", Input).value = "VZZ07"
        await pilot.press("ctrl+s")  # same mailbox kept: no confirmation needed
        await pilot.pause()
        assert isinstance(app.screen, SitesScreen)
        db = store.read()
        old = records.site(db, 1)
        assert old is not None and old.closed == NOW.date() and old.replaced_by == 2
        person = records.people(db)[0]
        assert person.access == {2: Role.OWNER}
        table = app.screen.query_one("#sites-table", DataTable)
        assert [str(table.get_row_at(0)[1])] == ["VZZ07"]
        assert "Was VZZ01" in text(app.screen.query_one("#site-detail", Static))
        await pilot.press("c")  # closed sites shown too
        assert table.row_count == 2
        await pilot.press("o")  # the closed site is first: it cannot be changed
        assert isinstance(app.screen, SitesScreen)


async def test_record_an_email_sent_from_the_shared_mailbox_by_hand() -> None:
    store = seeded()
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        field = app.screen.query_one("#field-day", Input)
        field.value = "2026-06-01"  # tomorrow: refused, with the rule named
        await pilot.press("enter")
        await pilot.pause()
        assert "future" in text(app.screen.query_one("#error-day", Static))
        assert records.sites(store.read())[0].mailbox_last_sent is None
        field.value = "18/05/2026"
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "SitesScreen"
    assert records.sites(store.read())[0].mailbox_last_sent == date(2026, 5, 18)
    assert store.audit_entries[-1]["action"] == "site.mailbox_sent"


def test_sites_snapshot(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(harness(seeded()), terminal_size=(80, 24))
