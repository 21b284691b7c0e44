"""Fixtures for the store's own tests: a cheap KDF and a freshly created store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from store import KdfParams, Store
from tests.conftest import FAST_KDF

ADMIN = "Ann Admin"
PASSPHRASE = "plum tractor sunrise"


@dataclass
class Made:
    store: Store
    code: str
    path: Path


@pytest.fixture
def fast_kdf() -> KdfParams:
    return FAST_KDF


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "home" / "kiosk.store"


@pytest.fixture
def made(store_path: Path) -> Iterator[Made]:
    store, code = Store.create(store_path, ADMIN, PASSPHRASE, kdf=FAST_KDF)
    yield Made(store, code, store_path)
    store.close()
