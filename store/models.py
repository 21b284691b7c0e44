"""Plain values the store hands out: KDF parameters, admins, audit entries, generations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

# Sanity limits on KDF parameters read from a file header: a crafted header must not be
# able to make an unlock attempt allocate gigabytes or run for minutes (issue 12, P5: a
# header re-signed by a folder-writer once asked for 1 GiB x 64 passes). The cost bound
# (memory x passes) allows about five times the default's work: 256 MiB x 4, 64 MiB x 16.
KDF_MAX_MEMORY_KIB = 256 * 1024  # 256 MiB
KDF_MAX_ITERATIONS = 16
KDF_MAX_LANES = 16
KDF_MAX_COST = 1024 * 1024  # memory_kib x iterations


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id cost parameters, stored in each key slot so they can be raised later.

    The defaults are RFC 9106's second recommended option (64 MiB, 3 passes, 4 lanes),
    measured at about 0.15 s per derivation on the 2-core reference machine.
    """

    memory_kib: int = 65536
    iterations: int = 3
    lanes: int = 4

    def __post_init__(self) -> None:
        if not (1 <= self.lanes <= KDF_MAX_LANES):
            raise ValueError("lanes out of range")
        if not (1 <= self.iterations <= KDF_MAX_ITERATIONS):
            raise ValueError("iterations out of range")
        if not (8 * self.lanes <= self.memory_kib <= KDF_MAX_MEMORY_KIB):
            raise ValueError("memory_kib out of range")
        if self.memory_kib * self.iterations > KDF_MAX_COST:
            raise ValueError("memory_kib x iterations out of range")


@dataclass(frozen=True, slots=True)
class AdminInfo:
    name: str
    added: datetime  # UTC
    last_unlock: datetime | None = None  # UTC, from the plaintext sidecar (advisory only)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int  # 1-based position in the chain
    time: datetime  # UTC
    admin: str
    action: str
    table: str | None
    record_id: int | None
    detail: str
    prev: str  # hex sha256 of the previous entry ("" for the first)
    hash: str  # hex sha256 over this entry's canonical JSON, prev included


@dataclass(frozen=True, slots=True)
class AuditReport:
    ok: bool
    length: int  # entries in the document
    head: str  # hex hash of the last entry as recorded in the authenticated header
    first_broken: int | None  # 1-based seq of the first entry that fails, None when ok
    message: str


@dataclass(frozen=True, slots=True)
class Generation:
    """One encrypted earlier version of the store in the ``backups/`` folder."""

    path: Path
    generation: int
    saved_at: datetime | None  # None when the header cannot be read
    saved_by: str
    ok: bool  # header readable and checksum intact (not a decryption check)


@dataclass(frozen=True, slots=True)
class FailedUnlock:
    time: datetime  # UTC
    admin: str  # the admin name tried, "" when it matched no admin (typed text is not kept)


class StoreWarning(str):
    """A warning sentence (English) that also carries a stable machine ``code``."""

    code: str

    def __new__(cls, code: str, text: str) -> StoreWarning:
        obj = super().__new__(cls, text)
        obj.code = code
        return obj
