"""Test-only tools that play the part of an insider who holds the data key, and of
other kiosk processes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from store import Store, signing
from store.body import decode, encode_fresh
from store.crypto import decrypt_body, encrypt_body
from store.format import Header, encode_header, parse

REPO = Path(__file__).resolve().parents[2]


def add_person(store: Store, name: str = "Alex Example", **extra: Any) -> int:
    with store.transaction() as tx:
        doc_id: int = tx.db.table("people").insert({"full_name": name, **extra})
        tx.audit("person.add", "people", doc_id)
    return doc_id


def names(store: Store) -> list[str]:
    return sorted(d["full_name"] for d in store.read().table("people").all())


def decrypt_file(path: Path, data_key: bytes | bytearray) -> tuple[Header, dict[str, Any]]:
    """The header and the decrypted body: {"db": document, "keyring": {...}}."""
    parsed = parse(path.read_bytes())
    plain = decrypt_body(data_key, parsed.header.body_nonce, parsed.body, parsed.aad)
    decoded = decode(plain)
    return parsed.header, {"db": decoded.document, "keyring": decoded.keyring}


def rewrite(
    path: Path,
    data_key: bytes | bytearray,
    change_body: Callable[[dict[str, Any]], None],
    change_header: Callable[[Header], Header] = lambda h: h,
) -> None:
    """Re-encrypt the file after changing its content, as someone with the key could."""
    header, body = decrypt_file(path, data_key)
    change_body(body)
    header = replace(change_header(header), body_nonce=os.urandom(12))
    head = encode_header(header)
    payload = encode_fresh(body["db"], body["keyring"])
    ciphertext = encrypt_body(data_key, header.body_nonce, payload, head)
    # The insider holds the signing key too: it is in the body they decrypted.
    sign = signing.private_from(bytes.fromhex(body["keyring"]["sign"]))
    path.write_bytes(head + ciphertext + signing.sign_file(sign, head, ciphertext))


def run_python(code: str, *args: str, **kwargs: Any) -> subprocess.Popen[str]:
    """Start another Python process importing this source tree."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
        **kwargs,
    )
