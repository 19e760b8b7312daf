"""Statistics: forecast, history, retention, leeches, misconceptions, knowledge, JSON shape."""

from __future__ import annotations

from datetime import timedelta, timezone
from pathlib import Path

from unit_helpers import MINIMAL, T0, Clock

from quiz.bank.load import load_bank
from quiz.bank.model import QuestionType
from quiz.engine.grading import (
    Answer,
    ChoiceAnswer,
    ClozeAnswer,
    FlashcardGrade,
    SelfRating,
    TextAnswer,
    TrueFalseAnswer,
)
from quiz.engine.session import SessionOptions, StudyItem, StudySession
from quiz.engine.stats import compute_stats, format_stats_text
from quiz.engine.store import ReviewStore

UTC = SessionOptions(day_tz=timezone.utc, new_limit=3)


def test_empty_store(tmp_path: Path) -> None:
    stats = compute_stats(ReviewStore(tmp_path / "p.sqlite3"), T0, day_tz=timezone.utc)
    j = stats.to_json()
    assert j["due_now"] == 0 and j["reviews_total"] == 0 and j["forecast"] == [0] * 30
    assert j["reviews_per_day"] == [0] * 30 and j["retention"] is None and j["banks"] == []
    assert "none studied yet" in format_stats_text(stats)


def test_stats_after_two_days_of_study(tmp_path: Path) -> None:
    bank = load_bank(MINIMAL)
    store = ReviewStore(tmp_path / "p.sqlite3")
    clock = Clock()
    # Day 1: three new items (the red-flag flashcard first); the single-choice one answered
    # wrong (confidently) at first.
    s = StudySession([bank], store, clock, UTC)
    answers: dict[str, list[Answer]] = {
        "what-is-twitch": [ChoiceAnswer.of(1), ChoiceAnswer.of(0), ChoiceAnswer.of(0)],
        "tf-common": [TrueFalseAnswer(True)] * 3,
        "weak": [FlashcardGrade(SelfRating.GOOD)] * 3,
    }
    while (item := s.next_item()) is not None:
        s.submit(answers[item.question.id].pop(0))
        clock.t += timedelta(minutes=1)
    day1 = s.answered
    cards = {c.question_id: c for c in store.cards(["sample"]) if c.due}
    assert len(cards) == 3

    # Day 4: everything due; answer one item wrong, the others right.
    clock.t = max(c.due for c in cards.values() if c.due) + timedelta(hours=1)
    s2 = StudySession([bank], store, clock, SessionOptions(day_tz=timezone.utc, new_limit=0))
    wrong_once = False
    while (item := s2.next_item()) is not None:
        q = item.question
        if q.id == "tf-common" and not wrong_once:
            s2.submit(TrueFalseAnswer(False))
            wrong_once = True
        elif q.id == "tf-common":
            s2.submit(TrueFalseAnswer(True))
        elif q.id == "what-is-twitch":
            s2.submit(ChoiceAnswer.of(0))
        else:
            s2.submit(FlashcardGrade(SelfRating.GOOD))
        clock.t += timedelta(minutes=1)

    stats = compute_stats(store, clock.t, day_tz=timezone.utc)
    assert stats.reviews_total == day1 + s2.answered
    days_between = (clock.t.date() - T0.date()).days
    assert stats.reviews_per_day[-1] == s2.answered
    assert stats.reviews_per_day[-1 - days_between] == day1
    assert sum(stats.reviews_per_day) == stats.reviews_total
    # Retention: 2 answers on items in Review (the flashcard, right; tf-common, wrong). The
    # single-choice item was still in its learning step: missed, then right when asked once
    # more, it is not asked a third time that day.
    assert stats.retention_reviews == 2 and abs(stats.retention - 1 / 2) < 1e-9  # type: ignore[operator]
    assert sum(stats.forecast) == 3 and stats.due_now == 0
    assert 0 < stats.estimated_knowledge <= 3
    (bank_stats,) = stats.banks
    assert (bank_stats.new, bank_stats.learning + bank_stats.review) == (3, 3)
    answers_wrong = {(m.question_id, m.answer) for m in stats.misconceptions}
    assert answers_wrong == {
        ("what-is-twitch", "A long, painful tightening of a whole muscle"),
        ("tf-common", "False"),
    }
    j = stats.to_json()
    for key in (
        "due_now",
        "reviews_total",
        "forecast",
        "banks",
        "reviews_per_day",
        "retention",
        "leeches",
        "misconceptions",
        "estimated_knowledge",
    ):
        assert key in j
    text = format_stats_text(stats)
    assert "Retention: 50%" in text and "Sample bank [sample]" in text


def test_forecast_counts_overdue_today_and_leeches_listed(tmp_path: Path) -> None:
    bank = load_bank(MINIMAL)
    store = ReviewStore(tmp_path / "p.sqlite3")
    clock = Clock()
    s = StudySession([bank], store, clock, SessionOptions(day_tz=timezone.utc, new_limit=6))
    while (item := s.next_item()) is not None:
        s.submit(_right(item))
        clock.t += timedelta(seconds=10)
    # make one item a leech directly: stats only read the counter
    store.database.write(
        lambda c: c.execute("UPDATE cards SET lapses = 5 WHERE question_id = 'emg'")
    )
    later = clock.t + timedelta(days=60)
    stats = compute_stats(store, later, day_tz=timezone.utc)
    assert stats.due_now == 6 and stats.forecast[0] == 6
    assert [(x.question_id, x.lapses) for x in stats.leeches] == [("emg", 5)]
    assert stats.estimated_knowledge < 6


def _right(item: StudyItem) -> Answer:
    q = item.question
    if q.type in (QuestionType.SINGLE, QuestionType.MULTI):
        return ChoiceAnswer(frozenset(q.correct_options))
    if q.type is QuestionType.TRUE_FALSE:
        return TrueFalseAnswer(bool(q.answer))
    if q.type is QuestionType.CLOZE:
        return ClozeAnswer(tuple(d.text for d in q.cloze_deletions()))
    if q.type is QuestionType.TYPED:
        return TextAnswer(q.answers[0])
    return FlashcardGrade(SelfRating.GOOD)
