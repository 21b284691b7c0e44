"""Maintainer's tool for the message catalogs: extract and pseudo-translate.

Run ``python -m kiosk.i18n_tools`` from a checkout after changing any user-facing text.
It does two things, both with Babel's own APIs so the result matches ``pybabel``:

1. extracts every ``_()``/``ngettext()``/``N_()`` message from the sources named in
   ``babel.cfg`` into the template ``kiosk/locale/kiosk.pot``;
2. builds the pseudo-locale ``en_XA``: every message accented and lengthened, with
   ``{placeholders}``, ``%s``-style conversions and markup such as ``[b]`` left exactly as
   they were. Running the app with ``--locale en_XA`` (or the pseudo-locale walk in the
   tests) makes any text that skipped gettext stand out as plain English, and shows where a
   longer translation would be cut off.

The template and the ``.po`` catalogs are committed; ``.mo`` files are not: the wheel's
build hook (``hatch_build.py``) compiles them with :func:`kiosk.catalogs.compile_po`, and a
source checkout compiles in memory with the same function. ``--check`` reports whether the
committed template or a committed catalog is missing a message; ``.ci/run`` runs it.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from kiosk import __version__
from kiosk.i18n import DOMAIN, LOCALE_DIR

PROJECT = "kiosk"
COPYRIGHT_HOLDER = "kiosk developers"
PSEUDO_LOCALE = "en_XA"
REPO_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"

MessageId = str | tuple[str, ...]

# Kept verbatim by the pseudo-translation: str.format fields ({name}, {count:d}, {{ and }}),
# printf conversions (%s, %(name)s, %%), Textual/Rich markup tags ([b], [/b], [@click=x]),
# escaped brackets (\[), command-line options (--admin) and line breaks.
_PROTECTED = re.compile(
    r"\{\{|\}\}"
    r"|--[a-z][-a-z]*"
    r"|\{[^{}]*\}"
    r"|%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]"
    r"|\\\["
    r"|\[[^\[\]\n]*\]"
    r"|\n"
)

_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "åƀçðéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÅƁÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
_VOWELS = frozenset("aeiouyAEIOUY")


def _pseudo_plain(text: str) -> str:
    """Accent every ASCII letter and double the vowels (about 30-40% longer, like German)."""
    out: list[str] = []
    for char in text:
        accented = char.translate(_ACCENTED)
        out.append(accented + accented if char in _VOWELS else accented)
    return "".join(out)


def pseudo(message: str) -> str:
    """The ``en_XA`` form of one message: still readable, visibly not English, and longer.

    Only the text between protected pieces changes, so every placeholder a caller fills
    with ``.format(**)`` and every markup tag survives unchanged.
    """
    if not message:
        return message
    pieces: list[str] = []
    position = 0
    for match in _PROTECTED.finditer(message):
        pieces.append(_pseudo_plain(message[position : match.start()]))
        pieces.append(match.group(0))
        position = match.end()
    pieces.append(_pseudo_plain(message[position:]))
    return "".join(pieces)


def extract(root: Path = REPO_ROOT) -> Catalog:
    """Every translatable message in the sources ``babel.cfg`` names, as a template catalog."""
    with (root / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, "babel.cfg")  # type: ignore[no-untyped-call]
    catalog = Catalog(
        project=PROJECT,
        version=__version__,
        copyright_holder=COPYRIGHT_HOLDER,
        domain=DOMAIN,
        fuzzy=False,
    )
    for filename, lineno, message, comments, context in extract_from_dir(
        root, method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        catalog.add(
            message,
            None,
            [(Path(filename).as_posix(), lineno)],
            auto_comments=comments,
            context=context,
        )
    return catalog


def message_ids(catalog: Iterable[object]) -> set[MessageId]:
    """The message ids of a catalog (a plural message's id is its singular and plural)."""
    ids: set[MessageId] = set()
    for message in catalog:
        msgid = getattr(message, "id", "")
        if not msgid:
            continue  # the header
        ids.add(tuple(msgid) if isinstance(msgid, list | tuple) else str(msgid))
    return ids


def _po_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    # File names but no line numbers: the template changes when messages do, not when
    # someone adds a line above one.
    write_po(buffer, catalog, width=100, sort_output=True, include_lineno=False)
    return buffer.getvalue()


def read_template(path: Path = TEMPLATE) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def write_template(catalog: Catalog, path: Path = TEMPLATE) -> bool:
    """Write the template unless it already holds exactly these messages and locations.

    Returns whether the file changed (the header's creation date alone is no change)."""
    if path.exists():
        old = read_template(path)
        if _comparable(old) == _comparable(catalog):
            return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_po_bytes(catalog))
    return True


