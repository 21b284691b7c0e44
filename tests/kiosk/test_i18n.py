"""The translation machinery: the committed template is complete, the en_XA pseudo-locale
transforms every message without breaking a placeholder, and the app's gettext picks it up.

The template test runs the real ``pybabel extract`` command (what the issue asks CI to run),
not our own extraction code, so a bug in :mod:`kiosk.i18n_tools` cannot hide a missing message.
"""

from __future__ import annotations

import gettext
import importlib.metadata
import io
import json
import re
import string
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from kiosk import catalogs, i18n, i18n_tools, timefmt
from kiosk.i18n import DEFAULT_LOCALE, _, ngettext, set_locale

REPO = Path(__file__).resolve().parents[2]
PSEUDO_DIR = i18n.LOCALE_DIR / i18n_tools.PSEUDO_LOCALE / "LC_MESSAGES"


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    """Every test here may switch the process-wide locale; put English back."""
    yield
    set_locale(DEFAULT_LOCALE)


def _template_messages() -> list[str | tuple[str, ...]]:
    return sorted(i18n_tools.message_ids(i18n_tools.read_template()), key=repr)


def _pseudo_translations() -> gettext.GNUTranslations:
    return gettext.GNUTranslations(io.BytesIO(catalogs.compile_po(PSEUDO_DIR / "kiosk.po")))


def _plain(value: object) -> object:
    """A plural translation as a tuple, whether Babel read it as a list or a tuple."""
    return tuple(value) if isinstance(value, list | tuple) else value


def _meaning(catalog: Catalog) -> tuple[object, ...]:
    """What a catalog says, without what the tool that wrote it says about itself: every
    message's id, context, translation and flags, and the plural rule. Headers such as
    Generated-By (Babel's version) and the creation date are left out on purpose."""
    messages = sorted(
        (
            repr(_plain(message.id)),
            repr(message.context),
            repr(_plain(message.string)),
            tuple(sorted(message.flags)),
        )
        for message in catalog
        if message.id
    )
    return (catalog.plural_forms, catalog.num_plurals, tuple(messages))


def _fields(message: str) -> list[tuple[str | None, str | None, str | None]]:
    """The str.format fields of a message: (name, format spec, conversion), in order."""
    return [
        (name, spec, conversion)
        for _literal, name, spec, conversion in string.Formatter().parse(message)
        if name is not None
    ]


def _outside_protected(message: str) -> str:
    """The text the pseudo-translation is allowed to change (placeholders and tags removed)."""
    return i18n_tools._PROTECTED.sub("", message)


# -- the template -----------------------------------------------------------------------


def test_pybabel_extract_finds_no_message_missing_from_the_template(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.pot"
    result = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-o", str(fresh), "--no-location", "."],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    with fresh.open("rb") as handle:
        extracted = i18n_tools.message_ids(read_po(handle))
    committed = i18n_tools.message_ids(i18n_tools.read_template())
    missing = sorted(extracted - committed, key=repr)
    assert extracted, "pybabel extract found no messages at all: babel.cfg is not being read"
    assert not missing, (
        f"{len(missing)} message(s) are missing from kiosk/locale/kiosk.pot; "
        f"run `python -m kiosk.i18n_tools` and commit the catalogs. First: {missing[:5]}"
    )


def test_our_extraction_agrees_with_pybabel(tmp_path: Path) -> None:
    """The tool's programmatic extraction and the pybabel command see the same messages."""
    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-o", str(fresh), "."],
        cwd=REPO, capture_output=True, timeout=120, check=True,
    )
    with fresh.open("rb") as handle:
        by_pybabel = i18n_tools.message_ids(read_po(handle))
    assert i18n_tools.message_ids(i18n_tools.extract(REPO)) == by_pybabel


def test_check_mode_reports_a_message_missing_from_the_template(tmp_path: Path) -> None:
    """The CI check would really fail: a template without one message is caught."""
    template = i18n_tools.read_template()
    dropped = next(message for message in template if message.id)
    del template[dropped.id]
    short = tmp_path / "kiosk.pot"
    with short.open("wb") as handle:
        from babel.messages.pofile import write_po

        write_po(handle, template)
    missing = i18n_tools.missing_from_template(REPO, short)
    expected = tuple(dropped.id) if isinstance(dropped.id, list | tuple) else dropped.id
    assert expected in missing


