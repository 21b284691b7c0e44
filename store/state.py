"""The small plaintext sidecar ``<store>.state`` (mode 0600).

It exists because some facts are needed *before* the store is unlocked, and saving
the store on every unlock would push real generations out of the ten backups:

* failed unlock attempts since the last successful unlock (time and the admin name
  tried, or "" when the typed name matched no admin: typed text that is not an admin's
  name may be a mistyped passphrase, so it is never written down);
* each admin's last unlock time, and the last admin name (to preselect it).

* each admin's trust record (see :mod:`store.trust`): the newest generation and signing
  key they verified, under an HMAC only their passphrase's key can make.

Everything else here is advisory: anyone who can write the folder can edit it, so nothing
security-relevant is decided from it beyond the throttle, and the trust records are
believed only when their MAC verifies. On a successful unlock the pending failures are
moved into the (authenticated) audit log.
"""

from __future__ import annotations

import contextlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from store.files import atomic_write, state_path
from store.models import FailedUnlock

MAX_FAILURES_KEPT = 100


def load(store_path: Path) -> dict[str, Any]:
    """The sidecar's content; an unreadable or missing sidecar reads as empty."""
    try:
        doc = json.loads(state_path(store_path).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


def save(store_path: Path, doc: dict[str, Any]) -> None:
    """Write the sidecar atomically (callers hold the store lock)."""
    doc["v"] = 1
    with contextlib.suppress(OSError):
        atomic_write(state_path(store_path), json.dumps(doc, indent=1).encode("utf-8"))


def failures(doc: dict[str, Any]) -> list[FailedUnlock]:
    out: list[FailedUnlock] = []
    raw = doc.get("failures")
    if not isinstance(raw, list):
        return out
    for item in raw:
        try:
            out.append(
                FailedUnlock(
                    time=datetime.fromisoformat(item["time"]), admin=str(item.get("admin", ""))
                )
            )
        except (KeyError, TypeError, ValueError):
            continue
    return out


def failure_count(doc: dict[str, Any]) -> int:
    count = doc.get("failure_count")
    if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
        return count
    return len(failures(doc))


def add_failure(doc: dict[str, Any], when: str, admin: str) -> None:
    count = failure_count(doc)
    raw = doc.get("failures")
    items = raw if isinstance(raw, list) else []
    items.append({"time": when, "admin": admin})
    doc["failures"] = items[-MAX_FAILURES_KEPT:]
    doc["failure_count"] = count + 1


def clear_failures(doc: dict[str, Any]) -> None:
    doc["failures"] = []
    doc["failure_count"] = 0


def record_unlock(doc: dict[str, Any], name: str, when: str, *, preselect: bool) -> None:
    last = doc.get("last_unlock")
    table = last if isinstance(last, dict) else {}
    table[name] = when
    doc["last_unlock"] = table
    if preselect:
        doc["last_admin"] = name


def forget_admin(doc: dict[str, Any], name: str) -> None:
    last = doc.get("last_unlock")
    if isinstance(last, dict):
        last.pop(name, None)
    if doc.get("last_admin") == name:
        doc.pop("last_admin", None)


def last_unlock(doc: dict[str, Any], name: str) -> datetime | None:
    last = doc.get("last_unlock")
    if not isinstance(last, dict) or not isinstance(last.get(name), str):
        return None
    try:
        return datetime.fromisoformat(last[name])
    except ValueError:
        return None


def last_admin(doc: dict[str, Any]) -> str | None:
    name = doc.get("last_admin")
    return name if isinstance(name, str) and name else None


# --- who lost access (for restore_damaged) ----------------------------------------------
#
# When the store itself is damaged, the newest readable header may be an older backup
# that still lists a removed admin (or an old recovery code's slot). These lists remember
# who lost access, so that such a backup cannot bring them back. Like the rest of this
# file they are advisory: deleting the file deletes them (README says so).

MAX_RETIRED = 256


def note_removed(doc: dict[str, Any], name: str) -> None:
    removed = doc.get("removed")
    items = [n for n in removed if isinstance(n, str)] if isinstance(removed, list) else []
    if name.casefold() not in {n.casefold() for n in items}:
        items.append(name)
    doc["removed"] = items[-MAX_RETIRED:]


def clear_removed(doc: dict[str, Any], name: str) -> None:
    removed = doc.get("removed")
    if isinstance(removed, list):
        doc["removed"] = [
            n for n in removed if isinstance(n, str) and n.casefold() != name.casefold()
        ]


def was_removed(doc: dict[str, Any], name: str) -> bool:
    removed = doc.get("removed")
    return isinstance(removed, list) and any(
        isinstance(n, str) and n.casefold() == name.casefold() for n in removed
    )


def retire_recovery(doc: dict[str, Any], public_hex: str) -> None:
    retired = doc.get("retired_recovery")
    items = [p for p in retired if isinstance(p, str)] if isinstance(retired, list) else []
    if public_hex not in items:
        items.append(public_hex)
    doc["retired_recovery"] = items[-MAX_RETIRED:]


def recovery_retired(doc: dict[str, Any], public_hex: str) -> bool:
    retired = doc.get("retired_recovery")
    return isinstance(retired, list) and public_hex in retired
