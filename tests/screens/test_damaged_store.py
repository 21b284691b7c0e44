"""A damaged store file at the front door and under an open session (review of issues 12
and 13): kiosk never crashes on it, says in a sentence that the file is damaged, that it
was not changed and what to do, never overwrites it, and offers the newest backup with the
same restore the missing-store screen uses, after a confirmation that says what is lost
and where the damaged copy is kept."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from kiosk import records
from kiosk.model import SITES
from screens.dialogs.confirm import ConfirmDialog
from screens.missing_store import MissingStoreScreen
from store import Store
from store.format import _PREFIX
from tests.conftest import FAST_KDF
from tests.screens.screen_walk import screen_lines, settle
from tests.screens.test_app import PASSPHRASE, app_for, make_store, type_text


def _header_end(data: bytes) -> int:
    _magic, _version, length = _PREFIX.unpack(data[: _PREFIX.size])
    return _PREFIX.size + length


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "zero-length": lambda data: b"",
    "truncated": lambda data: data[: len(data) // 2],
    "cut mid-header": lambda data: data[: _PREFIX.size + (_header_end(data) - _PREFIX.size) // 2],
    "random bytes": lambda data: os.urandom(len(data)),
    "cut in the body": lambda data: data[:-10],  # the header still reads: unlock finds it
}


def saved_store(tmp_path: Path) -> tuple[Path, int]:
    """A store saved twice (so backups/ holds a generation), and its newest backup."""
    path = tmp_path / "office" / "kiosk.store"
    path.parent.mkdir(mode=0o700)
    store = make_store(path, "Ann Example")
    with store.transaction() as tx:
        records.save(tx, SITES, records.sites(tx.db)[0], "site.edit")
    store.close()
    return path, max(g.generation for g in Store.list_generations(path))


def damage(path: Path, how: str) -> bytes:
    bad = DAMAGE[how](path.read_bytes())
    path.write_bytes(bad)
    return bad


def glass(app: object) -> str:
    """The screen's words, line breaks and box borders taken out."""
    lines = (line.replace("\u2502", " ") for line in screen_lines(app))  # type: ignore[arg-type]
    return " ".join(" ".join(lines).split())


def says_damaged(text: str) -> None:
    assert "damaged" in text
    assert "not been changed" in text or "left exactly as it was" in text
    assert "backup" in text


async def reach_the_damage(pilot, how: str) -> None:  # type: ignore[no-untyped-def]
    """A header that reads shows the unlock screen; the damage is found on unlocking."""
    await settle(pilot)
    if how == "cut in the body":
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await settle(pilot)


@pytest.mark.parametrize("how", list(DAMAGE))
async def test_a_damaged_store_is_a_sentence_not_a_crash(tmp_path: Path, how: str) -> None:
    path, _newest = saved_store(tmp_path)
    bad = damage(path, how)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await reach_the_damage(pilot, how)
        says_damaged(glass(app))
        assert not app.unlocked
    assert app.return_code in (None, 0)
    assert path.read_bytes() == bad  # never overwritten


@pytest.mark.parametrize("how", list(DAMAGE))
async def test_a_damaged_store_offers_the_newest_backup(tmp_path: Path, how: str) -> None:
    path, newest = saved_store(tmp_path)
    damage(path, how)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await reach_the_damage(pilot, how)
        assert isinstance(app.screen, MissingStoreScreen)
        assert f"generation {newest}" in glass(app)
        assert app.screen.query_one("#passphrase").has_focus


async def test_damaged_with_no_backups_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.store"
    Store.create(path, "Ann Example", PASSPHRASE, kdf=FAST_KDF)[0].close()
    bad = damage(path, "truncated")
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = glass(app)
        says_damaged(text)
        assert "kiosk restore" in text  # a copy made with kiosk backup
    assert app.return_code in (None, 0)
    assert path.read_bytes() == bad


