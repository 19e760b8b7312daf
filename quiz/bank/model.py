"""The typed model of a question bank: what one YAML bank file becomes after loading.

Everything downstream (linter, engine, Anki export, front ends) reads these objects and never
the YAML. The objects are immutable; positions (line, column, 1-based) are kept so that the
linter can point at the exact place in the file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class QuestionType(str, Enum):
    """The kinds of question a bank may hold."""

    SINGLE = "single"
    MULTI = "multi"
    TRUE_FALSE = "true_false"
    FLASHCARD = "flashcard"
    CLOZE = "cloze"
    TYPED = "typed"


#: Types the learner answers by choosing among options.
CHOICE_TYPES = frozenset({QuestionType.SINGLE, QuestionType.MULTI})

_DIGITS_RE = re.compile(r"[0-9]+")
#: A cloze number written with more digits than this is read as `CLOZE_NUMBER_TOO_LONG`.
_CLOZE_DIGITS = 18
#: The number of a deletion written with too many digits to read (larger than any limit).
CLOZE_NUMBER_TOO_LONG: int = 10**_CLOZE_DIGITS


@dataclass(frozen=True, slots=True)
class ClozeSpan:
    """One `{{cN::text}}` or `{{cN::text::hint}}` found in a text, and where it is."""

    start: int
    end: int
    #: the digits of N as written (the loader reports an out-of-range one as written)
    digits: str
    text: str
    #: None without `::hint`; "" for `{{c1::text::}}`
    hint: str | None

    @property
    def number(self) -> int:
        """N, or `CLOZE_NUMBER_TOO_LONG` when it has too many digits to read."""
        if len(self.digits) > _CLOZE_DIGITS:
            return CLOZE_NUMBER_TOO_LONG
        return int(self.digits)


def cloze_spans(text: str) -> list[ClozeSpan]:
    """Anki's cloze syntax in `text`, in order: `{{c1::hidden text}}`, `{{c1::text::hint}}`.

    The one reader of the syntax (model, loader, linter, front ends, exports). It finds what
    the regex `\\{\\{c(\\d+)::(.*?)(?:::(.*?))?\\}\\}` (DOTALL, ASCII digits) finds, in
    time linear in the text: that regex took quadratic time on `{{c1::` followed by many
    colons and no closing braces (33 s for 64 KB). The hidden text ends at the first `}}`
    or, if a `::` comes first, the hint runs from there to the next `}}`. The next `::` and
    `}}` are looked up at most once per position passed, never rescanned.
    """
    spans: list[ClozeSpan] = []
    find, match_digits = text.find, _DIGITS_RE.match
    next_colons = next_close = -2  # cached next `::` / `}}` positions (-1: none left)
    pos = 0
    while (start := find("{{c", pos)) != -1:
        number = match_digits(text, start + 3)
        if number is None or not text.startswith("::", number.end()):
            pos = start + 1
            continue
        digits, body = number.group(), number.end() + 2
        if next_close != -1 and next_close < body:
            next_close = find("}}", body)
        if next_close == -1:
            break  # no `}}` after here: nothing further can close
        if next_colons != -1 and next_colons < body:
            next_colons = find("::", body)
        if next_colons != -1 and next_colons < next_close:
            # `{{cN::text::hint}}`; the hint ends at that same `}}` (it cannot overlap `::`)
            hint = text[next_colons + 2 : next_close]
            span = ClozeSpan(start, next_close + 2, digits, text[body:next_colons], hint)
        else:
            span = ClozeSpan(start, next_close + 2, digits, text[body:next_close], None)
        spans.append(span)
        pos = span.end
    return spans


def cloze_replace(text: str, replace: Callable[[ClozeSpan], str]) -> str:
    """`text` with each cloze deletion replaced by `replace(span)`."""
    return cloze_map(text, replace, lambda plain: plain)


def cloze_map(text: str, replace: Callable[[ClozeSpan], str], keep: Callable[[str], str]) -> str:
    """`text` with each cloze deletion replaced by `replace(span)` and the text between
    deletions by `keep(part)` (e.g. an escaping function)."""
    parts: list[str] = []
    end = 0
    for span in cloze_spans(text):
        parts.append(keep(text[end : span.start]))
        parts.append(replace(span))
        end = span.end
    parts.append(keep(text[end:]))
    return "".join(parts)


def cloze_revealed(text: str) -> str:
    """`text` with every cloze deletion replaced by its hidden text."""
    return cloze_replace(text, lambda s: s.text)


@dataclass(frozen=True, slots=True)
class Pos:
    """A place in a bank file: 1-based line and column."""

    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Source:
    """A source document that a bank's questions cite."""

    id: str
    title: str
    publisher: str | None = None
    date: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A question's citation: which source, and the heading of the section in it."""

    id: str
    section: str


@dataclass(frozen=True, slots=True)
class Option:
    """One choice of a `single` or `multi` question."""

    text: str
    correct: bool
    #: Why this option is right or wrong; shown when the learner picks it.
    why: str | None = None


