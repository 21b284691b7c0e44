"""Fixtures shared by the kiosk domain tests."""

from __future__ import annotations

import pytest

from kiosk import timefmt


@pytest.fixture
def iso_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every date and time kiosk formats, as a token no Babel release words differently.

    Golden files of printable pages are compared byte for byte; Babel's wording of a date
    comes from its CLDR data and may change with a release (issue 16), so those tests write
    ``[2026-11-24 medium]`` where a page says "24 Nov 2026", and another test checks that
    the real page carries Babel's wording."""
    monkeypatch.setattr(timefmt, "_format_day", lambda d, fmt, locale: f"[{d.isoformat()} {fmt}]")
    monkeypatch.setattr(
        timefmt,
        "format_datetime",
        lambda dt, format, tzinfo, locale: f"[{dt.astimezone(tzinfo).isoformat()} {format}]",
    )
    monkeypatch.setattr(timefmt, "_format_delta", lambda delta, locale: f"[{delta.days} days]")
