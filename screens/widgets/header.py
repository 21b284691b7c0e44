"""The header every kiosk screen shows: Textual's own, made safe to lock at any moment.

Textual's :class:`~textual.widgets.Header` updates its title from watchers that it
registers on mount; the first update is queued, not run at once. When kiosk locks (Ctrl+L
or the idle lock) it removes every screen, and a screen that was still mounting then has
a header whose title has gone before that queued update runs: Textual's callback catches
only ``NoScreen``, so ``NoMatches`` stopped the whole app (seen under load in
``test_idle_lock``). Locking must never crash, so this header skips an update that has
nothing left to update.
"""

from __future__ import annotations

import contextlib

from textual import events
from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.widget import Widget
from textual.widgets import Header
from textual.widgets._header import HeaderTitle


class KioskHeader(Header):
    """Textual's header, whose title update is a no-op once the header is being removed."""

    def _on_mount(self, event: events.Mount) -> None:
        # Replaces Header._on_mount (stopping the MRO walk there) with the same watchers,
        # but one callback that tolerates a title already removed.
        event.prevent_default()
        Widget._on_mount(self, event)

        async def set_title() -> None:
            with contextlib.suppress(NoScreen, NoMatches):
                self.query_one(HeaderTitle).update(self.format_title())

        self.watch(self.app, "title", set_title)
        self.watch(self.app, "sub_title", set_title)
        self.watch(self.screen, "title", set_title)
        self.watch(self.screen, "sub_title", set_title)
