"""Benchmark: time from process start to the quiz app's first screen, against a minimal
Textual app that shows three lines, in the same run.

Each run starts a fresh Python process on a pseudo-terminal of 80x24 (as a learner's
terminal would be). The app under test is the real command a learner types, the installed
`quiz` console script (`python -m quiz` if it is not installed), as `quiz study` on the
shipped banks. (`python -m quiz` runs a few frames deeper, under runpy; on CPython 3.11 that
depth made Textual's import map and unmap a 16 KiB frame-stack chunk about 330 times, against
14 for the console script, as counted with strace, and it measured about 0.1 higher.) It
runs with a data directory whose disclaimer is already acknowledged, so its first screen is
the home screen with every bank's counts. `$QUIZ_TUI_FIRST_SCREEN_FILE` makes it
write the time of its first paint and exit; the floor app does the same after painting its
three lines. The time from just before the process is spawned to that mark is the start-up
time; each process also reports the CPU time it used until then, which other processes on a
busy machine disturb much less than the wall time.

Starts of the quiz measured:

- the usual start, at 0, 100,000 and 1,000,000 reviews of history: the store has synced
  these exact bank files before (every start after the first), so the home screen comes
  from the store and the banks are parsed only when studied. The histories are real review
  rows repeated (bench/history.py, built with executemany in one transaction; the 1M store
  is about 700 MB and takes about 20 s to build here), and the weekly integrity check was
  recorded today, as after any start within the week (a check that is due runs in the
  background, never before the first screen);
- the first start with these bank files (after installing, or after a bank file changed):
  every bank is parsed, checked and synced before the home screen. Each such run gets a
  fresh copy of a store that has only the disclaimer acknowledged.

Runs go in rounds (the order rotates each round) after one warm-up of each; the medians
are compared. Goal: every quiz start / floor <= 1.3.

    python bench/startup.py [--rounds N] [--sizes 0,100000,1000000]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from quiz.bank.discover import disclaimer_text
from quiz.engine.store import ReviewStore
from quiz.plain import DISCLAIMER_META_KEY, disclaimer_digest
from quiz.tui.app import FIRST_SCREEN_ENV

GOAL = 1.3
COLUMNS, ROWS = 80, 24

FLOOR_APP = f'''
import os, time
from textual.app import App, ComposeResult
from textual.widgets import Static


class ThreeLines(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("one\\ntwo\\nthree")

    def on_mount(self) -> None:
        self.call_after_refresh(self.painted)

    def painted(self) -> None:
        with open(os.environ["{FIRST_SCREEN_ENV}"], "w") as f:
            f.write(f"{{time.time():.6f}} {{time.process_time():.6f}}\\n")
        self.exit()


ThreeLines().run()
'''


def run_on_pty(argv: list[str], env: dict[str, str], marker: Path) -> tuple[float, float]:
    """Start `argv` on an 80x24 pseudo-terminal; (wall seconds from spawn to its first
    paint, the process's own CPU seconds until then)."""
    marker.unlink(missing_ok=True)
    main_fd, sub_fd = pty.openpty()
    fcntl.ioctl(sub_fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))

    def drain() -> None:
        while True:
            try:
                if not os.read(main_fd, 65536):
                    return
            except OSError:
                return

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    started = time.time()
    proc = subprocess.Popen(
        argv, stdin=sub_fd, stdout=sub_fd, stderr=sub_fd, env=env, close_fds=True
    )
    os.close(sub_fd)
    try:
        status = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(timeout=5)
        os.close(main_fd)
    if status != 0 or not marker.exists():
        raise SystemExit(f"{' '.join(argv)}: exited with {status} before its first screen")
    wall, cpu = (float(x) for x in marker.read_text().split())
    return wall - started, cpu


