"""Call scripts: golden files of every filled-in script and drafted email, and their rules.

Goldens live in tests/kiosk/golden/scripts/. After an intended wording change, rewrite them
with ``KIOSK_UPDATE_GOLDEN=1 pytest tests/kiosk/test_scripts.py`` and review the diff.
"""

from __future__ import annotations

import os
import string
from datetime import date, datetime
from pathlib import Path

import pytest

from kiosk import call_scripts, facts, scripts
from kiosk.clock import LONDON
from kiosk.drafts import Draft
from kiosk.model import Site
from kiosk.scripts import LineKind, ScriptContext
from kiosk.tickets import NewOwner

GOLDEN = Path(__file__).parent / "golden" / "scripts"

HARBOUR = Site(
    name="Harbour View Care Home",
    ods_code="VZZ01",
    cqc_location_id="1-000000001",
    site_phone="01632960123",
    mailbox="harbourview.care@nhs.net",
    id=1,
)
TUESDAY_MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)
CHRISTMAS_EVE_LATE = datetime(2026, 12, 24, 17, 30, tzinfo=LONDON)
SATURDAY = datetime(2026, 11, 28, 11, 0, tzinfo=LONDON)
CALL = datetime(2026, 11, 17, 14, 5, tzinfo=LONDON)

PRIYA = NewOwner("Priya Shah", "07700900123", "priya.shah@example.org")
TOM = NewOwner("Tom Reed", "07700900456", "tom.reed@example.org", "tom.reed@nhs.net", 4)

CASES: dict[str, tuple[str, ScriptContext]] = {
    "no_access_new_owner": ("no_access", ScriptContext(HARBOUR, TUESDAY_MORNING, owner=PRIYA)),
    "no_access_nhsmail_owner_nas_closed": (
        "no_access",
        ScriptContext(HARBOUR, CHRISTMAS_EVE_LATE, owner=TOM),
    ),
    "no_access_owner_not_chosen": ("no_access", ScriptContext(HARBOUR, TUESDAY_MORNING)),
    "escalate": (
        "escalate",
        ScriptContext(HARBOUR, TUESDAY_MORNING, ticket="INC0123456", call_at=CALL),
    ),
    "escalate_call_time_only": (
        "escalate",
        ScriptContext(HARBOUR, TUESDAY_MORNING, call_at=CALL),
    ),
    "shared_access": (
        "shared_access",
        ScriptContext(
            HARBOUR, TUESDAY_MORNING, person_name="Sam Patel", person_nhsmail="sam.patel@nhs.net"
        ),
    ),
    "ods_change": ("ods_change", ScriptContext(HARBOUR, TUESDAY_MORNING)),
    "outside_hours": ("outside_hours", ScriptContext(HARBOUR, SATURDAY)),
}

