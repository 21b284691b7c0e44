"""Emails kiosk drafts for the admin to send, and how they are handed over.

kiosk never sends mail: NAS accepts requests only from the site's shared mailbox, so the
admin copies the draft (OSC 52 clipboard, works over SSH) or saves it, then sends it from
Outlook. Each request kind has one builder function here (or in the module that owns the
rule) returning a :class:`Draft`; golden-file tests pin their exact wording.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kiosk.i18n import _
from kiosk.validators import neutralise


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


DRAFTS_FOLDER = "drafts"
_SLUG_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
_MAX_SUFFIX = 99


class DraftFolderError(OSError):
    """The drafts folder is not a plain folder of this account's (a symlink, a file)."""


def drafts_folder(store_path: Path) -> Path:
    """The one folder kiosk writes files into on request: ``drafts/`` beside the store."""
    return store_path.parent / DRAFTS_FOLDER


def draft_name(*parts: str, day: date) -> str:
    """A file name kiosk makes from the record and the day, e.g. ``leaver-VZZ01-2026-11-24``.

    Only ASCII letters, digits and dashes survive: nothing typed or stored can add a
    ``/``, ``..`` or a leading dot, so the name can only ever be a file in the folder.
    """
    words = [_SLUG_UNSAFE.sub("-", part).strip("-")[:40] for part in parts]
    return "-".join([w for w in words if w] + [day.isoformat()])


# The kinds of file kiosk writes into the drafts folder: emails and call logs as text, the
# assurance report and the call card as self-contained HTML pages.
SUFFIXES = frozenset({".txt", ".html"})


def save_draft(text: str, folder: Path, stem: str, *, suffix: str = ".txt") -> Path:
    """Write ``text`` to a new file ``<stem>.txt`` (or ``<stem>-2.txt``...) in ``folder``
    (``suffix`` ``.html`` for a printable page).

    The admin asked for a copy outside the encrypted store, so: the folder is created with
    mode 0700 and must be a real folder (never a symlink, opened with ``O_NOFOLLOW``); the
    file is created with ``O_EXCL|O_NOFOLLOW`` relative to that folder and mode 0600, so an
    existing file or a planted symlink is never written through or overwritten; control
    characters from an older record are made harmless. Returns the path written.
    """
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]*", stem):
        raise ValueError(f"not a draft file name kiosk makes: {stem!r}")
    if suffix not in SUFFIXES:
        raise ValueError(f"not a kind of file kiosk saves: {suffix!r}")
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    try:
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR):
            raise DraftFolderError(
                error.errno, _("{folder} is not a plain folder.").format(folder=folder)
            ) from None
        raise
    try:
        info = os.fstat(dir_fd)
        if info.st_uid == os.getuid() and info.st_mode & 0o077:
            os.fchmod(dir_fd, info.st_mode & 0o700)  # only ever tightened: no group/others
        data = neutralise(text, newlines=True).encode("utf-8")
        for number in range(1, _MAX_SUFFIX + 1):
            name = f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}"
            try:
                fd = os.open(
                    name,
                    os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                    0o600,
                    dir_fd=dir_fd,
                )
            except FileExistsError:
                continue
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
            except OSError:
                os.unlink(name, dir_fd=dir_fd)  # no half-written copy left behind
                raise
            return folder / name
        raise FileExistsError(errno.EEXIST, _("Too many drafts with this name today."))
    finally:
        os.close(dir_fd)
