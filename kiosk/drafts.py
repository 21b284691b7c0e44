"""Emails kiosk drafts for the admin to send, and how they are handed over.

kiosk never sends mail: NAS accepts requests only from the site's shared mailbox, so the
admin copies the draft (OSC 52 clipboard, works over SSH) or saves it, then sends it from
Outlook. Each request kind has one builder function here (or in the module that owns the
rule) returning a :class:`Draft`; golden-file tests pin their exact wording.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kiosk.i18n import _


@dataclass(frozen=True, slots=True)
class Draft:
    to: str
    sender: str  # the shared mailbox it must be sent from
    subject: str
    body: str

    def as_text(self) -> str:
        """The whole email as plain text, headed so the admin knows where it goes."""
        return "\n".join(
            [
                _("From: {sender}").format(sender=self.sender),
                _("To: {to}").format(to=self.to),
                _("Subject: {subject}").format(subject=self.subject),
                "",
                self.body.rstrip("\n"),
                "",
            ]
        )


def save_text(text: str, path: Path) -> Path:
    """Write ``text`` to a new file readable by its owner only and return its path.

    The admin asked for this copy outside the encrypted store, so it is created with
    mode 0600 and never overwrites an existing file (``FileExistsError`` instead).
    """
    path = path.expanduser()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path
