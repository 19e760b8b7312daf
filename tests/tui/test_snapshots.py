"""Snapshot tests at 80x24: the home screen, a question, feedback (a wrong answer with its
why, and a red-flag item with its action box) and the statistics. The clock is fixed, the
cursor does not blink and the store is new, so each picture is the same on every run.

After an intended change to the look: `pytest tests/tui/test_snapshots.py --snapshot-update`,
then look at the new SVGs in __snapshots__/ before committing them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tui_helpers import MINIMAL, OPTIONS, AppFactory, Clock, write_bank

from quiz.bank.load import load_bank
from quiz.bank.model import Bank, Question, QuestionType
from quiz.bank.order import option_order, review_seed
from quiz.engine.grading import (
    Answer,
    ChoiceAnswer,
    ClozeAnswer,
    FlashcardGrade,
    SelfRating,
    TextAnswer,
    TrueFalseAnswer,
)
from quiz.engine.session import StudySession
from quiz.engine.store import ReviewStore

SIZE = (80, 24)
#: from the home screen to the red-flag flashcard (red-flag items come first), graded "Again"
TO_RED_FLAG = ["enter", "space", "1"]
#: from the home screen past the red-flag flashcard to the single-choice question
TO_CHOICE = ["enter", "space", "3", "enter"]


def wrong_key() -> str:
    """The key of a wrong option ("A long, painful tightening", index 1) as the first
    review of the single-choice question shows it (options are shuffled)."""
    bank = load_bank(MINIMAL)
    q = bank.question("what-is-twitch")
    return str(option_order(q, review_seed(bank.id, q.id, 0)).index(1) + 1)


SnapCompare = Any


def second_bank(tmp_path: Path) -> Bank:
    text = MINIMAL.read_text(encoding="utf-8")
    text = text.replace("id: sample", "id: second", 1).replace(
        "title: Sample bank", "title: A second bank with a rather long title that is cut", 1
    )
    return write_bank(tmp_path, text, "second.yaml")


def answer_for(q: Question, right: bool) -> Answer:
    if q.type in (QuestionType.SINGLE, QuestionType.MULTI):
        if right:
            return ChoiceAnswer(frozenset(q.correct_options))
        return ChoiceAnswer.of(next(i for i, o in enumerate(q.options) if not o.correct))
    if q.type is QuestionType.TRUE_FALSE:
        return TrueFalseAnswer(bool(q.answer) if right else not q.answer)
    if q.type is QuestionType.TYPED:
        return TextAnswer(q.answers[0] if right else "no idea")
    if q.type is QuestionType.CLOZE:
        return ClozeAnswer(tuple(d.text if right else "zzz" for d in q.cloze_deletions()))
    return FlashcardGrade(SelfRating.GOOD if right else SelfRating.AGAIN)


def study_for_days(store: ReviewStore, banks: list[Bank], clock: Clock, days: int) -> None:
    """A learner's history through the session API: one sitting a day, a few mistakes."""
    for day in range(days):
        session = StudySession(banks, store, clock, OPTIONS)
        n = 0
        while (item := session.next_item()) is not None and n < 30:
            right = (n + day) % 4 != 0
            session.submit(answer_for(item.question, right))
            clock.advance(minutes=2)
            n += 1
        clock.advance(days=1)
    clock.t = clock.t.replace(hour=9, minute=0)


def test_home(
    snap_compare: SnapCompare, make_app: AppFactory, minimal_bank: Bank, tmp_path: Path
) -> None:
    app = make_app(banks=[minimal_bank, second_bank(tmp_path)])
    assert snap_compare(app, terminal_size=SIZE)


def test_question_with_a_choice_and_not_sure(
    snap_compare: SnapCompare, make_app: AppFactory
) -> None:
    assert snap_compare(make_app(), press=[*TO_CHOICE, wrong_key(), "s"], terminal_size=SIZE)


def test_feedback_on_a_wrong_answer(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    press = [*TO_CHOICE, wrong_key(), "enter"]
    assert snap_compare(make_app(), press=press, terminal_size=SIZE)


def test_feedback_on_a_red_flag_item(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), press=TO_RED_FLAG, terminal_size=SIZE)


def test_stats(
    snap_compare: SnapCompare,
    make_app: AppFactory,
    store: ReviewStore,
    clock: Clock,
    minimal_bank: Bank,
    tmp_path: Path,
) -> None:
    banks = [minimal_bank, second_bank(tmp_path)]
    study_for_days(store, banks, clock, days=6)
    assert snap_compare(make_app(banks=banks), press=["s"], terminal_size=SIZE)
