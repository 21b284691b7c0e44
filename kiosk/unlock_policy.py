"""How long the next passphrase or recovery-key attempt must wait after failed attempts.

The one throttle (issue 12, P4): the unlock screen, the recovery screen and every CLI
command that takes a passphrase (``kiosk check`` included) wait by this rule, counted from
the one failure count the store keeps beside the file (every failed attempt, whichever
way it was made, is recorded there and moved into the audit log at the next unlock).

Attempts go in turn: :func:`turn` holds an exclusive lock on ``<store>.attempts`` from
before the wait until the attempt is over, so parallel processes (or screens) cannot each
sleep on their own and guess at once: the second one reads the failure count the first
one left, and waits longer for it.

Three tries are free (a typo, caps lock); after that each further try waits twice as long
as the one before, 1, 2, 4 ... seconds, capped at a minute so a real admin is never locked
out for long, while guessing a 12-character passphrase stays hopeless.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

FREE_TRIES = 3
MAX_DELAY_SECONDS = 60


def unlock_delay(consecutive_failures: int) -> int:
    """Seconds to wait before the next try after ``consecutive_failures`` failures in a row."""
    if consecutive_failures < FREE_TRIES:
        return 0
    return min(MAX_DELAY_SECONDS, 1 << min(consecutive_failures - FREE_TRIES, 16))


def delay_for(store_path: Path) -> int:
    """The wait before the next attempt on the store at ``store_path`` (no key needed)."""
    from store import peek

    try:
        return unlock_delay(peek.consecutive_failures(store_path))
    except OSError:
        return 0


def _take_lock(store_path: Path) -> int | None:
    """Block until this process holds the attempt lock; None when it cannot be made (a
    read-only folder: nothing can be recorded there either)."""
    lock = store_path.with_name(store_path.name + ".attempts")
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError:
        os.close(fd)
        return None
    return fd


def _release(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _wait(
    store_path: Path,
    notice: Callable[[int], None] | None,
    sleep: Callable[[float], None] | None,
    already_waited: int,
) -> int:
    delay = delay_for(store_path)
    left = max(0, delay - already_waited)
    if left:
        if notice is not None:
            notice(left)
        (sleep or time.sleep)(left)
    return delay


@contextlib.contextmanager
def turn(
    store_path: Path,
    *,
    notice: Callable[[int], None] | None = None,
    sleep: Callable[[float], None] | None = None,
    already_waited: int = 0,
) -> Iterator[int]:
    """Wait for this attempt's turn, then make the attempt inside the ``with``: the lock
    is held until it is over (and the failure, if any, recorded). ``already_waited``: the
    seconds a screen has already counted down, not waited twice. Off the UI thread."""
    fd = _take_lock(store_path)
    try:
        yield _wait(store_path, notice, sleep, already_waited)
    finally:
        _release(fd)


_held: dict[Path, int | None] = {}


def wait_for_turn(
    store_path: Path,
    *,
    notice: Callable[[int], None] | None = None,
    sleep: Callable[[float], None] | None = None,
) -> int:
    """For a command-line process, which is one attempt: wait for its turn and keep it
    until the process exits (the kernel drops the lock then, however it ends)."""
    if store_path not in _held:
        _held[store_path] = _take_lock(store_path)
    return _wait(store_path, notice, sleep, 0)
