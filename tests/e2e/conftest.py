"""Fixtures for the end-to-end tests: the installed kiosk, a private tmux, a store.

Every test here drives the console script that ``pip install`` put on PATH (``.ci/run``
installs the package into a fresh venv), never the source tree's modules, so packaging
mistakes (a missing catalog, a missing .tcss) fail here as they would for a user.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.terminal import (
    TMUX,
    Pane,
    Tmux,
    init_store,
    kiosk_executable,
    tmux_server,
)


@pytest.fixture
def kiosk_bin() -> str:
    found = kiosk_executable()
    if found is None:
        pytest.skip("the kiosk console script is not installed (pip install . puts it on PATH)")
    return found


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    if TMUX is None:
        pytest.skip(
            "tmux is not installed: the e2e tests need a real terminal (apt-get install tmux)"
        )
    with tmux_server(tmp_path) as server:
        yield server


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """Where the test's store lives: a private folder, as the store expects (mode 0700)."""
    folder = tmp_path / "office"
    folder.mkdir(mode=0o700)
    return folder / "kiosk.store"


@pytest.fixture
def made_store(kiosk_bin: str, store_path: Path) -> Path:
    """A store with one admin and one site, made by ``kiosk init`` with the passphrase on
    standard input (for every scenario that is not the setup wizard itself)."""
    init_store(kiosk_bin, store_path)
    return store_path


StartKiosk = Callable[..., Pane]


@pytest.fixture
def start_kiosk(tmux: Tmux, kiosk_bin: str) -> StartKiosk:
    """Start ``kiosk --store PATH`` in a new terminal; extra env (TERM, NO_COLOR) on request."""

    def start(store: Path, *, size: tuple[int, int] = (80, 24), env: dict[str, str] | None = None,
              args: tuple[str, ...] = ()) -> Pane:
        return tmux.start([kiosk_bin, "--store", str(store), *args], env=env, size=size)

    return start

