"""The linter: each rule warns at the exact field, can be silenced, and does not cry wolf."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.bank.findings import Finding, Severity
from quiz.bank.lint import (
    RULE_IDS,
    RULES,
    diagnostic_phrase,
    is_actionable,
    lint_bank,
    lint_bank_report,
    rules_markdown_table,
)
from quiz.bank.load import load_bank, load_bank_bytes
from quiz.bank.readability import bank_reading_grade

REPO = Path(__file__).resolve().parents[2]

HEAD = """\
id: lint-sample
title: Lint sample
description: Items for the linter.
version: 1
sources: [{id: doc, title: Doc}]
"""

GOOD_OPTIONS = """\
    options:
      - {text: A small flicker in a muscle, correct: true, why: Right.}
      - {text: A long painful tightening, why: That is a cramp.}
      - {text: A sudden loss of strength, why: That is weakness.}
"""


def item(
    body: str,
    *,
    qid: str = "q1",
    qtype: str = "single",
    prompt: str = "What is a twitch?",
    explanation: str = "A twitch is a small movement.",
) -> str:
    """One question's YAML (indented for the `questions` list)."""
    return (
        f"  - id: {qid}\n"
        f"    type: {qtype}\n"
        f"    prompt: {prompt}\n"
        f"    explanation: {explanation}\n"
        "    source: {id: doc, section: Intro}\n"
        "    topics: [basics]\n"
    ) + body


def bank_text(*items: str, head: str = HEAD) -> str:
    return head + "questions:\n" + "".join(items)


def lint(text: str) -> list[Finding]:
    findings = lint_bank(load_bank_bytes(text.encode(), "bank.yaml"), path="bank.yaml")
    assert all(f.severity is Severity.WARNING for f in findings)
    return findings


