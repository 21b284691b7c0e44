"""Control characters and over-long text (issue 13): refused with the rule named at every
way in (validators, the model itself, the importer), neutralised on every way out."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk import records
from kiosk.csv_io import export_rows, plan_import, write_csv, write_json
from kiosk.model import PEOPLE, SITES, Person
from kiosk.site_fields import check_site
from kiosk.tickets import validate_notes
from kiosk.validators import (
    ValidationError,
    check_document,
    is_control,
    neutralise,
    validate_full_name,
)
from tests.fakes import FakeStore
from tests.kiosk.people_fixtures import HARBOUR, staff

CONTROLS = (
    [chr(c) for c in range(0x20)]
    + ["\x7f"]
    + [chr(c) for c in range(0x80, 0xA0)]
    + list("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)
control = st.sampled_from(CONTROLS)


@given(st.text(), control, st.text())
def test_a_name_with_any_control_character_is_refused_with_the_rule(
    before: str, bad: str, after: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_full_name(before + bad + after + "x")
    assert caught.value.rule == "name_control"
    assert "control characters" in caught.value.message


@given(st.text())
def test_neutralise_leaves_no_control_character_and_keeps_the_rest(text: str) -> None:
    out = neutralise(text)
    assert not any(is_control(ch) for ch in out)
    assert len(out) == len(text)
    kept = neutralise(text, newlines=True)
    assert kept.count("\n") == text.count("\n")
    assert not any(is_control(ch, newlines=True) for ch in kept)
    assert neutralise(out) == out  # idempotent


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Cf", "Zl", "Zp"))))
def test_neutralise_changes_nothing_printable(text: str) -> None:
    assert neutralise(text) == text


def test_neutralise_shows_escape_visibly() -> None:
    assert neutralise("\x1b[31mred") == "\u241b[31mred"
    assert neutralise("a\u202eb\x9bc\x7f") == "a\ufffdb\ufffdc\u2421"


@given(st.integers(min_value=101, max_value=400))
def test_over_long_names_are_refused_with_the_limit(length: int) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_full_name("A" * length)
    assert caught.value.rule == "name_too_long"
    assert "100" in caught.value.message


def test_site_name_and_notes_have_limits_and_refuse_controls() -> None:
    raw = {
        "name": "S" * 101, "ods_code": "VZZ01", "cqc_location_id": "1-123456789",
        "site_phone": "01632960123", "mailbox": "a@nhs.net",
    }
    check = check_site(raw, today=date(2026, 11, 24))
    assert "100" in check.errors["name"]
    check = check_site({**raw, "name": "Harbour\u202eView"}, today=date(2026, 11, 24))
    assert "control" in check.errors["name"]
    with pytest.raises(ValidationError) as caught:
        validate_notes("n" * 2001)
    assert caught.value.rule == "notes_too_long"
    assert validate_notes("line one\nline two") == "line one\nline two"
    with pytest.raises(ValidationError) as caught:
        validate_notes("bad \x1b]52;c;QQ==\x07")
    assert caught.value.rule == "notes_control"


@pytest.mark.parametrize(
    "change",
    [
        {"full_name": "Eve \x1b]0;owned\x07 Example"},
        {"full_name": "Eve \u202eExample"},
        {"full_name": "E" * 101},
        {"nhsmail": "eve\x9b@nhs.net"},
    ],
)
def test_the_model_refuses_what_the_forms_refuse(change: dict[str, str]) -> None:
    store = FakeStore()
    person = replace(staff(1, "Eve Example"), **change)  # type: ignore[arg-type]
    with pytest.raises(ValidationError), store.transaction() as tx:
        records.save(tx, PEOPLE, person, "person.add")
    assert records.people(store.read()) == []


def test_the_model_refuses_a_hostile_site_name() -> None:
    store = FakeStore()
    with pytest.raises(ValidationError) as caught, store.transaction() as tx:
        records.save(tx, SITES, replace(HARBOUR, name="Home\x1b[2J"), "site.add")
    assert caught.value.rule == "name_control"


def test_check_document_allows_newlines_only_in_notes() -> None:
    check_document({"notes": "a\nb"})
    with pytest.raises(ValidationError):
        check_document({"ticket": "a\nb"})
    with pytest.raises(ValidationError):
        check_document({"local_support": {"name": "Team\x07"}})


def test_csv_import_refuses_control_characters_with_the_rule() -> None:
    text = (
        "full_name,personal_mobile,personal_email,nhsmail,access,last_activity\n"
        "Eve \x1b[31mRed,07700900001,eve@example.org,,none,\n"
    )
    plan = plan_import(text, [HARBOUR], [], date(2026, 11, 24))
    assert [p.rule for p in plan.problems] == ["name_control"]


def test_export_neutralises_what_an_older_store_holds() -> None:
    old = Person.from_doc(
        1,
        {
            "full_name": "Old \x1b]52;c;QQ==\x07 Record\u202e",
            "personal_mobile": "07700900001",
            "access": {},
        },
    )
    rows = export_rows([old], [HARBOUR], date(2026, 11, 24))
    for write in (write_csv, write_json):
        out = io.StringIO()
        write(rows, out)
        assert not any(is_control(ch, newlines=True) for ch in out.getvalue())
        assert "Old \u241b]52;c;QQ==\u2407 Record" in out.getvalue()
    json.loads(out.getvalue())


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--admin", "Evil \x1b]0;x\x07 Admin", "control characters"),
        ("--admin", "Evil \u202e Admin", "control characters"),
        ("--site-name", "Rose \x1b[2J House", "control characters"),
        ("--site-name", "R" * 101, "at most 100"),
    ],
)
def test_kiosk_init_refuses_control_characters_and_long_names(
    tmp_path: Path, option: str, value: str, words: str
) -> None:
    options = {
        "--admin": "Ann Example", "--site-name": "Rose House", "--ods": "VZZ01",
        "--cqc-location": "1-123456789", "--site-phone": "01632 960001",
        "--mailbox": "rose.care@nhs.net",
    }
    options[option] = value
    argv = [sys.executable, "-m", "kiosk", "init", "--store", str(tmp_path / "k" / "kiosk.store"),
            "--passphrase-stdin"]
    for key, item in options.items():
        argv += [key, item]
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]), NO_COLOR="1")
    result = subprocess.run(
        argv, input="correct horse battery staple\n", capture_output=True, text=True, env=env,
        timeout=120, check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert words in result.stderr
    assert not (tmp_path / "k" / "kiosk.store").exists()


def _planted(field: str, value: str) -> tuple[FakeStore, int]:
    """Ann, with ``field`` holding ``value`` as an older file or a restore left it
    (written past the model, as no kiosk of today could)."""
    store = FakeStore()
    with store.transaction() as tx:
        records.save(tx, SITES, HARBOUR, "site.add")
        ann = records.save(
            tx, PEOPLE, staff(1, "Ann Example", account_created=date(2026, 11, 1)), "person.add"
        )
        tx.db.table(PEOPLE).update({field: value}, doc_ids=[ann])
    return store, ann


def test_an_old_bad_value_does_not_lock_out_an_unrelated_change() -> None:
    """M2: save() checked the whole record, so a control character an older file left in
    one field refused every later change to the person (a status change, a first
    sign-in). Only what the save changes is checked; the old value stays as it was."""
    from kiosk.people import record_first_login

    store, ann = _planted("full_name", "Ann \x1b[31mExample")
    record_first_login(store, ann, date(2026, 11, 20))
    after = records.person(store.read(), ann)
    assert after is not None and after.first_login_done
    assert after.full_name == "Ann \x1b[31mExample"  # untouched; neutralised on every way out


def test_every_field_a_save_changes_is_still_checked() -> None:
    """The other direction: a bad value in a field the save changes is refused with the
    rule named, beside a bad old one or not, and nothing is written."""
    store, ann = _planted("full_name", "Ann \x1b[31mExample")
    before = store.read().table(PEOPLE).get(doc_id=ann)
    person = records.person(store.read(), ann)
    assert person is not None
    for changed in (
        replace(person, full_name="Ann \x1b]0;x\x07Example"),
        replace(person, nhsmail="ann\x07@nhs.net"),
        replace(person, personal_email="a" * 300 + "@example.org"),
    ):
        with pytest.raises(ValidationError), store.transaction() as tx:
            records.save(tx, PEOPLE, changed, "person.edit")
    assert store.read().table(PEOPLE).get(doc_id=ann) == before
    with pytest.raises(ValidationError), store.transaction() as tx:  # a new record: all of it
        records.save(tx, PEOPLE, replace(person, id=0, first_login_done=True), "person.add")
