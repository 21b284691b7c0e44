"""The translation machinery: the committed template is complete, the en_XA pseudo-locale
transforms every message without breaking a placeholder, and the app's gettext picks it up.

The template test runs the real ``pybabel extract`` command (what the issue asks CI to run),
not our own extraction code, so a bug in :mod:`kiosk.i18n_tools` cannot hide a missing message.
"""

from __future__ import annotations

import gettext
import io
import re
import string
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from kiosk import i18n, i18n_tools, timefmt
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
    with (PSEUDO_DIR / "kiosk.mo").open("rb") as handle:
        return gettext.GNUTranslations(handle)


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


def test_compiled_pseudo_catalog_matches_its_po() -> None:
    """The committed .mo is what compiling the committed .po gives (nobody forgot to compile)."""
    with (PSEUDO_DIR / "kiosk.po").open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    assert (PSEUDO_DIR / "kiosk.mo").read_bytes() == buffer.getvalue()


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


def test_pseudo_rebuild_from_the_committed_template_changes_nothing(tmp_path: Path) -> None:
    """Rebuilding en_XA from the committed template gives the committed files byte for byte,
    so the tool causes no churn (dates) and the committed catalog is not stale."""
    rebuilt = i18n_tools.build_pseudo(i18n_tools.read_template())
    written = i18n_tools.write_catalog(rebuilt, tmp_path / "locale")
    assert written.read_bytes() == (PSEUDO_DIR / "kiosk.po").read_bytes()
    [mo_path] = i18n_tools.compile_all(tmp_path / "locale")
    assert mo_path.read_bytes() == (PSEUDO_DIR / "kiosk.mo").read_bytes()
    with mo_path.open("rb") as handle:
        assert len(read_mo(handle)) == len(rebuilt)


def test_template_write_is_skipped_when_nothing_changed(tmp_path: Path) -> None:
    copy = tmp_path / "kiosk.pot"
    copy.write_bytes(i18n_tools.TEMPLATE.read_bytes())
    assert i18n_tools.write_template(i18n_tools.read_template(), copy) is False
    assert copy.read_bytes() == i18n_tools.TEMPLATE.read_bytes()
