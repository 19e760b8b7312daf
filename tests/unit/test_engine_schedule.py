"""Scheduling rules: ratings, previews equal outcomes, red-flag cap, lapses."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from quiz.engine.grading import SelfRating
from quiz.engine.schedule import (
    RED_FLAG_MAX_INTERVAL_DAYS,
    CardState,
    Scheduling,
    format_interval,
    rating_for,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def test_rating_rules() -> None:
    assert rating_for(correct=False, unsure=False) is SelfRating.AGAIN
    assert rating_for(correct=False, unsure=True) is SelfRating.AGAIN
    assert rating_for(correct=True, unsure=False) is SelfRating.GOOD
    assert rating_for(correct=True, unsure=True) is SelfRating.HARD


def _graduate(s: Scheduling, red_flag: bool, card_id: int = 7):  # type: ignore[no-untyped-def]
    now = T0
    card = None
    reps = 0
    for _ in range(2):
        o = s.review(
            card, card_id=card_id, reps=reps, rating=SelfRating.GOOD, now=now, red_flag=red_flag
        )
        card, reps, now = o.card, reps + 1, o.due
    assert card is not None and card.state.value == CardState.REVIEW
    return card, reps, now


def test_preview_is_exactly_what_each_rating_gives() -> None:
    s = Scheduling()
    card, reps, now = _graduate(s, red_flag=False)
    # several reviews in, so intervals are long enough to be fuzzed
    for _ in range(3):
        o = s.review(card, card_id=7, reps=reps, rating=SelfRating.GOOD, now=now, red_flag=False)
        card, reps, now = o.card, reps + 1, o.due
    previews = s.preview(card, card_id=7, reps=reps, now=now, red_flag=False)
    assert [p.rating for p in previews] == list(SelfRating)
    for p in previews:
        o = s.review(card, card_id=7, reps=reps, rating=p.rating, now=now, red_flag=False)
        assert (o.interval, o.due) == (p.interval, p.due)
    intervals = [p.interval for p in previews]
    assert intervals == sorted(intervals) and intervals[0] < intervals[-1]


def test_fuzz_depends_on_the_card_not_on_global_random() -> None:
    import random

    s = Scheduling()
    card, reps, now = _graduate(s, red_flag=False)
    random.seed(1)
    a = s.review(card, card_id=7, reps=reps, rating=SelfRating.EASY, now=now, red_flag=False)
    random.seed(2)
    b = s.review(card, card_id=7, reps=reps, rating=SelfRating.EASY, now=now, red_flag=False)
    assert a.due == b.due


def test_red_flag_items_never_go_beyond_the_cap() -> None:
    s = Scheduling()
    longest = {True: timedelta(0), False: timedelta(0)}
    for red_flag in (True, False):
        card, reps, now = _graduate(s, red_flag=red_flag)
        for _ in range(8):
            o = s.review(
                card, card_id=7, reps=reps, rating=SelfRating.EASY, now=now, red_flag=red_flag
            )
            card, reps, now = o.card, reps + 1, o.due
            longest[red_flag] = max(longest[red_flag], o.interval)
    assert longest[True] == timedelta(days=RED_FLAG_MAX_INTERVAL_DAYS)
    assert longest[False] > timedelta(days=RED_FLAG_MAX_INTERVAL_DAYS)


def test_a_lapse_is_again_in_review_state_only() -> None:
    s = Scheduling()
    first = s.review(None, card_id=1, reps=0, rating=SelfRating.AGAIN, now=T0, red_flag=False)
    assert not first.lapse and first.state is CardState.LEARNING
    card, reps, now = _graduate(s, red_flag=False)
    o = s.review(card, card_id=7, reps=reps, rating=SelfRating.AGAIN, now=now, red_flag=False)
    assert o.lapse and o.state is CardState.RELEARNING


def test_times_must_be_aware() -> None:
    with pytest.raises(ValueError):
        Scheduling().review(
            None,
            card_id=1,
            reps=0,
            rating=SelfRating.GOOD,
            now=datetime(2026, 1, 1),
            red_flag=False,
        )


def test_desired_retention_is_configurable_and_checked() -> None:
    low, high = Scheduling(0.8), Scheduling(0.95)
    cl, rl, nl = _graduate(low, red_flag=False)
    ch, rh, nh = _graduate(high, red_flag=False)
    a = low.review(cl, card_id=7, reps=rl, rating=SelfRating.GOOD, now=nl, red_flag=False)
    b = high.review(ch, card_id=7, reps=rh, rating=SelfRating.GOOD, now=nh, red_flag=False)
    assert a.interval > b.interval
    with pytest.raises(ValueError):
        Scheduling(1.5)


def test_format_interval() -> None:
    assert format_interval(timedelta(minutes=1)) == "1 min"
    assert format_interval(timedelta(minutes=10)) == "10 min"
    assert format_interval(timedelta(days=1)) == "1 day"
    assert format_interval(timedelta(days=12)) == "12 days"
