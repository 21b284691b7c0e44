"""Which of a store's files are genuine: its newest header, and its earlier files.

A removed admin keeps an old signing key and can write a file under it with any
generation number: the highest number is not the newest genuine state. A header counts
only when its file's signature verifies, its key is one the admin's trust record reaches
through the rotation certificates (when a record is known), and no other verified file
shows that key was rotated away (a retired key's later file is a fork).

With a *lower* number, the same retired key could make a fake old generation that the
rotation certificates cannot tell from a real one. So every save lists, in its signed
header, the digest of the file it replaces (the *lineage*: the last :data:`MAX_LINEAGE`
files, see :mod:`store.format`): a file signed by any key but the newest genuine
header's own is genuine only if that header lists its digest (:func:`vouches`). A
header from before lineages (``lineage`` None) starts one at its first save from the
verified files in ``backups/`` (trusted on first use, like a format-1 upgrade).
"""

from __future__ import annotations

import contextlib
import hmac
import os
from collections.abc import Iterable
from pathlib import Path

from store import files, mirror, signing, state
from store import format as store_format
from store.crypto import derive_kek, passphrase_secret, slot_keys
from store.errors import StoreError
from store.format import MAX_LINEAGE, Header, Parsed, parse, peek_header
from store.models import KdfParams
from store.opening import _read_file, check_signature

Lineage = tuple[tuple[int, str], ...]


def _verified(path: Path) -> Header | None:
    with contextlib.suppress(StoreError, OSError, ValueError):
        parsed = parse(_read_file(path, store_format.MAX_FILE)[0])
        check_signature(parsed)
        return parsed.header
    return None


def newest_genuine(
    paths: Iterable[Path], pinned: bytes | None, store_id: str | None = None
) -> tuple[Path, Header] | None:
    """The newest (path, header) among ``paths`` that is not a fork (see module doc),
    of the store ``store_id`` only when given (another store's file, validly signed by
    its own key, must not stand in for this one's newest)."""
    found = [
        (p, h) for p in paths if (h := _verified(p)) is not None and store_id in (None, h.store_id)
    ]
    if pinned is not None:
        found = [
            (p, h)
            for p, h in found
            if signing.reaches(h.rotations, h.store_id, pinned, h.sign_public)
        ]
    keys = {(h.store_id, h.sign_public): h for _, h in found}

    def superseded(h: Header) -> bool:
        return any(
            sid == h.store_id
            and key != h.sign_public
            and signing.reaches(other.rotations, sid, h.sign_public, key)
            for (sid, key), other in keys.items()
        )

    genuine = [(p, h) for p, h in found if not superseded(h)]
    return max(genuine, key=lambda ph: ph[1].generation, default=None)


def store_and_generations(path: Path) -> list[Path]:
    """The store file and every generation file in ``backups/``."""
    return [path, *(g for _, g in files.list_generation_files(path))]


MAX_PIN_TRIES = 2


def trusted_pin(path: Path, admin: str, passphrase: str) -> bytes | None:
    """The signing key in ``admin``'s newest trust record (beside the store at ``path`` or
    in this machine's mirror), only when its MAC verifies under the key ``passphrase``
    yields (None otherwise: a record someone else wrote, or none, steers nothing).

    For a caller that holds the passphrase but no open store (``kiosk check`` when the
    store file is refused or damaged). The record's key derives from the admin's slot
    salt and Argon2id settings, which the record itself names (and its MAC covers), so
    one Argon2id run per distinct record copy is all it takes: files planted in the
    folder cannot use the runs up (review 2, finding 6), and a copy is tried only when a
    verified file beside the store has a slot of this admin with that salt and those
    settings (a cheap check, so an edited record cannot ask for an absurd Argon2id run).
    A record from before records named their salt falls back to finding the slot in the
    store's files, at most :data:`MAX_PIN_TRIES` runs, counting only slots the record
    lists among the ways in."""
    copies = _record_copies(path, admin)
    if not copies:
        return None
    secret = passphrase_secret(passphrase)
    headers = [p.header for c in store_and_generations(path) if (p := _parsed(c)) is not None]
    names = {name for name, _ in copies}
    slots = {
        (s.name, s.salt, s.kdf, h.store_id) for h in headers for s in h.slots if s.name in names
    }
    best: tuple[int, bytes] | None = None
    tried: set[tuple[str, bytes, KdfParams]] = set()
    for name, record in copies:
        if len(tried) >= MAX_PIN_TRIES:
            break
        found = _named_slot(record)
        if found is not None:
            salt, kdf = found
            if (name, salt, kdf) in tried or (name, salt, kdf, record["store_id"]) not in slots:
                continue
            tried.add((name, salt, kdf))
            sign = _verified_sign(record, secret, salt, kdf, name)
        else:
            sign = _legacy_pin(headers, name, record, secret, tried)
        generation = record.get("generation")
        if (
            sign is not None
            and isinstance(generation, int)
            and (best is None or generation > best[0])
        ):
            best = (generation, sign)
    return None if best is None else best[1]


