"""Files kiosk writes on request stay in drafts/ beside the store (issue 13): the name is
kiosk's own, never a typed path; symlinks in or as the folder are never followed; nothing
is overwritten; modes 0700 and 0600; control characters are made harmless."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest

from kiosk.drafts import DraftFolderError, draft_name, drafts_folder, save_draft

DAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    "hostile",
    ["../../.ssh/authorized_keys2", "/home/kiosk/.ssh/authorized_keys", "..", ".profile",
     "a/../../b", "\x1b]0;x\x07", "~/.bashrc"],
)
def test_a_name_from_a_record_cannot_leave_the_folder(tmp_path: Path, hostile: str) -> None:
    folder = drafts_folder(tmp_path / "kiosk.store")
    stem = draft_name("leaver", hostile, day=DAY)
    assert "/" not in stem and ".." not in stem and not stem.startswith(".")
    path = save_draft("text", folder, stem)
    assert path.parent == folder
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [path.name]


@pytest.mark.parametrize("stem", ["../x", "/etc/passwd", ".hidden", "a/b", ""])
def test_save_refuses_any_name_kiosk_did_not_make(tmp_path: Path, stem: str) -> None:
    with pytest.raises(ValueError):
        save_draft("text", tmp_path / "drafts", stem)
    assert not (tmp_path / "drafts").exists()


def test_folder_and_file_modes_and_never_overwrite(tmp_path: Path) -> None:
    folder = tmp_path / "drafts"
    first = save_draft("one", folder, "leaver-VZZ01-2026-11-24")
    second = save_draft("two", folder, "leaver-VZZ01-2026-11-24")
    assert first.name == "leaver-VZZ01-2026-11-24.txt"
    assert second.name == "leaver-VZZ01-2026-11-24-2.txt"
    assert first.read_text() == "one" and second.read_text() == "two"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(first.stat().st_mode) == 0o600


def test_a_symlink_planted_in_the_folder_is_not_written_through(tmp_path: Path) -> None:
    folder = tmp_path / "drafts"
    folder.mkdir(mode=0o700)
    victim = tmp_path / "authorized_keys"
    victim.write_text("original\n")
    (folder / "leaver-VZZ01-2026-11-24.txt").symlink_to(victim)
    path = save_draft("ssh-ed25519 AAAA attacker", folder, "leaver-VZZ01-2026-11-24")
    assert victim.read_text() == "original\n"
    assert path.name == "leaver-VZZ01-2026-11-24-2.txt" and not path.is_symlink()


def test_the_folder_itself_as_a_symlink_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "home-ssh"
    elsewhere.mkdir()
    (tmp_path / "drafts").symlink_to(elsewhere)
    with pytest.raises(DraftFolderError):
        save_draft("text", tmp_path / "drafts", "leaver-VZZ01-2026-11-24")
    assert list(elsewhere.iterdir()) == []


def test_the_folder_as_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "drafts").write_text("")
    with pytest.raises(OSError):
        save_draft("text", tmp_path / "drafts", "x-2026-11-24")


def test_control_characters_from_an_older_record_are_neutralised(tmp_path: Path) -> None:
    path = save_draft("Dear \x1b]52;c;QQ==\x07 Eve\u202e\nbye\n", tmp_path / "d", "x")
    text = path.read_text()
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert text.endswith("\nbye\n")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_an_unwritable_folder_raises_and_leaves_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "drafts"
    folder.mkdir(mode=0o500)
    with pytest.raises(PermissionError):
        save_draft("text", folder, "x")
    folder.chmod(0o700)
    assert list(folder.iterdir()) == []
