"""The emergency call card: golden HTML for the demo care group, no personal data in it,
hostile text escaped, the HTML builder's guarantees, ``kiosk report --card`` as a real
process, and (where Chromium is installed) a real browser printing it to PDF.

The golden file carries dates as ISO tokens (the ``iso_dates`` fixture: Babel's wording
may change with its release, issue 16); another test checks the real date. After an
intended wording change, rewrite the golden file with
``KIOSK_UPDATE_GOLDEN=1 pytest -n 0 tests/kiosk/test_call_card.py`` and review the diff.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from kiosk import demo, facts, html_page, records, timefmt
from kiosk.call_card import call_card
from kiosk.cli.report import AUDIT_ACTION
from kiosk.model import Person, Site
from kiosk.validators import display_phone
from store import Store
from tests.conftest import FAST_KDF, KIOSK_ADMIN, KIOSK_PASSPHRASE

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden" / "call_card_demo.html"
TODAY = date(2026, 11, 24)  # a Tuesday
HOSTILE = "<script>alert(1)</script>"


def demo_data(store: Store) -> tuple[list[Site], list[Person]]:
    demo.populate(store, TODAY)
    db = store.read()
    return records.sites(db), records.people(db)


@pytest.fixture
def demo_store(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk.store"
    store, _code = Store.create(path, KIOSK_ADMIN, KIOSK_PASSPHRASE, kdf=FAST_KDF)
    try:
        demo.populate(store, TODAY)
    finally:
        store.close()
    return path


def test_demo_card_matches_golden(kiosk_store: Store, iso_dates: None) -> None:
    sites, _people = demo_data(kiosk_store)
    card = call_card(sites, TODAY)
    if os.environ.get("KIOSK_UPDATE_GOLDEN"):
        GOLDEN.write_text(card, encoding="utf-8")
    assert GOLDEN.exists(), f"no golden file {GOLDEN.name}: run with KIOSK_UPDATE_GOLDEN=1"
    assert card == GOLDEN.read_text(encoding="utf-8")


def test_card_has_every_site_fact_and_one_page_per_site(kiosk_store: Store) -> None:
    sites, _people = demo_data(kiosk_store)
    card = call_card(sites, TODAY)
    assert card.count('<section class="card">') == len(sites) == 2
    for site in sites:
        for fact in (site.ods_code, site.cqc_location_id, display_phone(site.site_phone)):
            assert fact in card
    for fact in (facts.NAS_PHONE, facts.ESCALATION_EMAIL, facts.ESCALATION_ON_CALL):
        assert fact in card
    assert "09:00 to 17:00" in card
    assert "@page { size: A4; margin: 15mm; }" in card
    assert timefmt.long_day(TODAY) in card  # the one date on it: when it was printed


def test_card_holds_no_personal_data_of_any_demo_person(kiosk_store: Store) -> None:
    sites, people = demo_data(kiosk_store)
    data = call_card(sites, TODAY).encode("utf-8").lower()
    assert len(people) >= 10
    for person in people:
        found = [person.full_name, person.full_name.split()[-1], person.personal_mobile]
        found += [display_phone(person.personal_mobile), person.personal_email or ""]
        found += [person.nhsmail or ""]
        for value in filter(None, found):
            assert value.encode("utf-8").lower() not in data, "personal data on the card"
    # Nothing that looks like a mobile or a non-NHS address at all.
    assert not re.search(rb"07\d{3} ?\d{6}", data)
    assert not re.search(rb"@example\.(org|com)", data)


def test_hostile_site_name_is_text_not_markup(kiosk_store: Store) -> None:
    sites, _people = demo_data(kiosk_store)
    hostile = replace(sites[0], name=HOSTILE + "\x1b[31m")
    card = call_card([hostile], TODAY)
    assert "<script" not in card.casefold()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in card
    assert "\x1b" not in card and "␛[31m" in card


def test_page_is_inert_and_self_contained(kiosk_store: Store) -> None:
    sites, _people = demo_data(kiosk_store)
    card = call_card(sites, TODAY).casefold()
    assert 'content="default-src &#x27;none&#x27;; style-src &#x27;unsafe-inline&#x27;"' in card
    for fetches in (
        "<script",
        "src=",
        "href=",
        "url(",
        "@import",
        "<link",
        "<img",
        "http:",
        "https:",
    ):
        assert fetches not in card


def test_builder_refuses_tags_and_classes_from_data() -> None:
    with pytest.raises(ValueError):
        html_page.el("script", "x")
    with pytest.raises(ValueError):
        html_page.el("p", "x", cls='a" onclick="b')
    assert html_page.render(html_page.el("p", 'a<b>&"c')) == "<p>a&lt;b&gt;&amp;&quot;c</p>\n"


# --- kiosk report as a real process --------------------------------------------------------


def kiosk(store_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_COLOR="1")
    env.pop("KIOSK_STORE", None)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "report",
            *argv,
            "--store",
            str(store_path),
            "--admin",
            KIOSK_ADMIN,
            "--passphrase-stdin",
        ],
        input=KIOSK_PASSPHRASE + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def audit_actions(store_path: Path) -> list[tuple[str, str]]:
    store = Store.open(store_path, KIOSK_ADMIN, KIOSK_PASSPHRASE)
    try:
        return [(entry.action, entry.detail) for entry in store.audit_entries()]
    finally:
        store.close()


def test_cli_writes_a_new_0600_file_and_audits_it(demo_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "card.html"
    result = kiosk(demo_store, "--card", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = out.read_text(encoding="utf-8")
    assert text.count('<section class="card">') == 2
    assert "Harbour View Care Home" in text and "Meadowbank Lodge" in text
    assert audit_actions(demo_store)[-1] == (AUDIT_ACTION, "VZZ01,VZZ02")


def test_cli_one_site(demo_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "card.html"
    result = kiosk(demo_store, "--card", "--out", str(out), "--site", "vzz02")
    assert result.returncode == 0, result.stderr
    assert "Meadowbank Lodge" in out.read_text(encoding="utf-8")
    assert "Harbour View" not in out.read_text(encoding="utf-8")
    assert audit_actions(demo_store)[-1] == (AUDIT_ACTION, "VZZ02")


def test_cli_refuses_an_existing_file(demo_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "card.html"
    out.write_text("mine", encoding="utf-8")
    before = audit_actions(demo_store)
    result = kiosk(demo_store, "--card", "--out", str(out))
    assert result.returncode == 1
    assert "already exists" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert out.read_text(encoding="utf-8") == "mine"
    assert audit_actions(demo_store) == before


def test_cli_unknown_ods_is_a_mistake(demo_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "card.html"
    before = audit_actions(demo_store)
    result = kiosk(demo_store, "--card", "--out", str(out), "--site", "VZZ99")
    assert result.returncode == 1
    assert "VZZ99" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()
    assert audit_actions(demo_store) == before


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed")
def test_headless_chromium_prints_the_card_to_pdf(kiosk_store: Store, tmp_path: Path) -> None:
    sites, _people = demo_data(kiosk_store)
    page = tmp_path / "card.html"
    page.write_text(call_card(sites, TODAY), encoding="utf-8")
    pdf = tmp_path / "card.pdf"
    result = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        first = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "Harbour View Care Home" in first
        assert "Meadowbank Lodge" not in first  # the second site starts on its own page
    if shutil.which("pdfinfo"):
        info = subprocess.run(
            ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
        ).stdout
        assert re.search(r"^Pages:\s+2$", info, re.MULTILINE), "one A4 page per site"
        assert "(A4)" in info