DRAFTS = {
    "escalation_draft": lambda: call_scripts.escalation_draft(CASES["escalate"][1]),
    "escalation_draft_call_time_only": lambda: call_scripts.escalation_draft(
        CASES["escalate_call_time_only"][1]
    ),
    "shared_access_draft": lambda: call_scripts.shared_access_draft(CASES["shared_access"][1]),
}


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("KIOSK_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with KIOSK_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(CASES))
def test_script_golden(name: str) -> None:
    script_id, ctx = CASES[name]
    check_golden(name, scripts.script_text(call_scripts.script(script_id), ctx))


@pytest.mark.parametrize("name", sorted(DRAFTS))
def test_draft_golden(name: str) -> None:
    check_golden(name, DRAFTS[name]().as_text())


def test_every_script_has_a_golden_case() -> None:
    assert {script_id for script_id, _ctx in CASES.values()} == {s.id for s in call_scripts.SCRIPTS}


def test_every_template_uses_only_known_names_and_conditions() -> None:
    known = set(scripts.values(CASES["escalate"][1]))
    templates: list[str] = []
    for script in call_scripts.SCRIPTS:
        templates += [script.title, script.summary]
        for step in script.steps:
            templates.append(step.title)
            for line in step.lines:
                templates.append(line.text)
                assert not line.when or line.when in scripts.CONDITIONS
            if step.draft:
                templates.append(step.draft.subject)
                assert step.draft.sender in known
                for line in step.draft.body:
                    templates.append(line.text)
                    assert not line.when or line.when in scripts.CONDITIONS
    for template in templates:
        names = {field for _t, field, _f, _c in string.Formatter().parse(template) if field}
        assert names <= known, template


def test_escalation_draft_holds_only_what_the_faq_asks() -> None:
    ctx = ScriptContext(HARBOUR, TUESDAY_MORNING, owner=TOM, ticket="INC0123456", call_at=CALL)
    draft = call_scripts.escalation_draft(ctx)
    assert draft.to == facts.ESCALATION_EMAIL
    assert draft.sender == HARBOUR.mailbox
    assert "INC0123456" in draft.body
    assert "Tuesday, 17 November 2026 at 14:05" in draft.body
    for personal in ("Tom", "07700", "example.org", "tom.reed"):
        assert personal not in draft.as_text()


def test_shared_access_draft_holds_name_and_ods_code_only() -> None:
    ctx = CASES["shared_access"][1]
    draft = call_scripts.shared_access_draft(ctx)
    assert draft == Draft(
        to=facts.NAS_EMAIL,
        sender="sam.patel@nhs.net",
        subject=draft.subject,
        body=draft.body,
    )
    assert "Name: Sam Patel" in draft.body and "ODS code: VZZ01" in draft.body
    assert HARBOUR.mailbox not in draft.body and "0163" not in draft.body


def test_nhsmail_address_is_given_first_on_the_call() -> None:
    steps = scripts.fill(call_scripts.NO_ACCESS, ScriptContext(HARBOUR, TUESDAY_MORNING, owner=TOM))
    said = [line.text for line in steps[1].lines if line.kind is LineKind.SAY]
    nhsmail_at = next(i for i, t in enumerate(said) if "tom.reed@nhs.net" in t)
    name_at = next(i for i, t in enumerate(said) if "Tom Reed" in t)
    assert nhsmail_at < name_at


def test_no_nhsmail_line_without_an_nhsmail_account() -> None:
    steps = scripts.fill(
        call_scripts.NO_ACCESS, ScriptContext(HARBOUR, TUESDAY_MORNING, owner=PRIYA)
    )
    text = " ".join(line.text for step in steps for line in step.lines)
    assert "NHSmail account:" not in text and "NHSmail address:" not in text
    assert "temporary password" in text  # a brand-new account's details come by text and email


def test_closed_nas_points_to_the_outside_hours_script() -> None:
    steps = scripts.fill(call_scripts.NO_ACCESS, CASES["no_access_nhsmail_owner_nas_closed"][1])
    first = [line.text for line in steps[0].lines]
    assert first[0] == "NAS is closed; it opens Tuesday, 29 December 2026 at 09:00."
    assert any("Outside NAS hours" in text for text in first)


def test_spoken_lines_copy_the_words_without_quotes() -> None:
    steps = scripts.fill(call_scripts.NO_ACCESS, CASES["no_access_new_owner"][1])
    line = next(line for line in steps[1].lines if line.kind is LineKind.SAY)
    assert line.copy == "I am calling from Harbour View Care Home, ODS code VZZ01."
    assert scripts.line_label(line) == f'> "{line.copy}"'


def test_draft_lines_copy_each_part() -> None:
    draft = DRAFTS["escalation_draft"]()
    copies = [line.copy for line in scripts.draft_lines(draft)]
    assert copies == [draft.sender, draft.to, draft.subject, draft.body]


def test_follow_up_defaults_from_the_call_and_can_be_given() -> None:
    ctx = ScriptContext(HARBOUR, TUESDAY_MORNING, owner=PRIYA)
    assert scripts.values(ctx)["follow_up"] == "Tuesday, 1 December 2026"
    given = ScriptContext(HARBOUR, TUESDAY_MORNING, owner=PRIYA, follow_up=date(2026, 11, 27))
    assert scripts.values(given)["follow_up"] == "Friday, 27 November 2026"


def test_unknown_script_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        call_scripts.script("nope")