@pytest.mark.parametrize("how", ["truncated", "zero-length", "random bytes"])
async def test_damage_found_by_the_poll_locks_and_says_so(tmp_path: Path, how: str) -> None:
    path, newest = saved_store(tmp_path)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await settle(pilot)
        assert app.unlocked
        bad = damage(path, how)
        app._poll_store()
        await settle(pilot)
        assert not app.unlocked
        text = glass(app)
        says_damaged(text)
        assert f"generation {newest}" in text
    assert app.return_code in (None, 0)
    assert path.read_bytes() == bad


@pytest.mark.parametrize("how", ["truncated", "cut in the body"])
async def test_the_damaged_store_screen_restores_after_confirmation(
    tmp_path: Path, how: str
) -> None:
    path, newest = saved_store(tmp_path)
    bad = damage(path, how)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await reach_the_damage(pilot, how)
        assert isinstance(app.screen, MissingStoreScreen)
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await settle(pilot)
        question = glass(app)
        assert f"generation {newest}" in question
        assert "lost" in question  # changes saved after that generation
        assert "kiosk.store.damaged-" in question  # where the damaged copy is kept
        assert path.read_bytes() == bad  # nothing happens before the answer
        await pilot.press("y")
        await settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
        kept = list(path.parent.glob("kiosk.store.damaged-*"))
        assert [k.read_bytes() for k in kept] == [bad]
        notices = " ".join(str(n.message) for n in app._notifications)
        assert kept[0].name in notices
        assert [s.name for s in records.sites(app.session.db())] == ["Harbour View Care Home"]


async def test_answering_no_restores_nothing(tmp_path: Path) -> None:
    path, _newest = saved_store(tmp_path)
    bad = damage(path, "truncated")
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, MissingStoreScreen)
        assert not app.unlocked
    assert path.read_bytes() == bad
    assert not list(path.parent.glob("kiosk.store.damaged-*"))


async def test_a_wrong_passphrase_is_said_before_any_restore_question(tmp_path: Path) -> None:
    """New-admin walk: the restore was confirmed first and only then came "That admin name
    and passphrase do not open this store". The passphrase is checked first now: no
    question, the reason, and nothing written; the right one is then asked about."""
    path, newest = saved_store(tmp_path)
    bad = damage(path, "truncated")
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MissingStoreScreen)
        await type_text(pilot, "not the passphrase at all")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MissingStoreScreen)  # no restore question
        assert "do not open" in glass(app)
        assert path.read_bytes() == bad
        app.screen.query_one("#passphrase", Input).value = PASSPHRASE
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert f"generation {newest}" in glass(app)
        assert path.read_bytes() == bad  # checking wrote nothing
    assert not list(path.parent.glob("kiosk.store.damaged-*"))


async def test_after_a_failed_try_the_cursor_and_the_wait_stay_and_all_fits(
    tmp_path: Path,
) -> None:
    """New-admin walk at 80x24: after a failed try typing went nowhere until Tab, the
    throttle's wait flashed and was gone, and the box was taller than the screen (its
    bottom and the footer's keys cut). A long store path makes the text as long as it gets."""
    deep = tmp_path / "care-group-shared-office-machine" / "kiosk-data-for-the-care-homes"
    deep.mkdir(parents=True)
    path, _newest = saved_store(deep)
    damage(path, "truncated")
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MissingStoreScreen)
        field = screen.query_one("#passphrase", Input)
        for attempt in range(3):  # three are free: no wait yet
            await type_text(pilot, f"wrong guess {attempt}")
            await pilot.press("enter")
            await settle(pilot)
            assert app.focused is field, (attempt, app.focused)
        message = " ".join(str(screen.query_one("#missing-message", Static).render()).split())
        assert "do not open" in message
        assert "next try waits 1 s" in message  # the wait stays said after the try
        await type_text(pilot, "abc")  # typing goes into the field, not nowhere
        assert field.value == "abc"
        box = screen.query_one("#missing-box")
        footer = screen.query_one("Footer")
        assert box.region.y >= 0 and box.region.bottom <= footer.region.y
        lines = screen_lines(app)
        assert "next try waits 1 s" in " ".join(" ".join(lines).split())
        assert "^q Quit" in lines[-1]
