"""Benchmark: `quiz stats` at 1,000,000 reviews against its own SQL run in bare sqlite3.

The store is a real history repeated (bench/history.py) on the shipped banks. The floor is
exactly the SQL `quiz stats` runs: the statements are recorded from a run of the real
command (every connection's trace callback, parameters expanded), then replayed, each to
its last row, by a bare Python process that imports nothing but sqlite3; the `sqlite3`
command-line shell running the same statements is printed too, when installed. Both sides
are whole processes (interpreter start included), run alternately; the medians of wall and
CPU time (user + system, of the child) are compared. Goal: quiz / bare sqlite3 <= 2.

    python bench/stats.py [--reviews N] [--runs N]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

GOAL = 2.0

FLOOR = """
import json, sqlite3, sys
statements = json.load(open(sys.argv[2]))
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
for sql in statements:
    conn.execute(sql).fetchall()
conn.close()
"""


def record_sql(data: Path) -> list[str]:
    """The statements `quiz stats` runs on this store (expanded), in order."""
    from quiz.cli import main

    statements: list[str] = []
    real_connect = sqlite3.connect

    def traced(*args: object, **kwargs: object) -> sqlite3.Connection:
        conn = real_connect(*args, **kwargs)  # type: ignore[arg-type]
        conn.set_trace_callback(statements.append)
        return conn

    sqlite3.connect = traced  # type: ignore[assignment]
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["stats", "--data-dir", str(data)]) == 0
    finally:
        sqlite3.connect = real_connect
    return statements


def timed(argv: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from history import build_store

    from quiz.bank.discover import find_bank_files, shipped_decks_dir
    from quiz.bank.load import load_bank

    banks = [load_bank(f) for f in find_bank_files([shipped_decks_dir()])[0]]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        data = tmp / "data"
        built = time.perf_counter()
        db = build_store(data, banks, args.reviews, datetime.now(timezone.utc))
        print(
            f"store: {args.reviews:,} reviews, {db.stat().st_size / 1e6:.0f} MB, built in "
            f"{time.perf_counter() - built:.1f} s"
        )
        statements = record_sql(data)
        sql_file = tmp / "statements.json"
        sql_file.write_text(json.dumps(statements), encoding="utf-8")
        script = tmp / "floor.sql"
        script.write_text("".join(s.rstrip(";") + ";\n" for s in statements), encoding="utf-8")
        print(f"quiz stats runs {len(statements)} statements")

        quiz = [sys.executable, "-m", "quiz", "stats", "--data-dir", str(data)]
        floor = [sys.executable, "-c", FLOOR, str(db), str(sql_file)]
        shell = shutil.which("sqlite3")
        kinds = {"quiz": quiz, "floor": floor}
        if shell:
            kinds["shell"] = [shell, str(db), f".read {script}"]
        for argv in kinds.values():  # warm-up: page cache, bytecode
            timed(argv)
        runs: dict[str, list[tuple[float, float]]] = {k: [] for k in kinds}
        names = list(kinds)
        for i in range(args.runs):
            for kind in names[i % len(names) :] + names[: i % len(names)]:
                runs[kind].append(timed(kinds[kind]))

    med = {
        k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
        for k, v in runs.items()
    }
    labels = {
        "quiz": "quiz stats",
        "floor": "the same SQL, bare Python sqlite3",
        "shell": "the same SQL, sqlite3 shell",
    }
    print(f"{'':40}{'wall':>9}{'CPU':>9}   (medians of {args.runs})")
    for kind, (wall, cpu) in med.items():
        print(f"{labels[kind]:40}{wall * 1000:7.0f}ms{cpu * 1000:7.0f}ms")
    ratio_wall = med["quiz"][0] / med["floor"][0]
    ratio_cpu = med["quiz"][1] / med["floor"][1]
    verdict = "met" if ratio_cpu <= GOAL else "NOT met"
    print(
        f"ratio quiz stats / bare sqlite3: wall {ratio_wall:.2f}, CPU {ratio_cpu:.2f}"
        f"  (goal <= {GOAL}, judged on CPU: {verdict})"
    )
    if "shell" in med:
        print(
            f"ratio quiz stats / sqlite3 shell: wall {med['quiz'][0] / med['shell'][0]:.2f}, "
            f"CPU {med['quiz'][1] / med['shell'][1]:.2f}"
        )
    return 0 if ratio_cpu <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
