"""A store error as one sentence, from the domain (kiosk.store_errors), for CLI and screens.

The wording lived in the CLI's helpers and the domain (kiosk.admins) imported the CLI to
reach it; the domain must never depend on its own front end.
"""

from __future__ import annotations

import grimp
import pytest

import store.errors as store_errors_module
from kiosk.store_errors import describe_store_error
from store.errors import StoreError


def _store_error_classes() -> list[type[StoreError]]:
    found = [StoreError]
    for value in vars(store_errors_module).values():
        if isinstance(value, type) and issubclass(value, StoreError):
            found.append(value)
    return list(dict.fromkeys(found))


@pytest.mark.parametrize("cls", _store_error_classes(), ids=lambda c: c.__name__)
def test_every_store_error_is_one_plain_sentence(cls: type[StoreError]) -> None:
    text = describe_store_error(cls())
    assert text and "\n" not in text


def test_a_wrong_recovery_key_is_named_as_such() -> None:
    wrong = next(c for c in _store_error_classes() if c.code == "wrong_passphrase")
    assert describe_store_error(wrong()) != describe_store_error(wrong(), recovery=True)
    assert "recovery key" in describe_store_error(wrong(), recovery=True)


def test_no_domain_module_imports_the_cli() -> None:
    """kiosk.cli is the top of the kiosk package: it may use the domain, never the reverse
    (kiosk.admins once imported the CLI's helpers for this sentence)."""
    graph = grimp.build_graph("kiosk", "store", cache_dir=None)
    cli = {"kiosk.cli"} | graph.find_descendants("kiosk.cli")
    entry_points = {"kiosk.__main__"}  # ``python -m kiosk`` runs the CLI's main
    assert len(cli) > 5  # the package was found
    offenders = sorted(
        (importer, imported)
        for imported in cli
        for importer in graph.find_modules_that_directly_import(imported)
        if importer not in cli | entry_points
    )
    assert offenders == []
