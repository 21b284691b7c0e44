"""Any change to the file is detected as damage, and the file is left as it was."""

from __future__ import annotations

import contextlib
import hashlib
import json
import random
import struct
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import Store, StoreDamaged, StoreError, UnknownFormat, WrongPassphrase
from store.format import MAGIC, encode_header, header_doc, parse
from tests.store.conftest import ADMIN, PASSPHRASE, Made
from tests.store.helpers import add_person

PREFIX = struct.Struct(">8sHI")


def _header_end(data: bytes) -> int:
    _, _, length = PREFIX.unpack_from(data)
    return PREFIX.size + length + 32


def _flip(path: Path, original: bytes, index: int) -> bytes:
    damaged = bytearray(original)
    damaged[index] ^= 0x01 << (index % 8)
    path.write_bytes(bytes(damaged))
    return bytes(damaged)


def test_every_header_byte_and_a_sample_of_the_body(made: Made) -> None:
    add_person(made.store, "Alex Example")
    add_person(made.store, "Bo Example")
    original = made.path.read_bytes()
    end = _header_end(original)
    rng = random.Random(1234)
    body_sample = sorted(rng.sample(range(end, len(original)), min(40, len(original) - end)))
    body_sample += [end, len(original) - 1]  # first ciphertext byte, last tag byte
    for index in list(range(end)) + body_sample:
        damaged = _flip(made.path, original, index)
        with pytest.raises(StoreDamaged) as err:
            Store.open(made.path, ADMIN, PASSPHRASE)
        assert made.path.read_bytes() == damaged, f"byte {index}: the file was changed"
        assert err.value.code == "damaged"
        assert "Alex" not in err.value.message
    made.path.write_bytes(original)
    assert Store.open(made.path, ADMIN, PASSPHRASE).read().table("people").all()


def test_damage_is_reported_without_any_save_or_sidecar_change(made: Made) -> None:
    add_person(made.store)
    original = made.path.read_bytes()
    _flip(made.path, original, len(original) - 5)
    before = sorted(p.name for p in made.path.parent.rglob("*"))
    with pytest.raises(StoreDamaged):
        Store.open(made.path, ADMIN, PASSPHRASE)
    assert sorted(p.name for p in made.path.parent.rglob("*")) == before


def test_damage_lists_the_generations(made: Made) -> None:
    for i in range(3):
        add_person(made.store, f"Person {i}")
    data = bytearray(made.path.read_bytes())
    data[-1] ^= 0xFF
    made.path.write_bytes(bytes(data))
    with pytest.raises(StoreDamaged) as err:
        Store.open(made.path, ADMIN, PASSPHRASE)
    gens = err.value.generations
    assert [g.generation for g in gens] == [3, 2, 1]
    assert all(g.ok for g in gens)


def test_a_session_sees_damage_done_after_it_opened(made: Made) -> None:
    add_person(made.store)
    data = bytearray(made.path.read_bytes())
    data[-3] ^= 0x10
    made.path.write_bytes(bytes(data))
    with pytest.raises(StoreDamaged):
        made.store.read()
    with pytest.raises(StoreDamaged), made.store.transaction() as tx:
        tx.audit("never.saved")
    assert made.path.read_bytes() == bytes(data)


@pytest.mark.parametrize("cut", [0, 5, 13, 100, -1, -16, -17])
def test_truncated_files(made: Made, cut: int) -> None:
    data = made.path.read_bytes()
    made.path.write_bytes(data[:cut])
    with pytest.raises(StoreDamaged):
        Store.open(made.path, ADMIN, PASSPHRASE)


def test_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("shopping list\n")
    with pytest.raises(StoreDamaged):
        Store.open(path, ADMIN, PASSPHRASE)
    with pytest.raises(StoreDamaged):
        Store.admin_names(path)


def test_intact_newer_format_is_unknown_format_not_damage(made: Made) -> None:
    data = made.path.read_bytes()
    end = _header_end(data) - 32
    head = MAGIC + struct.pack(">H", 3) + data[10:end]
    made.path.write_bytes(head + hashlib.sha256(head).digest() + data[end + 32 :])
    with pytest.raises(UnknownFormat) as err:
        Store.open(made.path, ADMIN, PASSPHRASE)
    assert err.value.code == "unknown_format"


def test_header_changed_with_a_recomputed_checksum_fails_authentication(made: Made) -> None:
    """Someone who recomputes the checksum still cannot change the header unnoticed."""
    add_person(made.store)
    parsed = parse(made.path.read_bytes())
    from dataclasses import replace

    for forged in (
        replace(parsed.header, generation=parsed.header.generation + 5),
        replace(parsed.header, saved_by="Mallory"),
        replace(parsed.header, audit_length=1),
    ):
        made.path.write_bytes(encode_header(forged) + parsed.body)
        with pytest.raises(StoreDamaged):
            Store.open(made.path, ADMIN, PASSPHRASE)


def test_slot_swapped_between_stores_does_not_open(made: Made, tmp_path: Path) -> None:
    other, _ = Store.create(tmp_path / "other.store", ADMIN, PASSPHRASE, kdf=made.store._slot_kdf())
    mine = parse(made.path.read_bytes())
    theirs = parse(other.path.read_bytes())
    from dataclasses import replace

    forged = replace(mine.header, slots=theirs.header.slots)
    made.path.write_bytes(encode_header(forged) + mine.body)
    with pytest.raises((WrongPassphrase, StoreDamaged)):
        Store.open(made.path, ADMIN, PASSPHRASE)


# --- the parser never crashes -----------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_parser_never_crashes_on_arbitrary_bytes(data: bytes) -> None:
    with pytest.raises(StoreError):
        parse(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_parser_never_crashes_on_bytes_after_the_magic(rest: bytes) -> None:
    with contextlib.suppress(StoreError):
        parse(MAGIC + rest)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def _envelope(doc: Any) -> bytes:
    raw = json.dumps(doc).encode("utf-8")
    head = MAGIC + struct.pack(">HI", 1, len(raw)) + raw
    return head + hashlib.sha256(head).digest() + b"\x00" * 32


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_header_validation_never_crashes_on_arbitrary_json(doc: Any) -> None:
    with pytest.raises(StoreError):
        parse(_envelope(doc))


@pytest.fixture(scope="module")
def valid_header_doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from tests.conftest import FAST_KDF

    path = tmp_path_factory.mktemp("hdr") / "kiosk.store"
    Store.create(path, ADMIN, PASSPHRASE, kdf=FAST_KDF)
    return header_doc(parse(path.read_bytes()).header)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_header_validation_on_a_valid_header_with_one_field_changed(
    valid_header_doc: dict[str, Any], data: st.DataObject
) -> None:
    doc = json.loads(json.dumps(valid_header_doc))
    paths = _paths(doc)[1:]
    where = data.draw(st.sampled_from(paths))
    parent = doc
    for step in where[:-1]:
        parent = parent[step]
    if data.draw(st.booleans()) and isinstance(parent, dict):
        del parent[where[-1]]
    else:
        parent[where[-1]] = data.draw(json_values)
    try:
        parsed = parse(_envelope(doc))
    except StoreError:
        return
    assert parsed.header.slots  # whatever parses is a well-formed header
