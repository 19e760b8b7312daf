"""Benchmark: loading a bank, and `quiz check`, against floors measured in the same run.

1. load_bank() of a generated 10,000-question bank (every question type) against a bare
   `yaml.load(text, Loader=yaml.CSafeLoader)` of the same file with the garbage collector
   paused, as load_bank pauses it while it builds (see quiz/bank/load.py): that is the
   fair floor, and the headline ratio. Goal: ratio <= 2. The ratio against a bare load
   with the collector running is printed for information only (it flatters us: the
   collector's passes over the parsed tree slow the floor about threefold).
2. `quiz check` on the shipped banks (a real subprocess, as a learner or an instructor
   runs it) against `python -c "import yaml"`, the least a check can cost. Goal: <= 8.
3. `quiz check` (load + lint, a real subprocess) at 1,000 and 10,000 questions. The fixed
   cost of a process (interpreter, imports) is measured on a
   six-question bank (one of each type) and taken off, so the ratio compares the cost per
   question. Wall and CPU time are both printed; CPU time is steadier on a busy machine.
   Goal: linear, ratio ~1.

Run: python bench/load.py [--repeat N]
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from quiz.bank.load import MAX_FILE_BYTES, load_bank

HEAD = """\
# yaml-language-server: $schema=../schema/bank.schema.json
id: bench
title: Benchmark bank
description: Generated questions of every type.
version: 1
sources:
  - id: doc
    title: A document
    publisher: A clinic
questions:
"""

ITEMS = (
    """\
  - id: single-{n}
    type: single
    prompt: What is a muscle twitch, case {n}?
    explanation: A twitch is a small movement of a few fibres. It is not painful.
    source: {{id: doc, section: Intro}}
    topics: [basics]
    options:
      - {{text: A small flicker, correct: true, why: Right.}}
      - {{text: A long cramp, why: That is a cramp.}}
      - {{text: A loss of strength, why: That is weakness.}}
""",
    """\
  - id: multi-{n}
    type: multi
    prompt: Which of these can bring on twitches, case {n}?
    explanation: Coffee and stress are common triggers.
    source: {{id: doc, section: Triggers}}
    topics: [triggers]
    options:
      - {{text: Coffee, correct: true, why: A trigger.}}
      - {{text: Stress, correct: true, why: A trigger.}}
      - {{text: Reading, why: Not a trigger.}}
""",
    """\
  - id: tf-{n}
    type: true_false
    prompt: Twitching is common in healthy people, case {n}.
    answer: true
    explanation: Many healthy people twitch.
    source: {{id: doc, section: Intro}}
    topics: [basics]
""",
    """\
  - id: card-{n}
    type: flashcard
    prompt: Which sign matters more than twitching, case {n}?
    back: Weakness that gets worse.
    explanation: Weakness that keeps getting worse is the sign to act on.
    source: {{id: doc, section: Signs}}
    topics: [red-flags]
    red_flag: true
    action: See your doctor if a muscle gets weaker over weeks.
""",
    """\
  - id: cloze-{n}
    type: cloze
    prompt: A cramp is a sudden {{{{c1::painful}}}} tightening, case {n}.
    explanation: Cramps hurt; twitches do not.
    source: {{id: doc, section: Cramps}}
    topics: [cramps]
""",
    """\
  - id: typed-{n}
    type: typed
    prompt: Which test records a muscle's signals, case {n}?
    answers: [EMG, electromyography]
    explanation: The test is an EMG.
    source: {{id: doc, section: Tests}}
    topics: [tests]
