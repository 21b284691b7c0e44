"""A drafted email shown for the admin to send from the shared mailbox, with copy and save.

kiosk never sends mail: NAS takes requests only from the site's shared mailbox, so the
admin copies the email (``c``: OSC 52, which reaches the local clipboard even over SSH in
most terminals) or saves it as a text file (``s``), then sends it from Outlook.

Reuse: ``yield DraftPanel(draft, filename="joiner-VZZ01.txt")`` and later
``panel.draft = other`` to show another one. The panel posts :class:`DraftPanel.Copied`
and :class:`DraftPanel.Saved` so the screen can note that the email is ready to send.
The panel scrolls (arrow keys, Page Up/Down) when the email is taller than the space.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from kiosk.drafts import Draft
from kiosk.i18n import _
from screens.dialogs.save_file import save_to_drafts
from screens.widgets.text import Literal


class DraftPanel(VerticalScroll, can_focus=True):
    """From, To, Subject and Body of a :class:`kiosk.drafts.Draft`; ``c`` copies the body
    (the header fields are shown, not pasted into it), ``s`` saves the whole email."""

    DEFAULT_CSS = """
    DraftPanel {
        height: auto;
        max-height: 100%;
        border: round $primary;
        padding: 0 1;
    }
    DraftPanel:focus {
        border: round $accent;
    }
    DraftPanel .draft-headers {
        text-style: bold;
    }
    DraftPanel .draft-body {
        margin-top: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy_draft", _("Copy email")),
        Binding("s", "save_draft", _("Save as file")),
    ]

    draft: reactive[Draft | None] = reactive(None, init=False)

    class Copied(Message):
        """The email went to the clipboard."""

    class Saved(Message):
        """The email was written to ``path`` (mode 0600, never overwriting)."""

        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    def __init__(
        self,
        draft: Draft | None = None,
        *,
        filename: str = "nas-request.txt",
        save_dir: Path | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._filename = filename
        self._save_dir = save_dir
        self.border_title = _("Email to send from the shared mailbox")
        self.set_reactive(DraftPanel.draft, draft)

    def compose(self) -> ComposeResult:
        yield Literal(self._headers(), classes="draft-headers")
        yield Literal(self._body(), classes="draft-body")

    def _headers(self) -> str:
        if self.draft is None:
            return ""
        return "\n".join(
            [
                _("From: {sender}").format(sender=self.draft.sender),
                _("To: {to}").format(to=self.draft.to),
                _("Subject: {subject}").format(subject=self.draft.subject),
            ]
        )

    def _body(self) -> str:
        return self.draft.body.rstrip("\n") if self.draft is not None else ""

    def watch_draft(self, draft: Draft | None) -> None:
        if not self.is_mounted:
            return
        self.query_one(".draft-headers", Static).update(self._headers())
        self.query_one(".draft-body", Static).update(self._body())
        self.scroll_home(animate=False)

    def set_filename(self, filename: str) -> None:
        """The name offered when saving (the screen knows the site and the request)."""
        self._filename = filename

    def action_copy_draft(self) -> None:
        if self.draft is None:
            return
        # The body only: pasted into a new message, "From:"/"To:" lines would be sent as
        # text. The header fields stay on screen above it, each on its own line.
        self.app.copy_to_clipboard(self._body() + "\n")
        self.notify(
            _(
                "Email text copied. In a new message from {sender}, put {to} in To and the "
                "subject shown here, then paste."
            ).format(sender=self.draft.sender, to=self.draft.to),
            timeout=6,
        )
        self.post_message(self.Copied())

    def action_save_draft(self) -> None:
        if self.draft is None:
            return
        path = save_to_drafts(
            self,
            self.draft.as_text(),
            Path(self._filename).stem,
            _(
                "Saved to {path}. It holds personal data outside the encrypted record: "
                "delete it once the email is sent."
            ),
            folder=self._save_dir,
        )
        if path is not None:
            self.post_message(self.Saved(path))
