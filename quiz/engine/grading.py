"""Answers and answer checking: what a learner can give for each question type, and whether it
is right.

This module owns the answer value types (one per way of answering), the tolerant text match
used by `typed` and `cloze` items, and `check_answer`, which turns a question and an answer
into a `Check` (right or wrong, the options chosen with their `why`, per-deletion results).
Scheduling consequences (ratings) live in `quiz.engine.schedule`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from enum import IntEnum

from quiz.bank.model import CHOICE_TYPES, Question, QuestionType


class SelfRating(IntEnum):
    """A learner's own grade of a flashcard; the values are FSRS's ratings."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        """The rating's name as shown to the learner ("Again", "Hard", ...)."""
        return self.name.capitalize()


@dataclass(frozen=True, slots=True)
class ChoiceAnswer:
    """The options picked in a `single` (exactly one) or `multi` (one or more) question;
    0-based indexes into `Question.options`."""

    chosen: frozenset[int]

    @classmethod
    def of(cls, *indexes: int) -> ChoiceAnswer:
        """Convenience constructor: `ChoiceAnswer.of(0, 2)`."""
        return cls(frozenset(indexes))


@dataclass(frozen=True, slots=True)
class TrueFalseAnswer:
    """The learner's verdict on a `true_false` statement."""

    value: bool


@dataclass(frozen=True, slots=True)
class TextAnswer:
    """The text typed for a `typed` question."""

    text: str


@dataclass(frozen=True, slots=True)
class ClozeAnswer:
    """The text typed for each `{{cN::...}}` deletion of a cloze, in order of appearance."""

    texts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FlashcardGrade:
    """A flashcard's self-grade, given after the back was revealed."""

    rating: SelfRating


#: Everything a learner can submit.
Answer = ChoiceAnswer | TrueFalseAnswer | TextAnswer | ClozeAnswer | FlashcardGrade


class AnswerError(ValueError):
    """An answer that does not fit its question (wrong kind, option out of range, ...).

    Front ends validate input first; this is the engine's last line of defence.
    """


@dataclass(frozen=True, slots=True)
class OptionFeedback:
    """One option of a choice question, as shown in feedback."""

    index: int
    text: str
    correct: bool
    why: str | None


@dataclass(frozen=True, slots=True)
class DeletionFeedback:
    """One cloze deletion: what was expected, what was typed, and whether it matched."""

    expected: str
    given: str
    correct: bool


@dataclass(frozen=True, slots=True)
class Check:
    """The verdict on one answer, before any scheduling."""

    correct: bool
    #: the options the learner picked (choice types), with their `why`
    chosen: tuple[OptionFeedback, ...] = ()
    #: correct options the learner did not pick (multi)
    missed: tuple[OptionFeedback, ...] = ()
    #: per-deletion results (cloze)
    deletions: tuple[DeletionFeedback, ...] = ()
    #: the answer as readable text (for the review log and for stats' misconceptions)
    answer_text: str = ""


_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalize_text(text: str) -> str:
    """Fold an answer for comparison: case, accents, punctuation and spacing are ignored."""
    decomposed = unicodedata.normalize("NFKD", text)
    no_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", no_accents.casefold()).split())


def typo_allowance(length: int) -> int:
    """How many edits (insert, delete, substitute) a normalized answer of this length may have:
    none up to 4 characters (EMG must be EMG), one up to 8, two beyond."""
    if length <= 4:
        return 0
    if length <= 8:
        return 1
    return 2


def text_matches(given: str, accepted: str) -> bool:
    """True when `given` is `accepted` up to case, accents, punctuation, spacing and a small
    typo (see `typo_allowance`)."""
    g, a = normalize_text(given), normalize_text(accepted)
    if not g:
        return False
    if g == a:
        return True
    if g.replace(" ", "") == a.replace(" ", ""):
        return True
    allowed = typo_allowance(len(a))
    if allowed == 0:
        return False
    # Imported here: only typed and cloze answers need it, and the app's start should not.
    from rapidfuzz.distance import Levenshtein

    return int(Levenshtein.distance(g, a, score_cutoff=allowed)) <= allowed


