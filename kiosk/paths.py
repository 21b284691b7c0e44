"""Where the store lives: ``--store``, else ``$KIOSK_STORE``, else the user data folder."""

from __future__ import annotations

import os
from pathlib import Path

STORE_ENV = "KIOSK_STORE"
STORE_FILENAME = "kiosk.store"


def default_store_path() -> Path:
    """The platform's user data folder (e.g. ``~/.local/share/kiosk/kiosk.store`` on Linux)."""
    from platformdirs import user_data_path

    return user_data_path("kiosk", appauthor=False) / STORE_FILENAME


def resolve_store_path(option: str | None) -> Path:
    if option:
        return Path(option).expanduser()
    env = os.environ.get(STORE_ENV)
    if env:
        return Path(env).expanduser()
    return default_store_path()
