"""Scheduling: the FSRS wrapper and the grading rules that turn a verdict into a rating.

This module owns the policy of *when an item comes back*:

- auto-graded items: wrong is Again, right is Good, right but "unsure" is Hard;
- flashcards are self-graded (Again, Hard, Good, Easy), with a preview of each interval;
- red-flag items never get an interval above `RED_FLAG_MAX_INTERVAL_DAYS`;
- a lapse is an Again on an item answered before (in any state: an item missed again and
  again in its learning steps is struggling as much as one forgotten after weeks);
  `LEECH_LAPSES` lapses make a leech (flagged for the instructor, never suspended);
- "mastered" means in Review with an interval of at least `MASTERED_INTERVAL_DAYS`.

It uses `fsrs` with its default parameters. fsrs, and the rating type from
`quiz.engine.grading`, are imported where a card is scheduled or read back, so that
opening the store and counting items (a home screen) loads neither. fsrs's own fuzzing
draws from the global `random`, so a preview and the real review would disagree; fuzzing
is therefore done here with the same ranges as fsrs but a generator seeded by the card id
and its repetition count, which makes a preview exactly what the review will give and
tests reproducible without seeding.

`ReviewOutcome` and `RatingPreview` are immutable `NamedTuple`s (cheaper to define than
frozen dataclasses; the module is imported before the first screen for its constants).
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta, timezone
from enum import IntEnum
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import fsrs

    from quiz.engine.grading import SelfRating

DEFAULT_DESIRED_RETENTION = 0.9
RED_FLAG_MAX_INTERVAL_DAYS = 30
LEECH_LAPSES = 4
MASTERED_INTERVAL_DAYS = 21.0

#: fsrs's fuzz ranges (fsrs.scheduler.FUZZ_RANGES): (start day, end day, factor).
_FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, math.inf, 0.05))


class CardState(IntEnum):
    """Where an item is in its learning; NEW (never answered) is ours, the rest are fsrs's."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3

    @property
    def label(self) -> str:
        """Lower-case name for display and JSON ("new", "learning", ...)."""
        return self.name.lower()


def rating_for(correct: bool, unsure: bool) -> SelfRating:
    """The rating of an auto-graded answer: wrong is Again, right is Good, right but unsure
    is Hard."""
    from quiz.engine.grading import SelfRating

    if not correct:
        return SelfRating.AGAIN
    return SelfRating.HARD if unsure else SelfRating.GOOD


def as_utc(dt: datetime) -> datetime:
    """`dt` in `datetime.timezone.utc` (fsrs refuses any other tzinfo). Naive is an error."""
    if dt.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware (UTC)")
    return dt.astimezone(timezone.utc)


class ReviewOutcome(NamedTuple):
    """What one rating does to a card."""

    rating: SelfRating
    card: fsrs.Card
    state: CardState
    due: datetime
    interval: timedelta
    #: an Again on an item in the Review state
    lapse: bool


class RatingPreview(NamedTuple):
    """What a flashcard self-grade would do: the interval it gives and the due time."""

    rating: SelfRating
    interval: timedelta
    due: datetime


def format_interval(interval: timedelta) -> str:
    """A short human interval: "1 min", "10 min", "3 h", "4 days", "2 mo", "1.2 y"."""
    seconds = max(0.0, interval.total_seconds())
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))} min"
    if seconds < 86400:
        return f"{round(seconds / 3600)} h"
    days = seconds / 86400
    if days < 31:
        d = round(days)
        return f"{d} day" if d == 1 else f"{d} days"
    if days < 365:
        return f"{round(days / 30.4)} mo"
    return f"{days / 365:.1f} y"


