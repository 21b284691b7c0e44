"""The FAQ in kiosk's words: every question of the reference FAQ has its entry and search
narrows by every word typed (how routes read, with the screens' keys: tests/screens/test_nav.py)."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk import faq

FAQ_FILE = Path("/work/shared/reference/nhsmail-social-care-faq.txt")
# The FAQ's questions, copied from the reference file so the mapping is checked wherever
# the tests run; where the reference is present, the copy is checked against it too.
QUESTIONS = Path(__file__).parent / "golden" / "faq_questions.txt"


def reference_questions(text: str) -> list[str]:
    """Every question the FAQ asks: each line holding a "?", up to and including it."""
    lines = [line.strip() for line in text.splitlines() if "?" in line]
    return [line[: line.index("?") + 1] for line in lines]


@pytest.mark.skipif(not FAQ_FILE.is_file(), reason="the shared reference FAQ is not here")
def test_the_copied_questions_are_the_faqs() -> None:
    reference = reference_questions(FAQ_FILE.read_text(encoding="utf-8"))
    assert QUESTIONS.read_text(encoding="utf-8").splitlines() == reference


def test_every_question_of_the_faq_has_its_entry() -> None:
    questions = QUESTIONS.read_text(encoding="utf-8").splitlines()
    assert len(questions) >= 20  # the parse found the FAQ's questions, not nothing
    mapped = {entry.faq: entry for entry in faq.ENTRIES if entry.faq}
    missing = [q for q in questions if q not in mapped]
    assert not missing, missing
    assert len(mapped) == len(questions), "an entry quotes a question the FAQ does not ask"


def test_the_question_parse_sees_a_question_mid_paragraph() -> None:
    text = "Intro line.\nWhat is it? It is a thing.\nNo question here.\nCan I? Yes."
    assert reference_questions(text) == ["What is it?", "Can I?"]


def test_the_attachment_and_directory_advice_are_there() -> None:
    answers = " ".join(faq.answer(entry) for entry in faq.ENTRIES)
    assert "'This is a private computer'" in answers
    assert "NHS Directory (People Finder)" in answers


def test_answers_fill_every_placeholder_from_the_facts() -> None:
    for entry in faq.ENTRIES:
        text = faq.answer(entry)
        assert not re.search(r"\{\w+\}", text), text
    nas = next(e for e in faq.ENTRIES if "response time" in e.faq)
    assert "09:00 to 17:00" in faq.answer(nas)


def test_search_narrows_and_an_empty_search_shows_everything() -> None:
    assert faq.search("") == list(faq.ENTRIES)
    joiner = faq.search("joiner")
    assert 0 < len(joiner) < len(faq.ENTRIES)
    assert faq.search("JOINER second") == [
        e for e in joiner if "second" in (faq.question(e) + faq.answer(e)).casefold()
    ]
    assert faq.search("private computer") == [
        e for e in faq.ENTRIES if "attachments" in e.faq
    ]
    assert faq.search("zzzz-nothing") == []


@given(st.text(alphabet=string.ascii_letters + " ", max_size=20))
def test_more_words_never_find_more(query: str) -> None:
    found = faq.search(query)
    assert all(e in faq.search(query.split(" ")[0] if query.split() else "") for e in found)
    assert set(map(id, faq.search(query + " and"))) <= set(map(id, found))