@dataclass(frozen=True, slots=True)
class ClozeDeletion:
    """One `{{cN::text}}` in a cloze prompt."""

    index: int
    text: str
    hint: str | None
    #: everything accepted for this blank: the hidden text first, then the question's
    #: `alternatives` for its number
    accepted: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Question:
    """One item of a bank. Fields that belong to other types are left empty."""

    id: str
    type: QuestionType
    prompt: str
    explanation: str
    source: SourceRef
    topics: tuple[str, ...]
    red_flag: bool = False
    #: What the learner should do (for red-flag items), e.g. when to see a doctor.
    action: str | None = None
    #: single / multi
    options: tuple[Option, ...] = ()
    #: true_false
    answer: bool | None = None
    #: flashcard
    back: str | None = None
    #: typed: accepted answers, the first one canonical
    answers: tuple[str, ...] = ()
    #: single / multi: False keeps the written order (a scale, a sequence)
    shuffle: bool = True
    #: cloze: more accepted answers per deletion number, as (N, answers) pairs
    alternatives: tuple[tuple[int, tuple[str, ...]], ...] = ()
    #: lint rule ids silenced for this item (the bank key `lint_ignore`)
    lint_ignore: frozenset[str] = frozenset()
    #: where the question starts in its file
    pos: Pos = Pos(1, 1)
    #: positions of the question's fields, keyed by path: "prompt", "options.0.text", ...
    positions: Mapping[str, Pos] = field(default_factory=dict, compare=False, hash=False)

    def pos_of(self, key: str) -> Pos:
        """Position of a field (e.g. ``"options.2.why"``), falling back to the question's."""
        return self.positions.get(key, self.pos)

    @property
    def correct_options(self) -> tuple[int, ...]:
        """Indexes of the correct options (choice types)."""
        return tuple(i for i, o in enumerate(self.options) if o.correct)

    def cloze_deletions(self) -> list[ClozeDeletion]:
        """The `{{cN::...}}` deletions of a cloze prompt, in order of appearance."""
        extra = dict(self.alternatives)
        return [
            ClozeDeletion(s.number, s.text, s.hint, (s.text, *extra.get(s.number, ())))
            for s in cloze_spans(self.prompt)
        ]

    def cloze_masked(self, mask: str = "[...]") -> str:
        """The cloze prompt with every deletion hidden (a hint, if any, shown instead)."""
        return cloze_replace(self.prompt, lambda s: f"[{s.hint}]" if s.hint else mask)

    def cloze_revealed(self) -> str:
        """The cloze prompt with every deletion filled in."""
        return cloze_revealed(self.prompt)

    def correct_answer_text(self) -> str:
        """The right answer as plain text, for feedback screens and exports."""
        t = self.type
        if t in CHOICE_TYPES:
            return "; ".join(o.text for o in self.options if o.correct)
        if t is QuestionType.TRUE_FALSE:
            return "True" if self.answer else "False"
        if t is QuestionType.FLASHCARD:
            return self.back or ""
        if t is QuestionType.CLOZE:
            return "; ".join(d.text for d in self.cloze_deletions())
        return self.answers[0] if self.answers else ""

    def content_hash(self) -> str:
        """A stable hash of what the learner sees and is graded on.

        The review store compares it to notice an edited question; ids, positions and lint
        settings are left out so that moving or re-indenting a question changes nothing.
        """
        payload: dict[str, object] = {
            "type": self.type.value,
            "prompt": self.prompt,
            "explanation": self.explanation,
            "options": [[o.text, o.correct, o.why] for o in self.options],
            "answer": self.answer,
            "back": self.back,
            "answers": list(self.answers),
            "action": self.action,
            "red_flag": self.red_flag,
        }
        # Added only when set, so that the hashes of questions written before these keys
        # existed do not change (a changed hash marks the question edited in the store).
        if not self.shuffle:
            payload["shuffle"] = False
        if self.alternatives:
            payload["alternatives"] = [[n, list(a)] for n, a in self.alternatives]
        raw = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Bank:
    """One question bank: one YAML file."""

    id: str
    title: str
    description: str
    language: str
    version: str
    sources: tuple[Source, ...]
    questions: tuple[Question, ...]
    #: the file it was loaded from (None when built in code)
    path: Path | None = None
    pos: Pos = Pos(1, 1)
    positions: Mapping[str, Pos] = field(default_factory=dict, compare=False, hash=False)
    #: `quiz.bank.catalog.bank_digest` of the bytes it was loaded from (None when built in
    #: code); the review store keeps it, to know these bytes when they come again
    digest: str | None = field(default=None, compare=False, hash=False)

    def source(self, source_id: str) -> Source:
        """The declared source with this id (KeyError if the bank does not declare it)."""
        for s in self.sources:
            if s.id == source_id:
                return s
        raise KeyError(source_id)

    def question(self, question_id: str) -> Question:
        """The question with this id (KeyError if absent)."""
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def cite(self, q: Question) -> str:
        """A human citation for a question: "<source title>, section <heading>"."""
        try:
            title = self.source(q.source.id).title
        except KeyError:
            title = q.source.id
        return f"{title}, section \u201c{q.source.section}\u201d"
