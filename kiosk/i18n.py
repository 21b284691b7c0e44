"""Every user-facing sentence goes through here, so the product can be translated.

Messages are extracted with ``pybabel extract -F babel.cfg`` into ``kiosk/locale/kiosk.pot``;
each locale's catalog is ``kiosk/locale/<locale>/LC_MESSAGES/kiosk.po``. An installed wheel
carries the ``.mo`` its build hook compiled; a source checkout has none, so the ``.po`` is
compiled in memory by the same function (:func:`kiosk.catalogs.compile_po`). With no
catalog for a locale the English source text is shown, never an error.

Module-level data (call scripts, field labels) must not be translated at import time,
because the locale is chosen later from ``--locale``: mark such strings with :func:`N_`
and pass them through :func:`_` where they are shown.
"""

from __future__ import annotations

import gettext as _gettext
import io
from pathlib import Path

DOMAIN = "kiosk"
LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LOCALE = "en_GB"

_translations: _gettext.NullTranslations = _gettext.NullTranslations()
_locale = DEFAULT_LOCALE


def set_locale(locale: str) -> None:
    """Switch the catalog and the Babel locale used for dates; unknown locales fall back."""
    global _translations, _locale
    requested = locale or DEFAULT_LOCALE
    _translations = _load_translations(requested)
    # Dates go through Babel, which refuses locales CLDR lacks (the en_XA pseudo-locale,
    # a typo in --locale): those read their dates in the default locale instead of crashing.
    # The default is in CLDR: no need to import Babel for it before the first screen.
    if requested != DEFAULT_LOCALE:
        from babel import Locale, UnknownLocaleError

        try:
            Locale.parse(requested)
        except (UnknownLocaleError, ValueError):
            requested = DEFAULT_LOCALE
    _locale = requested


def _load_translations(locale: str) -> _gettext.NullTranslations:
    """The compiled catalog for ``locale``, or its ``.po`` compiled now (source checkout)."""
    found = _gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[locale], fallback=True)
    if type(found) is not _gettext.NullTranslations:
        return found
    for candidate in dict.fromkeys([locale, locale.split(".")[0], locale.split("_")[0]]):
        po_path = LOCALE_DIR / candidate / "LC_MESSAGES" / f"{DOMAIN}.po"
        if candidate.replace("_", "").isalnum() and po_path.is_file():
            from kiosk.catalogs import compile_po

            return _gettext.GNUTranslations(io.BytesIO(compile_po(po_path)))
    return found


def current_locale() -> str:
    """The Babel locale identifier for formatting dates and numbers (e.g. ``en_GB``)."""
    return _locale


def _(message: str) -> str:
    """Translate ``message`` in the current locale."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose wording depends on a count."""
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:  # the conventional gettext marker name
    """Mark ``message`` for extraction without translating it yet (see module docstring)."""
    return message
