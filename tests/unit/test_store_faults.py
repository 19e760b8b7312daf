"""Faults while studying, through the real program (`quiz study --plain` in a subprocess):
a full disk (a real SQLITE_FULL), a write the operating system refuses (a file size limit,
a real EFBIG), a write lock held by another process, and bytes that are not UTF-8. Each
time the learner reads the words from `quiz.engine.faults`, may try again or stop, never
sees a traceback, and every acknowledged answer is in the store."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from test_store_robustness import ACK, prepared_store, study_cmd, write_bank

from quiz.bank.load import load_bank
from quiz.engine.faults import NOT_UTF8_MESSAGE
from quiz.engine.paths import DB_FILENAME
from quiz.engine.store import ReviewStore

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX processes and limits")

MINIMAL = Path(__file__).resolve().parents[1] / "data" / "good" / "minimal.yaml"
RETRY_PROMPT = b"Press Enter to try again, or q to quit: "

#: runs the real command line with extra pragmas on every store connection (the test hook
#: `quiz.engine.store.connection.EXTRA_PRAGMAS`): `python -c HOOKED "PRAGMA ..." study ...`
HOOKED = (
    "import sys\n"
    "import quiz.engine.store.connection as connection\n"
    "connection.EXTRA_PRAGMAS = (sys.argv.pop(1),)\n"
    "from quiz.cli import main\n"
    "raise SystemExit(main(sys.argv[1:]))\n"
)


class Dialogue:
    """A child process driven line by line: its output is collected in a thread."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None, **kw: object) -> None:
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            **kw,  # type: ignore[call-overload]
        )
        self.out = b""
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        while chunk := os.read(self.proc.stdout.fileno(), 65536):
            with self.lock:
                self.out += chunk

    def count(self, text: bytes) -> int:
        with self.lock:
            return self.out.count(text)

    def wait_for(self, text: bytes, times: int = 1, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.count(text) < times:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                time.sleep(0.2)
                if self.count(text) >= times:
                    return
                raise AssertionError(f"never saw {text!r}:\n{self.out.decode(errors='replace')}")
            time.sleep(0.02)

    def send(self, line: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line)
        self.proc.stdin.flush()

    def finish(self, timeout: float = 60) -> tuple[int, str, str]:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        rc = self.proc.wait(timeout=timeout)
        self.thread.join(timeout=10)
        err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
        return rc, self.out.decode(errors="replace"), err


def synced_store(tmp_path: Path, items: int = 300) -> tuple[Path, Path]:
    """A data directory whose store has the disclaimer read and a true/false bank synced;
    returns (data dir, bank file)."""
    bank = write_bank(tmp_path / "stress.yaml", items)
    data = tmp_path / "data"
    prepared_store(data)
    with ReviewStore.open(data) as store:
        store.sync_bank(load_bank(bank), datetime.now(timezone.utc))
    return data, bank


def page_count(data: Path) -> int:
    with sqlite3.connect(data / DB_FILENAME) as c:
        return int(c.execute("PRAGMA page_count").fetchone()[0])


def stored_reviews(data: Path) -> int:
    with ReviewStore.open(data, integrity="off") as store:
        assert store.integrity_check() == "ok"
        total = store.review_count()
        assert sum(c.reps for c in store.cards(include_retired=True)) == total
        return total


def answer_until(d: Dialogue, fault: bytes, limit: int = 200) -> int:
    """Answer "t" until `fault` is printed; returns the answers acknowledged before it."""
    for _ in range(limit):
        acked = d.count(ACK)
        d.send(b"t\n")
        deadline = time.monotonic() + 60
        while d.count(ACK) == acked and d.count(fault) == 0:
            if time.monotonic() > deadline or d.proc.poll() is not None:
                raise AssertionError(d.out.decode(errors="replace"))
            time.sleep(0.01)
        if d.count(fault):
            return d.count(ACK)
    raise AssertionError("the fault never came")


def test_disk_full_while_answering_is_said_retried_and_the_session_ends_cleanly(
    tmp_path: Path,
) -> None:
    data, bank = synced_store(tmp_path)
    full = b"Your disk is full: this answer was not saved."
    # room for a few more pages: some answers fit, then one does not
    argv = [sys.executable, "-c", HOOKED, f"PRAGMA max_page_count = {page_count(data) + 8}"]
    d = Dialogue(argv + study_cmd(data, bank)[3:])
    acked = answer_until(d, full)
    d.wait_for(RETRY_PROMPT)
    assert b"Try again, or quit: every answer before this one is saved." in d.out
    d.send(b"\n")  # try again: the disk is still full
    d.wait_for(full, times=2)
    d.wait_for(RETRY_PROMPT, times=2)
    d.send(b"q\n")  # stop: the session ends with its summary
    rc, out, err = d.finish()
    assert rc == 1, out + err
    assert "Session summary" in out and "Your last answer was not saved." in out
    assert "Traceback" not in out + err
    assert stored_reviews(data) == acked > 0  # every acknowledged answer, nothing else

    # With room again, the learner carries on where they were.
    proc = subprocess.run(study_cmd(data, bank), input=b"t\n" * 3, capture_output=True)
    assert proc.returncode == 0 and proc.stdout.count(ACK) == 3
    assert stored_reviews(data) == acked + 3


def test_disk_full_at_the_start_of_a_session_is_said_without_a_traceback(
    tmp_path: Path,
) -> None:
    bank = write_bank(tmp_path / "stress.yaml", 400)
    data = tmp_path / "data"
    prepared_store(data)  # the bank is not synced yet: starting must add 400 items
    argv = [sys.executable, "-c", HOOKED, f"PRAGMA max_page_count = {page_count(data)}"]
    proc = subprocess.run(argv + study_cmd(data, bank)[3:], input=b"t\n", capture_output=True)
    assert proc.returncode == 1
    out = proc.stdout.decode()
    assert "Your disk is full: nothing was changed, and quiz cannot go on." in out
    assert b"Traceback" not in proc.stdout + proc.stderr
    assert stored_reviews(data) == 0


def _limit_file_size(limit: int) -> None:
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills the process
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_a_write_the_system_refuses_is_said_and_nothing_acknowledged_is_lost(
    tmp_path: Path,
) -> None:
    data, bank = synced_store(tmp_path)
    limit = (data / DB_FILENAME).stat().st_size + 200_000
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    refused = b"Your progress could not be written to the disk (it may be full or read-only)"
    d = Dialogue(study_cmd(data, bank), env=env, preexec_fn=lambda: _limit_file_size(limit))
    acked = answer_until(d, refused)
    d.wait_for(RETRY_PROMPT)
    rc, out, err = d.finish()  # end of input at the prompt: the session ends
    assert rc == 1, out + err
    assert "this answer was not saved." in out and "Your last answer was not saved." in out
    assert "Traceback" not in out + err
    assert stored_reviews(data) == acked > 0


HOLD_LOCK = (
    "import sqlite3, sys\n"
    "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "c.execute('BEGIN IMMEDIATE')\n"
    "print('held', flush=True)\n"
    "sys.stdin.readline()\n"
    "c.execute('COMMIT')\n"
)


def test_a_lock_held_by_another_process_is_said_and_try_again_saves(tmp_path: Path) -> None:
    data, bank = synced_store(tmp_path)
    env = dict(os.environ, QUIZ_STORE_WAIT="0.5")
    busy = b"Another program is using your progress file: this answer was not saved yet."
    d = Dialogue(study_cmd(data, bank), env=env)
    d.wait_for(b"> ")  # the first question
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(data / DB_FILENAME)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        d.send(b"t\n")
        d.wait_for(busy)
        d.wait_for(RETRY_PROMPT)
        assert d.count(ACK) == 0
        assert holder.stdin is not None
        holder.stdin.write(b"\n")  # the other program lets go
        holder.stdin.flush()
        assert holder.wait(timeout=30) == 0
    finally:
        if holder.poll() is None:
            holder.kill()
    d.send(b"\n")  # try again
    d.wait_for(ACK)
    d.send(b"q\n")
    rc, out, err = d.finish()
    assert rc == 0, out + err
    assert "Traceback" not in out + err
    assert stored_reviews(data) == 1


@pytest.mark.parametrize(
    "env",
    [
        {"LC_ALL": "C.UTF-8"},  # Python reads stdin with surrogateescape
        {"LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8:strict"},  # strict: would raise
    ],
    ids=["surrogateescape", "strict"],
)
def test_bytes_that_are_not_utf8_are_asked_again(tmp_path: Path, env: dict[str, str]) -> None:
    data = tmp_path / "data"
    prepared_store(data)
    argv = [sys.executable, "-m", "quiz", "study", "--plain", "--data-dir", str(data)]
    # the red-flag flashcard, single, true/false, then the cloze answered with bytes that
    # are not UTF-8, then with a word
    feed = b"\n3\n1\nt\n\xff\xfe painful\npainful\nq\n"
    proc = subprocess.run(
        [*argv, str(MINIMAL)], input=feed, capture_output=True, env=dict(os.environ, **env)
    )
    out = proc.stdout.decode(errors="replace")
    assert proc.returncode == 0, out + proc.stderr.decode()
    assert NOT_UTF8_MESSAGE in out
    assert b"Traceback" not in proc.stdout + proc.stderr
    assert out.count("Source: ") == 4
    with ReviewStore.open(data, integrity="off") as store:
        assert store.review_count() == 4
        assert [r.answer_text for r in store.reviews()][-1] == "painful"