def where(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based line and column of the nth occurrence of `needle` in `text`."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start) + 1
    return line, start - (text.rfind("\n", 0, start) + 1) + 1


def only(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


# -- the good banks -------------------------------------------------------------------------


def test_the_clean_bank_has_no_warnings() -> None:
    assert lint_bank(load_bank(REPO / "tests/data/good/clean.yaml")) == []


def test_a_plain_item_has_no_warnings() -> None:
    assert lint(bank_text(item(GOOD_OPTIONS))) == []


# -- each rule: fires at the field, silenced by lint_ignore ----------------------------------

#: rule id -> (one item that breaks it, the text at which the warning must point)
CASES: dict[str, tuple[str, str]] = {
    "all-none-of-the-above": (
        item(
            "    options:\n"
            "      - {text: Caffeine, correct: true, why: Right.}\n"
            "      - {text: Sunlight, why: No.}\n"
            "      - {text: None of the above, why: No.}\n",
            prompt="Which of these is a trigger?",
        ),
        "None of the above",
    ),
    "negative-stem": (item(GOOD_OPTIONS, prompt="Which of these is not a cramp?"), "Which of"),
    "absolute-in-distractor": (
        item(
            "    options:\n"
            "      - {text: A small flicker, correct: true, why: Right.}\n"
            "      - {text: Always a sign of disease, why: No.}\n"
            "      - {text: A long cramp, why: No.}\n"
        ),
        "Always a sign",
    ),
    "longest-option-correct": (
        item(
            "    options:\n"
            "      - {text: A small flicker of a few muscle fibres that passes, correct: true,"
            " why: Right.}\n"
            "      - {text: A cramp, why: No.}\n"
            "      - {text: A sprain, why: No.}\n"
        ),
        "A small flicker of a few",
    ),
    "prompt-not-question": (item(GOOD_OPTIONS, prompt="Choose what a twitch is."), "Choose"),
    "true-false-question": (
        item("    answer: true\n", qtype="true_false", prompt="Is twitching common?"),
        "Is twitching",
    ),
    "repeated-option": (
        item(
            "    options:\n"
            "      - {text: Caffeine, correct: true, why: Right.}\n"
            "      - {text: Sunlight, why: No.}\n"
            "      - {text: '  sunlight.', why: No.}\n",
            prompt="Which of these is a trigger?",
        ),
        "'  sunlight.'",
    ),
    "distractor-without-why": (
        item(
            "    options:\n"
            "      - {text: A small flicker, correct: true, why: Right.}\n"
            "      - {text: A long cramp}\n"
            "      - {text: A sprain, why: No.}\n"
        ),
        "{text: A long cramp}",
    ),
    "correct-without-why": (
        item(
            "    options:\n"
            "      - {text: A small flicker, correct: true}\n"
            "      - {text: A long cramp, why: No.}\n"
            "      - {text: A sprain, why: No.}\n"
        ),
        "{text: A small flicker, correct: true}",
    ),
    "action-not-actionable": (
        item(
            "    back: Weakness that gets worse.\n"
            "    red_flag: true\n"
            "    action: A doctor should check weakness that gets worse.\n",
            qtype="flashcard",
            prompt="Which sign matters most?",
        ),
        "A doctor should",
    ),
    "diagnostic-wording": (
        item(GOOD_OPTIONS, explanation="If you twitch every day, you probably have ALS."),
        "If you twitch",
    ),
    "reading-level-item": (
        item(
            GOOD_OPTIONS,
            explanation="Electromyography characterises spontaneous denervation potentials "
            "differentiating neurogenic pathophysiology.",
        ),
        "- id: q1",
    ),
}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_fires_at_the_field(rule: str) -> None:
    text = bank_text(CASES[rule][0])
    fired = only(lint(text), rule)
    assert len(fired) == 1, lint(text)
    line, col = where(text, CASES[rule][1])
    if rule == "reading-level-item":
        col += 2  # the question mapping starts after "- "
    assert (fired[0].line, fired[0].col) == (line, col)
    assert fired[0].question == "q1"
    assert fired[0].path == "bank.yaml"
    assert f"[{rule}]" in fired[0].format()


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_is_silenced_by_the_question_lint_ignore(rule: str) -> None:
    text = bank_text(CASES[rule][0] + f"    lint_ignore: [{rule}]\n")
    assert only(lint(text), rule) == []


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_is_silenced_by_the_bank_lint_ignore(rule: str) -> None:
    text = bank_text(CASES[rule][0], head=HEAD + f"lint_ignore: [{rule}]\n")
    assert lint(text) == [f for f in lint(text) if f.rule != rule]
    assert only(lint(text), rule) == []


def test_lint_ignore_silences_only_its_question() -> None:
    rule = "prompt-not-question"
    broken = CASES[rule][0]
    text = bank_text(broken + f"    lint_ignore: [{rule}]\n", broken.replace("id: q1", "id: q2"))
    assert [f.question for f in only(lint(text), rule)] == ["q2"]


def test_every_rule_is_tested_and_documented() -> None:
    tested = set(CASES) | {"reading-level-bank", "unknown-lint-rule"}
    assert tested == RULE_IDS
    assert len(RULES) == len(RULE_IDS)
    assert all(r.summary and "\n" not in r.summary for r in RULES)
    doc = (REPO / "docs" / "lint-rules.md").read_text("utf-8")
    assert rules_markdown_table() in doc
    assert "lint_ignore" in doc


# -- bank reading level and unknown rule ids ------------------------------------------------

HARD = (
    "Electromyographic investigation characterises spontaneous denervation potentials, "
    "differentiating neurogenic from myopathic pathophysiology in symptomatic individuals."
)


def test_a_hard_bank_warns_once_at_its_top() -> None:
    text = "# a comment line\n" + bank_text(
        item(GOOD_OPTIONS, explanation=HARD, qid="q1"),
        item(GOOD_OPTIONS, explanation=HARD, qid="q2"),
    )
    bank = load_bank_bytes(text.encode(), "bank.yaml")
    report = lint_bank_report(bank)
    assert report.reading_grade == pytest.approx(bank_reading_grade(bank))
    assert report.reading_grade > 8
    (top,) = only(report.findings, "reading-level-bank")
    assert (top.line, top.col, top.question) == (2, 1, None)
    assert f"{report.reading_grade:.1f}" in top.message
    # the bank-level lint_ignore silences it
    quiet = text.replace("version: 1\n", "version: 1\nlint_ignore: [reading-level-bank]\n")
    assert only(lint(quiet), "reading-level-bank") == []
    # a question-level one does not: the warning is about the whole bank
    one = text.replace(
        "    topics: [basics]\n", "    topics: [basics]\n    lint_ignore: [reading-level-bank]\n", 1
    )
    assert len(only(lint(one), "reading-level-bank")) == 1


def test_an_easy_bank_does_not_warn() -> None:
    report = lint_bank_report(load_bank(REPO / "tests/data/good/clean.yaml"))
    assert 0 < report.reading_grade <= 8


def test_unknown_rule_ids_in_lint_ignore_warn_where_they_are_written() -> None:
    text = bank_text(
        item(GOOD_OPTIONS + "    lint_ignore: [prompt-not-question, negativ-stem]\n"),
        item(GOOD_OPTIONS, qid="q2"),
        head=HEAD + "lint_ignore: [reading-levl-bank]\n",
    )
    found = only(lint(text), "unknown-lint-rule")
    assert [(f.line, f.col, f.question) for f in found] == [
        (*where(text, "[reading-levl-bank]"), None),
        (*where(text, "[prompt-not-question, negativ-stem]"), "q1"),
    ]
    assert "did you mean 'reading-level-bank'?" in found[0].message
    assert "'negativ-stem'" in found[1].message
    assert "did you mean 'negative-stem'?" in found[1].message


# -- rules that must not cry wolf ------------------------------------------------------------


@pytest.mark.parametrize(
    "prompt",
    [
        "Which of these is NOT a cramp?",
        "All of these are triggers EXCEPT one. Which one is it?",
        "Which of these DOESN'T cause cramps?",
        "What is the LEAST likely cause of twitching?",
        "What is a knot in a muscle?",  # "not" inside a word
    ],
)
def test_an_emphasised_or_absent_negative_does_not_warn(prompt: str) -> None:
    assert only(lint(bank_text(item(GOOD_OPTIONS, prompt=prompt))), "negative-stem") == []


@pytest.mark.parametrize(
    "prompt",
    [
        "Which of these isn't a cramp?",
        "All of these are triggers except one. Which?",
        "What is the least likely cause of twitching?",
    ],
)
def test_a_lowercase_negative_warns(prompt: str) -> None:
    assert len(only(lint(bank_text(item(GOOD_OPTIONS, prompt=prompt))), "negative-stem")) == 1


def test_cloze_and_true_false_prompts_need_no_question_mark() -> None:
    text = bank_text(
        item("    answer: true\n", qtype="true_false", prompt="Twitching is common."),
        item("", qid="q2", qtype="cloze", prompt="A cramp is {{c1::painful}}."),
    )
    assert lint(text) == []


def test_absolute_words_in_the_correct_option_are_not_flagged() -> None:
    options = GOOD_OPTIONS.replace("A small flicker in a muscle", "Only a few fibres move")
    assert only(lint(bank_text(item(options))), "absolute-in-distractor") == []


def test_options_of_similar_length_are_fine() -> None:
    options = (
        "    options:\n"
        "      - {text: A small flicker in one muscle, correct: true, why: Right.}\n"
        "      - {text: A cramp, why: No.}\n"
        "      - {text: A long painful tightening, why: No.}\n"
    )
    assert only(lint(bank_text(item(options))), "longest-option-correct") == []


def test_short_options_never_count_as_clearly_longest() -> None:
    """ "Yes" against "No" is 1.5x, but not 10 characters longer."""
    options = (
        "    options:\n"
        "      - {text: 'Yes', correct: true, why: Right.}\n"
        "      - {text: 'No', why: No.}\n"
        "      - {text: Eh, why: No.}\n"
    )
    assert only(lint(bank_text(item(options))), "longest-option-correct") == []


def test_multi_warns_only_when_every_correct_option_is_clearly_longest() -> None:
    def multi(first: str) -> str:
        return item(
            "    options:\n"
            f"      - {{text: {first}, correct: true, why: Right.}}\n"
            "      - {text: Stress and worry that lasts for weeks, correct: true, why: Yes.}\n"
            "      - {text: Sunlight, why: No.}\n"
            "      - {text: Reading, why: No.}\n",
            qtype="multi",
            prompt="Which of these can bring on twitches?",
        )

    assert only(lint(bank_text(multi("Coffee"))), "longest-option-correct") == []
    long_first = "Too much coffee late in the day"
    assert len(only(lint(bank_text(multi(long_first))), "longest-option-correct")) == 1


# -- diagnostic wording ----------------------------------------------------------------------

DIAGNOSES = [
    "You have ALS.",
    "You probably have ALS.",
    "You may have MND.",
    "You don't have ALS.",
    "You've got motor neurone disease.",
    "You probably have benign fasciculation syndrome.",
    "You probably have nothing serious.",
    "Twitching means ALS.",
    "Twitching means you have ALS.",
    "Your twitches mean you have MND.",
    "Twitching alone means ALS.",
    "This is ALS.",
    "It's probably ALS.",
    "Twitching is a sign of ALS.",
    "If you twitch all day, you have ALS.",
    "Relax. You have BFS.",
]

TEACHING = [
    "Twitching alone rarely means ALS.",
    "Twitching does not mean ALS.",
    "Twitching doesn't mean you have ALS.",
    "This does not mean you have ALS.",
    "Twitching is rarely a sign that you have ALS.",
    "Twitching on its own is almost never ALS.",
    "Twitching can be a sign of ALS, but most twitching is harmless.",
    "If you have ALS, weakness spreads over months.",
    "Many people who twitch worry that they have ALS.",
    "Most people who fear that this is ALS turn out to be fine.",
    "Does twitching mean you have ALS?",
    "You probably have heard of ALS.",
    "You have a cramp when a muscle tightens and hurts.",
    "ALS is rare, and it causes weakness that gets worse.",
    "Ms Lee has MS.",  # no second person, no claim about the learner
]


@pytest.mark.parametrize("text", DIAGNOSES)
def test_diagnostic_wording_is_found(text: str) -> None:
    assert diagnostic_phrase(text) is not None


@pytest.mark.parametrize("text", TEACHING)
def test_teaching_statements_are_not_diagnoses(text: str) -> None:
    assert diagnostic_phrase(text) is None


@pytest.mark.parametrize(
    ("field", "yaml_body", "needle"),
    [
        (
            "why",
            "    options:\n"
            "      - {text: A flicker, correct: true, why: Right.}\n"
            "      - {text: A cramp, why: It means you have ALS.}\n"
            "      - {text: A sprain, why: No.}\n",
            "It means you have ALS",
        ),
        (
            "correct option",
            "    options:\n"
            "      - {text: This is ALS, correct: true, why: Right.}\n"
            "      - {text: A cramp, why: No.}\n"
            "      - {text: A sprain, why: No.}\n",
            "This is ALS",
        ),
    ],
)
def test_diagnostic_wording_points_at_the_field(field: str, yaml_body: str, needle: str) -> None:
    text = bank_text(item(yaml_body))
    (found,) = only(lint(text), "diagnostic-wording")
    assert (found.line, found.col) == where(text, needle)


def test_a_misconception_the_item_marks_wrong_is_teaching() -> None:
    """A wrong option or a false statement may voice the fear in order to correct it."""
    distractor = item(
        "    options:\n"
        "      - {text: It is usually harmless, correct: true, why: Right.}\n"
        "      - {text: Twitching means you have ALS, why: Twitching alone rarely means ALS.}\n"
        "      - {text: It is a cramp, why: A cramp hurts.}\n",
        prompt="What does twitching on its own usually mean?",
    )
    false_statement = item(
        "    answer: false\n",
        qid="q2",
        qtype="true_false",
        prompt="Twitching means you have ALS.",
        explanation="Twitching alone rarely means ALS.",
    )
    assert only(lint(bank_text(distractor, false_statement)), "diagnostic-wording") == []
    true_statement = false_statement.replace("answer: false", "answer: true")
    assert len(only(lint(bank_text(true_statement)), "diagnostic-wording")) == 1


# -- actions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action",
    [
        "See your doctor if a muscle gets weaker.",
        "If weakness spreads, call your GP.",
        "You should book an appointment within a week.",
        "Please ask for an urgent appointment.",
        "Get help at once (call 999) if you cannot breathe.",
        "It is best to talk to your doctor.",
        "Seek urgent care if swallowing gets hard.",
    ],
)
def test_actions_that_say_what_to_do(action: str) -> None:
    assert is_actionable(action)


@pytest.mark.parametrize(
    "action",
    [
        "A doctor should check weakness that gets worse.",
        "Weakness that spreads needs a check.",
        "Doctors can see you about this.",
        "Worsening weakness.",
    ],
)
def test_actions_that_do_not(action: str) -> None:
    assert not is_actionable(action)


def test_findings_are_sorted_by_position() -> None:
    text = bank_text(
        CASES["negative-stem"][0],
        CASES["prompt-not-question"][0].replace("id: q1", "id: q2"),
    )
    found = lint(text)
    assert found == sorted(found, key=lambda f: (f.line, f.col, f.rule))
    assert len(found) == 2