def _options_text(q: Question, indexes: frozenset[int] | tuple[int, ...]) -> str:
    return "; ".join(q.options[i].text for i in sorted(indexes))


def _feedback(q: Question, i: int) -> OptionFeedback:
    o = q.options[i]
    return OptionFeedback(index=i, text=o.text, correct=o.correct, why=o.why)


def check_answer(q: Question, answer: Answer) -> Check:
    """Whether `answer` is right for `q`, with the feedback a front end shows.

    Raises `AnswerError` when the answer's kind does not fit the question type.
    """
    t = q.type
    if t in CHOICE_TYPES:
        if not isinstance(answer, ChoiceAnswer):
            raise AnswerError(f"question '{q.id}' ({t.value}) needs a ChoiceAnswer")
        if not answer.chosen:
            raise AnswerError("choose at least one option")
        bad = [i for i in answer.chosen if not 0 <= i < len(q.options)]
        if bad:
            raise AnswerError(f"no option {bad[0] + 1}: choose 1 to {len(q.options)}")
        if t is QuestionType.SINGLE and len(answer.chosen) != 1:
            raise AnswerError("choose exactly one option")
        correct_set = frozenset(q.correct_options)
        return Check(
            correct=answer.chosen == correct_set,
            chosen=tuple(_feedback(q, i) for i in sorted(answer.chosen)),
            missed=tuple(_feedback(q, i) for i in sorted(correct_set - answer.chosen)),
            answer_text=_options_text(q, answer.chosen),
        )
    if t is QuestionType.TRUE_FALSE:
        if not isinstance(answer, TrueFalseAnswer):
            raise AnswerError(f"question '{q.id}' (true_false) needs a TrueFalseAnswer")
        return Check(
            correct=answer.value == q.answer,
            answer_text="True" if answer.value else "False",
        )
    if t is QuestionType.TYPED:
        if not isinstance(answer, TextAnswer):
            raise AnswerError(f"question '{q.id}' (typed) needs a TextAnswer")
        ok = any(text_matches(answer.text, a) for a in q.answers)
        return Check(correct=ok, answer_text=answer.text)
    if t is QuestionType.CLOZE:
        if not isinstance(answer, ClozeAnswer):
            raise AnswerError(f"question '{q.id}' (cloze) needs a ClozeAnswer")
        deletions = q.cloze_deletions()
        if len(answer.texts) != len(deletions):
            raise AnswerError(f"type {len(deletions)} answer(s), one per blank")
        results = tuple(
            DeletionFeedback(d.text, given, any(text_matches(given, a) for a in d.accepted))
            for d, given in zip(deletions, answer.texts, strict=True)
        )
        return Check(
            correct=all(r.correct for r in results),
            deletions=results,
            answer_text=" | ".join(answer.texts),
        )
    if t is QuestionType.FLASHCARD:
        if not isinstance(answer, FlashcardGrade):
            raise AnswerError(f"question '{q.id}' (flashcard) needs a FlashcardGrade")
        return Check(correct=answer.rating is not SelfRating.AGAIN, answer_text=answer.rating.label)
    raise AnswerError(f"unknown question type {t!r}")  # pragma: no cover


def answer_to_json(answer: Answer, check: Check) -> str:
    """The answer as stored in the review log: its kind, raw value and readable text."""
    raw: object
    if isinstance(answer, ChoiceAnswer):
        kind, raw = "choice", sorted(answer.chosen)
    elif isinstance(answer, TrueFalseAnswer):
        kind, raw = "true_false", answer.value
    elif isinstance(answer, TextAnswer):
        kind, raw = "text", answer.text
    elif isinstance(answer, ClozeAnswer):
        kind, raw = "cloze", list(answer.texts)
    else:
        kind, raw = "flashcard", int(answer.rating)
    return json.dumps({"kind": kind, "value": raw, "text": check.answer_text}, ensure_ascii=False)