def quiz_command() -> list[str]:
    """The installed `quiz` console script beside this Python, else `python -m quiz`."""
    script = Path(sys.executable).with_name("quiz")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "quiz"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--sizes",
        default="0,100000,1000000",
        help="history sizes (reviews) of the usual start, comma-separated",
    )
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]

    from history import build_store, template_rows

    from quiz.bank.discover import find_bank_files, shipped_decks_dir
    from quiz.bank.load import load_bank

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        # A store with only the disclaimer acknowledged: the first start's, copied per run.
        fresh_dir = tmp / "fresh"
        with ReviewStore.open(fresh_dir, integrity="off") as store:
            store.set_meta(DISCLAIMER_META_KEY, disclaimer_digest(disclaimer_text()))
            store_name = store.path.name
        first_dir = tmp / "first"

        def fresh_store() -> None:
            shutil.rmtree(first_dir, ignore_errors=True)
            first_dir.mkdir(mode=0o700)
            shutil.copy2(fresh_dir / store_name, first_dir / store_name)

        # The usual start at each history size: the shipped banks synced, the history's
        # rows real ones repeated (bench/history.py), the weekly check done today.
        banks = [load_bank(f) for f in find_bank_files([shipped_decks_dir()])[0]]
        template = template_rows(banks)
        now = datetime.now(timezone.utc)
        usual_dirs = {}
        for n in sizes:
            built = time.perf_counter()
            usual_dirs[n] = tmp / f"usual-{n}"
            build_store(usual_dirs[n], banks, n, now, template=template)
            size = (usual_dirs[n] / store_name).stat().st_size
            print(
                f"built a store with {n:,} reviews ({size / 1e6:.0f} MB) in "
                f"{time.perf_counter() - built:.1f} s",
                flush=True,
            )

        floor_script = tmp / "three_lines.py"
        floor_script.write_text(FLOOR_APP, encoding="utf-8")
        marker = tmp / "painted"
        # PYTHONDONTWRITEBYTECODE would make every run recompile quiz's modules from source
        # (an installed wheel ships them compiled, and Textual's are cached): let the
        # warm-up write bytecode for both sides, as on a user's machine.
        drop = ("NO_COLOR", "TEXTUAL", "PYTHONDONTWRITEBYTECODE", "QUIZ_DATA_DIR")
        env = {k: v for k, v in os.environ.items() if k not in drop}
        env.update({"TERM": "xterm-256color", FIRST_SCREEN_ENV: str(marker)})
        quiz = quiz_command()
        argvs = {"floor": [sys.executable, str(floor_script)]}
        for n in sizes:
            argvs[f"usual-{n}"] = [*quiz, "study", "--data-dir", str(usual_dirs[n])]
        argvs["first"] = [*quiz, "study", "--data-dir", str(first_dir)]

        # warm-up: bytecode caches, page cache
        for kind, argv in argvs.items():
            if kind == "first":
                fresh_store()
            run_on_pty(argv, env, marker)
        runs: dict[str, list[tuple[float, float]]] = {k: [] for k in argvs}
        kinds = list(runs)
        for i in range(args.rounds):
            shift = i % len(kinds)
            for kind in kinds[shift:] + kinds[:shift]:
                if kind == "first":
                    fresh_store()
                runs[kind].append(run_on_pty(argvs[kind], env, marker))

    print(f"rounds: {args.rounds} (80x24 pseudo-terminal; medians); quiz run as: {quiz[-1]}")
    print(f"{'':52}{'wall':>9}{'CPU':>9}")
    labels = {"floor": "floor (minimal Textual app, three lines)"}
    for n in sizes:
        labels[f"usual-{n}"] = f"quiz study, usual start, {n:,} reviews"
    labels["first"] = "quiz study, first start (parse+check+sync)"
    medians = {}
    for kind, label in labels.items():
        wall = statistics.median(w for w, _ in runs[kind])
        cpu = statistics.median(c for _, c in runs[kind])
        medians[kind] = (wall, cpu)
        print(f"{label:52}{wall * 1000:7.0f}ms{cpu * 1000:7.0f}ms")
    met = True
    for kind in labels:
        if kind == "floor":
            continue
        for i, name in enumerate(("wall", "CPU")):
            ratio = medians[kind][i] / medians["floor"][i]
            verdict = "met" if ratio <= GOAL else "NOT met"
            met = met and ratio <= GOAL
            print(
                f"ratio {labels[kind][11:]:40} / floor, {name + ':':5} {ratio:.2f}"
                f"  (goal <= {GOAL}: {verdict})"
            )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
