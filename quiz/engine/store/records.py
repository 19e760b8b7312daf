"""The records the store reads and writes, and how a row becomes one.

`CardRecord`, `ReviewRecord`, `ReviewWrite`, `SyncReport` and `BankCounts` are immutable
`NamedTuple`s: this module is imported before the first screen, and a NamedTuple is defined
in about a tenth of the time of a frozen dataclass (which compiles six generated methods).

A row is untrusted: the file may have been edited by hand or damaged. `card_from_row` and
`review_from_row` are strict and raise one of `ROW_ERRORS` on anything they cannot read
(an unknown state, a due date that is not an aware ISO time, broken FSRS JSON, a count
that is not a number); the callers decide what to do (rebuild the card from its reviews,
skip the review).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, NamedTuple

from quiz.engine.schedule import (
    LEECH_LAPSES,
    MASTERED_INTERVAL_DAYS,
    CardState,
    as_utc,
    card_from_json,
)

if TYPE_CHECKING:
    import fsrs

    from quiz.engine.grading import SelfRating

#: What a damaged or hand-edited value raises when read (json's errors are ValueErrors).
ROW_ERRORS: tuple[type[Exception], ...] = (
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
    OverflowError,
    IndexError,
)


def to_iso(dt: datetime) -> str:
    """The stored form of a time: UTC ISO 8601 with microseconds, so text order is time order."""
    return as_utc(dt).isoformat(timespec="microseconds")


def from_iso(text: str) -> datetime:
    """Parse a stored time (always aware UTC). Raises ValueError on anything else,
    including a time without a zone (which `astimezone` would read as local time)."""
    if not isinstance(text, str):
        raise TypeError(f"a time must be text, not {type(text).__name__}")
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        raise ValueError(f"a time without a time zone: {text!r}")
    return dt.astimezone(timezone.utc)


def opt_iso(text: str | None) -> datetime | None:
    """`from_iso`, with None for None."""
    return from_iso(text) if text is not None else None


def _int(value: object) -> int:
    """An integer column: an int, or raise (a REAL or TEXT typed in by hand is damage)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected a whole number, found {value!r}")
    return value


def _flag(value: object) -> bool:
    if value not in (0, 1):
        raise ValueError(f"expected 0 or 1, found {value!r}")
    return bool(value)


def _opt_int(value: object) -> int | None:
    return None if value is None else _int(value)


