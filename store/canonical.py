"""The one serialisation used wherever bytes are hashed, signed or bound as associated data.

A module of its own because both :mod:`store.crypto` and :mod:`store.signing` need it and
crypto also calls into signing: with it here, neither imports the other in a circle.
"""

from __future__ import annotations

import json
from typing import Any


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the same value always gives the same bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )
