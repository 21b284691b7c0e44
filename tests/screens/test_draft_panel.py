"""DraftPanel on its own: shows the email, c copies it (OSC 52), s saves it with mode 0600
and never over an existing file."""

from __future__ import annotations

import stat
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static

from kiosk.clock import FixedClock
from kiosk.drafts import Draft
from screens.widgets.draft import DraftPanel

DRAFT = Draft(
    to="Helpdesk@nhs.net",
    sender="harbourview.care@nhs.net",
    subject="Leaver from Harbour View Care Home (ODS code VZZ01)",
    body="Hello,\n\nPlease mark the following user as a leaver.\n",
)


class PanelApp(App[None]):
    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.session = SimpleNamespace(clock=FixedClock(datetime(2026, 11, 24, 10, 0)))
        self.saved: list[Path] = []

    def compose(self) -> ComposeResult:
        yield DraftPanel(DRAFT, filename="leaver-VZZ01.txt", save_dir=self.folder)

    def on_mount(self) -> None:
        self.query_one(DraftPanel).focus()

    def on_draft_panel_saved(self, event: DraftPanel.Saved) -> None:
        self.saved.append(event.path)


@pytest.mark.asyncio
async def test_shows_copies_and_saves(tmp_path: Path) -> None:
    app = PanelApp(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        headers = str(app.query_one(".draft-headers", Static).render())
        assert headers.splitlines() == [
            "From: harbourview.care@nhs.net",
            "To: Helpdesk@nhs.net",
            "Subject: Leaver from Harbour View Care Home (ODS code VZZ01)",
        ]
        await pilot.press("c")
        # the body only: header lines pasted into a message would be sent as its text
        assert app.clipboard == "Hello,\n\nPlease mark the following user as a leaver.\n"
        assert "From:" not in app.clipboard and "Subject:" not in app.clipboard
        assert any("Helpdesk@nhs.net in To" in str(n.message) for n in app._notifications)
        await pilot.press("s")
        await pilot.pause()
        path = tmp_path / "leaver-VZZ01-2026-11-24.txt"
        assert app.saved == [path]
        assert path.read_text(encoding="utf-8") == DRAFT.as_text()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        # a second save never overwrites: it takes the next free name
        path.write_text("keep me", encoding="utf-8")
        await pilot.press("s")
        await pilot.pause()
        assert path.read_text(encoding="utf-8") == "keep me"
        assert app.saved == [path, path.with_name(path.stem + "-2.txt")]
