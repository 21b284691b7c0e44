"""What an unlocked kiosk carries around: the open store, the clock, the admin.

The store is opened once per session and shared; screens never touch files. Screens
read through :meth:`Session.db` (served from memory while the store is unchanged on
disk) and write through domain functions that take the session's store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tinydb import TinyDB

from kiosk.clock import Clock, SystemClock

if TYPE_CHECKING:
    from store import Store


@dataclass
class Session:
    store: Store
    clock: Clock = field(default_factory=SystemClock)

    @property
    def admin(self) -> str:
        """The name of the admin who unlocked the store (audit entries carry it)."""
        return self.store.admin

    def db(self) -> TinyDB:
        """The current document, reloaded first if another process saved since."""
        return self.store.read()
