"""The admin's jobs, end to end in a real terminal: add a person, a joiner to a recorded
request, a leaver stopped by the coverage guard, recording logins, the no-access call script
to a recorded ticket, and two admins working on one store at once.

Where a scenario needs people on record before it starts, they are written with the domain
functions (as ``kiosk`` itself would) and the test then works only through the keyboard.
What was saved is checked afterwards by opening the store again, as the next admin would.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import StartKiosk
from tests.e2e.terminal import ADMIN, PASSPHRASE, Pane, unlock

if TYPE_CHECKING:
    from kiosk.model import Person
    from store import Store

pytestmark = pytest.mark.e2e

SITE_LINE = "Rose House (VZZ01)"


@contextmanager
def opened(path: Path) -> Iterator[Store]:
    """The store, opened as the admin (for seeding and for checking what was saved)."""
    from store import Store

    store = Store.open(path, ADMIN, PASSPHRASE)
    try:
        yield store
    finally:
        store.close()


def seed_person(
    path: Path,
    name: str,
    mobile: str,
    *,
    nhsmail: str = "",
    role: str | None = None,
    last_activity: date | None = None,
) -> int:
    """Someone already working here, added through the domain function the form uses."""
    from kiosk import records
    from kiosk.model import Role
    from kiosk.people import PersonForm, add_person

    with opened(path) as store:
        site = records.sites(store.read())[0]
        access = {site.id: Role(role)} if role else {}
        form = PersonForm(
            full_name=name,
            personal_mobile=mobile,
            nhsmail=nhsmail,
            last_activity=last_activity.isoformat() if last_activity else "",
        )
        saved = add_person(store, form, date.today(), access)
        assert saved.ok and saved.person_id is not None, saved.errors
        return saved.person_id


def people_by_name(path: Path) -> dict[str, Person]:
    from kiosk import records

    with opened(path) as store:
        return {p.full_name: p for p in records.people(store.read())}


def _quit(pane: Pane) -> None:
    pane.keys("C-q")
    assert pane.wait_exit() == 0, pane.screen()
    assert "Traceback" not in pane.screen()


def _open_people(pane: Pane) -> None:
    pane.keys("p")
    pane.wait_for("Name", "NHSmail", "Status")  # the table's header row


def _add_person_by_keyboard(pane: Pane, name: str, mobile: str) -> None:
    """On People: a, the form, name and mobile, ctrl+s, back on People with them listed."""
    pane.keys("a")
    pane.wait_for("Add a person", "Full name")
    pane.type(name)  # the cursor starts in the name field
    pane.press_moving_focus("Enter", "Full name", "Personal mobile (must start 07)")
    pane.type(mobile)
    pane.keys("C-s")
    pane.wait_for("Saved.")
    pane.wait_gone("Add a person")
    pane.wait_for(name)


# -- add a person; quit and reopen ------------------------------------------------------


def test_add_person_then_quit_and_reopen(start_kiosk: StartKiosk, made_store: Path) -> None:
    pane = start_kiosk(made_store)
    unlock(pane)
    pane.wait_for(SITE_LINE)
    _open_people(pane)
    pane.wait_for("Nobody on record yet")
    _add_person_by_keyboard(pane, "Bea Example", "07700 900123")
    # The mobile is masked in the list until m reveals it.
    shown = pane.screen()
    assert "07700 900123" not in shown
    pane.keys("m")
    pane.wait_for("07700 900123")
    _quit(pane)

    again = start_kiosk(made_store)
    unlock(again)
    _open_people(again)
    again.wait_for("Bea Example")
    _quit(again)
    assert "Bea Example" in people_by_name(made_store)


# -- a joiner from start to recorded request --------------------------------------------


def test_joiner_from_start_to_recorded_request(
    start_kiosk: StartKiosk, made_store: Path
) -> None:
    pane = start_kiosk(made_store)
    unlock(pane)
    _open_people(pane)
    pane.keys("j")
    pane.wait_for("Step 1 of 5", "No: NAS creates a new account")
    pane.keys("Enter")  # the first choice is highlighted: no account yet
    pane.wait_for_regex(r"\u25cf\W{0,2} No: NAS creates a new account")  # ▐●▌ when chosen
    pane.keys("C-s")

    pane.wait_for("Step 2 of 5", "Full name")
    pane.type("Cal Example")
    pane.press_moving_focus("Enter", "Full name", "Personal mobile (must start 07)")
    pane.type("07700 900234")
    pane.press_moving_focus("Enter", "Personal mobile (must start 07)", "Personal email")
    pane.type("cal@example.org")
    pane.keys("Enter")  # the last field moves on

    pane.wait_for("Step 3 of 5", "Member", "Owner")
    pane.keys("Down", "Enter")  # owner: the mailbox has none yet
    pane.wait_for_regex(r"\u25cf\W{0,2} Owner")
    pane.keys("C-s")

    email = pane.wait_for("Step 4 of 5", "rose.care@nhs.net")
    assert "Cal Example" in email  # the draft names them
    pane.keys("C-s")
    pane.wait_for("Step 5 of 5")
    pane.keys("C-s")
    pane.wait_for("Recorded: Cal Example is a joiner in progress.")
    pane.escape("Type to filter", "Cal Example")  # back on People, the joiner listed
    _quit(pane)

    from kiosk import records
    from kiosk.model import PersonStatus, RequestKind

    with opened(made_store) as store:
        db = store.read()
        [person] = [p for p in records.people(db) if p.full_name == "Cal Example"]
        assert person.status is PersonStatus.JOINER
        kinds = [r.kind for r in records.requests(db) if r.person_id == person.id]
        assert kinds == [RequestKind.JOINER_NEW]


# -- a leaver blocked by the coverage guard ---------------------------------------------


def test_leaver_blocked_by_the_coverage_guard(start_kiosk: StartKiosk, made_store: Path) -> None:
    seed_person(made_store, "Dee Example", "07700 900345", nhsmail="dee.example@nhs.net",
                role="owner", last_activity=date.today())
    pane = start_kiosk(made_store)
    unlock(pane)
    _open_people(pane)
    pane.wait_for("Dee Example")
    pane.keys("l")
    pane.wait_for("Step 1 of 4", "Dee Example")
    pane.keys("Enter")  # the last working day is today, already filled in

    guard = pane.wait_for("Step 2 of 4", "\u2716 Rose House (VZZ01)")
    assert "I understand the risk" in guard
    pane.keys("C-s")  # try to carry on without ticking
    pane.wait_for("Tick the box to carry on, or fix the cover first.")
    assert "Step 2 of 4" in pane.screen()
    pane.escape("Step 1 of 4")  # back to step 1
    pane.escape("Type to filter")  # and out, to People: nothing recorded
    _quit(pane)

    from kiosk import records
    from kiosk.model import PersonStatus

    with opened(made_store) as store:
        db = store.read()
        [dee] = [p for p in records.people(db) if p.full_name == "Dee Example"]
        assert dee.status is PersonStatus.ACTIVE
        assert not [r for r in records.requests(db) if r.person_id == dee.id]


# -- recording logins -------------------------------------------------------------------


def test_recording_logins_for_a_marked_band(start_kiosk: StartKiosk, made_store: Path) -> None:
    weeks_ago = date.today() - timedelta(days=26)  # inside the 7 days before going inactive
    seed_person(made_store, "Eve Example", "07700 900456", nhsmail="eve.example@nhs.net",
                role="owner", last_activity=weeks_ago)
    seed_person(made_store, "Fay Example", "07700 900567", nhsmail="fay.example@nhs.net",
                role="member", last_activity=weeks_ago)
    pane = start_kiosk(made_store)
    unlock(pane)
    pane.keys("r")
    pane.wait_for("Due soon (2)", "Eve Example", "Fay Example")
    pane.keys("Up")  # from the first person to their band's heading
    pane.wait_for("Space marks everyone in this band")
    pane.keys("Space")
    pane.wait_for("2 marked")
    pane.keys("t")
    pane.wait_for("Active (2)", "Last used", "(today)")  # both moved to the band that is fine
    _quit(pane)

    people = people_by_name(made_store)
    for name in ("Eve Example", "Fay Example"):
        assert people[name].last_activity == date.today()


# -- the no-access call script to a recorded ticket -------------------------------------


def test_no_access_call_script_to_a_recorded_ticket(
    start_kiosk: StartKiosk, made_store: Path
) -> None:
    pane = start_kiosk(made_store)
    unlock(pane)
    pane.keys("n")
    pane.wait_for("No one can access the shared mailbox")
    pane.keys("Enter")
    pane.wait_for("Step 1 of 3", "Before the call", "Press o to choose the new owner.")

    pane.keys("o")
    pane.wait_for("The new owner", "Personal mobile (starts 07)")
    # Focus starts on "Someone on record"; someone new is typed in below it.
    pane.press_moving_cursor("Tab", "Full name")
    pane.type("Gus Example")
    pane.press_moving_cursor("Tab", "Personal mobile (starts 07)")
    pane.type("07700 900678")
    pane.press_moving_cursor("Tab", "Personal email")
    pane.type("gus@example.org")
    pane.keys("C-s")
    pane.wait_for("New owner: Gus Example")

    pane.keys("Enter")
    call = pane.wait_for("Step 2 of 3", "The call")
    assert "Rose House" in call and "VZZ01" in call  # the script is filled in for the site
    pane.keys("Enter")
    pane.wait_for("Step 3 of 3", "Press r to record the call.")
    pane.keys("r")
    pane.wait_for("Record the call", "Ticket reference")
    pane.type("INC0123456")  # the cursor starts in the ticket field; the time is filled in
    pane.keys("C-s")
    pane.wait_for("Recorded: ticket INC0123456")

    for shown in ("Step 2 of 3", "Step 1 of 3", "Escalate an unresolved ticket"):
        pane.escape(shown)  # back one step at a time, then to the list of scripts
    pane.escape("Unlocked by")  # the dashboard
    pane.keys("t")
    pane.wait_for("INC0123456")
    _quit(pane)

    from kiosk import records, tickets
    from kiosk.model import PersonStatus

    with opened(made_store) as store:
        db = store.read()
        assert [c.ticket for c in tickets.log(db)] == ["INC0123456"]
        [gus] = [p for p in records.people(db) if p.full_name == "Gus Example"]
        assert gus.status is PersonStatus.JOINER


# -- two admins, one store ----------------------------------------------------------------


def test_two_kiosks_on_one_store_see_each_others_changes(
    start_kiosk: StartKiosk, made_store: Path
) -> None:
    """Two terminals (two admins over SSH) on the same store: each change shows up in the
    other within its 2-second poll, without a restart, and neither write is lost."""
    first = start_kiosk(made_store)
    second = start_kiosk(made_store)
    for pane in (first, second):
        unlock(pane)
        _open_people(pane)
        pane.wait_for("Nobody on record yet")

    _add_person_by_keyboard(first, "Hal Example", "07700 900789")
    second.wait_for("Hal Example")  # no key pressed in the second terminal

    _add_person_by_keyboard(second, "Ida Example", "07700 900890")
    first.wait_for("Ida Example", "Hal Example")

    _quit(first)
    _quit(second)
    assert {"Hal Example", "Ida Example"} <= set(people_by_name(made_store))
