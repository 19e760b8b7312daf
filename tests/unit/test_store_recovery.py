"""Damaged and hand-edited stores, through the real program: the learner is told how many
answers were kept, the damaged file is kept beside the fresh one, and no command is stuck.

The history is made by the real `quiz study --plain`; the damage is real bytes: pages
overwritten with random bytes, a file cut short, an index page destroyed (found only by the
integrity check), a write-ahead log deleted, values edited and tables dropped by hand."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from test_store_robustness import ACK, AckCounter, prepared_store, study_cmd, write_bank

from quiz.engine.paths import DB_FILENAME
from quiz.engine.schedule import CardState
from quiz.engine.store import ReviewStore
from quiz.engine.store.pagescan import scan_rows

ANSWERS = 240
PAGE = 4096


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A data directory with a real history: 240 answers given through the plain mode, in
    two sittings (right, wrong, right-but-unsure). Returns (data dir, bank file)."""
    root = tmp_path_factory.mktemp("history")
    bank = write_bank(root / "stress.yaml", 300)
    data = root / "data"
    prepared_store(data)
    answers = [b"t\n", b"f\n", b"t?\n"]
    for sitting in range(2):
        feed = b"".join(answers[i % 3] for i in range(ANSWERS // 2))
        proc = subprocess.run(study_cmd(data, bank), input=feed, capture_output=True)
        assert proc.returncode == 0, proc.stderr.decode()
        assert proc.stdout.count(ACK) == ANSWERS // 2, sitting
    assert not (data / f"{DB_FILENAME}-wal").exists()  # a clean close leaves no log
    return data, bank


def copy_of(history: tuple[Path, Path], tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(history[0], data)
    return data


def quiz(*argv: str, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "quiz", *argv], input=stdin, capture_output=True, timeout=300
    )
    out = subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode(errors="replace"), proc.stderr.decode()
    )
    assert "Traceback" not in out.stdout + out.stderr, out.stdout + out.stderr
    return out


def recovered_count(message: str) -> int:
    found = re.search(r"([\d,]+) answers? w(?:as|ere) recovered", message)
    assert found, message
    return int(found.group(1).replace(",", ""))


def open_store(data: Path) -> ReviewStore:
    return ReviewStore.open(data, integrity="off")


def reviews_in(data: Path) -> int:
    with open_store(data) as store:
        assert store.integrity_check() == "ok"
        return store.review_count()


def forget_check(data: Path) -> None:
    """As if no integrity check had run yet (the history's own sittings ran one)."""
    with contextlib.closing(sqlite3.connect(data / DB_FILENAME)) as c, c:
        c.execute("DELETE FROM meta WHERE key = 'integrity_checked_at'")


def overwrite_pages(db: Path, pages: list[int], seed: int) -> None:
    rng = random.Random(seed)
    data = bytearray(db.read_bytes())
    for p in pages:
        data[(p - 1) * PAGE : p * PAGE] = rng.randbytes(PAGE)
    db.write_bytes(bytes(data))


def index_root(db: Path, name: str) -> int:
    with contextlib.closing(sqlite3.connect(db)) as c, c:
        row = c.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()
    return int(row[0])


def test_the_page_scan_finds_what_sqlite_finds_in_a_sound_file(
    history: tuple[Path, Path],
) -> None:
    db = history[0] / DB_FILENAME
    with contextlib.closing(sqlite3.connect(db)) as c, c:
        expected = set(
            c.execute("SELECT review_id, bank_id, question_id, reviewed_at FROM reviews")
        )
    found = {
        (r.rowid, r.values[2], r.values[3], r.values[4])
        for r in scan_rows(db)
        if len(r.values) == 14 and r.values[0] is None
    }
    assert found == expected and len(found) == ANSWERS


def test_pages_overwritten_with_random_bytes(history: tuple[Path, Path], tmp_path: Path) -> None:
    data = copy_of(history, tmp_path)
    db = data / DB_FILENAME
    pages = db.stat().st_size // PAGE
    overwrite_pages(db, random.Random(7).sample(range(2, pages + 1), 5), seed=11)
    damaged = db.read_bytes()

    stats = quiz("stats", "--data-dir", str(data))
    assert stats.returncode == 0
    assert "could not be read" in stats.stderr
    kept = recovered_count(stats.stderr)
    assert ANSWERS - 60 <= kept <= ANSWERS  # five pages of rows at most are gone
    assert reviews_in(data) == kept
    aside = [
        p for p in data.iterdir() if ".corrupt-" in p.name and not p.name.endswith(("-wal", "-shm"))
    ]
    assert len(aside) == 1 and aside[0].read_bytes() == damaged  # kept as it was
    assert str(aside[0]) in stats.stderr

    # the learner carries on: no notice again, and new answers are saved
    study = quiz(
        "study",
        "--plain",
        "--limit",
        "1000",
        "--data-dir",
        str(data),
        str(history[1]),
        stdin=b"t\n" * 5,
    )
    assert study.returncode == 0 and study.stdout.count("Source: ") == 5
    assert "could not be read" not in study.stdout
    assert reviews_in(data) == kept + 5


def test_the_first_page_overwritten_loses_no_answer(
    history: tuple[Path, Path], tmp_path: Path
) -> None:
    data = copy_of(history, tmp_path)
    overwrite_pages(data / DB_FILENAME, [1], seed=3)  # the header and the schema
    study = quiz(
        "study",
        "--plain",
        "--limit",
        "1000",
        "--data-dir",
        str(data),
        str(history[1]),
        stdin=b"q\n",
    )
    assert study.returncode == 0
    assert recovered_count(study.stdout) == ANSWERS
    with open_store(data) as store:
        assert store.review_count() == ANSWERS
        assert sum(c.reps for c in store.cards()) == ANSWERS  # schedules kept too


def test_a_file_cut_short(history: tuple[Path, Path], tmp_path: Path) -> None:
    data = copy_of(history, tmp_path)
    db = data / DB_FILENAME
    with open(db, "r+b") as f:
        f.truncate((db.stat().st_size // 2 // PAGE) * PAGE + 1000)
    stats = quiz("stats", "--format", "json", "--data-dir", str(data))
    assert stats.returncode == 0, stats.stderr
    kept = recovered_count(stats.stderr)
    assert 0 < kept < ANSWERS
    assert json.loads(stats.stdout)["reviews_total"] == kept == reviews_in(data)


def test_an_index_page_destroyed_is_found_by_the_check_and_every_answer_kept(
    history: tuple[Path, Path], tmp_path: Path
) -> None:
    data = copy_of(history, tmp_path)
    db = data / DB_FILENAME
    overwrite_pages(db, [index_root(db, "reviews_card")], seed=5)
    stats = quiz("stats", "--data-dir", str(data))
    assert stats.returncode == 0, stats.stderr
    assert recovered_count(stats.stderr) == ANSWERS
    assert reviews_in(data) == ANSWERS


def test_damage_found_by_a_background_check_is_repaired_at_the_next_start(
    history: tuple[Path, Path], tmp_path: Path
) -> None:
    data = copy_of(history, tmp_path)
    db = data / DB_FILENAME
    overwrite_pages(db, [index_root(db, "reviews_card")], seed=5)
    forget_check(data)
    now = datetime(2026, 3, 1, tzinfo=timezone.utc)
    store = ReviewStore.open(data, now=lambda: now)  # no check yet, and answers: one is due
    assert store.notices == []
    store.wait_for_check(60)
    assert store.damage_found is not None
    store.close()
    assert (data / f"{DB_FILENAME}.damaged").exists()
    # the next start repairs it, with every answer kept
    study = quiz(
        "study",
        "--plain",
        "--limit",
        "1000",
        "--data-dir",
        str(data),
        str(history[1]),
        stdin=b"q\n",
    )
    assert study.returncode == 0
    assert recovered_count(study.stdout) == ANSWERS
    assert not (data / f"{DB_FILENAME}.damaged").exists()


def test_a_sound_store_records_its_check_and_is_not_checked_again_for_a_week(
    history: tuple[Path, Path], tmp_path: Path
) -> None:
    data = copy_of(history, tmp_path)
    forget_check(data)
    t = [datetime(2026, 3, 1, tzinfo=timezone.utc)]
    with ReviewStore.open(data, now=lambda: t[0]) as store:
        assert store.integrity_check_due()
        store.wait_for_check(60)
        assert store.damage_found is None
    with ReviewStore.open(data, now=lambda: t[0]) as store:
        assert not store.integrity_check_due()
    t[0] += timedelta(days=7)
    with ReviewStore.open(data, now=lambda: t[0], integrity="off") as store:
        assert store.integrity_check_due()
    with ReviewStore.open(data, integrity="off") as store:  # no clock: age not judged
        assert not store.integrity_check_due()


def _killed_mid_session(history: tuple[Path, Path], data: Path) -> int:
    """Answer in a real process and kill it (SIGKILL) once 20 answers are acknowledged;
    returns the answers acknowledged."""
    proc = subprocess.Popen(
        study_cmd(data, history[1]), stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(b"t\n" * 60)
    proc.stdin.flush()
    counter = AckCounter(proc.stdout)
    deadline = time.monotonic() + 60
    while counter.count < 20 and time.monotonic() < deadline:
        time.sleep(0.005)
    with counter.lock:
        os.kill(proc.pid, signal.SIGKILL)
        acked = counter.count
    proc.wait()
    return acked


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_write_ahead_log_deleted_after_a_clean_close_or_left_by_a_kill(
    history: tuple[Path, Path], tmp_path: Path
) -> None:
    # After a clean close the log is gone: deleting it (if a tool left one) loses nothing.
    data = copy_of(history, tmp_path / "clean")
    (data / f"{DB_FILENAME}-wal").unlink(missing_ok=True)
    assert quiz("stats", "--data-dir", str(data)).returncode == 0
    assert reviews_in(data) == ANSWERS

    # A killed process leaves its last answers in the log: kept, and a check is due.
    killed = copy_of(history, tmp_path / "killed")
    acked = _killed_mid_session(history, killed)
    assert (killed / f"{DB_FILENAME}-wal").stat().st_size > 0
    without_log = tmp_path / "no-log"
    shutil.copytree(killed, without_log)
    with ReviewStore.open(killed, integrity="off") as store:
        assert store.integrity_check_due()  # an unclean exit
    stats = quiz("stats", "--data-dir", str(killed))
    assert stats.returncode == 0 and "could not be read" not in stats.stderr
    assert reviews_in(killed) >= ANSWERS + acked

    # The same log deleted: the file is the last checkpoint, consistent; nothing stuck.
    (without_log / f"{DB_FILENAME}-wal").unlink()
    (without_log / f"{DB_FILENAME}-shm").unlink(missing_ok=True)
    stats = quiz("stats", "--data-dir", str(without_log))
    assert stats.returncode == 0, stats.stderr
    with open_store(without_log) as store:
        assert store.integrity_check() == "ok"
        total = store.review_count()
        assert ANSWERS <= total <= ANSWERS + acked
        assert sum(c.reps for c in store.cards()) == total


def test_values_edited_by_hand_neither_crash_nor_lose_answers(
    history: tuple[Path, Path], tmp_path: Path
) -> None:
    data = copy_of(history, tmp_path)
    db = data / DB_FILENAME
    with contextlib.closing(sqlite3.connect(db)) as c, c:
        ids = [r[0] for r in c.execute("SELECT card_id FROM cards WHERE reps > 0 ORDER BY card_id")]
        c.execute("UPDATE cards SET due = 'tomorrow' WHERE card_id = ?", (ids[0],))
        c.execute("UPDATE cards SET state = 9 WHERE card_id = ?", (ids[1],))
        c.execute("UPDATE cards SET fsrs = '{broken' WHERE card_id = ?", (ids[2],))
        c.execute("UPDATE cards SET reps = 'many', lapses = 'x' WHERE card_id = ?", (ids[3],))
        c.execute("UPDATE cards SET due = '2026-13-45T99:00:00' WHERE card_id = ?", (ids[4],))
        c.execute("UPDATE banks SET title = 42")
        first = "(SELECT min(review_id) FROM reviews WHERE card_id = ?)"
        c.execute(
            f"UPDATE reviews SET reviewed_at = 'yesterday' WHERE review_id = {first}", (ids[10],)
        )
        c.execute(f"UPDATE reviews SET rating = 7 WHERE review_id = {first}", (ids[11],))
        c.execute(f"UPDATE reviews SET answer = '{{not json' WHERE review_id = {first}", (ids[12],))
    for fmt in ("text", "json"):
        stats = quiz("stats", "--format", fmt, "--data-dir", str(data))
        assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["reviews_total"] == ANSWERS
    with open_store(data) as store:
        for card_id in ids[:5]:
            card = store.card(card_id)
            assert card is not None and isinstance(card.state, CardState)
            assert card.state is not CardState.NEW and card.due is not None
            assert card.reps == len([r for r in store.reviews(card_id=card_id)])
    # studying works, and answering a damaged item writes it whole again
    study = quiz(
        "study",
        "--plain",
        "--limit",
        "1000",
        "--data-dir",
        str(data),
        str(history[1]),
        stdin=b"t\n" * 30,
    )
    assert study.returncode == 0
    assert study.stdout.count("Source: ") == 30


@pytest.mark.parametrize("secure_delete", [0, 1], ids=["pages-kept", "pages-zeroed"])
def test_the_review_table_dropped_by_hand(
    history: tuple[Path, Path], tmp_path: Path, secure_delete: int
) -> None:
    data = copy_of(history, tmp_path)
    with contextlib.closing(sqlite3.connect(data / DB_FILENAME)) as c, c:
        before = {r[0]: r[1] for r in c.execute("SELECT card_id, reps FROM cards")}
        assert len(before) == 300
        c.execute(f"PRAGMA secure_delete = {secure_delete}")
        c.execute("DROP TABLE reviews")
    stats = quiz("stats", "--data-dir", str(data))
    assert stats.returncode == 0 and "the table 'reviews' is missing" in stats.stderr
    with open_store(data) as store:
        # the items keep their schedules either way
        assert {c.card_id: c.reps for c in store.cards(["stress"])} == before
        if secure_delete:
            assert "schedules of" in stats.stderr and store.review_count() == 0
        else:  # the rows were still on the freed pages
            assert recovered_count(stats.stderr) == ANSWERS == store.review_count()


def test_the_card_table_dropped_by_hand_is_rebuilt_from_the_reviews(
    history: tuple[Path, Path], tmp_path: Path
) -> None:
    data = copy_of(history, tmp_path)
    with contextlib.closing(sqlite3.connect(data / DB_FILENAME)) as c, c:
        before = {
            (r[0], r[1]): (r[2], r[3])
            for r in c.execute("SELECT bank_id, question_id, reps, state FROM cards WHERE reps > 0")
        }
        c.execute("PRAGMA foreign_keys = OFF")
        c.execute("DROP TABLE cards")
    study = quiz(
        "study",
        "--plain",
        "--limit",
        "1000",
        "--data-dir",
        str(data),
        str(history[1]),
        stdin=b"q\n",
    )
    assert study.returncode == 0
    assert recovered_count(study.stdout) == ANSWERS
    with open_store(data) as store:
        after = {c.key: (c.reps, int(c.state)) for c in store.cards() if c.reps}
        assert after == before  # replaying the scheduler gives the same states
        assert len(store.cards()) == 300  # the bank's other items are back, new
