"""Answers and answer checking: what a learner can give for each question type, and whether it
is right.

This module owns the answer value types (one per way of answering), the tolerant text match
used by `typed` and `cloze` items (`match_text`: exact, a near miss that is right but names
the spelling, or wrong; guarded so that a different medical term is never taken for a typo),
and `check_answer`, which turns a question and an answer into a `Check` (right or wrong, the
options chosen with their `why`, per-deletion results, the spelling of a near miss).
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
    #: a near miss: the accepted answer it was near ("check the spelling: strength")
    spelling: str | None = None


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
    #: typed: a near miss (right up to a small typo) names the accepted answer it was near,
    #: so that a front end can say "check the spelling: strength"; None otherwise (cloze
    #: blanks carry their own in `deletions`)
    spelling: str | None = None


_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_DIGITS = re.compile(r"[0-9]+")


def normalize_text(text: str) -> str:
    """Fold an answer for comparison: case, accents, punctuation and spacing are ignored."""
    decomposed = unicodedata.normalize("NFKD", text)
    no_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", no_accents.casefold()).split())


def typo_allowance(length: int) -> int:
    """How many edits a normalized answer of this length may have: none up to 4 characters
    (EMG must be EMG), one up to 8, two beyond. An edit is an inserted, deleted or changed
    letter, or two neighbouring letters swapped ("strenght" is one edit from "strength")."""
    if length <= 4:
        return 0
    if length <= 8:
        return 1
    return 2


#: Words at the start of an answer that carry no meaning: "the thyroid", "an EMG".
LEADING_WORDS = frozenset({"a", "an", "the"})
#: Generic words at the end of an answer that only name the kind of thing: "an EMG test".
#: Only these: a word that could change the meaning ("not", another term) is never ignored.
TRAILING_WORDS = frozenset({"test", "tests", "scan", "scans", "exam", "exams", "examination"})

#: Medical terms that sit one or two edits from another term, each with its own spellings.
#: A word of the given answer that is one of these, while no word of the accepted answer is
#: the same term, is a different answer, never a typo: "dysphasia" (speech) is not a slip
#: for "dysphagia" (swallowing), nor "hypothyroidism" for "hyperthyroidism".
KNOWN_TERMS: tuple[tuple[str, ...], ...] = (
    ("emg", "electromyography", "electromyogram"),
    ("ecg", "ekg", "electrocardiography", "electrocardiogram"),
    ("eeg", "electroencephalography", "electroencephalogram"),
    ("mri",),
    ("ct", "cat"),
    ("pet",),
    ("ncs",),
    ("ck", "cpk"),
    ("als",),
    ("mnd",),
    ("ms",),
    ("bfs",),
    ("cfs",),
    ("pls",),
    ("pma",),
    ("sma",),
    ("mg",),
    ("gbs",),
    ("cidp",),
    ("dysphagia",),
    ("dysphasia",),
    ("dysphonia",),
    ("dysarthria",),
    ("aphagia",),
    ("aphasia",),
    ("hypothyroidism", "hypothyroid"),
    ("hyperthyroidism", "hyperthyroid"),
    ("hypokalemia", "hypokalaemia"),
    ("hyperkalemia", "hyperkalaemia"),
    ("hypocalcemia", "hypocalcaemia"),
    ("hypercalcemia", "hypercalcaemia"),
    ("hypomagnesemia", "hypomagnesaemia"),
    ("hypermagnesemia", "hypermagnesaemia"),
    ("hyponatremia", "hyponatraemia"),
    ("hypernatremia", "hypernatraemia"),
    ("hypoglycemia", "hypoglycaemia"),
    ("hyperglycemia", "hyperglycaemia"),
    ("hypotension",),
    ("hypertension",),
    ("hypotonia",),
    ("hypertonia",),
    ("hyporeflexia",),
    ("hyperreflexia",),
    ("myopathy",),
    ("neuropathy",),
    ("radiculopathy",),
    ("myelopathy",),
    ("myositis",),
    ("myelitis",),
    ("neuritis",),
    ("ileum",),
    ("ilium",),
    ("abduction",),
    ("adduction",),
    ("atrophy",),
    ("hypertrophy",),
    ("dystrophy",),
    ("tremor",),
    ("tumor", "tumour"),
    ("clonus",),
    ("tonus",),
    ("ataxia",),
    ("apraxia",),
    ("paresis",),
    ("paralysis",),
    ("paresthesia", "paraesthesia"),
    ("dysesthesia", "dysaesthesia"),
    ("fasciculation",),
    ("fibrillation",),
    ("neurologist",),
    ("neurology",),
    ("neurosurgeon",),
    ("urologist",),
    ("nephrologist",),
    ("rheumatologist",),
    ("calcium",),
    ("potassium",),
    ("sodium",),
    ("magnesium",),
    ("thyroid",),
    ("thymus",),
)
_TERM_GROUP: dict[str, int] = {w: i for i, group in enumerate(KNOWN_TERMS) for w in group}

#: Prefixes that turn a term into its opposite or its neighbour: a typo never swaps one for
#: the other ("hypovolemia" is not a slip for "hypervolemia").
CONFUSABLE_PREFIXES: tuple[tuple[str, str], ...] = (
    ("hypo", "hyper"),
    ("micro", "macro"),
    ("inter", "intra"),
    ("ante", "anti"),
)


def _plural_forms(word: str) -> tuple[str, ...]:
    """The word and what it may be the plural of: "cramps" -> cramp, "twitches" -> twitch,
    "minutes" -> minute and minut, "allergies" -> allergy. Words of 3 letters or fewer
    ("ALS", "MS") and words ending in -ss, -us, -is ("stress", "virus", "sclerosis") are
    taken as they are."""
    if len(word) < 4 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return (word,)
    forms = [word, word[:-1]]
    if len(word) >= 5 and word.endswith("es"):
        forms.append(word[:-2])
    if len(word) >= 5 and word.endswith("ies"):
        forms.append(word[:-3] + "y")
    return tuple(forms)


@dataclass(frozen=True, slots=True)
class _Words:
    """An answer ready to compare: its words without a leading article or trailing generic
    word, and every spelling of it with the last word's plural ending taken off."""

    words: tuple[str, ...]
    #: the words joined without spaces, for each plural form of the last word
    forms: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> _Words:
        words = normalize_text(text).split()
        if len(words) > 1 and words[0] in LEADING_WORDS:
            words = words[1:]
        if len(words) > 1 and words[-1] in TRAILING_WORDS:
            words = words[:-1]
        if not words:
            return cls((), ())
        head = "".join(words[:-1])
        return cls(tuple(words), tuple(head + last for last in _plural_forms(words[-1])))

    @property
    def joined(self) -> str:
        return self.forms[0] if self.forms else ""

    def terms(self) -> set[int]:
        """The known terms (`KNOWN_TERMS` groups) among the words and the whole answer."""
        found = {_TERM_GROUP[self.joined]} if self.joined in _TERM_GROUP else set()
        for i, word in enumerate(self.words):
            forms = _plural_forms(word) if i == len(self.words) - 1 else (word,)
            found.update(_TERM_GROUP[f] for f in forms if f in _TERM_GROUP)
        return found