def _comparable(catalog: Catalog) -> list[tuple[object, ...]]:
    return sorted(
        (
            repr(message.id),
            repr(message.context),
            tuple(sorted({filename for filename, _line in message.locations})),
        )
        for message in catalog
        if message.id
    )


def build_pseudo(template: Catalog, locale: str = PSEUDO_LOCALE) -> Catalog:
    """The pseudo-locale catalog: every template message, transformed by :func:`pseudo`."""
    # The template's dates, not today's: rebuilding an unchanged template changes no file.
    catalog = Catalog(
        locale=locale,
        project=PROJECT,
        version=template.version,
        copyright_holder=COPYRIGHT_HOLDER,
        domain=DOMAIN,
        fuzzy=False,
        creation_date=template.creation_date,
        revision_date=template.creation_date,
    )
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, list | tuple):
            singular, plural = str(message.id[0]), str(message.id[1])
            string: str | tuple[str, ...] = tuple(
                pseudo(singular) if i == 0 else pseudo(plural) for i in range(catalog.num_plurals)
            )
            msgid: str | tuple[str, str] = (singular, plural)
        else:
            msgid = str(message.id)
            string = pseudo(msgid)
        catalog.add(msgid, string, message.locations, context=message.context)
    return catalog


def catalog_dirs(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Every ``<locale>/LC_MESSAGES`` folder that holds a ``kiosk.po``."""
    return sorted(po.parent for po in locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def write_catalog(catalog: Catalog, locale_dir: Path = LOCALE_DIR) -> Path:
    """Write ``<locale>/LC_MESSAGES/kiosk.po`` for ``catalog``; returns the .po path."""
    folder = locale_dir / str(catalog.locale_identifier) / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    po_path = folder / f"{DOMAIN}.po"
    po_path.write_bytes(_po_bytes(catalog))
    return po_path


def missing_from_template(root: Path = REPO_ROOT, template: Path = TEMPLATE) -> set[MessageId]:
    """Messages in the sources that the committed template lacks (CI wants none)."""
    return message_ids(extract(root)) - message_ids(read_template(template))


def missing_from_catalogs(
    template: Path = TEMPLATE, locale_dir: Path = LOCALE_DIR
) -> dict[str, set[MessageId]]:
    """For each committed ``.po``, the template's messages it lacks (CI wants none)."""
    wanted = message_ids(read_template(template))
    missing: dict[str, set[MessageId]] = {}
    for folder in catalog_dirs(locale_dir):
        with (folder / f"{DOMAIN}.po").open("rb") as handle:
            lacking = wanted - message_ids(read_po(handle))
        if lacking:
            missing[folder.parent.name] = lacking
    return missing


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kiosk.i18n_tools",
        description="Extract kiosk's messages, rebuild the en_XA pseudo-locale, compile catalogs.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="only report messages missing from the template or a catalog (exit 1 if any)",
    )
    args = parser.parse_args(argv)
    if args.check:
        missing = missing_from_template()
        for msgid in sorted(missing, key=repr):
            print(f"missing from {TEMPLATE.name}: {msgid!r}", file=sys.stderr)
        stale = missing_from_catalogs()
        for locale, lacking in sorted(stale.items()):
            for msgid in sorted(lacking, key=repr):
                print(f"missing from {locale}/LC_MESSAGES/{DOMAIN}.po: {msgid!r}", file=sys.stderr)
        if missing or stale:
            print("run `python -m kiosk.i18n_tools` and commit the catalogs", file=sys.stderr)
        return 1 if missing or stale else 0
    changed = write_template(extract())
    template = read_template()
    print(
        f"{TEMPLATE.relative_to(REPO_ROOT)}: {len(message_ids(template))} messages"
        + (" (updated)" if changed else " (unchanged)")
    )
    po_path = write_catalog(build_pseudo(template))
    print(f"{po_path.relative_to(REPO_ROOT)}: rebuilt")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
