"""Benchmark helper: progress stores with a realistic history of any length, made quickly.

The rows are real: a study session (`StudySession`, the same code a learner drives) answers
the given banks over two simulated months, right four times in five, with every question
type answered as a learner would (options, true/false, typed text, cloze blanks, flashcard
grades). Its review rows (answer JSON, the card snapshot undo keeps, FSRS JSON) and card
rows are the template. A history of N reviews repeats the template's rows N times over,
spread over the year before `now`, and is written with `executemany` in one transaction
(synchronous off: this is a fixture, not a learner's answer). The items end with the
template's schedules; the integrity check is recorded as done at `now`, as after any
start within the week, and the disclaimer as read.

    from history import build_store
    build_store(data_dir, banks, reviews=1_000_000, now=T0)
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
import tempfile
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

from quiz.bank.discover import DISCLAIMER_META_KEY, disclaimer_digest, disclaimer_text
from quiz.bank.model import Bank, Question, QuestionType
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
from quiz.engine.store import ReviewStore, to_iso
from quiz.engine.store.records import CARD_COLUMNS

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
_REVIEW_COLUMNS = (
    "card_id, bank_id, question_id, reviewed_at, rating, answer, correct, unsure, "
    "confident_wrong, response_ms, state_before, was_new, card_before"
)


def answer_for(q: Question, right: bool, rng: random.Random) -> Answer:
    """What a learner might give: the right answer, or a plausible wrong one."""
    t = q.type
    if t in (QuestionType.SINGLE, QuestionType.MULTI):
        good = frozenset(q.correct_options)
        if right:
            return ChoiceAnswer(good)
        wrong = [i for i in range(len(q.options)) if i not in good] or [0]
        return ChoiceAnswer(frozenset({rng.choice(wrong)}))
    if t is QuestionType.TRUE_FALSE:
        return TrueFalseAnswer(bool(q.answer) if right else not q.answer)
    if t is QuestionType.TYPED:
        return TextAnswer(q.answers[0] if right else "I am not sure what it is")
    if t is QuestionType.CLOZE:
        texts = tuple(d.text if right else "something" for d in q.cloze_deletions())
        return ClozeAnswer(texts)
    return FlashcardGrade(SelfRating.GOOD if right else SelfRating.AGAIN)


def template_rows(
    banks: Sequence[Bank], seed: int = 1
) -> tuple[list[tuple[object, ...]], dict[tuple[str, str], tuple[object, ...]]]:
    """Real review rows (without their id) and the cards' final rows by key, from a session
    over two simulated months."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        store = ReviewStore(Path(tmp) / "template.sqlite3", integrity="off")
        store.database.conn.execute("PRAGMA synchronous = OFF")  # a fixture: no fsync
        t = [T0 - timedelta(days=60)]
        options = SessionOptions(new_limit=40, day_tz=timezone.utc)
        for _day in range(60):
            session = StudySession(banks, store, lambda: t[0], options)
            while (item := session.next_item()) is not None:
                right = rng.random() < 0.8
                unsure = right and rng.random() < 0.15
                session.submit(
                    answer_for(item.question, right, rng),
                    unsure=unsure and item.type is not QuestionType.FLASHCARD,
                    response_time=timedelta(milliseconds=rng.randint(1500, 20000)),
                )
                t[0] += timedelta(seconds=rng.randint(5, 40))
            t[0] = t[0].replace(hour=12) + timedelta(days=1)
        db = store.database
        reviews = db.read(f"SELECT {_REVIEW_COLUMNS} FROM reviews ORDER BY review_id")
        cards = {(r[1], r[2]): tuple(r) for r in db.read(f"SELECT {CARD_COLUMNS} FROM cards")}
        store.close()
    return [tuple(r) for r in reviews], cards


def build_store(
    data_dir: Path,
    banks: Sequence[Bank],
    reviews: int,
    now: datetime = T0,
    *,
    template: tuple[list[tuple[object, ...]], dict[tuple[str, str], tuple[object, ...]]]
    | None = None,
) -> Path:
    """A store in `data_dir` with `reviews` review rows on these banks (see the module
    docstring); returns the database path."""
    rows, final = template or template_rows(banks)
    with ReviewStore.open(data_dir, integrity="off") as store:
        store.sync_banks(banks, now - timedelta(days=400))
        store.set_meta(DISCLAIMER_META_KEY, disclaimer_digest(disclaimer_text()))
        store.set_meta("integrity_checked_at", to_iso(now))
        path = store.path
        ids = {
            (r[1], r[2]): int(r[0])
            for r in store.database.read("SELECT card_id, bank_id, question_id FROM cards")
        }
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        if reviews:
            for key, row in final.items():
                if key in ids and row[5] != 0:
                    conn.execute(
                        "UPDATE cards SET state = ?, due = ?, fsrs = ?, reps = ?, lapses = ?, "
                        "first_seen = ?, last_seen = ?, interval_days = ? WHERE card_id = ?",
                        (*row[5:13], ids[key]),
                    )
        span = timedelta(days=365).total_seconds()
        usable = [r for r in rows if (r[1], r[2]) in ids]
        batch: list[tuple[object, ...]] = []
        for i in range(reviews):
            r = usable[i % len(usable)]
            at = now - timedelta(seconds=span * (1 - i / reviews) + 60)
            batch.append((ids[(r[1], r[2])], r[1], r[2], to_iso(at), *r[4:]))
            if len(batch) >= 50_000:
                conn.executemany(
                    f"INSERT INTO reviews ({_REVIEW_COLUMNS}) VALUES ({', '.join('?' * 13)})",
                    batch,
                )
                batch.clear()
        if batch:
            conn.executemany(
                f"INSERT INTO reviews ({_REVIEW_COLUMNS}) VALUES ({', '.join('?' * 13)})", batch
            )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    with contextlib.suppress(FileNotFoundError):
        path.with_name(path.name + "-wal").unlink()
    return path
