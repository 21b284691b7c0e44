"""The encrypted body's plaintext: the document as compressed chunks, re-used across saves.

Why chunks: serialising and compressing the whole document on every save costs about
110 ms at 10,000 people (plus their audit history), far over the 60 ms target, and the
audit table only ever grows. So each table is stored as a run of chunks of up to
:data:`CHUNK_DOCS` documents, each its own zlib stream. A save re-serialises and
re-compresses only the chunks whose documents changed; the others are copied as the
compressed bytes already in memory (seeded from the file at load time, so the first
save after another process's save is cheap too). The whole payload is still encrypted
with a fresh nonce on every save.

Knowing which documents changed: TinyDB changes a table only through
``Table._update_table(updater)``. :class:`TrackedTable` runs the updater on a dict that
notes every document handed out or replaced (:class:`_Tracking`), so in-place updates
are seen too. Anything it cannot classify marks the whole table changed, and a table
dict replaced behind TinyDB's back (new object identity) is rebuilt in full: missing a
change is the one mistake this module must never make, so every doubt costs time, not
data. ``tests/store/test_body.py`` checks the cached output against a fresh encoding
after random TinyDB operations.

Layout (all integers big-endian)::

    frame    = u32 length, bytes
    payload  = frame(zlib(manifest JSON)), frame(zlib(chunk))..., frame(zlib(keyring JSON))
    manifest = {"v": 1, "tables": [[name, number of chunks], ...]}
    chunk    = '"<doc id>":{document},"<doc id>":{document}...' (a JSON object's inside)
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from tinydb import TinyDB
from tinydb.table import Table

CHUNK_DOCS = 128
ZLIB_LEVEL = 1
MAX_BODY = 1024 * 1024 * 1024
_LEN = struct.Struct(">I")
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode

Document = dict[str, dict[str, Any]]
Chunk = tuple[tuple[str, ...], bytes]  # document ids in order, compressed frame body


class BodyError(ValueError):
    """The decrypted body is not well formed (reported as damage)."""


def _frame(data: bytes) -> bytes:
    return _LEN.pack(len(data)) + data


def _compress(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), ZLIB_LEVEL)


def _chunk(table: Mapping[str, Any], ids: tuple[str, ...]) -> Chunk:
    text = ",".join(f"{_dumps(k)}:{_dumps(table[k])}" for k in ids)
    return ids, _compress(text)


@dataclass(slots=True)
class _TableCache:
    obj: dict[str, Any]  # the table dict these chunks describe (compared by identity)
    chunks: list[Chunk]
    dirty: set[str] = field(default_factory=set)


class BodyCache:
    """Compressed chunks of the last document saved or loaded, and what changed since."""

    def __init__(self) -> None:
        self._tables: dict[str, _TableCache] = {}

    def reset(self) -> None:
        self._tables = {}

    def seed(self, document: Document, chunks: Mapping[str, list[Chunk]]) -> None:
        self._tables = {
            name: _TableCache(document[name], list(table_chunks))
            for name, table_chunks in chunks.items()
            if name in document
        }

    def replaced(
        self, name: str, old: object, new: dict[str, Any], changed: set[str] | None
    ) -> None:
        """TinyDB replaced table ``name`` (``old`` -> ``new``); ``changed`` ids, or None
        when the change could not be narrowed down."""
        cache = self._tables.get(name)
        if cache is None or cache.obj is not old or changed is None:
            self._tables.pop(name, None)
            return
        cache.obj = new
        cache.dirty |= changed

    def touched(self, name: str, table: dict[str, Any], doc_id: str) -> None:
        """A document of ``table`` was set in place (the store's own audit appends)."""
        cache = self._tables.get(name)
        if cache is not None:
            if cache.obj is table:
                cache.dirty.add(doc_id)
            else:
                del self._tables[name]

    def reusable(self) -> dict[str, tuple[dict[str, Any], dict[bytes, tuple[str, ...]]]]:
        """For :func:`decode`: each table's documents and its chunks by compressed bytes.

        Only clean tables qualify (nothing changed since they were loaded or saved), so
        a chunk whose bytes are unchanged in a newer file stands for the very documents
        already in memory, and need not be decompressed and parsed again.
        """
        return {
            name: (cache.obj, {blob: ids for ids, blob in cache.chunks})
            for name, cache in self._tables.items()
            if not cache.dirty
        }

    def encode(self, document: Document, keyring: Mapping[str, str]) -> bytes:
        """The payload for ``document``, re-using every chunk that did not change."""
        manifest: list[list[Any]] = []
        frames: list[bytes] = []
        fresh: dict[str, _TableCache] = {}
        for name, table in document.items():
            chunks = self._table_chunks(name, table)
            fresh[name] = _TableCache(table, chunks)
            manifest.append([name, len(chunks)])
            frames.extend(_frame(blob) for _, blob in chunks)
        self._tables = fresh
        head = _frame(_compress(_dumps({"v": 1, "tables": manifest})))
        tail = _frame(_compress(_dumps(dict(keyring))))
        return b"".join([head, *frames, tail])

    def _table_chunks(self, name: str, table: dict[str, Any]) -> list[Chunk]:
        keys = list(table)
        cache = self._tables.get(name)
        if cache is None or cache.obj is not table:
            return _rechunk(table, keys)
        out: list[Chunk] = []
        covered: list[str] = []
        for ids, blob in cache.chunks:
            if all(k in table for k in ids) and cache.dirty.isdisjoint(ids):
                out.append((ids, blob))
                covered.extend(ids)
            else:
                alive = tuple(k for k in ids if k in table)
                if alive:
                    out.append(_chunk(table, alive))
                    covered.extend(alive)
        if covered != keys[: len(covered)]:
            # Documents moved (an id removed and inserted again): never write a
            # different order than TinyDB's, start over.
            return _rechunk(table, keys)
        new = keys[len(covered) :]  # inserted since: always at the end of a TinyDB table
        if new:
            if out and len(out[-1][0]) < CHUNK_DOCS:
                last_ids, _ = out.pop()
                new = [*last_ids, *new]
            out.extend(_rechunk(table, new))
        return out


def _rechunk(table: Mapping[str, Any], keys: list[str]) -> list[Chunk]:
    return [_chunk(table, tuple(keys[i : i + CHUNK_DOCS])) for i in range(0, len(keys), CHUNK_DOCS)]


def encode_fresh(document: Document, keyring: Mapping[str, str]) -> bytes:
    return BodyCache().encode(document, keyring)


@dataclass(slots=True)
class Decoded:
    document: Document
    keyring: dict[str, str]
    chunks: dict[str, list[Chunk]]


def _frames(payload: bytes) -> Iterable[bytes]:
    view = memoryview(payload)
    pos = 0
    while pos < len(view):
        if pos + _LEN.size > len(view):
            raise BodyError("truncated frame length")
        (length,) = _LEN.unpack_from(view, pos)
        pos += _LEN.size
        if pos + length > len(view):
            raise BodyError("truncated frame")
        yield bytes(view[pos : pos + length])
        pos += length


class _Inflater:
    def __init__(self) -> None:
        self.total = 0

    def __call__(self, blob: bytes) -> str:
        inflater = zlib.decompressobj()
        try:
            raw = inflater.decompress(blob, MAX_BODY - self.total)
        except zlib.error as exc:
            raise BodyError("bad compressed frame") from exc
        if inflater.unconsumed_tail or not inflater.eof or inflater.unused_data:
            raise BodyError("frame too large or truncated")
        self.total += len(raw)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BodyError("not UTF-8") from exc


Reusable = Mapping[str, tuple[Mapping[str, Any], Mapping[bytes, tuple[str, ...]]]]


def decode(payload: bytes, reuse: Reusable | None = None) -> Decoded:
    """Parse a payload; BodyError for anything unexpected (callers report damage).

    With ``reuse`` (from :meth:`BodyCache.reusable`), chunks byte-identical to ones in
    memory take their documents from memory instead of being parsed again.
    """
    reuse = reuse or {}
    inflate = _Inflater()
    frames = iter(_frames(payload))
    try:
        manifest = json.loads(inflate(next(frames)))
    except (StopIteration, ValueError, RecursionError) as exc:
        raise BodyError("bad manifest") from exc
    if not isinstance(manifest, dict) or manifest.get("v") != 1:
        raise BodyError("bad manifest")
    tables = manifest.get("tables")
    if not isinstance(tables, list):
        raise BodyError("bad manifest")
    document: Document = {}
    chunks: dict[str, list[Chunk]] = {}
    for entry in tables:
        if (
            not isinstance(entry, list)
            or len(entry) != 2
            or not isinstance(entry[0], str)
            or not isinstance(entry[1], int)
            or isinstance(entry[1], bool)
            or entry[1] < 0
            or entry[0] in document
        ):
            raise BodyError("bad manifest entry")
        name, count = entry
        table: dict[str, Any] = {}
        table_chunks: list[Chunk] = []
        known_docs, known_chunks = reuse.get(name, ({}, {}))
        for _ in range(count):
            blob = next(frames, None)
            if blob is None:
                raise BodyError("missing chunk")
            ids = known_chunks.get(blob)
            if (
                ids is not None
                and all(k in known_docs for k in ids)
                and not (table.keys() & set(ids))
            ):
                table.update({k: known_docs[k] for k in ids})
                table_chunks.append((ids, blob))
                continue
            try:
                part = json.loads("{" + inflate(blob) + "}")
            except (ValueError, RecursionError) as exc:
                raise BodyError("bad chunk") from exc
            if not isinstance(part, dict) or not part:
                raise BodyError("bad chunk")
            for key, doc in part.items():
                if not key.isdigit() or not isinstance(doc, dict) or key in table:
                    raise BodyError("bad document")
            table.update(part)
            table_chunks.append((tuple(part), blob))
        document[name] = table
        chunks[name] = table_chunks
    try:
        keyring = json.loads(inflate(next(frames)))
    except (StopIteration, ValueError, RecursionError) as exc:
        raise BodyError("bad keyring") from exc
    if not isinstance(keyring, dict) or not all(isinstance(v, str) for v in keyring.values()):
        raise BodyError("bad keyring")
    if next(frames, None) is not None:
        raise BodyError("trailing frames")
    return Decoded(document, keyring, chunks)


# --- TinyDB side: which documents did a write touch? --------------------------------


_MISSING = object()


class _Tracking(MutableMapping[Any, Any]):
    """The table TinyDB's updaters work on: the stored table itself, changed in place.

    TinyDB's own ``_update_table`` copies the whole table into a dict with integer ids
    and back again on every write, so ``n`` inserts cost ``n**2`` (an import of 10,000
    rows took 18 s). This view translates ids (TinyDB's ``int``, the document's ``str``)
    on each access instead, so a write costs what it touches. It notes each document
    handed out or replaced, and journals what each key held before it was first set or
    removed, so an updater that fails part-way leaves the table as it was (TinyDB
    changed nothing then either).
    """

    def __init__(self, data: dict[str, Any], key: Callable[[str], Any]) -> None:
        self.data = data
        self._key = key
        self.touched: set[Any] = set()
        self.everything = False
        self._journal: dict[str, Any] = {}

    def _note(self, key: Any) -> str:
        self.touched.add(key)
        text = str(key)
        if text not in self._journal:
            self._journal[text] = self.data.get(text, _MISSING)
        return text

    def undo(self) -> None:
        for text, value in self._journal.items():
            if value is _MISSING:
                self.data.pop(text, None)
            else:
                self.data[text] = value

    def __getitem__(self, key: Any) -> Any:
        self.touched.add(key)
        return self.data[str(key)]

    def __contains__(self, key: object) -> bool:
        return str(key) in self.data

    def __setitem__(self, key: Any, value: Any) -> None:
        self.data[self._note(key)] = value

    def __delitem__(self, key: Any) -> None:
        del self.data[self._note(key)]

    def __iter__(self) -> Iterator[Any]:
        return (self._key(k) for k in list(self.data))

    def __len__(self) -> int:
        return len(self.data)

    def keys(self) -> Any:
        return [self._key(k) for k in self.data]

    # Anything that hands out many documents at once, or rewrites many, counts as all.
    def values(self) -> Any:
        self.everything = True
        return list(self.data.values())

    def items(self) -> Any:
        self.everything = True
        return [(self._key(k), v) for k, v in self.data.items()]

    def clear(self) -> None:
        self.everything = True
        for key in list(self.data):
            self._note(key)
        self.data.clear()

    def popitem(self) -> Any:
        self.everything = True
        return super().popitem()

    def update(self, *args: Any, **kwargs: Any) -> None:
        self.everything = True
        super().update(*args, **kwargs)


TableChanged = Callable[[str, object, dict[str, Any], "set[str] | None"], None]


class TrackedTable(Table):
    """TinyDB's Table, with ``_update_table`` changing the stored table in place and
    reporting which documents it changed.

    This is TinyDB 4.x's own ``_update_table`` (read, update, write, clear the query
    cache) without its two whole-table copies: the updater gets :class:`_Tracking`, a
    view of the stored dict, so a write costs what it touches and a bulk import is linear.
    """

    def _update_table(self, updater: Callable[[dict[int, Any]], None]) -> None:
        # Refuse before anything is touched: TinyDB mutates documents in place, so a
        # write outside a transaction must be stopped here, not in Storage.write().
        check: Callable[[], None] | None = getattr(self._storage, "check_writable", None)
        if check is not None:
            check()
        tables = self._storage.read()
        if tables is None:
            tables = {}
        live = tables.get(self.name)
        created = live is None
        if live is None:
            live = tables[self.name] = {}
        table = _Tracking(live, self.document_id_class)
        try:
            updater(table)  # type: ignore[arg-type]
        except BaseException:
            table.undo()
            if created:
                tables.pop(self.name, None)
            raise
        changed = None if table.everything else {str(k) for k in table.touched}
        on_change: TableChanged | None = getattr(self._storage, "on_table_changed", None)
        self._storage.write(tables)
        _count_write(self._storage)
        if on_change is not None:
            on_change(self.name, live, live, changed)
        self.clear_cache()


def _count_write(storage: object) -> None:
    """Bump the storage's write counter: readers that cache what they derive from the
    document (``kiosk.records``) compare it to know their cache still holds."""
    setattr(storage, "writes", getattr(storage, "writes", 0) + 1)  # noqa: B010


class TrackedTinyDB(TinyDB):
    """TinyDB with :class:`TrackedTable`s, and a ``writes`` counter on its storage that
    every change bumps (the database object itself is new after every reload)."""

    table_class = TrackedTable

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        setattr(self.storage, "writes", 0)  # noqa: B010

    def _check_writable(self) -> None:
        check: Callable[[], None] | None = getattr(self.storage, "check_writable", None)
        if check is not None:
            check()

    def drop_table(self, name: str) -> None:
        self._check_writable()  # TinyDB deletes from the live document before writing
        super().drop_table(name)
        _count_write(self.storage)

    def drop_tables(self) -> None:
        self._check_writable()
        super().drop_tables()
        _count_write(self.storage)