def _typo_blocked(given: _Words, accepted: _Words) -> bool:
    """Whether a small difference between these two answers must count as a different
    answer rather than a typo: the first letter differs, a number differs, the given answer
    names a different known term, or a confusable prefix was swapped."""
    g, a = given.joined, accepted.joined
    if g[0] != a[0]:
        return True
    if _DIGITS.findall(g) != _DIGITS.findall(a):
        return True
    if given.terms() - accepted.terms():
        return True
    for first, second in CONFUSABLE_PREFIXES:
        for p, q in ((first, second), (second, first)):
            if any(w.startswith(p) for w in given.words) and not any(
                w.startswith(p) for w in accepted.words
            ):
                if any(w.startswith(q) for w in accepted.words):
                    return True
    return False


@dataclass(frozen=True, slots=True)
class TextMatch:
    """The verdict on a typed text against its accepted answers."""

    correct: bool
    #: for a near miss (right up to a small typo): the accepted answer it was near, to show
    #: "check the spelling: strength"; None for an exact match and for a wrong answer
    spelling: str | None = None


def match_text(given: str, accepted: tuple[str, ...] | list[str]) -> TextMatch:
    """Whether `given` is one of the `accepted` answers, and whether only nearly.

    Exact (correct, no spelling note): equal after folding case, accents, punctuation and
    spaces (`normalize_text`), ignoring a leading "a", "an" or "the", a trailing generic word
    ("test", "scan", "exam": "an EMG test" is "EMG") and a plural ending on the last word
    ("cramps", "twitches", "allergies"), on the given and on each accepted answer alike.

    Near miss (correct, with the accepted answer in `spelling`): within `typo_allowance` of
    the accepted answer's length, counting a swapped pair of letters as one edit (optimal
    string alignment), and not guarded. The guards (`_typo_blocked`) keep different words
    different: no allowance at all up to 4 characters ("ECG", "MRI", "CT" are not "EMG"),
    none when the first letter differs, when a number differs ("B6" / "B12"), when the given
    answer names another known medical term (`KNOWN_TERMS`: "dysphasia" for "dysphagia")
    or swaps a confusable prefix (`CONFUSABLE_PREFIXES`: "hypo" for "hyper").

    Extra words are not ignored (other than the ones above), so listing several answers at
    once ("EMG ECG MRI") never matches.
    """
    g = _Words.of(given)
    if not g.forms:
        return TextMatch(False)
    prepared = [(text, _Words.of(text)) for text in accepted]
    prepared = [(text, a) for text, a in prepared if a.forms]
    for _, a in prepared:
        if set(g.forms) & set(a.forms):
            return TextMatch(True)
    best: tuple[int, str] | None = None
    for text, a in prepared:
        allowed = typo_allowance(len(a.joined))
        if allowed == 0 or _typo_blocked(g, a):
            continue
        # Imported here: only typed and cloze answers need it, and the app's start should not.
        from rapidfuzz.distance import OSA

        distance = min(
            int(OSA.distance(gf, af, score_cutoff=allowed)) for gf in g.forms for af in a.forms
        )
        if distance <= allowed and (best is None or distance < best[0]):
            best = (distance, text)
    if best is None:
        return TextMatch(False)
    return TextMatch(True, best[1])


def text_matches(given: str, accepted: str) -> bool:
    """True when `given` is `accepted` exactly or up to a small typo (see `match_text`)."""
    return match_text(given, (accepted,)).correct


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
        match = match_text(answer.text, q.answers)
        return Check(correct=match.correct, answer_text=answer.text, spelling=match.spelling)
    if t is QuestionType.CLOZE:
        if not isinstance(answer, ClozeAnswer):
            raise AnswerError(f"question '{q.id}' (cloze) needs a ClozeAnswer")
        deletions = q.cloze_deletions()
        if len(answer.texts) != len(deletions):
            raise AnswerError(f"type {len(deletions)} answer(s), one per blank")
        results = tuple(
            DeletionFeedback(d.text, given, m.correct, m.spelling)
            for d, given in zip(deletions, answer.texts, strict=True)
            for m in (match_text(given, d.accepted),)
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
