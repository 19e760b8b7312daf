"""A near miss (a typo within the allowance) counts as right through a whole study session:
it is scheduled as right and never listed among the misconceptions."""

from __future__ import annotations

from datetime import timedelta, timezone
from pathlib import Path

from unit_helpers import MINIMAL, Clock

from quiz.bank.load import load_bank
from quiz.engine.grading import (
    Answer,
    ChoiceAnswer,
    ClozeAnswer,
    FlashcardGrade,
    SelfRating,
    TextAnswer,
    TrueFalseAnswer,
)
from quiz.engine.session import SessionOptions, StudySession
from quiz.engine.stats import compute_stats
from quiz.engine.store import ReviewStore


def test_slips_are_right_and_wrong_words_are_misconceptions(tmp_path: Path) -> None:
    bank = load_bank(MINIMAL)
    store = ReviewStore(tmp_path / "p.sqlite3")
    clock = Clock()
    session = StudySession([bank], store, clock, SessionOptions(day_tz=timezone.utc))
    answers: dict[str, Answer] = {
        "what-is-twitch": ChoiceAnswer.of(0),
        "tf-common": TrueFalseAnswer(True),
        "cloze-cramp": ClozeAnswer(("pianful",)),  # swapped letters: a slip
        "weak": FlashcardGrade(SelfRating.GOOD),
        "emg": TextAnswer("ECG"),  # another test: wrong
        "multi-triggers": ChoiceAnswer.of(0, 1),
    }
    results = {}
    while (item := session.next_item()) is not None:
        qid = item.question.id
        if qid in results:  # an item that comes back: answer it right (a slip for the EMG)
            again = answers[qid] if qid != "emg" else TextAnswer("electromyograpy")
            assert session.submit(again).correct
        else:
            results[qid] = session.submit(answers[qid])
        clock.advance(minutes=1)
    cloze = results["cloze-cramp"]
    assert cloze.correct and not cloze.confident_wrong
    assert cloze.deletions[0].spelling == "painful"
    assert not results["emg"].correct and results["emg"].confident_wrong
    stats = compute_stats(store, clock.t + timedelta(minutes=1), day_tz=timezone.utc)
    assert {(m.question_id, m.answer) for m in stats.misconceptions} == {("emg", "ECG")}
