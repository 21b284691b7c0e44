"""The assurance report: golden HTML for the demo care group, the same verdicts as
``kiosk status``, no personal mobile or email in its bytes, hostile text escaped,
``kiosk report`` as a real process, and (where Chromium is installed) a real browser
printing it to PDF with the site names on the first page.

The golden file is compared byte for byte with every date written as an ISO token
instead of through Babel: Babel's wording of a date can change with its CLDR data (issue
16), the report's own words and structure cannot change without a reviewed diff. One test
checks that the real output does carry Babel's dates. After an intended change, rewrite the
golden file with ``KIOSK_UPDATE_GOLDEN=1 pytest -n 0 tests/kiosk/test_report.py`` and
review the diff.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kiosk import demo, people, records, report, timefmt
from kiosk.drafts import save_draft
from kiosk.model import PEOPLE, Person, Role
from kiosk.report_html import render_report
from kiosk.site_status import read_status
from kiosk.validators import display_phone
from store import Store
from tests.conftest import FAST_KDF, KIOSK_ADMIN, KIOSK_PASSPHRASE

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden" / "report_demo.html"
TODAY = date(2026, 11, 24)  # a Tuesday
STORE_TIME = datetime(2026, 11, 24, 9, 15, tzinfo=UTC)
NOW = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)
HOSTILE = '<script>alert(1)</script> "Quote" & Co'


@pytest.fixture
def demo_store(tmp_path: Path) -> Iterator[Store]:
    store, _code = Store.create(
        tmp_path / "kiosk.store",
        KIOSK_ADMIN,
        KIOSK_PASSPHRASE,
        kdf=FAST_KDF,
        now=lambda: STORE_TIME,
    )
    demo.populate(store, TODAY)
    yield store
    store.close()


def make(store: Store, ods: str | None = None, as_of: date = TODAY) -> str:
    html, _sites = report.make_report(store, ods, now=NOW, as_of=as_of, render=render_report)
    return html


def test_demo_report_matches_golden(demo_store: Store, iso_dates: None) -> None:
    html = make(demo_store)
    if os.environ.get("KIOSK_UPDATE_GOLDEN"):
        GOLDEN.write_text(html, encoding="utf-8")
    assert GOLDEN.exists(), f"no golden file {GOLDEN.name}: run with KIOSK_UPDATE_GOLDEN=1"
    assert html == GOLDEN.read_text(encoding="utf-8")


def test_real_output_carries_babel_dates(demo_store: Store) -> None:
    html = make(demo_store)
    assert timefmt.day(TODAY) in html
    assert timefmt.moment(NOW) in html
    assert "[2026-" not in html


def test_report_is_inert_self_contained_and_a4(demo_store: Store) -> None:
    html = make(demo_store).casefold()
    assert "@page { size: a4; margin: 15mm; }" in html
    assert "default-src &#x27;none&#x27;" in html
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
        assert fetches not in html


def test_the_report_agrees_with_kiosk_status(demo_store: Store) -> None:
    """Cover, who can sign in and the DSPT: the same read as ``kiosk status`` and the
    dashboard, on the same day, so the three never disagree."""
    built = report.build_report(demo_store, records.sites(demo_store.read()), now=NOW, as_of=TODAY)
    status = read_status(demo_store.read(), TODAY)
    assert len(built.sites) == len(status.sites) == 2
    for mine, theirs in zip(built.sites, status.sites, strict=True):
        assert mine.cover == theirs.cover
        assert mine.dspt == theirs.dspt
        expected = sorted((p.full_name, v.can_sign_in, v.label) for p, _r, v in theirs.people)
        assert sorted((r.name, r.can_sign_in, r.status) for r in mine.register) == expected
        assert [r.overdue for r in mine.requests if r.overdue] == [
            True for _ in theirs.overdue_requests
        ]


def test_as_of_moves_the_verdicts_only(demo_store: Store) -> None:
    sites = records.sites(demo_store.read())
    later = TODAY + timedelta(days=45)
    built = report.build_report(demo_store, sites, now=NOW, as_of=later)
    status = read_status(demo_store.read(), later)
    assert built.assurance.as_of == later
    assert [s.cover for s in built.sites] == [s.cover for s in status.sites]
    now_report = report.build_report(demo_store, sites, now=NOW, as_of=TODAY)
    assert [s.cover for s in built.sites] != [s.cover for s in now_report.sites]


def test_future_as_of_is_refused() -> None:
    with pytest.raises(report.ReportError, match="cannot be after today"):
        report.check_as_of(TODAY + timedelta(days=1), TODAY)
    assert report.check_as_of(TODAY, TODAY) == TODAY


def test_unknown_site_is_refused_before_anything_is_audited(demo_store: Store) -> None:
    before = len(demo_store.audit_entries())
    with pytest.raises(report.ReportError, match="VZZ99"):
        make(demo_store, "VZZ99")
    assert len(demo_store.audit_entries()) == before


def test_generation_is_audited_with_the_sites_and_shown_on_the_page(demo_store: Store) -> None:
    html = make(demo_store, "vzz02")
    last = demo_store.audit_entries()[-1]
    assert (last.action, last.detail, last.admin) == (report.ACTION_ASSURANCE, "VZZ02", KIOSK_ADMIN)
    assert last.hash in html and demo_store.audit_head == last.hash
    assert "Meadowbank Lodge" in html and "Harbour View" not in html


def test_reviews_and_leavers_access_removal_come_from_the_audit_trail(
    demo_store: Store,
) -> None:
    db = demo_store.read()
    meadow = records.sites(db)[1]
    here = [p for p in records.people(db) if meadow.id in p.access and p.status.value == "active"]
    member = next(p for p in here if p.access[meadow.id] is Role.MEMBER)
    people.record_review(demo_store, meadow.id, {member.id: Role.OWNER}, TODAY)
    leaver = next(p for p in here if p.id != member.id and p.nhsmail)
    people.record_leaver(
        demo_store, leaver.id, TODAY, TODAY, site_id=meadow.id, access_removed=True
    )
    built = report.build_report(
        demo_store, [records.site(demo_store.read(), meadow.id)], now=NOW, as_of=TODAY
    )  # type: ignore[list-item]
    site = built.sites[0]
    assert [(r.admin, r.changed) for r in site.reviews] == [(KIOSK_ADMIN, (member.full_name,))]
    assert site.last_review == TODAY and not site.review_due
    row = next(r for r in site.leavers if r.name == leaver.full_name)
    assert not row.still_has_access and row.removed_at == STORE_TIME
    assert row.removed_by == KIOSK_ADMIN
    html = render_report(built)
    assert f"access changed for {member.full_name}" in html
    assert f"{timefmt.moment(STORE_TIME)}, recorded by {KIOSK_ADMIN}" in html


def _everyone_has_personal_contacts(store: Store) -> list[Person]:
    with store.transaction() as tx:
        for number, person in enumerate(records.people(tx.db)):
            records.save(
                tx,
                PEOPLE,
                replace(
                    person,
                    personal_mobile=f"07700900{number:03d}",
                    personal_email=f"person{number}.private@example.org",
                ),
                "person.edit",
            )
    return records.people(store.read())


def test_no_personal_mobile_or_email_in_the_bytes(demo_store: Store) -> None:
    people = _everyone_has_personal_contacts(demo_store)
    data = make(demo_store).encode("utf-8").lower()
    assert len(people) >= 10
    for person in people:
        for value in (
            person.personal_mobile,
            display_phone(person.personal_mobile),
            person.personal_email or "",
        ):
            assert value and value.encode("utf-8").lower() not in data
    assert not re.search(rb"07\d{3} ?\d{6}", data)
    assert b"@example." not in data
    assert b"never personal mobile numbers or personal email addresses" in data


def test_drafts_folder_takes_html_pages_and_no_other_kind(tmp_path: Path) -> None:
    folder = tmp_path / "drafts"
    first = save_draft("<p>x</p>\n", folder, "report-VZZ01-2026-11-24", suffix=".html")
    second = save_draft("<p>y</p>\n", folder, "report-VZZ01-2026-11-24", suffix=".html")
    assert [first.name, second.name] == [
        "report-VZZ01-2026-11-24.html",
        "report-VZZ01-2026-11-24-2.html",
    ]
    assert first.read_text(encoding="utf-8") == "<p>x</p>\n"
    with pytest.raises(ValueError):
        save_draft("x", folder, "report", suffix=".sh")
    with pytest.raises(ValueError):
        save_draft("x", folder, "report", suffix="/../x.html")


def test_hostile_stored_text_is_escaped(demo_store: Store) -> None:
    with demo_store.transaction() as tx:
        person = records.people(tx.db)[0]
        records.save(tx, PEOPLE, replace(person, full_name=HOSTILE), "person.edit")
        site = records.sites(tx.db)[0]
        records.save(tx, "sites", replace(site, name=HOSTILE), "site.edit")
    html = make(demo_store)
    assert "<script" not in html.casefold()
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &quot;Quote&quot; &amp; Co"
    assert html.count(escaped) >= 2  # the site's heading and the person's register row


# --- kiosk report as a real process --------------------------------------------------------


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    path = tmp_path / "cli" / "kiosk.store"
    store, _code = Store.create(path, KIOSK_ADMIN, KIOSK_PASSPHRASE, kdf=FAST_KDF)
    try:
        demo.populate(store, date.today())
    finally:
        store.close()
    return path


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


def last_audit(store_path: Path) -> tuple[str, str]:
    store = Store.open(store_path, KIOSK_ADMIN, KIOSK_PASSPHRASE)
    try:
        entry = store.audit_entries()[-1]
        return entry.action, entry.detail
    finally:
        store.close()


def test_cli_writes_the_report_0600_with_the_export_warning(
    demo_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    result = kiosk(demo_path, "--out", str(out), "--as-of", "2026-11-24")
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "unencrypted personal data" in result.stderr
    assert str(out) in result.stdout
    text = out.read_text(encoding="utf-8")
    assert "Harbour View Care Home" in text and "Meadowbank Lodge" in text
    assert timefmt.day(date(2026, 11, 24)) in text
    assert last_audit(demo_path) == (report.ACTION_ASSURANCE, "VZZ01,VZZ02")


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("--as-of", "2026-02-30"), "--as-of must be a real day"),
        (("--as-of", "2999-01-01"), "cannot be after today"),
        (("--site", "VZZ99"), "VZZ99"),
        (("--card", "--as-of", "2026-11-24"), "--as-of is for the report"),
    ],
)
def test_cli_mistakes_are_one_sentence_and_write_nothing(
    demo_path: Path, tmp_path: Path, argv: tuple[str, ...], words: str
) -> None:
    out = tmp_path / "report.html"
    before = last_audit(demo_path)
    result = kiosk(demo_path, "--out", str(out), *argv)
    assert result.returncode == 1
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()
    assert last_audit(demo_path) == before


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed")
def test_headless_chromium_prints_the_report_to_pdf(demo_store: Store, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(make(demo_store), encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    result = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--host-resolver-rules=MAP * ~NOTFOUND",  # any request would fail, not leave
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
        assert "Harbour View Care Home" in first and "Meadowbank Lodge" in first
        assert "Shared mailbox access and assurance report" in first
    if shutil.which("pdfinfo"):
        info = subprocess.run(
            ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
        ).stdout
        assert "(A4)" in info


def test_a_report_that_cannot_be_written_says_so_and_fails(
    demo_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """L5: a report whose file could not be written (disk full) ended in the general
    'nothing was saved' although its audit entry was saved; the CLI must say the output
    could not be written, exit non-zero and leave no half-written file."""
    import errno
    import io as io_module

    from kiosk.cli import main
    from kiosk.cli import report as cli_report

    class Full(io_module.StringIO):
        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    class FullDisk:
        def __getattr__(self, name: str) -> object:
            return getattr(os, name)

        @staticmethod
        def fdopen(fd: int, *args: object, **kwargs: object) -> Full:
            os.close(fd)
            return Full()

    monkeypatch.setattr(cli_report, "os", FullDisk())
    monkeypatch.setattr("sys.stdin", io_module.StringIO(KIOSK_PASSPHRASE + "\n"))
    out = tmp_path / "report.html"
    code = main(["report", "--out", str(out), "--store", str(demo_path), "--admin", KIOSK_ADMIN,
                 "--passphrase-stdin"])
    said = capsys.readouterr()
    assert code != 0
    assert "Output could not be written: No space left on device" in said.err
    assert "Wrote" not in said.out and "saved" not in said.err
    assert not out.exists()
