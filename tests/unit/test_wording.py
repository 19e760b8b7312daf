"""The shared wording (`quiz.wording`): what both front ends say, in the order they say it,
and that the words match what happens (comes back when, right or not, counts)."""

from __future__ import annotations

from datetime import timezone
from pathlib import Path

import pytest
from unit_helpers import MINIMAL, Clock

from quiz.bank.load import load_bank
from quiz.engine.grading import (
    ChoiceAnswer,
    ClozeAnswer,
    FlashcardGrade,
    SelfRating,
    TextAnswer,
)
from quiz.engine.session import SessionOptions, StudySession
from quiz.engine.store import ReviewStore
from quiz.wording import (
    SPELLING,
    WHY_NOT,
    WHY_RIGHT,
    comes_back,
    feedback_lines,
    progress,
    summary_words,
)

UTC = SessionOptions(day_tz=timezone.utc)


@pytest.fixture
def store(tmp_path: Path) -> ReviewStore:
    return ReviewStore(tmp_path / "p.sqlite3")


def _until(session: StudySession, qid: str):  # type: ignore[no-untyped-def]
    while (item := session.next_item()) is not None and item.question.id != qid:
        q = item.question
        if q.type.value == "flashcard":
            session.submit(FlashcardGrade(SelfRating.GOOD))
        elif q.type.value in ("single", "multi"):
            session.submit(ChoiceAnswer(frozenset(q.correct_options)))
        elif q.type.value == "true_false":
            from quiz.engine.grading import TrueFalseAnswer

            session.submit(TrueFalseAnswer(bool(q.answer)))
        elif q.type.value == "cloze":
            session.submit(ClozeAnswer(tuple(d.text for d in q.cloze_deletions())))
        else:
            session.submit(TextAnswer(q.answers[0]))
    assert item is not None
    return item


def test_verdict_first_then_what_to_do_then_the_rest(store: ReviewStore) -> None:
    s = StudySession([load_bank(MINIMAL)], store, Clock(), UTC)
    item = _until(s, "weak")
    lines = feedback_lines(s.submit(FlashcardGrade(SelfRating.AGAIN)))
    kinds = [line.kind for line in lines]
    assert kinds[:2] == ["verdict", "action"]
    assert kinds.index("action") < kinds.index("explanation") < kinds.index("source")
    assert kinds[-1] == "when"
    assert item.question.red_flag


def test_each_why_is_labelled_right_or_not_and_numbered_as_shown(store: ReviewStore) -> None:
    bank = load_bank(MINIMAL)
    s = StudySession([bank], store, Clock(), UTC)
    item = _until(s, "what-is-twitch")
    r = s.submit(ChoiceAnswer.of(1))  # the cramp option: wrong
    lines = feedback_lines(r)
    chosen = next(x for x in lines if x.kind == "chosen")
    assert chosen.label == "You chose: " and chosen.text.startswith(f"{item.shown_number(1)}. ")
    whys = [(x.label, x.text) for x in lines if x.kind == "why"]
    assert whys == [(WHY_NOT, "That describes a cramp."), (WHY_RIGHT, "That is what a twitch is.")]
    missed = next(x for x in lines if x.kind == "missed")
    assert missed.label == "The right answer: "
    assert missed.text.startswith(f"{item.shown_number(0)}. A small")


def test_a_near_miss_is_right_and_says_check_the_spelling(store: ReviewStore) -> None:
    s = StudySession([load_bank(MINIMAL)], store, Clock(), UTC)
    _until(s, "emg")
    r = s.submit(TextAnswer("electromyograpy"))
    assert r.correct and not r.confident_wrong
    spelling = [x for x in feedback_lines(r) if x.kind == "spelling"]
    assert [(x.label, x.text) for x in spelling] == [(SPELLING, "electromyography")]
    exact = StudySession([load_bank(MINIMAL)], ReviewStore(store.path.with_name("q")), Clock(), UTC)
    _until(exact, "emg")
    r = exact.submit(TextAnswer("EMG"))
    assert r.correct and not any(x.kind == "spelling" for x in feedback_lines(r))


def test_comes_back_says_what_will_happen(store: ReviewStore) -> None:
    clock = Clock()
    s = StudySession([load_bank(MINIMAL)], store, clock, UTC)
    _until(s, "what-is-twitch")
    r = s.submit(ChoiceAnswer.of(1))
    assert r.again_this_session
    assert comes_back(r) == "You will see this one again later in this session."
    verdict = feedback_lines(r)[0].text
    assert "soon" not in verdict and "come back" not in verdict
    # practice never promises a return
    p = StudySession([load_bank(MINIMAL)], store, clock, SessionOptions(practice=True))
    pr = p.submit(FlashcardGrade(SelfRating.AGAIN)) if p.next_item() else None
    assert pr is not None and comes_back(pr) == "Practice mode: your schedule did not change."


def test_progress_and_summary_count_items_not_answers(store: ReviewStore) -> None:
    clock = Clock()
    opts = SessionOptions(limit=2, day_tz=timezone.utc)
    s = StudySession([load_bank(MINIMAL)], store, clock, opts)
    seen = []
    while (item := s.next_item()) is not None and len(seen) < 6:
        seen.append(progress(item))
        flashcard = item.question.type.value == "flashcard"
        s.submit(FlashcardGrade(SelfRating.AGAIN) if flashcard else ChoiceAnswer.of(1))
        clock.advance(seconds=10)
    assert seen[:2] == ["Question 1 of 2", "Question 2 of 2"]
    assert all(x.endswith(", again") for x in seen[2:]) and len(seen) > 2
    words = summary_words(s.summary(), clock())
    assert words.headline.startswith("You answered 2 questions (")
    assert "come back sooner" in (words.encouragement or "")