# -- the pseudo-locale catalog ----------------------------------------------------------


def test_pseudo_catalog_covers_the_whole_template() -> None:
    with (PSEUDO_DIR / "kiosk.po").open("rb") as handle:
        pseudo_ids = i18n_tools.message_ids(read_po(handle))
    missing = set(_template_messages()) - pseudo_ids
    assert not missing, f"en_XA lacks {len(missing)} message(s): run python -m kiosk.i18n_tools"


def test_compiled_pseudo_catalog_says_what_its_po_says() -> None:
    """Compiling keeps every message, translation and plural form of the .po."""
    with (PSEUDO_DIR / "kiosk.po").open("rb") as handle:
        source = read_po(handle)
    compiled = read_mo(io.BytesIO(catalogs.compile_po(PSEUDO_DIR / "kiosk.po")))
    assert len(compiled) == len(source) > 100
    for message in source:
        if message.id:
            assert _plain(compiled[message.id].string) == _plain(message.string), message.id


def test_no_compiled_catalog_is_committed() -> None:
    """A committed .mo could go stale and would shadow the .po in a checkout."""
    assert not list(i18n.LOCALE_DIR.glob("*/LC_MESSAGES/*.mo"))


def test_the_installed_wheel_carries_the_catalog_its_po_compiles_to() -> None:
    """The build hook compiled the same catalog that a checkout compiles in memory."""
    try:
        dist = importlib.metadata.distribution("nhsmail-kiosk")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("kiosk is not installed (pip install . builds the wheel)")
    direct_url = dist.read_text("direct_url.json") or "{}"
    if json.loads(direct_url).get("dir_info", {}).get("editable"):
        pytest.skip("an editable install runs from the checkout: it has no compiled catalog")
    [mo_file] = [
        f for f in dist.files or [] if f.as_posix() == "kiosk/locale/en_XA/LC_MESSAGES/kiosk.mo"
    ]
    installed = read_mo(io.BytesIO(Path(str(dist.locate_file(mo_file))).read_bytes()))
    with (PSEUDO_DIR / "kiosk.po").open("rb") as handle:
        source = read_po(handle)
    # A .mo keeps ids, contexts and translations; flags live only in the .po.
    assert [m[:3] for m in _meaning(installed)[2]] == [m[:3] for m in _meaning(source)[2]]


def test_every_message_is_visibly_transformed_and_keeps_its_placeholders() -> None:
    translations = _pseudo_translations()
    checked = 0
    for msgid in _template_messages():
        if isinstance(msgid, tuple):
            pairs = [
                (msgid[0], translations.ngettext(msgid[0], msgid[1], 1)),
                (msgid[1], translations.ngettext(msgid[0], msgid[1], 2)),
            ]
        else:
            pairs = [(msgid, translations.gettext(msgid))]
        for english, translated in pairs:
            checked += 1
            if re.search(r"[A-Za-z]", _outside_protected(english)):
                assert translated != english, f"not transformed: {english!r}"
            assert not re.search(r"[A-Za-z]", _outside_protected(translated)), (
                f"plain English letters left in {translated!r}"
            )
            assert len(translated) >= len(english)
            assert re.findall(r"\[[^\[\]\n]*\]", translated) == re.findall(
                r"\[[^\[\]\n]*\]", english
            ), f"markup changed in {translated!r}"
            try:
                fields = _fields(english)
            except ValueError:  # not a format string (a lone brace): must be kept as it is
                assert translated.count("{") == english.count("{")
                continue
            assert _fields(translated) == fields, f"placeholders changed in {translated!r}"
            values = {name: 1 for name, _spec, _conv in fields if name}
            if all(name and name.isidentifier() for name, _s, _c in fields):
                translated.format(**values)  # the same .format(**) call as the English works
    assert checked > 100, "the template looks empty"


