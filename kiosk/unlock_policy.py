"""How long the next passphrase or recovery-key attempt must wait after failed attempts.

The one throttle (issue 12, P4): the unlock screen, the recovery screen and every CLI
command that takes a passphrase (``kiosk check`` included) wait by this rule, counted from
the one failure count the store keeps beside the file (every failed attempt, whichever
way it was made, is recorded there and moved into the audit log at the next unlock).

Three tries are free (a typo, caps lock); after that each further try waits twice as long
as the one before, 1, 2, 4 ... seconds, capped at a minute so a real admin is never locked
out for long, while guessing a 12-character passphrase stays hopeless.
"""

from __future__ import annotations

import time
from collections.abc import Callable
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


def wait_for_turn(
    store_path: Path,
    *,
    notice: Callable[[int], None] | None = None,
    sleep: Callable[[float], None] | None = None,
) -> int:
    """Block until the next attempt is allowed (call it right before trying a passphrase
    or recovery key, off the UI thread); ``notice`` hears the seconds first."""
    delay = delay_for(store_path)
    if delay:
        if notice is not None:
            notice(delay)
        (sleep or time.sleep)(delay)
    return delay