def _record_copies(path: Path, admin: str) -> list[tuple[str, dict[str, object]]]:
    """(slot name, record) of ``admin``'s records beside the store and in the mirrors for
    this location (the typed name matched exactly, else caselessly)."""
    tables: list[object] = [state.load(path).get("trust")]
    for store_id in sorted(mirror.store_ids(path)):
        tables.append(mirror.records(mirror.load(path, store_id)))
    out: list[tuple[str, dict[str, object]]] = []
    wanted = admin.strip()
    for table in tables:
        if not isinstance(table, dict):
            continue
        names = [n for n in table if isinstance(n, str)]
        exact = [n for n in names if n == wanted]
        folded = [n for n in names if n.casefold() == wanted.casefold()]
        chosen = exact or (folded if len(folded) == 1 else [])
        for name in chosen:
            record = table[name]
            if isinstance(record, dict) and isinstance(record.get("store_id"), str):
                out.append((name, record))
    return out


def _named_slot(record: dict[str, object]) -> tuple[bytes, KdfParams] | None:
    """The salt and Argon2id settings a record names (None for an older record)."""
    settings = record.get("kdf")
    if not isinstance(settings, list) or len(settings) != 3:
        return None
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in settings):
        return None
    try:
        salt = bytes.fromhex(str(record["salt"]))
        return salt, KdfParams(settings[0], settings[1], settings[2])
    except (KeyError, TypeError, ValueError):
        return None


def _verified_sign(
    record: dict[str, object], secret: bytes, salt: bytes, kdf: KdfParams, name: str
) -> bytes | None:
    keys = slot_keys(derive_kek(secret, salt, kdf), str(record["store_id"]), name)
    try:
        mac = record.get("mac")
        if isinstance(mac, str) and hmac.compare_digest(
            mac, signing.record_mac(keys.record_key, record)
        ):
            with contextlib.suppress(TypeError, ValueError):
                return bytes.fromhex(str(record["sign_public"]))
        return None
    finally:
        keys.wipe()


def _legacy_pin(
    headers: list[Header],
    name: str,
    record: dict[str, object],
    secret: bytes,
    tried: set[tuple[str, bytes, KdfParams]],
) -> bytes | None:
    """A record that does not name its salt: try the slots of ``name`` in the verified
    files whose public key the record lists among the ways in, newest first, within the
    runs left."""
    listed = record.get("admins")
    admins = {a for a in listed if isinstance(a, str)} if isinstance(listed, list) else set()
    for header in headers:
        if len(tried) >= MAX_PIN_TRIES:
            return None
        slot = header.slot(name)
        if (
            slot is None
            or slot.public.hex() not in admins
            or header.store_id != record["store_id"]
            or (name, slot.salt, slot.kdf) in tried
        ):
            continue
        tried.add((name, slot.salt, slot.kdf))
        sign = _verified_sign(record, secret, slot.salt, slot.kdf, name)
        if sign is not None:
            return sign
    return None


def _parsed(path: Path) -> Parsed | None:
    with contextlib.suppress(StoreError, OSError, ValueError):
        parsed = parse(_read_file(path, store_format.MAX_FILE)[0])
        check_signature(parsed)
        return parsed
    return None


def vouches(head: Header, candidate: Header, digest: bytes) -> bool:
    """Is the file with ``candidate``'s header and ``digest`` part of the genuine past
    of the store whose newest genuine header is ``head``?

    Signed by ``head``'s own key: yes (only its current holders can sign with it;
    whether it is older is the caller's rule). Any other file (a retired key's, a
    format-1 one): only if ``head``'s lineage lists its digest. A head from before
    lineages (None) cannot tell, and vouches for it as before (README says so).
    """
    if candidate.store_id != head.store_id:
        return False
    if candidate.version >= 2 and candidate.sign_public == head.sign_public:
        return True
    if head.lineage is None:
        return True
    return any(d == digest.hex() for _, d in head.lineage)


def extended(path: Path, header: Header, current: bytes, mark: tuple[int, bytes] | None) -> Lineage:
    """The lineage for the save that replaces the file described by ``header`` (whose
    (generation, digest) is ``mark``) under the signing key ``current``."""
    entries = list(header.lineage) if header.lineage is not None else _seed(path, header, current)
    if mark is not None:
        entry = (mark[0], mark[1].hex())
        if entry not in entries:
            entries.append(entry)
    return tuple(entries[-MAX_LINEAGE:])