@given(
    st.lists(
        st.one_of(
            st.text(alphabet=string.ascii_letters + " ,.:'!?-()", max_size=12),
            st.sampled_from(["{name}", "{count:d}", "{{", "}}", "[b]", "[/b]", "%s", "%(x)s",
                             "\\[", "\n", "--admin", "[@click=app.quit]"]),
        ),
        max_size=8,
    )
)
def test_pseudo_keeps_every_protected_piece(pieces: list[str]) -> None:
    english = "".join(pieces)
    translated = i18n_tools.pseudo(english)
    assert i18n_tools._PROTECTED.findall(translated) == i18n_tools._PROTECTED.findall(english)
    assert not re.search(r"[A-Za-z]", _outside_protected(translated))
    assert len(translated) >= len(english)


def test_pseudo_example() -> None:
    assert i18n_tools.pseudo("Add [b]{name}[/b] to people") == (
        "ÅÅðð [b]{name}[/b] ţöö þééööþļéé"
    )


# -- the running app's gettext ----------------------------------------------------------


def test_set_locale_pseudo_translates_through_underscore() -> None:
    set_locale("en_XA")
    assert _("People") == i18n_tools.pseudo("People") != "People"
    assert ngettext("{count} day", "{count} days", 2) in (
        i18n_tools.pseudo("{count} days"),
        "{count} days",  # only if this plural is not in the sources at all
    )
    # Dates still format: Babel does not know en_XA, so they fall back to en_GB.
    assert i18n.current_locale() == DEFAULT_LOCALE
    assert timefmt.day(date(2026, 11, 24)) == "24 Nov 2026"


@pytest.mark.parametrize("unknown", ["xx_YY", "fr_ZZ", "", "not a locale"])
def test_unknown_locale_falls_back_to_english(unknown: str) -> None:
    set_locale("en_XA")
    set_locale(unknown)
    assert _("People") == "People"
    assert i18n.current_locale() in (DEFAULT_LOCALE, unknown)
    assert timefmt.day(date(2026, 11, 24))  # and dates do not crash


def test_pseudo_rebuild_from_the_committed_template_changes_no_message(tmp_path: Path) -> None:
    """Rebuilding en_XA from the committed template says exactly what the committed catalog
    says (so it is not stale), whatever Babel version writes the file's header."""
    rebuilt = i18n_tools.build_pseudo(i18n_tools.read_template())
    written = i18n_tools.write_catalog(rebuilt, tmp_path / "locale")
    with written.open("rb") as fresh, (PSEUDO_DIR / "kiosk.po").open("rb") as committed:
        assert _meaning(read_po(fresh)) == _meaning(read_po(committed))


def test_meaning_ignores_the_generator_but_not_a_translation() -> None:
    """The comparison above can fail: a changed translation is a difference, a header not."""
    with (PSEUDO_DIR / "kiosk.po").open("rb") as handle:
        committed = read_po(handle)
    with (PSEUDO_DIR / "kiosk.po").open("rb") as handle:
        other = read_po(handle)
    other.msgid_bugs_address = "someone@example.org"
    other.creation_date = datetime(2001, 1, 1, tzinfo=UTC)
    assert _meaning(other) == _meaning(committed)
    message = next(m for m in other if m.id and isinstance(m.id, str))
    message.string = message.string + "!"
    assert _meaning(other) != _meaning(committed)


def test_check_mode_reports_a_catalog_missing_a_message(tmp_path: Path) -> None:
    """`python -m kiosk.i18n_tools --check` (run by CI) notices a stale catalog too."""
    with (PSEUDO_DIR / "kiosk.po").open("rb") as handle:
        catalog = read_po(handle)
    dropped = next(message for message in catalog if message.id)
    del catalog[dropped.id]
    written = i18n_tools.write_catalog(catalog, tmp_path / "locale")
    missing = i18n_tools.missing_from_catalogs(locale_dir=written.parents[2])
    expected = tuple(dropped.id) if isinstance(dropped.id, list | tuple) else dropped.id
    assert expected in missing["en_XA"]


def test_template_write_is_skipped_when_nothing_changed(tmp_path: Path) -> None:
    copy = tmp_path / "kiosk.pot"
    copy.write_bytes(i18n_tools.TEMPLATE.read_bytes())
    assert i18n_tools.write_template(i18n_tools.read_template(), copy) is False
    assert copy.read_bytes() == i18n_tools.TEMPLATE.read_bytes()
