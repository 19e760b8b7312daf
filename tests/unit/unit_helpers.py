"""Shared helpers for the unit tests: the sample bank's path and a fixed clock."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

from quiz.bank.model import CHOICE_TYPES, Bank, Question, QuestionType
from quiz.bank.order import option_order, review_seed

MINIMAL = Path(__file__).resolve().parents[1] / "data" / "good" / "minimal.yaml"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


class Clock:
    """A fixed clock that tests move by hand."""

    def __init__(self, t: datetime = T0) -> None:
        self.t = t

    def __call__(self) -> datetime:
        return self.t

    def advance(self, **kw: float) -> None:
        self.t += timedelta(**kw)


def shown(bank: Bank, question_id: str, *options: int, reps: int = 0) -> str:
    """The numbers under which these options (indexes in the bank file) are shown at the
    item's `reps`-th review, as a learner would type them: "2" or "3 1"."""
    q = bank.question(question_id)
    order = option_order(q, review_seed(bank.id, question_id, reps))
    return " ".join(str(order.index(i) + 1) for i in options)


def new_item_order(banks: Sequence[Bank]) -> list[tuple[Bank, Question]]:
    """The order a first session asks new items in: red-flag items of every bank first, then
    the others, each group interleaved across banks in file order."""

    def interleave(columns: list[list[tuple[Bank, Question]]]) -> list[tuple[Bank, Question]]:
        out: list[tuple[Bank, Question]] = []
        for row in itertools.zip_longest(*columns):
            out.extend(x for x in row if x is not None)
        return out

    flagged = [[(b, q) for q in b.questions if q.red_flag] for b in banks]
    others = [[(b, q) for q in b.questions if not q.red_flag] for b in banks]
    return interleave(flagged) + interleave(others)


def right_lines(bank: Bank, q: Question, reps: int = 0) -> list[str]:
    """Plain-mode input lines that answer `q` right at its `reps`-th review."""
    t = q.type
    if t in CHOICE_TYPES:
        return [shown(bank, q.id, *q.correct_options, reps=reps)]
    if t is QuestionType.TRUE_FALSE:
        return ["t" if q.answer else "f"]
    if t is QuestionType.TYPED:
        return [q.answers[0]]
    if t is QuestionType.CLOZE:
        return [d.text for d in q.cloze_deletions()]
    return ["", "3"]  # flashcard: show the answer, grade Good


def wrong_lines(bank: Bank, q: Question, reps: int = 0) -> list[str]:
    """Plain-mode input lines that answer `q` wrong."""
    t = q.type
    if t in CHOICE_TYPES:
        wrong = next(i for i, o in enumerate(q.options) if not o.correct)
        return [shown(bank, q.id, wrong, reps=reps)]
    if t is QuestionType.TRUE_FALSE:
        return ["f" if q.answer else "t"]
    if t is QuestionType.TYPED:
        return ["zzzz qqqq"]
    if t is QuestionType.CLOZE:
        return ["zzzz qqqq" for _ in q.cloze_deletions()]
    return ["", "1"]  # flashcard: Again


def first_session_right_run(banks: Sequence[Bank]) -> list[str]:
    """Input lines answering every new item of a first session right."""
    return [line for b, q in new_item_order(banks) for line in right_lines(b, q)]