""",
)


def bank_text(n_questions: int) -> str:
    return HEAD + "".join(ITEMS[i % len(ITEMS)].format(n=i) for i in range(n_questions))


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def process_seconds(argv: list[str], repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of a process."""
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(argv, capture_output=True, text=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        if proc.returncode != 0:
            raise SystemExit(f"{argv} failed:\n{proc.stdout}{proc.stderr}")
    return statistics.median(walls), statistics.median(cpus)


def check_seconds(path: Path, repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of a `quiz check` process.

    The CPU time is the steadier figure on a machine shared with other work.
    """
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "quiz", "check", str(path)],
            capture_output=True,
            text=True,
        )
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        if proc.returncode != 0:
            raise SystemExit(f"quiz check failed on {path}:\n{proc.stdout}{proc.stderr}")
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="repetitions (default 5)")
    args = parser.parse_args()
    repeat: int = args.repeat

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = {}
        for n in (len(ITEMS), 1_000, 10_000):
            f = folder / f"bank-{n}.yaml"
            f.write_text(bank_text(n), encoding="utf-8")
            files[n] = f
        big = files[10_000]
        size = big.stat().st_size
        assert size <= MAX_FILE_BYTES, "the generated bank must stay under the size limit"
        text = big.read_text("utf-8")

        bank = load_bank(big)
        assert len(bank.questions) == 10_000

        def bare_load_without_gc() -> None:
            gc.disable()
            try:
                yaml.load(text, Loader=yaml.CSafeLoader)
            finally:
                gc.enable()

        floor: list[float] = []
        floor_no_gc: list[float] = []
        ours: list[float] = []
        for _ in range(repeat):  # interleaved, so that a busy moment hits all alike
            floor += timed(lambda: yaml.load(text, Loader=yaml.CSafeLoader), 1)
            floor_no_gc += timed(bare_load_without_gc, 1)
            ours += timed(lambda: load_bank(big), 1)
        print(f"bank: 10,000 questions, {size / 1e6:.2f} MB, {repeat} runs each")
        print(
            f"  yaml.load(CSafeLoader)  best {min(floor):.3f} s, "
            f"median {statistics.median(floor):.3f} s"
        )
        print(
            f"  the same, gc paused     best {min(floor_no_gc):.3f} s, "
            f"median {statistics.median(floor_no_gc):.3f} s"
        )
        print(
            f"  load_bank               best {min(ours):.3f} s, "
            f"median {statistics.median(ours):.3f} s"
        )
        headline = statistics.median(ours) / statistics.median(floor_no_gc)
        print(
            f"  load ratio (against the gc-paused floor): {min(ours) / min(floor_no_gc):.2f}x "
            f"best, {headline:.2f}x median (goal <= 2x: {'met' if headline <= 2 else 'NOT met'})"
        )
        print(
            "  for information, against the floor with the collector running: "
            f"{min(ours) / min(floor):.2f}x best, "
            f"{statistics.median(ours) / statistics.median(floor):.2f}x median"
        )

        runs = max(5, repeat)
        shipped = [sys.executable, "-m", "quiz", "check"]
        import_yaml = [sys.executable, "-c", "import yaml"]
        process_seconds(shipped, 1)  # warm-up: bytecode, page cache
        process_seconds(import_yaml, 1)
        pairs = [
            (process_seconds(shipped, 1), process_seconds(import_yaml, 1)) for _ in range(runs)
        ]
        check_wall = statistics.median(q[0] for q, _ in pairs)
        check_cpu = statistics.median(q[1] for q, _ in pairs)
        yaml_wall = statistics.median(y[0] for _, y in pairs)
        yaml_cpu = statistics.median(y[1] for _, y in pairs)
        ratio_wall, ratio_cpu = check_wall / yaml_wall, check_cpu / yaml_cpu
        print(f"quiz check on the shipped banks, median of {runs} processes (wall / CPU):")
        print(f"  quiz check                {check_wall:.3f} s / {check_cpu:.3f} s")
        print(f"  python -c 'import yaml'   {yaml_wall:.3f} s / {yaml_cpu:.3f} s")
        print(
            f"  ratio: {ratio_wall:.2f} wall, {ratio_cpu:.2f} CPU "
            f"(goal <= 8: {'met' if max(ratio_wall, ratio_cpu) <= 8 else 'NOT met'})"
        )

        check_repeat = max(3, repeat)
        base = len(ITEMS)
        fixed_wall, fixed_cpu = check_seconds(files[base], check_repeat)
        print(f"quiz check, median of {check_repeat} processes (wall / CPU):")
        print(
            f"  {base} questions (fixed cost) {fixed_wall:.3f} s / {fixed_cpu:.3f} s "
            "(interpreter, imports)"
        )
        per_question: dict[int, tuple[float, float]] = {}
        for n in (1_000, 10_000):
            wall, cpu = check_seconds(files[n], check_repeat)
            per_question[n] = ((wall - fixed_wall) / (n - base), (cpu - fixed_cpu) / (n - base))
            print(
                f"  {n:>6,} questions        {wall:.3f} s / {cpu:.3f} s  "
                f"({per_question[n][0] * 1e3:.3f} / {per_question[n][1] * 1e3:.3f} ms "
                "per question beyond the fixed cost)"
            )
        wall_ratio = per_question[10_000][0] / per_question[1_000][0]
        cpu_ratio = per_question[10_000][1] / per_question[1_000][1]
        print(
            f"  per-question ratio 10k/1k: {wall_ratio:.2f} wall, {cpu_ratio:.2f} CPU "
            "(goal ~1, linear)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
