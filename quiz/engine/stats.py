"""Progress statistics over the review store: what `quiz stats` and a stats screen show.

This module owns the definitions: due now, the 30-day due forecast (day 0 is today and
includes overdue items), reviews per day for the last 30 days, retention (share of right
answers on items that were in the Review state), per-bank counts, leeches, misconceptions
(wrong answers given without "unsure"), and estimated knowledge (the sum of every answered
item's current probability of recall). It reads the store and never writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from quiz.engine.overview import day_start
from quiz.engine.schedule import DEFAULT_DESIRED_RETENTION, CardState, Scheduling, as_utc
from quiz.engine.store import BankCounts, ReviewStore, to_iso
from quiz.safe_text import safe_line

FORECAST_DAYS = 30
HISTORY_DAYS = 30
MAX_MISCONCEPTIONS = 20


@dataclass(frozen=True, slots=True)
class LeechInfo:
    """An item forgotten often: a candidate for rewording."""

    bank_id: str
    question_id: str
    lapses: int
    reps: int


@dataclass(frozen=True, slots=True)
class Misconception:
    """A wrong answer given with confidence, and how often."""

    bank_id: str
    question_id: str
    answer: str
    times: int


@dataclass(frozen=True, slots=True)
class Stats:
    """Everything `quiz stats` reports."""

    generated_at: datetime
    due_now: int
    #: items due on each of the next 30 days; [0] is today, overdue included
    forecast: tuple[int, ...]
    reviews_total: int
    #: reviews on each of the last 30 days, oldest first; [-1] is today
    reviews_per_day: tuple[int, ...]
    #: right answers among answers on items in the Review state (None: no such answer yet)
    retention: float | None
    retention_reviews: int
    #: sum of retrievability over items answered right (`known_retrievability`): how many
    #: items you would recall now
    estimated_knowledge: float
    banks: tuple[BankCounts, ...]
    leeches: tuple[LeechInfo, ...]
    misconceptions: tuple[Misconception, ...]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the `quiz stats --format json` output)."""
        return {
            "generated_at": to_iso(self.generated_at),
            "due_now": self.due_now,
            "reviews_total": self.reviews_total,
            "reviews_today": self.reviews_per_day[-1] if self.reviews_per_day else 0,
            "forecast": list(self.forecast),
            "reviews_per_day": list(self.reviews_per_day),
            "retention": None if self.retention is None else round(self.retention, 4),
            "retention_reviews": self.retention_reviews,
            "estimated_knowledge": round(self.estimated_knowledge, 2),
            "banks": [
                {
                    "id": b.bank_id,
                    "title": b.title,
                    "total": b.total,
                    "due_now": b.due_now,
                    "new": b.new,
                    "learning": b.learning,
                    "review": b.review,
                    "mastered": b.mastered,
                    "leeches": b.leeches,
                }
                for b in self.banks
            ],
            "leeches": [
                {"bank": x.bank_id, "question": x.question_id, "lapses": x.lapses, "reps": x.reps}
                for x in self.leeches
            ],
            "misconceptions": [
                {"bank": m.bank_id, "question": m.question_id, "answer": m.answer, "times": m.times}
                for m in self.misconceptions
            ],
        }


def compute_stats(
    store: ReviewStore,
    now: datetime,
    *,
    day_tz: tzinfo | None = None,
    desired_retention: float = DEFAULT_DESIRED_RETENTION,
) -> Stats:
    """Statistics over every bank in the store, at `now`; days start at midnight in
    `day_tz` (None: the machine's local zone)."""
    now = as_utc(now)
    today = day_start(now, day_tz)
    scheduling = Scheduling(desired_retention)

    cards = store.cards()
    forecast = [0] * FORECAST_DAYS
    due_now = 0
    knowledge = 0.0
    leeches = []
    for c in cards:
        if c.state is CardState.NEW or c.due is None:
            continue
        knowledge += scheduling.known_retrievability(c.fsrs_card, now)
        if c.due <= now:
            due_now += 1
        day = max(0, (c.due - today) // timedelta(days=1))
        if day < FORECAST_DAYS:
            forecast[day] += 1
        if c.is_leech:
            leeches.append(LeechInfo(c.bank_id, c.question_id, c.lapses, c.reps))
    leeches.sort(key=lambda x: (-x.lapses, x.bank_id, x.question_id))

    history_start = today - timedelta(days=HISTORY_DAYS - 1)
    # Day boundaries are local midnights (a day may be 23 or 25 hours long): each day's
    # reviews are counted in SQL on the time index, so the times are never parsed here.
    bounds = [
        day_start(history_start + timedelta(days=i, hours=12), day_tz)
        for i in range(HISTORY_DAYS + 1)
    ]
    per_day = store.reviews_between(bounds)

    right, total = store.retention_counts()
    banks = tuple(store.bank_counts(now).values())
    misconceptions = tuple(
        Misconception(b, q, a, n)
        for b, q, a, n in store.confident_wrong_answers(limit=MAX_MISCONCEPTIONS)
    )
    return Stats(
        generated_at=now,
        due_now=due_now,
        forecast=tuple(forecast),
        reviews_total=store.review_count(),
        reviews_per_day=tuple(per_day),
        retention=(right / total) if total else None,
        retention_reviews=total,
        estimated_knowledge=knowledge,
        banks=banks,
        leeches=tuple(leeches),
        misconceptions=misconceptions,
    )


def format_stats_text(stats: Stats) -> str:
    """The plain-text report of `quiz stats`."""
    lines = [f"Due now: {stats.due_now}"]
    today = stats.reviews_per_day[-1] if stats.reviews_per_day else 0
    lines.append(f"Reviews: {stats.reviews_total} in all, {today} today")
    if stats.retention is None:
        lines.append("Retention: no reviews of learned items yet")
    else:
        lines.append(
            f"Retention: {stats.retention:.0%} right on learned items "
            f"({stats.retention_reviews} answers)"
        )
    lines.append(f"Estimated knowledge: {stats.estimated_knowledge:.1f} items you would recall now")
    lines.append("")
    lines.append("Banks (due now / new / learning / review / mastered):")
    if not stats.banks:
        lines.append("  none studied yet")
    for b in stats.banks:
        lines.append(
            f"  {b.title} [{b.bank_id}]: {b.due_now} / {b.new} / {b.learning} / "
            f"{b.review} / {b.mastered}" + (f", {b.leeches} leech(es)" if b.leeches else "")
        )
    lines.append("")
    lines.append("Due in the next 30 days (today first):")
    lines.append("  " + " ".join(str(n) for n in stats.forecast))
    lines.append("Reviews in the last 30 days (today last):")
    lines.append("  " + " ".join(str(n) for n in stats.reviews_per_day))
    if stats.leeches:
        lines.append("")
        lines.append("Leeches (forgotten 4 times or more; the wording may need work):")
        for x in stats.leeches:
            lines.append(f"  {x.bank_id}/{x.question_id}: {x.lapses} lapses in {x.reps} answers")
    if stats.misconceptions:
        lines.append("")
        lines.append("Misconceptions (wrong answers given without 'unsure'):")
        for m in stats.misconceptions:
            lines.append(f'  {m.bank_id}/{m.question_id}: "{m.answer}" x{m.times}')
    # Titles, ids and learners' answers come from the store: each line is made safe as a
    # whole (a newline inside a title or an answer shows as \n instead of breaking it).
    return "\n".join(safe_line(line) for line in lines)
