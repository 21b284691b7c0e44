"""The People screen and person form with Pilot: masked mobiles and reveal, filter, sort,
preselection, the detail line, add with every error at once, edit; and a snapshot."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from textual.widgets import DataTable, Input, Static

from kiosk import records
from kiosk.clock import FixedClock
from kiosk.model import PersonStatus, Role
from kiosk.session import Session
from screens.people import PeopleScreen
from screens.person_form import PersonFormScreen
from tests.fakes import FakeStore
from tests.kiosk.people_fixtures import MEADOW, staff, store_with
from tests.screens.harness import ScreenHarness

NOW = datetime(2026, 11, 24, 10, 0)
TODAY = NOW.date()


def seeded() -> FakeStore:
    store, _sites, _ids = store_with(
        staff(101, "Olu Owner", {1: Role.OWNER}, last_activity=TODAY - timedelta(days=3)),
        staff(102, "Mia Member", {1: Role.MEMBER}, last_activity=date(2026, 10, 1)),
        staff(
            103,
            "Zed Leaving",
            {1: Role.MEMBER},
            status=PersonStatus.LEAVER,
            leaving_date=date(2026, 12, 4),
        ),
        staff(
            104,
            "Ada New",
            {1: Role.MEMBER},
            account_created=TODAY - timedelta(days=5),
            first_login_done=False,
        ),
    )
    return store


def harness(store: FakeStore, screen: PeopleScreen | None = None) -> ScreenHarness:
    return ScreenHarness(Session(store, FixedClock(NOW)), screen or PeopleScreen())  # type: ignore[arg-type]


def cells(table: DataTable[str], row: int) -> list[str]:
    return [str(c) for c in table.get_row_at(row)]


def detail(app: ScreenHarness) -> str:
    return str(app.screen.query_one("#people-detail", Static).render())


@pytest.mark.asyncio
async def test_table_masks_mobiles_until_m() -> None:
    app = harness(seeded())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#people-table", DataTable)
        assert table.row_count == 4
        assert cells(table, 0) == [
            "Ada New",
            "member",
            "ada.staff@nhs.net",
            "07••• ••• 104",
            "New 25d",
            "—",
        ]
        assert "07700 900104" not in str(app.screen.query_one("#people-table").render())
        await pilot.press("m")
        assert cells(table, 0)[3] == "07700 900104"
        await pilot.press("m")
        assert cells(table, 0)[3] == "07••• ••• 104"


@pytest.mark.asyncio
async def test_filter_and_sort() -> None:
    app = harness(seeded())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#people-table", DataTable)
        await pilot.press("slash")
        for key in "leav":
            await pilot.press(key)
        assert table.row_count == 1 and cells(table, 0)[0] == "Zed Leaving"
        await pilot.press("enter")  # back to the table
        app.screen.query_one("#people-filter", Input).value = ""
        await pilot.pause()
        assert table.row_count == 4
        await pilot.press("o")  # status, most urgent first: inactive, new, leaving, active
        assert [cells(table, i)[0] for i in range(4)] == [
            "Mia Member",
            "Ada New",
            "Zed Leaving",
            "Olu Owner",
        ]
        assert [cells(table, i)[-2] for i in range(4)] == [
            "Inactive",
            "New 25d",
            "Leaving",
            "Active",
        ]
        await pilot.press("o")  # oldest activity first (none recorded counts as oldest)
        assert [cells(table, i)[0] for i in range(4)] == [
            "Ada New",
            "Zed Leaving",
            "Mia Member",
            "Olu Owner",
        ]
        await pilot.press("o")  # owners first
        assert cells(table, 0)[0] == "Olu Owner"


@pytest.mark.asyncio
async def test_preselects_a_person_and_explains_them() -> None:
    store = seeded()
    ada = next(p for p in records.people(store.read()) if p.full_name == "Ada New")
    app = harness(store, PeopleScreen(person_id=ada.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = detail(app)
        assert "first sign-in by Saturday, 19 December 2026" in text
        assert "acceptable use policy" in text
        await pilot.press("i")
        await pilot.pause()
        person = records.person(store.read(), ada.id)
        assert person is not None and person.first_login_done and person.last_activity == TODAY


@pytest.mark.asyncio
async def test_leaver_detail_tells_what_to_pass_on() -> None:
    store = seeded()
    zed = next(p for p in records.people(store.read()) if p.full_name == "Zed Leaving")
    app = harness(store, PeopleScreen(person_id=zed.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = detail(app)
        assert "Leaving 4 Dec 2026" in text
        assert "Active (Leaver)" in text


@pytest.mark.asyncio
async def test_access_column_shows_each_site_when_there_are_two() -> None:
    store = seeded()
    from kiosk.model import SITES

    with store.transaction() as tx:
        records.save(tx, SITES, MEADOW, "site.add")
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#people-table", DataTable)
        assert [str(c.label) for c in table.ordered_columns][1:3] == ["VZZ01", "VZZ02"]
        assert cells(table, 2)[1:3] == ["owner", "—"]
        assert "✖ VZZ02: 0/0 owners, 0/0 members can sign in" in app.screen.sub_title


def test_columns_fill_80_and_three_sites_use_letters() -> None:
    from screens.people_rows import access_cells, column_specs, column_widths

    for count in (1, 2, 3, 5):
        widths = column_widths(80, count)
        assert sum(widths) + 2 * len(widths) + 2 == 80, count
        assert column_widths(120, count) > widths
    assert [spec[0] for spec in column_specs(3)][1] == "access"
    three = [replace(MEADOW, id=i, ods_code=f"VZZ0{i}") for i in (1, 2, 3)]
    person = staff(1, "Ann", {1: Role.OWNER, 3: Role.MEMBER})
    assert access_cells(person, three, {2: Role.MEMBER}) == ("O ? M",)


@pytest.mark.asyncio
async def test_add_shows_every_error_then_saves() -> None:
    store = seeded()
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, PersonFormScreen)
        form.query_one("#person-personal_mobile", Input).value = "07700 900101"  # Olu's
        form.query_one("#person-personal_email", Input).value = "not an email"
        await pilot.press("ctrl+s")
        errors = {
            name: str(form.query_one(f"#person-{name}-error", Static).render())
            for name in ("full_name", "personal_mobile", "personal_email")
        }
        assert errors["full_name"] == "A full name is required."
        assert "Olu Owner" in errors["personal_mobile"]
        assert "name@example.org" in errors["personal_email"]
        assert len(records.people(store.read())) == 4
        form.query_one("#person-full_name", Input).value = "Bea Example"
        form.query_one("#person-personal_mobile", Input).value = "+44 7700 900105"
        form.query_one("#person-personal_email", Input).value = "bea@example.org"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PeopleScreen)
        bea = next(p for p in records.people(store.read()) if p.full_name == "Bea Example")
        assert bea.personal_mobile == "07700900105" and bea.access == {}
        table = app.screen.query_one("#people-table", DataTable)
        assert table.row_count == 5


@pytest.mark.asyncio
async def test_edit_keeps_access_and_status() -> None:
    store = seeded()
    olu = next(p for p in records.people(store.read()) if p.full_name == "Olu Owner")
    app = harness(store, PeopleScreen(person_id=olu.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, PersonFormScreen)
        name = form.query_one("#person-full_name", Input)
        assert name.value == "Olu Owner"
        name.value = "Olu Owner-Smith"
        await pilot.press("ctrl+s")
        await pilot.pause()
        after = records.person(store.read(), olu.id)
        assert after == replace(olu, full_name="Olu Owner-Smith")


def test_people_table_snapshot(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(harness(seeded()), terminal_size=(80, 24))


def test_person_form_snapshot(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def open_form(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("a")

    assert snap_compare(harness(seeded()), terminal_size=(80, 24), run_before=open_form)


@pytest.mark.asyncio
async def test_s_shows_one_site_at_a_time_then_all_again() -> None:
    from tests.kiosk.people_fixtures import HARBOUR

    store, _sites, _ids = store_with(
        staff(101, "Olu Owner", {1: Role.OWNER}),
        staff(102, "Mia Member", {2: Role.MEMBER}),
        staff(103, "Ben Both", {1: Role.MEMBER, 2: Role.OWNER}),
        sites=(HARBOUR, MEADOW),
    )
    app = harness(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#people-table", DataTable)
        names = lambda: [cells(table, i)[0] for i in range(table.row_count)]  # noqa: E731
        labels = lambda: [str(c.label) for c in table.columns.values()]  # noqa: E731
        assert names() == ["Ben Both", "Mia Member", "Olu Owner"]
        assert "VZZ01" in labels() and "VZZ02" in labels()
        await pilot.press("s")
        assert names() == ["Ben Both", "Olu Owner"]
        assert labels()[1] == "Access"  # one site: one column of words
        assert [cells(table, i)[1] for i in range(2)] == ["member", "owner"]
        assert screen.sub_title.startswith("Harbour View Care Home only")
        await pilot.press("s")
        assert names() == ["Ben Both", "Mia Member"]
        assert screen.sub_title.startswith("Meadowbank House only")
        await pilot.press("s")
        assert names() == ["Ben Both", "Mia Member", "Olu Owner"]
        assert "only" not in screen.sub_title


@pytest.mark.asyncio
async def test_typing_on_narrows_and_deleting_widens_the_filter() -> None:
    """Typing on filters the last result (fast at 10,000 people); the rows are always
    the ones a fresh filter of everyone gives, in the same order."""
    from screens.people_rows import filter_rows, sort_rows

    app = harness(seeded())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PeopleScreen)
        await pilot.press("slash")
        for text in ["m", "me", "mem", "me", "", "a", "a n", "a"]:
            screen.query_one("#people-filter", Input).value = text
            await pilot.pause()
            expected = sort_rows(filter_rows(screen._rows, text), "name")
            assert [r.key for r in screen._shown] == [r.key for r in expected], text
