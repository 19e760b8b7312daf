"""Benchmark: the cost of answer-and-next with a short and a long review history.

Two stores hold the same 1,000-item bank, every item due; one has 100 review-log rows, the
other 100,000 (spread over a year, over all items). In the same run, a study session on
each answers items back to back: `next_item()` then `submit()`, each answer committed with
an fsync as in real use. Blocks of answers alternate between the two stores; the median of
the blocks' per-answer costs is taken for each, in wall time and in this process's CPU time,
and the ratio long/short is printed. Goal: <= 1.5 (flat: the log's length does not matter).
The CPU-time ratio is judged; wall time includes the disk's fsync and other processes'
noise on a shared machine, and is printed for information.

    python bench/answer.py [--items N] [--blocks N] [--block-size N]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from quiz.bank.model import Bank, Question, QuestionType, Source, SourceRef
from quiz.engine.grading import SelfRating, TrueFalseAnswer
from quiz.engine.schedule import Scheduling, card_to_json
from quiz.engine.session import SessionOptions, StudySession
from quiz.engine.store import ReviewStore, to_iso

GOAL = 1.5
SIZES = (100, 100_000)
T0 = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)


def make_bank(n: int) -> Bank:
    """A bank of `n` true/false items."""
    questions = tuple(
        Question(
            id=f"q-{i}",
            type=QuestionType.TRUE_FALSE,
            prompt=f"Statement {i}: most twitching is harmless.",
            explanation="Most twitching in healthy people is harmless.",
            source=SourceRef("doc", "Intro"),
            topics=(f"topic-{i % 7}",),
            answer=True,
        )
        for i in range(n)
    )
    return Bank(
        id="bench",
        title="Bench bank",
        description="Generated.",
        language="en",
        version="1",
        sources=(Source("doc", "A document"),),
        questions=questions,
    )


def build_store(path: Path, bank: Bank, reviews: int, rng: random.Random) -> None:
    """A store where every item is in review and due, with `reviews` log rows."""
    with ReviewStore(path) as store:
        store.sync_bank(bank, T0 - timedelta(days=400))
    scheduling = Scheduling()
    conn = sqlite3.connect(path)
    cards = conn.execute("SELECT card_id, bank_id, question_id FROM cards").fetchall()
    updates = []
    for card_id, _, _ in cards:
        start = T0 - timedelta(days=rng.uniform(30, 365))
        card = None
        now = start
        for reps in range(3):
            o = scheduling.review(
                card,
                card_id=card_id,
                reps=reps,
                rating=SelfRating.GOOD,
                now=now,
                red_flag=False,
            )
            card, now = o.card, o.due
        assert card is not None
        card.due = T0 - timedelta(hours=rng.uniform(1, 24 * 20))
        updates.append((to_iso(card.due), card_to_json(card), to_iso(start), to_iso(now), card_id))
    conn.executemany(
        "UPDATE cards SET state = 2, due = ?, fsrs = ?, reps = 3, first_seen = ?, "
        "last_seen = ?, interval_days = 10 WHERE card_id = ?",
        updates,
    )
    rows = []
    for i in range(reviews):
        card_id, bank_id, qid = cards[i % len(cards)]
        at = T0 - timedelta(seconds=rng.uniform(3600, 365 * 86400))
        rows.append(
            (
                card_id,
                bank_id,
                qid,
                to_iso(at),
                3,
                json.dumps({"kind": "true_false", "value": True, "text": "True"}),
                1,
                0,
                0,
                2500,
                2,
                0,
                "{}",
            )
        )
    conn.executemany(
        "INSERT INTO reviews (card_id, bank_id, question_id, reviewed_at, rating, answer, "
        "correct, unsure, confident_wrong, response_ms, state_before, was_new, card_before) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.commit()
    conn.close()


class Runner:
    """A session on one store, answering on demand with a clock that moves 3 s per answer."""

    def __init__(self, path: Path, bank: Bank) -> None:
        self.store = ReviewStore(path)
        self.t = T0
        self.session = StudySession(
            [bank],
            self.store,
            lambda: self.t,
            SessionOptions(new_limit=0, day_tz=timezone.utc),
        )

    def answer_block(self, n: int) -> tuple[float, float]:
        """Answer `n` items; returns (wall, cpu) seconds per answer."""
        wall0, cpu0 = time.perf_counter(), time.process_time()
        for _ in range(n):
            item = self.session.next_item()
            if item is None:
                raise SystemExit("bench: ran out of due items; use fewer blocks")
            self.session.submit(TrueFalseAnswer(True), response_time=timedelta(seconds=2))
            self.t += timedelta(seconds=3)
        return (time.perf_counter() - wall0) / n, (time.process_time() - cpu0) / n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--blocks", type=int, default=12)
    parser.add_argument("--block-size", type=int, default=40)
    args = parser.parse_args(argv)
    if args.blocks * args.block_size > args.items:
        parser.error("blocks x block-size must not exceed items (each answer takes a due item)")

    rng = random.Random(1)
    bank = make_bank(args.items)
    with tempfile.TemporaryDirectory() as tmp:
        runners = {}
        for size in SIZES:
            path = Path(tmp) / f"log-{size}" / "progress.sqlite3"
            path.parent.mkdir()
            build_store(path, bank, size, rng)
            runners[size] = Runner(path, bank)
        for r in runners.values():
            r.answer_block(5)  # warm up caches and the first queue reads
        per: dict[int, list[tuple[float, float]]] = {s: [] for s in SIZES}
        for b in range(args.blocks):
            order = SIZES if b % 2 == 0 else tuple(reversed(SIZES))
            for size in order:
                per[size].append(runners[size].answer_block(args.block_size))
        counts = {s: runners[s].store.review_count() for s in SIZES}
        for r in runners.values():
            r.store.close()

    short, long = SIZES
    wall = {s: statistics.median(w for w, _ in per[s]) for s in SIZES}
    cpu = {s: statistics.median(c for _, c in per[s]) for s in SIZES}
    ratio_cpu = cpu[long] / cpu[short]
    ratio_wall = wall[long] / wall[short]
    n = args.blocks * args.block_size
    print(f"answer-and-next: {n} answers per store, {args.items} items, fsync per answer")
    for s in SIZES:
        print(
            f"  {s:>7,} log rows (now {counts[s]:,}): "
            f"wall {wall[s] * 1000:.2f} ms, cpu {cpu[s] * 1000:.2f} ms per answer"
        )
    print(f"ratio {long:,} / {short:,} rows: cpu {ratio_cpu:.2f}x, wall {ratio_wall:.2f}x")
    verdict = "ok" if ratio_cpu <= GOAL else "ABOVE GOAL"
    print(f"goal <= {GOAL}x (cpu): {verdict}")
    return 0 if ratio_cpu <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
