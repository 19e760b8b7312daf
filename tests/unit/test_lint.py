"""The linter: each rule warns at the exact field, can be silenced, and does not cry wolf."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from quiz.bank.findings import Finding, Severity
from quiz.bank.lint import (
    RULE_IDS,
    RULES,
    at_least_by_chance,
    diagnostic_phrase,
    is_actionable,
    lint_bank,
    lint_bank_report,
    rules_markdown_table,
    shows_order,
    verdict_opening,
)
from quiz.bank.load import load_bank, load_bank_bytes
from quiz.bank.readability import bank_reading_grade
from quiz.cli import main

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
      - {text: A small flicker in a muscle, correct: true, why: It is this one.}
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
            "      - {text: Caffeine, correct: true, why: It is this one.}\n"
            "      - {text: Sunlight, why: Not this one.}\n"
            "      - {text: None of the above, why: Not this one.}\n",
            prompt="Which of these is a trigger?",
        ),
        "None of the above",
    ),
    "negative-stem": (item(GOOD_OPTIONS, prompt="Which of these is not a cramp?"), "Which of"),
    "absolute-in-distractor": (
        item(
            "    options:\n"
            "      - {text: A small flicker, correct: true, why: It is this one.}\n"
            "      - {text: Always a sign of disease, why: Not this one.}\n"
            "      - {text: A long cramp, why: Not this one.}\n"
        ),
        "Always a sign",
    ),
    "longest-option-correct": (
        item(
            "    options:\n"
            "      - {text: A small flicker of a few muscle fibres that passes, correct: true,"
            " why: It is this one.}\n"
            "      - {text: A cramp, why: Not this one.}\n"
            "      - {text: A sprain, why: Not this one.}\n"
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
            "      - {text: Caffeine, correct: true, why: It is this one.}\n"
            "      - {text: Sunlight, why: Not this one.}\n"
            "      - {text: '  sunlight.', why: Not this one.}\n",
            prompt="Which of these is a trigger?",
        ),
        "'  sunlight.'",
    ),
    "distractor-without-why": (
        item(
            "    options:\n"
            "      - {text: A small flicker, correct: true, why: It is this one.}\n"
            "      - {text: A long cramp}\n"
            "      - {text: A sprain, why: Not this one.}\n"
        ),
        "{text: A long cramp}",
    ),
    "correct-without-why": (
        item(
            "    options:\n"
            "      - {text: A small flicker, correct: true}\n"
            "      - {text: A long cramp, why: Not this one.}\n"
            "      - {text: A sprain, why: Not this one.}\n"
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
    "verdict-why": (
        item(
            "    options:\n"
            "      - {text: A small flicker, correct: true, why: 'Right. A few fibres move.'}\n"
            "      - {text: A long cramp, why: A cramp is long and hurts.}\n"
            "      - {text: A sprain, why: A sprain is an injury.}\n"
        ),
        "'Right. A few",
    ),
    "shuffle-without-order": (
        item(
            "    options:\n"
            "      - {text: Caffeine, correct: true, why: It is a trigger.}\n"
            "      - {text: Sunlight, why: It is not a trigger.}\n"
            "      - {text: Reading, why: It is not a trigger.}\n"
            "    shuffle: false\n",
            prompt="Which of these is a trigger?",
        ),
        "false",
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
    tested = set(CASES) | set(BANK_RULES) | {"reading-level-bank", "unknown-lint-rule"}
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
        "      - {text: A small flicker in one muscle, correct: true, why: It is this one.}\n"
        "      - {text: A cramp, why: Not this one.}\n"
        "      - {text: A long painful tightening, why: Not this one.}\n"
    )
    assert only(lint(bank_text(item(options))), "longest-option-correct") == []


def test_short_options_never_count_as_clearly_longest() -> None:
    """ "Yes" against "No" is 1.5x, but not 10 characters longer."""
    options = (
        "    options:\n"
        "      - {text: 'Yes', correct: true, why: It is this one.}\n"
        "      - {text: 'No', why: Not this one.}\n"
        "      - {text: Eh, why: Not this one.}\n"
    )
    assert only(lint(bank_text(item(options))), "longest-option-correct") == []


def test_multi_warns_only_when_every_correct_option_is_clearly_longest() -> None:
    def multi(first: str) -> str:
        return item(
            "    options:\n"
            f"      - {{text: {first}, correct: true, why: It is this one.}}\n"
            "      - {text: Stress and worry that lasts for weeks, correct: true, why: Also.}\n"
            "      - {text: Sunlight, why: Not this one.}\n"
            "      - {text: Reading, why: Not this one.}\n",
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
            "      - {text: A flicker, correct: true, why: It is this one.}\n"
            "      - {text: A cramp, why: It means you have ALS.}\n"
            "      - {text: A sprain, why: Not this one.}\n",
            "It means you have ALS",
        ),
        (
            "correct option",
            "    options:\n"
            "      - {text: This is ALS, correct: true, why: It is this one.}\n"
            "      - {text: A cramp, why: Not this one.}\n"
            "      - {text: A sprain, why: Not this one.}\n",
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
        "      - {text: It is usually harmless, correct: true, why: It is this one.}\n"
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


# -- verdicts in whys -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("why", "verdict"),
    [
        ("Right.", "Right"),
        ("Correct! A few fibres move.", "Correct"),
        ("Wrong: that is a cramp.", "Wrong"),
        ("Incorrect. That is a cramp.", "Incorrect"),
        ("Yes, caffeine is a trigger.", "Yes"),
        ("No, reading does not cause twitches.", "No"),
        ("True.", "True"),
        ("False - most twitching is harmless.", "False"),
        ("Not quite: a cramp hurts.", "Not quite"),
        ("Exactly.", "Exactly"),
        ("That\u2019s right, it is harmless.", "That's right"),
        ("That is wrong: it is a cramp.", "That is wrong"),
        ("Well done!", "Well done"),
        ("Correct", "Correct"),
    ],
)
def test_a_why_that_opens_with_a_verdict(why: str, verdict: str) -> None:
    assert verdict_opening(why) == verdict


@pytest.mark.parametrize(
    "why",
    [
        "No single test can rule it out.",  # "No" as a word of the sentence
        "No one knows why some muscles twitch more.",
        "No-one knows why some muscles twitch more.",
        "True weakness makes a task hard to do.",
        "Right after exercise, muscles often twitch.",
        "Correct dosing matters.",
        "Good sleep lowers twitching.",
        "A few fibres tighten for a moment.",
        "That is a cramp, not a twitch.",
        "It is wrong to think twitching means ALS.",
    ],
)
def test_a_why_that_opens_with_a_reason(why: str) -> None:
    assert verdict_opening(why) is None


def test_verdict_why_warns_on_wrong_and_right_options_alike() -> None:
    text = bank_text(
        item(
            "    options:\n"
            "      - {text: A small flicker, correct: true, why: 'Yes: a few fibres move.'}\n"
            "      - {text: A long cramp, why: 'No, a cramp is long and hurts.'}\n"
            "      - {text: A sprain, why: A sprain is an injury.}\n"
        )
    )
    found = only(lint(text), "verdict-why")
    assert [(f.line, f.col) for f in found] == [where(text, "'Yes:"), where(text, "'No,")]
    assert "starts with 'Yes'" in found[0].message


# -- shuffle: false ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        ["Never", "Sometimes", "Often", "Always"],
        ["For a few seconds", "For minutes", "For hours", "For days"],
        ["Mild", "Moderate", "Severe"],
        ["Within 24 hours", "Within a week", "Not at all"],
        ["1 cup", "2 cups", "5 cups"],
        ["Strongly agree", "Agree", "Disagree"],
    ],
)
def test_shuffle_false_on_a_scale_is_fine(options: list[str]) -> None:
    body = "    shuffle: false\n    options:\n" + "".join(
        f"      - {{text: {o}, {'correct: true, ' if i == 0 else ''}why: Reason {i}.}}\n"
        for i, o in enumerate(options)
    )
    text = bank_text(item(body, prompt="How often does it happen?"))
    assert only(lint(text), "shuffle-without-order") == []


def test_shuffle_true_or_absent_never_warns() -> None:
    assert only(lint(bank_text(item(GOOD_OPTIONS + "    shuffle: true\n"))), "shuffle-") == []
    assert shows_order("Twice a day") and shows_order("3 days") and not shows_order("Caffeine")


# -- bank-level keys: position, multi pattern, true/false balance -----------------------------

BANK_RULES = ("key-position", "multi-key-pattern", "true-false-balance")


def single(n: int, key: int, options: int = 4, extra: str = "") -> str:
    """A single item `s<n>` with `options` options, the right one written at `key`."""
    body = "    options:\n" + "".join(
        f"      - {{text: Answer {chr(97 + i)} of item {n}, "
        f"{'correct: true, ' if i == key else ''}why: Reason {i}.}}\n"
        for i in range(options)
    )
    return item(body + extra, qid=f"s{n}", prompt=f"What is case {n}?")


def multi(n: int, keys: tuple[int, ...], options: int = 4) -> str:
    body = "    options:\n" + "".join(
        f"      - {{text: Answer {chr(97 + i)} of item {n}, "
        f"{'correct: true, ' if i in keys else ''}why: Reason {i}.}}\n"
        for i in range(options)
    )
    return item(body, qid=f"m{n}", qtype="multi", prompt=f"Which apply in case {n}?")


def true_false(n: int, answer: bool) -> str:
    return item(
        f"    answer: {str(answer).lower()}\n",
        qid=f"t{n}",
        qtype="true_false",
        prompt=f"Statement number {n} holds.",
    )


def bank_findings(*items: str, head: str = HEAD) -> list[Finding]:
    return [f for f in lint(bank_text(*items, head=head)) if f.rule in BANK_RULES]


def test_key_always_first_warns_once_at_the_top_of_the_bank() -> None:
    (found,) = bank_findings(*(single(n, 0) for n in range(8)))
    assert (found.rule, found.line, found.col, found.question) == ("key-position", 1, 1, None)
    assert "8 of 8 single items is written as option 1 (by chance: about 2)" in found.message


def test_keys_spread_over_the_positions_do_not_warn() -> None:
    assert bank_findings(*(single(n, n % 4) for n in range(24))) == []
    # nor a lean that chance gives easily: 4 of 8 at option 1 (chance 2, p = 0.11)
    assert bank_findings(*(single(n, 0 if n < 4 else n % 3 + 1) for n in range(8))) == []


def test_a_tiny_bank_is_not_judged() -> None:
    assert bank_findings(*(single(n, 0) for n in range(7))) == []


@pytest.mark.parametrize(
    ("at_first", "warns"),
    [(7, False), (8, True)],  # of 10 three-option items: p = 0.020 and p = 0.0034
)
def test_far_more_than_chance_is_a_threshold(at_first: int, warns: bool) -> None:
    items = [single(n, 0 if n < at_first else 1 + n % 2, options=3) for n in range(10)]
    assert bool(bank_findings(*items)) is warns


def test_the_last_position_is_judged_too_with_mixed_option_counts() -> None:
    items = [single(n, 4, options=5) for n in range(6)] + [single(6, 0), single(7, 2, 3)]
    (found,) = bank_findings(*items)
    assert "6 of 8 single items is written as option 5 (by chance: about 1)" in found.message


def test_an_item_that_silences_key_position_is_not_counted() -> None:
    silenced = "    lint_ignore: [key-position]\n"
    spread = [single(n, n % 4) for n in range(8, 16)]
    # 8 items counted, 2 of them keyed first: chance
    items = [single(n, 0, extra=silenced) for n in range(8)] + spread
    assert lint(bank_text(*items)) == []
    # the same items, counted: 10 of 16 keyed first
    (found,) = bank_findings(*(single(n, 0) for n in range(8)), *spread)
    assert "10 of 16" in found.message


@pytest.mark.parametrize("rule", BANK_RULES)
def test_a_bank_level_lint_ignore_silences_a_bank_rule(rule: str) -> None:
    items = (
        [single(n, 0) for n in range(8)]
        + [multi(n, (0, 1)) for n in range(4)]
        + [true_false(n, True) for n in range(6)]
    )
    assert rule in {f.rule for f in bank_findings(*items)}
    quiet = bank_findings(*items, head=HEAD + f"lint_ignore: [{rule}]\n")
    assert rule not in {f.rule for f in quiet} and len(quiet) == 2


def test_multi_items_with_the_same_right_positions_warn() -> None:
    (found,) = bank_findings(*(multi(n, (0, 1, 2)) for n in range(3)))
    assert found.rule == "multi-key-pattern"
    assert "all 3 multi items are options 1, 2 and 3" in found.message


def test_multi_items_with_the_same_number_right_warn() -> None:
    (found,) = bank_findings(multi(0, (0, 1)), multi(1, (1, 3)), multi(2, (2, 3)))
    assert "all 3 multi items have exactly 2 right options" in found.message


def test_varied_multi_items_do_not_warn() -> None:
    assert bank_findings(multi(0, (0, 1)), multi(1, (1, 2, 3)), multi(2, (2,))) == []
    assert bank_findings(multi(0, (0, 1)), multi(1, (0, 1))) == []  # two say nothing


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ((True,) * 4, "none of 4 true_false items are false"),
        ((True,) * 5 + (False,), "only 1 of 6 true_false items are false"),
        ((False,) * 4 + (True,), "only 1 of 5 true_false items are true"),
        ((True,) * 16 + (False,) * 6, "only 6 of 22 true_false items are false"),
    ],
)
def test_unbalanced_true_false_keys_warn(answers: tuple[bool, ...], message: str) -> None:
    (found,) = bank_findings(*(true_false(n, a) for n, a in enumerate(answers)))
    assert found.rule == "true-false-balance" and message in found.message


@pytest.mark.parametrize(
    "answers",
    [
        (True, True, False, False),
        (True,) * 4 + (False,) * 2,  # a third is enough
        (True, True, True),  # too few to judge
        (True,) * 12 + (False,) * 10,
    ],
)
def test_balanced_or_few_true_false_keys_do_not_warn(answers: tuple[bool, ...]) -> None:
    assert bank_findings(*(true_false(n, a) for n, a in enumerate(answers))) == []


def test_chance_of_k_or_more_is_the_binomial_tail() -> None:
    def binomial_tail(k: int, n: int, p: float) -> float:
        return sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(k, n + 1))

    for k, n, p in ((6, 8, 0.25), (7, 10, 1 / 3), (0, 5, 0.5), (11, 10, 0.5), (60, 200, 0.25)):
        assert at_least_by_chance(k, [p] * n) == pytest.approx(binomial_tail(k, n, p), abs=1e-12)
    # past 200 items the normal approximation is close to the exact tail
    assert at_least_by_chance(90, [0.25] * 300) == pytest.approx(
        binomial_tail(90, 300, 0.25), rel=0.2
    )


def test_a_well_balanced_bank_passes_quiz_check_strict(tmp_path: Path) -> None:
    items = (
        [single(n, n % 4) for n in range(20)]
        + [single(n, n % 3, options=3) for n in range(20, 26)]
        + [multi(0, (0, 2)), multi(1, (1, 2, 3)), multi(2, (3,)), multi(3, (0, 1))]
        + [true_false(n, n % 2 == 0) for n in range(10)]
    )
    path = tmp_path / "balanced.yaml"
    path.write_text(bank_text(*items), "utf-8")
    assert main(["check", "--strict", str(path)]) == 0