def _seed(path: Path, header: Header, current: bytes) -> list[tuple[int, str]]:
    """A first lineage: the files in ``backups/`` of this store that verify and whose key
    this header's chain leads to (format-1 ones as they are: nothing signs them)."""
    known = signing.known_keys(header.rotations, current)
    out: list[tuple[int, str]] = []
    for _, gen_path in reversed(files.list_generation_files(path)):
        parsed = _parsed(gen_path)
        if parsed is None or parsed.header.store_id != header.store_id:
            continue
        h = parsed.header
        if h.version >= 2 and (
            h.sign_public not in known
            or (h.sign_public != current and h.generation >= header.generation)
        ):
            continue  # not this store's key, or a retired key's "newer" file: a fork
        out.append((h.generation, parsed.digest.hex()))
    return out


def merged(*lineages: Lineage | None, extra: tuple[tuple[int, str], ...] = ()) -> Lineage | None:
    """The union of lineages (None when none is known), oldest first, newest kept."""
    known = [lin for lin in lineages if lin is not None]
    if not known and not extra:
        return None
    entries = sorted({e for lin in known for e in lin} | set(extra))
    return tuple(entries[-MAX_LINEAGE:])


def file_mark(path: Path) -> tuple[int, str] | None:
    """(generation, digest hex) of a file that verifies, or None."""
    parsed = _parsed(path)
    return None if parsed is None else (parsed.header.generation, parsed.digest.hex())


# --- which files in backups/ count ---------------------------------------------------------
#
# Anyone who can write the folder can put files in backups/. A name is only a claim: a
# planted "kiosk.store.g99999999999999999999" once pushed the next generation number past
# what the header can hold (no save could be made), and ten planted names made pruning
# delete every genuine backup. So numbering and pruning count only *genuine* generations;
# anything else is ignored (kiosk check reports it) and never deleted.

MAX_GENERATION = 2**40  # a million saves a day for three thousand years
_CACHE_LIMIT = 256
_StatKey = tuple[int, int, int, int]
# path -> (stat key, header and digest of the verified file, or None): a save checks the
# files in backups/ with a stat each, reading only a file it has not seen as it is now.
_verified_cache: dict[str, tuple[_StatKey, tuple[Header, bytes] | None]] = {}


def _key(st: os.stat_result) -> _StatKey:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def remember(path: Path, stat: _StatKey, header: Header, digest: bytes) -> None:
    """A file known to verify (the store file a save is about to keep as a generation)."""
    if len(_verified_cache) >= _CACHE_LIMIT:
        _verified_cache.clear()
    _verified_cache[str(path)] = (stat, (header, digest))


def _verified_file(path: Path, number: int, store_id: str) -> tuple[Header, bytes] | None:
    """(header, digest) when the file at ``path`` verifies, is of the store ``store_id`` and
    its header's generation is the ``number`` its name claims; None otherwise."""
    try:
        stat = _key(os.stat(path, follow_symlinks=False))
    except OSError:
        return None
    cached = _verified_cache.get(str(path))
    if cached is not None and cached[0] == stat:
        found = cached[1]
    else:
        found = None
        with contextlib.suppress(StoreError, OSError, ValueError):
            # the header first: a planted file of another store, or with a number its name
            # does not claim, is never read whole
            peeked, _ = peek_header(path)
            if peeked.store_id == store_id and peeked.generation == number:
                parsed = _parsed(path)
                if parsed is not None:
                    found = (parsed.header, parsed.digest)
        if len(_verified_cache) >= _CACHE_LIMIT:
            _verified_cache.clear()
        _verified_cache[str(path)] = (stat, found)
    if found is None or found[0].store_id != store_id or found[0].generation != number:
        return None
    return found


def genuine_generations(path: Path, head: Header) -> list[tuple[int, Path]]:
    """The generations in ``backups/`` that belong to the store whose newest genuine
    header is ``head``, newest first: the file verifies, is of this store, its name's
    number is its header's generation (and a plausible one), and either ``head`` vouches
    for it (:func:`vouches`: its own key, or listed in its lineage) or it is a later file
    signed by a key ``head``'s leads to."""
    out: list[tuple[int, Path]] = []
    for number, gen_path in files.list_generation_files(path):
        if not 0 < number <= MAX_GENERATION:
            continue
        found = _verified_file(gen_path, number, head.store_id)
        if found is None:
            continue
        h, digest = found
        if vouches(head, h, digest) or (
            h.version >= 2
            and head.version >= 2
            and signing.reaches(h.rotations, h.store_id, head.sign_public, h.sign_public)
        ):
            out.append((number, gen_path))
    return out


def prune(path: Path, head: Header, keep: int = files.BACKUPS_KEPT) -> None:
    """Delete the genuine generations beyond the newest ``keep``; nothing else."""
    for _, old in genuine_generations(path, head)[keep:]:
        with contextlib.suppress(OSError):
            os.unlink(old)
        _verified_cache.pop(str(old), None)
