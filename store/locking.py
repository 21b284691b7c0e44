"""A cross-process lock on a separate ``<store>.lock`` file.

Why a separate file: a lock taken on the store file itself is lost when ``os.replace``
swaps in the new file. Why ``flock``: the kernel drops it when the holding process dies
(even by SIGKILL), so a crashed kiosk never leaves a stale lock behind. The lock file is
never deleted (deleting it would let two processes lock two different inodes).
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from store.errors import SaveFailed, StoreBusy

POLL_SECONDS = 0.02


class FileLock:
    """Re-entrant (within one object) exclusive lock with a timeout."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._depth = 0

    @property
    def held(self) -> bool:
        return self._depth > 0

    def acquire(self, timeout: float) -> None:
        if self._depth:
            self._depth += 1
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise SaveFailed(
                "The store's lock file cannot be created "
                f"({exc.strerror or 'disk error'}): is its folder read-only?"
            ) from exc
        deadline = time.monotonic() + max(0.0, timeout)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise StoreBusy() from None
                    time.sleep(POLL_SECONDS)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        self._depth = 1

    def release(self) -> None:
        if not self._depth:
            return
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)
