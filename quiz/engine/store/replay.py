"""Rebuilding an item's schedule from its reviews, by replaying the scheduler.

The review log is the learner's history; an item's schedule (its FSRS card, due date,
counters) follows from it. When a card row is damaged, when reviews are imported from
another computer, or when a damaged store is rebuilt, `replay` runs the item's answers
through `Scheduling.review` in time order and returns the card's columns and, for each
review, the state it was given in (its `state_before`, `was_new` and the snapshot that undo
restores). fsrs is imported here only, when a replay is needed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from quiz.engine.schedule import card_to_json
from quiz.engine.store.records import SNAPSHOT_COLUMNS, to_iso

if TYPE_CHECKING:
    from quiz.engine.schedule import Scheduling


class LoggedAnswer(NamedTuple):
    """What replaying needs of one review."""

    review_id: int
    reviewed_at: datetime
    #: 1 Again, 2 Hard, 3 Good, 4 Easy
    rating: int
    response_ms: int | None


class ReviewReplay(NamedTuple):
    """A review as the replay saw it: the columns of its row that depend on the past."""

    review_id: int
    state_before: int
    was_new: bool
    #: JSON of the card's `SNAPSHOT_COLUMNS` before the review (what undo restores)
    card_before: str


class Replayed(NamedTuple):
    """An item's schedule after its reviews, as stored column values."""

    state: int
    due: str | None
    fsrs: str | None
    reps: int
    lapses: int
    first_seen: str | None
    last_seen: str | None
    interval_days: float | None
    last_review_id: int | None
    reviews: tuple[ReviewReplay, ...]

    def card_columns(self) -> dict[str, Any]:
        """The card's schedule columns (`SNAPSHOT_COLUMNS`, `edited` cleared)."""
        return {
            "state": self.state,
            "due": self.due,
            "fsrs": self.fsrs,
            "reps": self.reps,
            "lapses": self.lapses,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "interval_days": self.interval_days,
            "edited": 0,
            "last_review_id": self.last_review_id,
        }


NEW_CARD = Replayed(0, None, None, 0, 0, None, None, None, None, ())


def replay(
    answers: Iterable[LoggedAnswer], *, card_id: int, red_flag: bool, scheduling: Scheduling
) -> Replayed:
    """The schedule `answers` give an item (they are sorted by time, then id, first)."""
    from quiz.engine.grading import SelfRating

    current = NEW_CARD
    fsrs_card = None
    replays: list[ReviewReplay] = []
    for a in sorted(answers, key=lambda a: (a.reviewed_at, a.review_id)):
        snapshot = current.card_columns()
        outcome = scheduling.review(
            fsrs_card,
            card_id=card_id,
            reps=current.reps,
            rating=SelfRating(a.rating),
            now=a.reviewed_at,
            red_flag=red_flag,
            response_ms=a.response_ms,
        )
        fsrs_card = outcome.card
        at = to_iso(a.reviewed_at)
        replays.append(
            ReviewReplay(
                a.review_id,
                current.state,
                current.reps == 0,
                json.dumps({col: snapshot[col] for col in SNAPSHOT_COLUMNS}),
            )
        )
        current = Replayed(
            state=int(outcome.state),
            due=to_iso(outcome.due),
            fsrs=card_to_json(outcome.card),
            reps=current.reps + 1,
            lapses=current.lapses + int(outcome.lapse),
            first_seen=current.first_seen or at,
            last_seen=at,
            interval_days=outcome.interval.total_seconds() / 86400,
            last_review_id=a.review_id,
            reviews=(),
        )
    return current._replace(reviews=tuple(replays))
