"""Answer checking: every question type, and the tolerant match for typed and cloze answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.bank.load import load_bank
from quiz.bank.model import Bank
from quiz.engine.grading import (
    KNOWN_TERMS,
    AnswerError,
    Check,
    ChoiceAnswer,
    ClozeAnswer,
    DeletionFeedback,
    FlashcardGrade,
    SelfRating,
    TextAnswer,
    TextMatch,
    TrueFalseAnswer,
    check_answer,
    match_text,
    normalize_text,
    text_matches,
    typo_allowance,
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
    assert text_matches("pianful", "painful")  # a swapped pair of letters is one edit
    assert not text_matches("pianfull", "painful")  # a swap and an extra letter: two


def test_the_allowance_grows_with_the_length() -> None:
    assert [typo_allowance(n) for n in (1, 4, 5, 8, 9, 20)] == [0, 0, 1, 1, 2, 2]


# -- the typo table: real slips and real wrong answers ----------------------------------------

EMG = ("EMG", "electromyography")
THYROID = ("thyroid", "thyroid gland")
TWITCH = ("twitch", "muscle twitch", "twitching")

#: (typed, accepted answers, the accepted answer named as "check the spelling") for slips
#: that are right after a small typo: the learner is told the spelling.
NEAR_MISSES: list[tuple[str, tuple[str, ...], str]] = [
    ("strenght", ("strength",), "strength"),  # swapped letters: one edit
    ("thyriod", THYROID, "thyroid"),
    ("minits", ("minutes",), "minutes"),  # plural ending off both: "minit" / "minut"
    ("muscel", ("muscle",), "muscle"),
    ("muscel twitch", TWITCH, "muscle twitch"),
    ("pianful", ("painful",), "painful"),
    ("painfull", ("painful",), "painful"),
    ("weekness", ("weakness",), "weakness"),
    ("harmles", ("harmless",), "harmless"),
    ("electricle", ("electrical",), "electrical"),
    ("calcum", ("calcium",), "calcium"),
    ("nuerologist", ("neurologist", "nerve doctor"), "neurologist"),
    ("electromyograpy", EMG, "electromyography"),
    ("elecrtomyography", EMG, "electromyography"),
    ("hyperthyriodism", ("hyperthyroidism",), "hyperthyroidism"),
    ("hypervolaemia", ("hypervolemia",), "hypervolemia"),
]

#: (typed, accepted answers) that are right as they are: no spelling note.
EXACT: list[tuple[str, tuple[str, ...]]] = [
    ("the thyroid", THYROID),
    ("The Thyroid Gland", THYROID),
    ("twitches", TWITCH),
    ("a twitch", TWITCH),
    ("an EMG test", EMG),
    ("EMG test", EMG),
    ("the EMG", EMG),
    ("EMGs", EMG),
    ("e.m.g.", EMG),
    ("Electro-myography", EMG),
    ("cramps", ("cramp",)),
    ("cramp", ("cramps",)),
    ("minutes", ("minute",)),
    ("allergies", ("allergy",)),
    ("stresses", ("stress",)),
    ("thyroids", THYROID),
]

#: (typed, accepted answers) that are wrong: other words, other tests, other terms.
WRONG: list[tuple[str, tuple[str, ...]]] = [
    ("ECG", EMG),
    ("EEG", EMG),
    ("MRI", EMG),
    ("CT", EMG),
    ("an ECG test", EMG),
    ("MRI scan", EMG),
    ("EMG ECG MRI", EMG),  # every option at once is not an answer
    ("EMG or ECG", EMG),
    ("electrocardiography", EMG),
    ("AL", ("ALS",)),
    ("M", ("MS",)),
    ("paneful", ("painful",)),  # two edits on 7 letters: beyond the allowance of one
    ("painless", ("painful",)),
    ("not painful", ("painful",)),
    ("harmful", ("harmless",)),
    ("length", ("strength",)),  # one letter less and a different first letter
    ("tsrength", ("strength",)),  # a typo never changes the first letter
    ("wetness", ("weakness",)),
    ("neurology", ("neurologist",)),
    ("urologist", ("neurologist",)),
    ("potassium", ("calcium",)),
    ("seconds", ("minutes",)),
    ("dysphasia", ("dysphagia",)),  # speech, not swallowing: a known different term
    ("aphasia", ("aphagia",)),
    ("hypothyroidism", ("hyperthyroidism",)),  # two edits on 15 letters, but another term
    ("hypokalemia", ("hyperkalemia",)),
    ("hypovolemia", ("hypervolemia",)),  # a swapped prefix, not in the term list
    ("macrocytic", ("microcytic",)),
    ("ilium", ("ileum",)),
    ("adduction", ("abduction",)),
    ("vitamin b6", ("vitamin b12",)),  # a number is never a typo
    ("vitamin b2", ("vitamin b12",)),
    ("twitch", ("itch",)),
    ("", EMG),
    ("the", ("thyroid",)),
    ("test", EMG),
]


@pytest.mark.parametrize(("given", "accepted", "near"), NEAR_MISSES)
def test_a_slip_is_right_and_names_the_spelling(
    given: str, accepted: tuple[str, ...], near: str
) -> None:
    assert match_text(given, accepted) == TextMatch(True, near)


@pytest.mark.parametrize(("given", "accepted"), EXACT)
def test_articles_plurals_and_generic_words_are_exact(
    given: str, accepted: tuple[str, ...]
) -> None:
    assert match_text(given, accepted) == TextMatch(True, None)


@pytest.mark.parametrize(("given", "accepted"), WRONG)
def test_a_different_word_is_wrong(given: str, accepted: tuple[str, ...]) -> None:
    assert match_text(given, accepted) == TextMatch(False, None)


@pytest.mark.parametrize(("given", "accepted"), WRONG)
def test_wrong_answers_stay_wrong_both_ways(given: str, accepted: tuple[str, ...]) -> None:
    """With the roles swapped (the wrong word accepted, the right one typed) it is still
    wrong: no guard depends on which side a term is on."""
    if not normalize_text(given):
        return
    for a in accepted:
        assert not match_text(a, (given,)).correct, (a, given)


def test_an_exact_match_wins_over_a_near_one() -> None:
    assert match_text("thyroid", ("thyroids gland", "thyroid")) == TextMatch(True, None)
    # of two near misses, the closer one is named
    assert match_text("musclee", ("mussels", "muscle")) == TextMatch(True, "muscle")


def test_every_known_term_is_a_normalized_word() -> None:
    terms = [t for group in KNOWN_TERMS for t in group]
    assert len(terms) == len(set(terms))
    assert all(normalize_text(t) == t and " " not in t for t in terms)


def test_a_known_term_is_right_when_it_is_the_answer() -> None:
    assert match_text("Dysphagia", ("dysphagia",)) == TextMatch(True, None)
    assert match_text("dysphagai", ("dysphagia",)) == TextMatch(True, "dysphagia")
    assert match_text("tumour", ("tumor", "tumour")).correct
    # a spelling of the same term is not a different term
    assert match_text("hypokalaemia", ("hypokalemia",)) == TextMatch(True, "hypokalemia")


def test_typed_check_carries_the_spelling(bank: Bank) -> None:
    q = bank.question("emg")
    near = check_answer(q, TextAnswer("electromyograpy"))
    assert near == Check(correct=True, answer_text="electromyograpy", spelling="electromyography")
    exact = check_answer(q, TextAnswer("an EMG test"))
    assert exact.correct and exact.spelling is None
    wrong = check_answer(q, TextAnswer("ECG"))
    assert not wrong.correct and wrong.spelling is None


def test_cloze_blanks_carry_their_spelling(bank: Bank) -> None:
    q = bank.question("cloze-cramp")
    near = check_answer(q, ClozeAnswer(("pianful",)))
    assert near.correct and near.spelling is None
    assert near.deletions == (DeletionFeedback("painful", "pianful", True, "painful"),)
    wrong = check_answer(q, ClozeAnswer(("paneful",)))
    assert not wrong.correct
    assert wrong.deletions == (DeletionFeedback("painful", "paneful", False, None),)


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
