"""The store-wide settings an admin may change, each with its allowed range named.

Idle lock, how often membership is reviewed, and how long a leaver's personal details
are kept are policy choices for the care home, so they live in the store (shared by
every admin and process), not in a per-user config file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from kiosk import records
from kiosk.forms import FieldErrors
from kiosk.i18n import N_, _
from kiosk.model import Settings

# name -> (label, lowest, highest). The review range follows NHSmail's guidance
# (every 2 to 6 months) with room either side; retention up to ten years.
RANGES: Mapping[str, tuple[str, int, int]] = {
    "idle_lock_minutes": (N_("Lock after this many minutes without a key press"), 1, 60),
    "review_months": (N_("Review shared mailbox membership every (months)"), 1, 12),
    "retention_months": (N_("Erase leavers' mobile and email after (months)"), 1, 120),
}


def check_settings(raw: Mapping[str, str], current: Settings) -> Settings | FieldErrors:
    """The new settings, or the rule each bad field breaks (all at once)."""
    errors = FieldErrors()
    values: dict[str, int] = {}
    for name, (label, low, high) in RANGES.items():
        text = raw.get(name, "").strip()
        if not text.isdigit() or not low <= int(text) <= high:
            errors[name] = _("{label}: a whole number from {low} to {high}.").format(
                label=_(label), low=low, high=high
            )
        else:
            values[name] = int(text)
    if errors:
        return errors
    return replace(
        current,
        idle_lock_minutes=values["idle_lock_minutes"],
        review_months=values["review_months"],
        retention_months=values["retention_months"],
    )


def save_settings(store: records.StoreLike, value: Settings) -> None:
    with store.transaction() as tx:
        records.save_settings(tx, value)