class Scheduling:
    """FSRS scheduling with the project's rules (see the module docstring).

    One instance serves a whole session; it holds two fsrs schedulers that differ only in
    their maximum interval (red-flag items are capped).
    """

    def __init__(
        self, desired_retention: float = DEFAULT_DESIRED_RETENTION, *, fuzz: bool = True
    ) -> None:
        if not 0.7 <= desired_retention <= 0.99:
            raise ValueError("desired retention must be between 0.70 and 0.99")
        import fsrs

        self.desired_retention = desired_retention
        self.fuzz = fuzz
        self._normal = fsrs.Scheduler(desired_retention=desired_retention, enable_fuzzing=False)
        self._red_flag = fsrs.Scheduler(
            desired_retention=desired_retention,
            maximum_interval=RED_FLAG_MAX_INTERVAL_DAYS,
            enable_fuzzing=False,
        )

    def _scheduler(self, red_flag: bool) -> fsrs.Scheduler:
        return self._red_flag if red_flag else self._normal

    @staticmethod
    def new_card(card_id: int, now: datetime) -> fsrs.Card:
        """A never-reviewed fsrs card with an explicit id (fsrs's default id sleeps 1 ms)."""
        import fsrs

        return fsrs.Card(card_id=card_id, due=as_utc(now))

    def review(
        self,
        card: fsrs.Card | None,
        *,
        card_id: int,
        reps: int,
        rating: SelfRating,
        now: datetime,
        red_flag: bool,
        response_ms: int | None = None,
    ) -> ReviewOutcome:
        """Apply `rating` at `now` to `card` (None: a new item) and return the outcome.

        `reps` (the item's repetitions so far) seeds the fuzz, so the same call twice gives
        the same interval.
        """
        import fsrs

        from quiz.engine.grading import SelfRating

        now = as_utc(now)
        before = card if card is not None else self.new_card(card_id, now)
        scheduler = self._scheduler(red_flag)
        after, _log = scheduler.review_card(
            before, fsrs.Rating(int(rating)), review_datetime=now, review_duration=response_ms
        )
        if self.fuzz and after.state == fsrs.State.Review:
            after.due = now + self._fuzzed(
                after.due - now, scheduler.maximum_interval, card_id=card_id, reps=reps
            )
        lapse = card is not None and rating is SelfRating.AGAIN
        return ReviewOutcome(
            rating=rating,
            card=after,
            state=CardState(int(after.state)),
            due=after.due,
            interval=after.due - now,
            lapse=lapse,
        )

    def preview(
        self,
        card: fsrs.Card | None,
        *,
        card_id: int,
        reps: int,
        now: datetime,
        red_flag: bool,
    ) -> tuple[RatingPreview, ...]:
        """What each of Again, Hard, Good, Easy would give now (in that order)."""
        from quiz.engine.grading import SelfRating

        out = []
        for rating in SelfRating:
            o = self.review(
                card, card_id=card_id, reps=reps, rating=rating, now=now, red_flag=red_flag
            )
            out.append(RatingPreview(rating=rating, interval=o.interval, due=o.due))
        return tuple(out)

    def retrievability(self, card: fsrs.Card | None, now: datetime) -> float:
        """The predicted probability of recalling the item now (0 for a new item)."""
        if card is None:
            return 0.0
        return float(self._normal.get_card_retrievability(card, current_datetime=as_utc(now)))

    def known_retrievability(self, card: fsrs.Card | None, now: datetime) -> float:
        """`retrievability`, but 0 for an item whose last answer was not a sure right one.

        FSRS predicts recall from the time since the last review only, so an item missed a
        minute ago scores almost 1. An item counts as known once it has left its first
        learning step (a right answer, not "unsure") or is in review; an item missed since
        (relearning) does not count until it is answered right again.
        """
        import fsrs

        if card is None or card.state == fsrs.State.Relearning:
            return 0.0
        if card.state == fsrs.State.Learning and not card.step:
            return 0.0
        return self.retrievability(card, now)

    @staticmethod
    def _fuzzed(interval: timedelta, maximum_days: int, *, card_id: int, reps: int) -> timedelta:
        days = interval.days
        if days < 2.5:
            return interval
        delta = 1.0
        for start, end, factor in _FUZZ_RANGES:
            delta += factor * max(min(float(days), end) - start, 0.0)
        lo = max(2, round(days - delta))
        hi = min(round(days + delta), maximum_days)
        lo = min(lo, hi)
        rng = random.Random(f"{card_id}:{reps}")
        fuzzed = min(round(rng.random() * (hi - lo + 1) + lo), maximum_days)
        return timedelta(days=fuzzed)


def card_to_json(card: fsrs.Card) -> str:
    """Serialize an fsrs card for the store."""
    return str(card.to_json())


def card_from_json(text: str) -> fsrs.Card:
    """Read back an fsrs card written by `card_to_json`."""
    import fsrs

    card: fsrs.Card = fsrs.Card.from_json(text)
    return card