def _opt_float(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a number, found {value!r}")
    return float(value)


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, found {value!r}")
    return value


class CardRecord(NamedTuple):
    """One item's row: its place in a bank, its schedule and its counters."""

    card_id: int
    bank_id: str
    question_id: str
    #: index of the question in its bank file (for file order)
    position: int
    red_flag: bool
    state: CardState
    #: None while the item is new
    due: datetime | None
    #: the fsrs card; None while the item is new
    fsrs_card: fsrs.Card | None
    reps: int
    lapses: int
    first_seen: datetime | None
    last_seen: datetime | None
    #: the interval given at the last review, in days
    interval_days: float | None
    content_hash: str
    #: the question changed since the learner last answered it
    edited: bool
    #: when the question's content last changed (None: never)
    edited_at: datetime | None
    #: the question is no longer in its bank: kept, not asked
    retired: bool
    last_review_id: int | None

    @property
    def key(self) -> tuple[str, str]:
        """(bank id, question id)."""
        return (self.bank_id, self.question_id)

    @property
    def is_new(self) -> bool:
        """Never answered."""
        return self.state is CardState.NEW

    @property
    def is_leech(self) -> bool:
        """Forgotten `LEECH_LAPSES` times or more: flagged for the instructor."""
        return self.lapses >= LEECH_LAPSES

    @property
    def is_mastered(self) -> bool:
        """In review with an interval of at least `MASTERED_INTERVAL_DAYS`."""
        return (
            self.state is CardState.REVIEW
            and self.interval_days is not None
            and self.interval_days >= MASTERED_INTERVAL_DAYS
        )


class ReviewRecord(NamedTuple):
    """One row of the append-only review log."""

    review_id: int
    card_id: int
    bank_id: str
    question_id: str
    reviewed_at: datetime
    rating: SelfRating
    #: JSON: {"kind", "value", "text"} (see grading.answer_to_json)
    answer: str
    correct: bool
    unsure: bool
    #: wrong although the learner did not say "unsure": a likely misconception
    confident_wrong: bool
    response_ms: int | None
    state_before: CardState
    was_new: bool

    @property
    def answer_text(self) -> str:
        """The answer as the learner gave it, readable."""
        return answer_text(self.answer)


def answer_text(answer: str) -> str:
    """The readable text of a stored answer (its JSON's "text"), else the stored value."""
    try:
        return str(json.loads(answer).get("text", answer))
    except (ValueError, AttributeError, TypeError, RecursionError):
        return str(answer)


class ReviewWrite(NamedTuple):
    """What `record_review`'s compute function returns: the card's new schedule and the log
    entry's content."""

    fsrs_card: fsrs.Card
    state: CardState
    due: datetime
    interval_days: float
    lapse: bool
    reviewed_at: datetime
    rating: SelfRating
    answer: str
    correct: bool
    unsure: bool
    confident_wrong: bool
    response_ms: int | None


class SyncReport(NamedTuple):
    """What changed when a bank was compared with the store."""

    bank_id: str
    added: tuple[str, ...]
    edited: tuple[str, ...]
    retired: tuple[str, ...]
    restored: tuple[str, ...]


class BankCounts(NamedTuple):
    """A bank's numbers for a home screen (retired items excluded)."""

    bank_id: str
    title: str
    total: int
    #: answered before and due now
    due_now: int
    new: int
    learning: int
    #: in review, not yet mastered
    review: int
    mastered: int
    leeches: int


CARD_COLUMNS = (
    "card_id, bank_id, question_id, position, red_flag, state, due, fsrs, reps, lapses, "
    "first_seen, last_seen, interval_days, content_hash, edited, edited_at, retired, "
    "last_review_id"
)
REVIEW_COLUMNS = (
    "review_id, card_id, bank_id, question_id, reviewed_at, rating, answer, correct, unsure, "
    "confident_wrong, response_ms, state_before, was_new"
)
#: columns a review changes, saved before it so that undo can restore them
SNAPSHOT_COLUMNS = (
    "state",
    "due",
    "fsrs",
    "reps",
    "lapses",
    "first_seen",
    "last_seen",
    "interval_days",
    "edited",
    "last_review_id",
)


def card_from_row(row: Sequence[Any]) -> CardRecord:
    """A `CardRecord` from a row of `CARD_COLUMNS`; raises one of `ROW_ERRORS` on damage."""
    state = CardState(_int(row[5]))
    due = opt_iso(row[6])
    fsrs_card = card_from_json(_text(row[7])) if row[7] is not None else None
    if state is not CardState.NEW and (due is None or fsrs_card is None):
        raise ValueError("an answered item without a due date or schedule")
    if fsrs_card is not None:
        as_utc(fsrs_card.due)  # fsrs accepts a naive time in its JSON; we do not
    return CardRecord(
        card_id=_int(row[0]),
        bank_id=_text(row[1]),
        question_id=_text(row[2]),
        position=_int(row[3]),
        red_flag=_flag(row[4]),
        state=state,
        due=due,
        fsrs_card=fsrs_card,
        reps=_int(row[8]),
        lapses=_int(row[9]),
        first_seen=opt_iso(row[10]),
        last_seen=opt_iso(row[11]),
        interval_days=_opt_float(row[12]),
        content_hash=_text(row[13]),
        edited=_flag(row[14]),
        edited_at=opt_iso(row[15]),
        retired=_flag(row[16]),
        last_review_id=_opt_int(row[17]),
    )


def review_from_row(row: Sequence[Any]) -> ReviewRecord:
    """A `ReviewRecord` from a row of `REVIEW_COLUMNS`; raises one of `ROW_ERRORS` on damage."""
    from quiz.engine.grading import SelfRating  # not needed to open the store or count items

    return ReviewRecord(
        review_id=_int(row[0]),
        card_id=_int(row[1]),
        bank_id=_text(row[2]),
        question_id=_text(row[3]),
        reviewed_at=from_iso(row[4]),
        rating=SelfRating(_int(row[5])),
        answer=_text(row[6]),
        correct=_flag(row[7]),
        unsure=_flag(row[8]),
        confident_wrong=_flag(row[9]),
        response_ms=_opt_int(row[10]),
        state_before=CardState(_int(row[11])),
        was_new=_flag(row[12]),
    )


def lenient_flag(value: object) -> bool:
    """A 0/1 column read as best it can be (damage reads as False)."""
    return value in (1, "1", True)


def lenient_int(value: object, default: int = 0) -> int:
    """An integer column read as best it can be (damage reads as `default`)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return default


def lenient_text(value: object, default: str = "") -> str:
    """A text column read as best it can be."""
    return value if isinstance(value, str) else default


def lenient_time(value: object) -> datetime | None:
    """A time column read as best it can be (damage reads as None)."""
    try:
        return opt_iso(value)  # type: ignore[arg-type]
    except ROW_ERRORS:
        return None
