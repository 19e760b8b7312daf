"""Reading level of bank text: the Flesch-Kincaid grade, with medical words counted right.

This module owns the reading-level arithmetic used by the linter and by `quiz check`:
which text of a bank is scored, how it is split into words and sentences, and how syllables
are counted. Syllables are textstat 0.7.8's (its CMU pronouncing dictionary, then Pyphen
for unknown words; it works offline, later versions download NLTK data at run time), read
fast by `quiz.bank.syllables` from the same data files, except
for the words in `SYLLABLE_OVERRIDES`, which textstat miscounts (it reads "EMG" as one
syllable and "electromyography" as five).

The grade is the standard formula, 0.39 x words per sentence + 11.8 x syllables per word
- 15.59. Hyphenated words count as one word whose syllables are those of its parts.
Readability formulas are meant for pooled text: a bank's grade is computed over all its
scored text at once; one item's grade is noisier and only a hint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from quiz.bank.model import CHOICE_TYPES, Bank, Question, QuestionType, cloze_revealed
from quiz.bank.syllables import counter, syllable_count

#: Syllable counts for words textstat gets wrong (lowercase keys; letters as spoken for
#: abbreviations: "EMG" is E-M-G).
SYLLABLE_OVERRIDES: dict[str, int] = {
    # fasciculation and its forms: fa-sic-u-la-tion
    "fasciculation": 5,
    "fasciculations": 5,
    "fasciculate": 4,
    "fasciculates": 4,
    "fasciculating": 5,
    "fasciculated": 5,
    # e-lec-tro-my-og-ra-phy
    "electromyography": 7,
    "electromyographic": 7,
    "electromyogram": 6,
    "electromyograms": 6,
    "myokymia": 5,
    "myasthenia": 5,
    "gravis": 2,
    "myopathy": 4,
    "radiculopathy": 6,
    "hyperthyroidism": 5,
    "hypokalaemia": 6,
    "hypokalemia": 6,
    "hypocalcaemia": 6,
    "hypocalcemia": 6,
    "hypomagnesaemia": 7,
    "hypomagnesemia": 7,
    "physiotherapist": 6,
    "salbutamol": 4,
    "nerve": 1,
    "conduction": 3,
    # abbreviations, read letter by letter
    "emg": 3,
    "emgs": 3,
    "als": 3,
    "mnd": 3,
    "bfs": 3,
    "cfs": 3,
    "ncs": 3,
    "ck": 2,
    "gp": 2,
    "gps": 2,
    "ms": 2,
    "nhs": 3,
}

#: A word: letters or digits, with inner apostrophes or hyphens ("don't", "well-being").
_WORD_RE = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*")
#: A sentence ends at . ! or ? (repeated or not) followed by a space or the end.
_SENTENCE_END_RE = re.compile(r"[.!?]+(?=\s|$)")


@dataclass(frozen=True, slots=True)
class TextCounts:
    """Words, sentences and syllables of some text: what the grade is computed from."""

    words: int = 0
    sentences: int = 0
    syllables: int = 0

    def __add__(self, other: TextCounts) -> TextCounts:
        return TextCounts(
            self.words + other.words,
            self.sentences + other.sentences,
            self.syllables + other.syllables,
        )

    @property
    def grade(self) -> float:
        """The Flesch-Kincaid grade (0.0 for text with no words)."""
        if self.words == 0 or self.sentences == 0:
            return 0.0
        return 0.39 * (self.words / self.sentences) + 11.8 * (self.syllables / self.words) - 15.59


@lru_cache(maxsize=1 << 16)
def word_syllables(word: str) -> int:
    """Syllables of one word: the override table, else textstat (parts of hyphenated words)."""
    lower = word.lower().replace("\u2019", "'")
    if lower in SYLLABLE_OVERRIDES:
        return SYLLABLE_OVERRIDES[lower]
    if "-" in lower:
        return sum(word_syllables(part) for part in lower.split("-") if part)
    if lower.endswith("'s") and lower[:-2] in SYLLABLE_OVERRIDES:
        return SYLLABLE_OVERRIDES[lower[:-2]]
    return max(1, syllable_count(lower))


def load_dictionary() -> None:
    """Open the pronouncing dictionary now (`quiz.bank.syllables`: the file is memory-mapped
    and searched, never parsed whole, so this costs about a millisecond)."""
    counter()


def count_text(text: str) -> TextCounts:
    """Words, sentences and syllables of one piece of text (at least one sentence if any word).

    A piece that does not end with . ! or ? still counts as one sentence.
    """
    words = _WORD_RE.findall(cloze_revealed(text))
    if not words:
        return TextCounts()
    sentences = 0
    for chunk in _SENTENCE_END_RE.split(text):
        if _WORD_RE.search(chunk):
            sentences += 1
    return TextCounts(len(words), max(1, sentences), sum(word_syllables(w) for w in words))


def fk_grade(text: str) -> float:
    """The Flesch-Kincaid grade of a text, with the medical syllable overrides."""
    return count_text(text).grade


def scored_texts(question: Question) -> Iterator[str]:
    """The text of one item that reading level is measured on.

    Full sentences the learner reads: the prompt (a cloze prompt with its deletions filled
    in), the explanation, each option's `why`, a flashcard's back and a red flag's action.
    Option texts and typed answers are left out: they are short fragments, and scoring
    fragments as sentences would make any text look easy.
    """
    yield question.cloze_revealed() if question.type is QuestionType.CLOZE else question.prompt
    yield question.explanation
    if question.type in CHOICE_TYPES:
        for option in question.options:
            if option.why:
                yield option.why
    if question.back:
        yield question.back
    if question.action:
        yield question.action


def pooled_counts(texts: Iterable[str]) -> TextCounts:
    """The counts of several texts taken together (each text ends a sentence)."""
    total = TextCounts()
    for text in texts:
        total = total + count_text(text)
    return total


def question_counts(question: Question) -> TextCounts:
    """The counts of one item's scored text."""
    return pooled_counts(scored_texts(question))


def question_reading_grade(question: Question) -> float:
    """One item's Flesch-Kincaid grade over its scored text (a hint: short texts are noisy)."""
    return question_counts(question).grade


def bank_reading_grade(bank: Bank) -> float:
    """A bank's pooled Flesch-Kincaid grade: all its items' scored text taken together."""
    return pooled_counts(text for q in bank.questions for text in scored_texts(q)).grade


__all__ = [
    "SYLLABLE_OVERRIDES",
    "TextCounts",
    "bank_reading_grade",
    "count_text",
    "fk_grade",
    "load_dictionary",
    "pooled_counts",
    "question_counts",
    "question_reading_grade",
    "scored_texts",
    "word_syllables",
]
