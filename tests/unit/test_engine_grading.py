"""Answer checking: every question type, and the tolerant match for typed and cloze answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.bank.load import load_bank
from quiz.bank.model import Bank
from quiz.engine.grading import (
    AnswerError,
    ChoiceAnswer,
    ClozeAnswer,
    FlashcardGrade,
    SelfRating,
    TextAnswer,
    TrueFalseAnswer,
    check_answer,
    normalize_text,
    text_matches,
)

MINIMAL = Path(__file__).resolve().parents[1] / "data" / "good" / "minimal.yaml"


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(MINIMAL)


def test_normalize_folds_case_accents_punctuation_and_spaces() -> None:
    assert normalize_text("  Électro-MYOGRAPHY!  ") == "electro myography"
    assert normalize_text("ﬁne\tline") == "fine line"


@pytest.mark.parametrize(
    "given",
    [
        "electromyography",
        "Electromyography",
        "  electromyography ",
        "électromyography",
        "electromiography",
        "electro myography",
        "electromyograpy",
        "ELECTRO-MYOGRAPHY",
    ],
)
def test_typed_accepts_small_variations(bank: Bank, given: str) -> None:
    assert check_answer(bank.question("emg"), TextAnswer(given)).correct


@pytest.mark.parametrize("given", ["EMF", "ECG", "", "   ", "muscle test", "electrocardiography"])
def test_typed_rejects_other_answers(bank: Bank, given: str) -> None:
    assert not check_answer(bank.question("emg"), TextAnswer(given)).correct


def test_short_answers_need_an_exact_match() -> None:
    assert text_matches("emg", "EMG")
    assert not text_matches("emgg", "EMG")
    assert text_matches("painfull", "painful")  # one typo on 7 letters
    assert not text_matches("pianful", "painful")  # a transposition is two edits


def test_single_choice_right_and_wrong_carry_the_why(bank: Bank) -> None:
    q = bank.question("what-is-twitch")
    right = check_answer(q, ChoiceAnswer.of(0))
    assert right.correct and right.chosen[0].why == "That is what a twitch is."
    wrong = check_answer(q, ChoiceAnswer.of(1))
    assert not wrong.correct
    assert wrong.chosen[0].why == "That describes a cramp."
    assert wrong.missed[0].index == 0
    assert wrong.answer_text == "A long, painful tightening of a whole muscle"


def test_multi_needs_exactly_the_correct_set(bank: Bank) -> None:
    q = bank.question("multi-triggers")
    assert check_answer(q, ChoiceAnswer.of(0, 1)).correct
    partial = check_answer(q, ChoiceAnswer.of(0))
    assert not partial.correct and [m.text for m in partial.missed] == ["Stress"]
    assert not check_answer(q, ChoiceAnswer.of(0, 1, 2)).correct


def test_true_false(bank: Bank) -> None:
    q = bank.question("tf-common")
    assert check_answer(q, TrueFalseAnswer(True)).correct
    assert not check_answer(q, TrueFalseAnswer(False)).correct


def test_cloze_checks_each_blank_tolerantly(bank: Bank) -> None:
    q = bank.question("cloze-cramp")
    ok = check_answer(q, ClozeAnswer(("Painful ",)))
    assert ok.correct and ok.deletions[0].expected == "painful"
    bad = check_answer(q, ClozeAnswer(("gentle",)))
    assert not bad.correct and not bad.deletions[0].correct


def test_flashcard_again_is_wrong_other_grades_right(bank: Bank) -> None:
    q = bank.question("weak")
    assert not check_answer(q, FlashcardGrade(SelfRating.AGAIN)).correct
    for r in (SelfRating.HARD, SelfRating.GOOD, SelfRating.EASY):
        assert check_answer(q, FlashcardGrade(r)).correct


@pytest.mark.parametrize(
    ("qid", "answer"),
    [
        ("what-is-twitch", TrueFalseAnswer(True)),
        ("what-is-twitch", ChoiceAnswer.of(0, 1)),
        ("what-is-twitch", ChoiceAnswer.of(7)),
        ("multi-triggers", ChoiceAnswer(frozenset())),
        ("tf-common", TextAnswer("true")),
        ("cloze-cramp", ClozeAnswer(("a", "b"))),
        ("emg", ClozeAnswer(("EMG",))),
        ("weak", ChoiceAnswer.of(0)),
    ],
)
def test_an_answer_that_does_not_fit_is_refused(bank: Bank, qid: str, answer: object) -> None:
    with pytest.raises(AnswerError):
        check_answer(bank.question(qid), answer)  # type: ignore[arg-type]
