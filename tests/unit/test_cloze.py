"""The one reader of Anki's cloze syntax, `cloze_spans`: what the old regex found, in
linear time."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.bank.model import CLOZE_NUMBER_TOO_LONG, cloze_replace, cloze_revealed, cloze_spans

#: The regex the scanner replaced (quadratic on `{{c1::` and many colons), ASCII digits.
REFERENCE = re.compile(r"\{\{c([0-9]+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)

PIECES = ["{", "}", ":", "c", "1", "12", "a", " ", "\n", "{{c1::", "{{c", "::", "}}", "\u0661"]


def reference(text: str) -> list[tuple[int, int, str, str, str | None]]:
    return [(m.start(), m.end(), m[1], m[2], m[3]) for m in REFERENCE.finditer(text)]


def scanned(text: str) -> list[tuple[int, int, str, str, str | None]]:
    return [(s.start, s.end, s.digits, s.text, s.hint) for s in cloze_spans(text)]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=20).map("".join))
def test_the_scanner_finds_what_the_regex_found(text: str) -> None:
    assert scanned(text) == reference(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a {{c1::b}} c", [(2, 11, "1", "b", None)]),
        ("{{c2::b::hint}}", [(0, 15, "2", "b", "hint")]),
        ("{{c1::b::h::i}}", [(0, 15, "1", "b", "h::i")]),
        ("{{c1::b::}}", [(0, 11, "1", "b", "")]),
        ("{{c1::b}}::x}}", [(0, 9, "1", "b", None)]),
        ("{{c1::}}", [(0, 8, "1", "", None)]),
        ("{{c1:::}}", [(0, 9, "1", ":", None)]),
        ("{{{c1::x}}", [(1, 10, "1", "x", None)]),
        ("{{c::x}} {{cx::y}} {{c\u0661::z}}", []),
        ("{{c1::" + ":" * 1000, []),
        ("{{c1::a\nb}}", [(0, 11, "1", "a\nb", None)]),
    ],
)
def test_cases(text: str, expected: list[tuple[int, int, str, str, str | None]]) -> None:
    assert scanned(text) == expected == reference(text)


@pytest.mark.parametrize(
    "text",
    [
        "{{c1::" + ":" * 5_000_000,
        "{{c1::" * 800_000,
        "{{c1::a::" * 500_000,
        "{{c" + "1" * 5_000_000 + "::",
        ("{{c1::" + ":" * 1000 + "}}") * 4000,
        "{{c1::x" + "}" * 5_000_000,
    ],
    ids=["colons", "openers", "hint-openers", "digits", "many-closed", "braces"],
)
def test_adversarial_shapes_are_read_at_all(text: str) -> None:
    """Megabytes that the regex would take hours on: read here at all (no timing asserted)."""
    spans = cloze_spans(text)
    assert cloze_replace(text, lambda s: "") is not None
    assert len(spans) <= text.count("{{c")


def test_numbers() -> None:
    assert [s.number for s in cloze_spans("{{c0::a}} {{c007::b}} {{c70000::c}}")] == [0, 7, 70000]
    (long,) = cloze_spans("{{c" + "9" * 30 + "::a}}")
    assert long.number == CLOZE_NUMBER_TOO_LONG
    (huge,) = cloze_spans("{{c" + "9" * 100_000 + "::a}}")  # int() would refuse 4,300+ digits
    assert huge.number == CLOZE_NUMBER_TOO_LONG and len(huge.digits) == 100_000


def test_revealed_and_replaced() -> None:
    text = "A {{c1::cramp::kind}} hurts; {{c2::twitches}} do not."
    assert cloze_revealed(text) == "A cramp hurts; twitches do not."
    assert cloze_replace(text, lambda s: f"<{s.number}>") == "A <1> hurts; <2> do not."
