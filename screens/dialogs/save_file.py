"""Save as file: the one way a screen writes a text (a drafted email, a call script) out of
the encrypted store.

Never a typed path (#13): the file goes into ``drafts/`` beside the store, under a name
kiosk makes from the record and the day, never over an existing file, with mode 0600
(:func:`kiosk.drafts.save_draft` keeps that confinement). The draft panel's ``s`` and the
script screen's "save as text" both come here, so both resolve the folder the same way:
from the app's store path.
"""

from __future__ import annotations

from pathlib import Path

from textual.widget import Widget

from kiosk.drafts import draft_name, drafts_folder, save_draft
from kiosk.i18n import _
from screens.widgets.base import kiosk_of
from screens.widgets.text import say_text


def save_to_drafts(
    widget: Widget, text: str, name: str, saved: str, *, folder: Path | None = None
) -> Path | None:
    """Save ``text`` into ``drafts/`` beside the store, under a name kiosk makes from
    ``name`` (the record) and today's date, and tell the admin where it went (``saved``
    is the catalog sentence with ``{path}``). Never a typed path, never over an existing
    file (see :func:`kiosk.drafts.save_draft`); a failure says nothing was saved."""
    kiosk = kiosk_of(widget)
    target = folder or drafts_folder(kiosk.store_path)
    today = kiosk.session.clock.today()
    try:
        path = save_draft(text, target, draft_name(name, day=today))
    except OSError as error:
        widget.notify(
            say_text(
                _("Nothing was saved: {reason}."),
                reason=error.strerror or error.__class__.__name__,
            ),
            severity="error",
            timeout=8,
        )
        return None
    widget.notify(say_text(saved, path=path), timeout=6)
    return path
