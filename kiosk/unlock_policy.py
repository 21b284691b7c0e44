"""How long the unlock screen makes the next try wait after failed attempts.

Three tries are free (a typo, caps lock); after that each further try waits twice as long
as the one before, 1, 2, 4 ... seconds, capped at a minute so a real admin is never locked
out for long, while guessing a 12-character passphrase stays hopeless.
"""

from __future__ import annotations

FREE_TRIES = 3
MAX_DELAY_SECONDS = 60


def unlock_delay(consecutive_failures: int) -> int:
    """Seconds to wait before the next try after ``consecutive_failures`` failures in a row."""
    if consecutive_failures < FREE_TRIES:
        return 0
    return min(MAX_DELAY_SECONDS, 1 << min(consecutive_failures - FREE_TRIES, 16))
