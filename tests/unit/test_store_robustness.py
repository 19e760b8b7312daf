"""The store under abuse: studying processes killed with SIGKILL at random moments, and two
processes answering at once. Both drive the real `quiz study --plain` in subprocesses."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import pytest

from quiz.bank.discover import DISCLAIMER_META_KEY, disclaimer_digest, disclaimer_text
from quiz.engine.store import ReviewStore

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

#: A line the plain mode prints only after an answer is committed (every feedback cites it).
ACK = b"Source: "


def write_bank(path: Path, n: int) -> Path:
    lines = [
        "id: stress",
        "title: Stress bank",
        "description: Many true or false items.",
        'version: "1"',
        "sources:",
        "  - id: doc",
        "    title: A document",
        "questions:",
    ]
    for i in range(n):
        lines += [
            f"  - id: q{i}",
            "    type: true_false",
            f"    prompt: Statement number {i} is true.",
            "    answer: true",
            "    explanation: It is.",
            "    source: {id: doc, section: Intro}",
            "    topics: [t]",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def prepared_store(data: Path) -> None:
    """A store whose learner has already read the disclaimer, so stdin goes to questions."""
    with ReviewStore.open(data) as store:
        try:
            store.set_meta(DISCLAIMER_META_KEY, disclaimer_digest(disclaimer_text()))
        except OSError:
            pass


def study_cmd(data: Path, bank: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "quiz",
        "study",
        "--plain",
        "--new-limit",
        "5000",
        "--limit",
        "5000",
        "--data-dir",
        str(data),
        str(bank),
    ]


class AckCounter:
    """Counts acknowledgement lines on a child's stdout, in a thread."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.count = 0
        self.first = threading.Event()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream: IO[bytes]) -> None:
        for line in stream:
            if line.startswith(ACK):
                with self.lock:
                    self.count += 1
                self.first.set()


def check_consistent(data: Path) -> int:
    with ReviewStore.open(data) as store:
        assert store.integrity_check() == "ok"
        total = store.review_count()
        # card and log entry are written in one transaction: they always agree
        assert sum(c.reps for c in store.cards(include_retired=True)) == total
        return total


def test_sigkill_at_random_moments_loses_no_acknowledged_answer(tmp_path: Path) -> None:
    # Enough items that no round can run out of questions before it is killed: each round
    # is given at most 800 answers (about 0.6 s of answering here), 6 rounds 4,800 < 5,000.
    bank = write_bank(tmp_path / "stress.yaml", 5000)
    data = tmp_path / "data"
    prepared_store(data)
    rng = random.Random(20260301)
    acknowledged = 0
    killed_while_running = 0
    for _ in range(6):
        proc = subprocess.Popen(
            study_cmd(data, bank),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert proc.stdin is not None and proc.stdout is not None
        # never closed: the process cannot end on its own (it waits for more input)
        proc.stdin.write(b"t\n" * 800)
        proc.stdin.flush()
        counter = AckCounter(proc.stdout)
        # Start-up time varies with the machine's load: kill at a random moment after the
        # process has started answering.
        assert counter.first.wait(timeout=120), "the study process never answered"
        time.sleep(rng.uniform(0.0, 0.6))
        with counter.lock:
            seen = counter.count  # every one of these was printed after its commit
            running = proc.poll() is None
            if running:
                os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        counter.thread.join(timeout=10)
        assert running, proc.stderr.read().decode() if proc.stderr else ""
        killed_while_running += 1
        acknowledged += seen
        total = check_consistent(data)
        assert total >= acknowledged
        acknowledged = total  # later rounds build on what is really stored
    assert killed_while_running == 6
    assert acknowledged > 0


def test_two_processes_answering_500_items_each_lose_nothing(tmp_path: Path) -> None:
    bank = write_bank(tmp_path / "stress.yaml", 600)
    data = tmp_path / "data"
    prepared_store(data)
    procs = [
        subprocess.Popen(
            study_cmd(data, bank),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(b"t\n" * 500, timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err.decode()
        assert b"locked" not in err and b"Traceback" not in err, err.decode()
        assert out.count(ACK) == 500
    assert check_consistent(data) == 1000
