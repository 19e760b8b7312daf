"""Benchmark: the cost of answer-and-next, store opening included, with a short and a long
review history.

Two stores hold the same 1,000-item bank, every answered item due; one has 100 review-log
rows, the other 100,000 (spread over a year, over all items). The rows are the size real
answers produce: they are a real study session's rows (answer JSON, the card snapshot undo
keeps, FSRS JSON) repeated, as `bench/history.py` builds them. In the same run, blocks of
answers alternate between the two stores; each block opens the store (as a learner's
start does: connection, schema check, the integrity-check decision), starts a study
session, answers items back to back (`next_item()` then `submit()`, each answer committed
with an fsync as in real use) and closes the store. The median of the blocks' per-answer
costs is taken for each, in wall time and in this process's CPU time, and the ratio
long/short is printed; the opening alone is printed too. Goal: <= 1.5 (flat: the log's
length does not matter). The CPU-time ratio is judged; wall time includes the disk's fsync
and other processes' noise on a shared machine, and is printed for information.

    python bench/answer.py [--items N] [--blocks N] [--block-size N]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from history import build_store as build_history
from history import template_rows

from quiz.bank.model import Bank, Question, QuestionType, Source, SourceRef
from quiz.engine.grading import TrueFalseAnswer
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


def build_store(path: Path, bank: Bank, reviews: int, template: object) -> None:
    """A store where every answered item is due at T0, with `reviews` real-sized log rows."""
    build_history(path.parent, [bank], reviews, T0 - timedelta(days=1), template=template)  # type: ignore[arg-type]
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE cards SET due = ? WHERE state != 0", (to_iso(T0 - timedelta(hours=1)),)
        )
    conn.close()


class Runner:
    """Sessions on one store, with a clock that moves 3 s per answer; each block opens the
    store, answers and closes it."""

    def __init__(self, path: Path, bank: Bank) -> None:
        self.path = path
        self.bank = bank
        self.t = T0
        self.opening: list[float] = []

    def answer_block(self, n: int) -> tuple[float, float]:
        """Open the store, answer `n` items, close it; returns (wall, cpu) seconds per answer."""
        wall0, cpu0 = time.perf_counter(), time.process_time()
        store = ReviewStore(self.path, now=lambda: self.t)
        self.opening.append(time.process_time() - cpu0)
        session = StudySession(
            [self.bank],
            store,
            lambda: self.t,
            SessionOptions(new_limit=0, limit=n, day_tz=timezone.utc),
        )
        for _ in range(n):
            item = session.next_item()
            if item is None:
                raise SystemExit(
                    "bench: ran out of due items (the stores hold about 150; a missed item "
                    "is asked once more per session, no more); use fewer blocks"
                )
            session.submit(TrueFalseAnswer(True), response_time=timedelta(seconds=2))
            self.t += timedelta(seconds=3)
        store.close()
        return (time.perf_counter() - wall0) / n, (time.process_time() - cpu0) / n

    def review_count(self) -> int:
        with ReviewStore(self.path, integrity="off") as store:
            return store.review_count()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--blocks", type=int, default=6)
    parser.add_argument("--block-size", type=int, default=25)
    args = parser.parse_args(argv)
    if args.blocks * args.block_size > args.items:
        parser.error("blocks x block-size must not exceed items (each answer takes a due item)")

    bank = make_bank(args.items)
    template = template_rows([bank])
    with tempfile.TemporaryDirectory() as tmp:
        runners = {}
        for size in SIZES:
            path = Path(tmp) / f"log-{size}" / "progress.sqlite3"
            build_store(path, bank, size, template)
            runners[size] = Runner(path, bank)
        for r in runners.values():
            r.answer_block(5)  # warm up caches and the first queue reads
        per: dict[int, list[tuple[float, float]]] = {s: [] for s in SIZES}
        for b in range(args.blocks):
            order = SIZES if b % 2 == 0 else tuple(reversed(SIZES))
            for size in order:
                per[size].append(runners[size].answer_block(args.block_size))
        counts = {s: runners[s].review_count() for s in SIZES}
        opening = {s: statistics.median(runners[s].opening) for s in SIZES}

    short, long = SIZES
    wall = {s: statistics.median(w for w, _ in per[s]) for s in SIZES}
    cpu = {s: statistics.median(c for _, c in per[s]) for s in SIZES}
    ratio_cpu = cpu[long] / cpu[short]
    ratio_wall = wall[long] / wall[short]
    n = args.blocks * args.block_size
    print(
        f"answer-and-next: {n} answers per store, {args.items} items, fsync per answer, "
        f"the store opened and closed every {args.block_size} answers"
    )
    for s in SIZES:
        print(
            f"  {s:>7,} log rows (now {counts[s]:,}): "
            f"wall {wall[s] * 1000:.2f} ms, cpu {cpu[s] * 1000:.2f} ms per answer; "
            f"opening the store {opening[s] * 1000:.2f} ms cpu"
        )
    print(f"ratio {long:,} / {short:,} rows: cpu {ratio_cpu:.2f}x, wall {ratio_wall:.2f}x")
    verdict = "ok" if ratio_cpu <= GOAL else "ABOVE GOAL"
    print(f"goal <= {GOAL}x (cpu): {verdict}")
    return 0 if ratio_cpu <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
