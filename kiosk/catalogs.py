"""Compiling a message catalog: the one way kiosk turns a ``.po`` file into ``.mo`` bytes.

The wheel's build hook (``hatch_build.py``) and a run from a source checkout both call
:func:`compile_po`, so what the tests load is what an installed kiosk loads. ``.mo`` files
are never committed: they would go stale, and their bytes depend on the Babel version.

This module imports only Babel, lazily, so that the build hook can load it by file path
without importing the rest of kiosk.
"""

from __future__ import annotations

import io
from pathlib import Path


def compile_po(po_path: Path) -> bytes:
    """The ``.mo`` bytes for the catalog in ``po_path`` (fuzzy entries left out, as msgfmt)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def po_files(locale_dir: Path, domain: str) -> list[Path]:
    """Every ``<locale>/LC_MESSAGES/<domain>.po`` under ``locale_dir``."""
    return sorted(locale_dir.glob(f"*/LC_MESSAGES/{domain}.po"))
