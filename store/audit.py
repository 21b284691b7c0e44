"""The hash-chained audit log kept inside the encrypted document.

Each entry's hash is SHA-256 over the canonical JSON of the entry with the previous
entry's hash included, so editing or deleting any entry breaks every link after it.
The chain's length and head hash also live in the file header (authenticated as the
body's associated data), so entries cut off the end are detected too. ``kiosk check``
prints the head hash so an auditor can note it and compare it next time: that is what
catches an admin who rewrites history with the key in hand.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from store.canonical import canonical_json
from store.models import AuditEntry, AuditReport

AUDIT_TABLE = "_audit"
ENTRY_FIELDS = ("seq", "time", "admin", "action", "table", "record_id", "detail", "prev")


def entry_hash(fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json({k: fields.get(k) for k in ENTRY_FIELDS})).hexdigest()


def make_entry(
    seq: int,
    time: str,
    admin: str,
    action: str,
    table: str | None,
    record_id: int | None,
    detail: str,
    prev: str,
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "seq": seq,
        "time": time,
        "admin": admin,
        "action": action,
        "table": table,
        "record_id": record_id,
        "detail": detail,
        "prev": prev,
    }
    entry["hash"] = entry_hash(entry)
    return entry


def verify(entries: Mapping[str, Any], length: int, head: str) -> AuditReport:
    """Walk the chain from the first entry; report the first entry that does not hold.

    ``entries`` is the raw ``_audit`` table (doc id string -> entry); ``length`` and
    ``head`` come from the authenticated header.
    """

    def broken(seq: int, message: str) -> AuditReport:
        return AuditReport(
            ok=False, length=len(entries), head=head, first_broken=seq, message=message
        )

    prev = ""
    count = len(entries)
    for seq in range(1, count + 1):
        entry = entries.get(str(seq))
        if not isinstance(entry, dict):
            return broken(seq, f"Audit entry {seq} is missing: an entry was deleted.")
        if entry.get("seq") != seq:
            return broken(seq, f"Audit entry {seq} is out of place.")
        if entry.get("prev") != prev:
            return broken(seq, f"Audit entry {seq} does not follow the entry before it.")
        if entry.get("hash") != entry_hash(entry):
            return broken(seq, f"Audit entry {seq} was changed after it was written.")
        prev = entry["hash"]
    if count < length:
        return broken(
            count + 1,
            f"The audit log ends at entry {count} but the store recorded {length}: "
            "entries were removed from the end.",
        )
    if count > length:
        return broken(
            length + 1,
            f"The audit log has {count} entries but the store recorded {length}.",
        )
    if prev != head:
        return broken(count, "The audit log's last entry does not match the recorded head.")
    return AuditReport(
        ok=True,
        length=count,
        head=head,
        first_broken=None,
        message=f"The audit log's {count} entries are intact.",
    )


def to_entries(entries: Mapping[str, Any]) -> list[AuditEntry]:
    """Readable entries in chain order; malformed ones are skipped (verify reports them)."""
    out: list[AuditEntry] = []
    for key in sorted(entries, key=lambda k: int(k) if k.isdigit() else -1):
        e = entries[key]
        try:
            record_id = e.get("record_id")
            out.append(
                AuditEntry(
                    seq=int(e["seq"]),
                    time=datetime.fromisoformat(e["time"]),
                    admin=str(e["admin"]),
                    action=str(e["action"]),
                    table=None if e.get("table") is None else str(e["table"]),
                    record_id=None if record_id is None else int(record_id),
                    detail=str(e.get("detail", "")),
                    prev=str(e.get("prev", "")),
                    hash=str(e["hash"]),
                )
            )
        except (AttributeError, KeyError, TypeError, ValueError):
            continue
    return out
