"""The SQLite review store: files and modes, versions, corrupt files, bank sync, undo."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from quiz.bank.load import load_bank
from quiz.bank.model import Bank
from quiz.engine.grading import SelfRating
from quiz.engine.paths import DATA_DIR_ENV, DB_FILENAME, resolve_data_dir
from quiz.engine.schedule import CardState, Scheduling
from quiz.engine.store import (
    SCHEMA_VERSION,
    CardRecord,
    ReviewStore,
    ReviewWrite,
    StoreError,
    StoreVersionError,
    UndoConflictError,
)

MINIMAL = Path(__file__).resolve().parents[1] / "data" / "good" / "minimal.yaml"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def bank_from(tmp_path: Path, text: str, name: str = "bank.yaml") -> Bank:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return load_bank(p)


@pytest.fixture
def minimal_text() -> str:
    return MINIMAL.read_text(encoding="utf-8")


def review(store: ReviewStore, card_id: int, rating: SelfRating, now: datetime) -> CardRecord:
    s = Scheduling()

    def compute(c: CardRecord) -> ReviewWrite:
        o = s.review(
            c.fsrs_card, card_id=c.card_id, reps=c.reps, rating=rating, now=now, red_flag=c.red_flag
        )
        return ReviewWrite(
            o.card,
            o.state,
            o.due,
            o.interval.total_seconds() / 86400,
            o.lapse,
            now,
            rating,
            '{"text": "x"}',
            rating != SelfRating.AGAIN,
            False,
            rating == SelfRating.AGAIN,
            1500,
        )

    return store.record_review(card_id, compute)[0]


def test_paths_resolution_order(tmp_path: Path) -> None:
    assert resolve_data_dir(tmp_path / "x", {DATA_DIR_ENV: "/elsewhere"}) == tmp_path / "x"
    assert resolve_data_dir(None, {DATA_DIR_ENV: str(tmp_path / "env")}) == tmp_path / "env"
    assert "patient-quiz" in str(resolve_data_dir(None, {}))


def test_new_store_is_private_wal_and_current(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        store = ReviewStore.open(tmp_path / "data" / "deeper")
    finally:
        os.umask(old)
    db = tmp_path / "data" / "deeper" / DB_FILENAME
    assert store.path == db
    assert stat.S_IMODE(os.stat(db.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    assert store.schema_version == SCHEMA_VERSION
    assert store._read("PRAGMA journal_mode")[0][0] == "wal"
    assert store._read("PRAGMA busy_timeout")[0][0] >= 1000
    store.close()


def test_a_newer_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    db = tmp_path / DB_FILENAME
    ReviewStore(db).close()
    with sqlite3.connect(db) as c:
        c.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = db.read_bytes()
    with pytest.raises(StoreVersionError, match="newer version"):
        ReviewStore(db)
    assert db.read_bytes() == before


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all\n" * 50, b"SQLite format 3\x00" + b"\xff" * 5000],
    ids=["not-sqlite", "damaged"],
)
def test_a_corrupt_file_is_moved_aside_and_a_fresh_store_started(
    tmp_path: Path, content: bytes
) -> None:
    db = tmp_path / DB_FILENAME
    db.write_bytes(content)
    store = ReviewStore(db, now=lambda: T0)
    assert store.moved_aside is not None
    assert store.moved_aside.name == f"{DB_FILENAME}.corrupt-20260301T090000Z"
    assert store.moved_aside.read_bytes() == content  # kept, never deleted
    assert len(store.notices) == 1 and str(store.moved_aside) in store.notices[0]
    store.set_meta("k", "v")
    assert store.get_meta("k") == "v"
    assert store.integrity_check() == "ok"
    store.close()


def test_sync_adds_flags_edits_retires_and_restores(tmp_path: Path, minimal_text: str) -> None:
    store = ReviewStore(tmp_path / DB_FILENAME)
    bank = bank_from(tmp_path, minimal_text)
    first = store.sync_bank(bank, T0)
    assert len(first.added) == 6 and not first.edited and not first.retired
    card = store.card_by_key("sample", "tf-common")
    assert card is not None and card.is_new
    review(store, card.card_id, SelfRating.GOOD, T0)

    edited = minimal_text.replace(
        "Twitching is common in healthy people.", "Twitching is very common in healthy people."
    ).replace("Many healthy people twitch.", "Most healthy people twitch now and then.")
    # the never-answered cloze item changes too: no history, so it is not flagged
    edited = edited.replace("Cramps hurt; twitches usually do not.", "Cramps hurt.")
    # remove the typed item
    start = edited.index("  - id: emg")
    end = edited.index("  - id: multi-triggers")
    edited = edited[:start] + edited[end:]
    report = store.sync_bank(bank_from(tmp_path, edited, "b2.yaml"), T0 + timedelta(days=1))
    assert report.edited == ("tf-common",)
    assert report.retired == ("emg",)
    after = store.card_by_key("sample", "tf-common")
    assert after is not None and after.edited and after.reps == 1  # history kept
    assert after.card_id == card.card_id
    emg = store.card_by_key("sample", "emg")
    assert emg is not None and emg.retired
    assert "emg" not in [c.question_id for c in store.new_cards("sample")]
    assert len(store.reviews(card_id=card.card_id)) == 1

    back = store.sync_bank(bank, T0 + timedelta(days=2))
    assert back.restored == ("emg",)
    assert not store.card_by_key("sample", "emg").retired  # type: ignore[union-attr]


def test_sync_banks_reports_each_bank_in_order_in_one_transaction(
    tmp_path: Path, minimal_text: str
) -> None:
    db = tmp_path / DB_FILENAME
    store = ReviewStore(db)
    first = bank_from(tmp_path, minimal_text)
    second = bank_from(tmp_path, minimal_text.replace("id: sample", "id: other", 1), "b2.yaml")
    assert second.id == "other"
    commits_before = _commit_count(db)
    reports = store.sync_banks([second, first], T0)
    assert _commit_count(db) == commits_before + 1
    assert [r.bank_id for r in reports] == ["other", "sample"]
    assert all(len(r.added) == 6 for r in reports)
    assert store.bank_titles() == {"other": second.title, "sample": first.title}
    # the single-bank form is the same operation
    assert store.sync_bank(first, T0 + timedelta(days=1)).added == ()


def _commit_count(db: Path) -> int:
    """Transactions committed to the WAL so far (each commit ends one WAL frame batch)."""
    wal = db.with_name(db.name + "-wal")
    if not wal.exists():
        return 0
    data = wal.read_bytes()
    frames = (len(data) - 32) // (24 + 4096) if len(data) > 32 else 0
    count = 0
    for i in range(frames):
        header = data[32 + i * (24 + 4096) : 32 + i * (24 + 4096) + 24]
        if int.from_bytes(header[4:8], "big") != 0:  # a commit frame records the db size
            count += 1
    return count


def test_record_and_undo_restore_exactly(tmp_path: Path, minimal_text: str) -> None:
    store = ReviewStore(tmp_path / DB_FILENAME)
    store.sync_bank(bank_from(tmp_path, minimal_text), T0)
    c0 = store.card_by_key("sample", "what-is-twitch")
    assert c0 is not None
    c1 = review(store, c0.card_id, SelfRating.GOOD, T0)
    assert c1.reps == 1 and c1.state is CardState.LEARNING and c1.first_seen == T0
    c2 = review(store, c0.card_id, SelfRating.GOOD, T0 + timedelta(minutes=10))
    assert c2.state is CardState.REVIEW and c2.reps == 2
    logs = store.reviews(card_id=c0.card_id)
    assert [r.review_id for r in logs] == [c1.last_review_id, c2.last_review_id]

    with pytest.raises(UndoConflictError):
        store.undo_review(logs[0].review_id)  # not the latest answer on this card
    restored = store.undo_review(logs[1].review_id)
    assert restored == c1
    restored = store.undo_review(logs[0].review_id)
    assert restored == c0
    assert store.review_count() == 0
    assert store.undo_review(logs[0].review_id) is None


def test_lapses_make_a_leech_and_counts_follow(tmp_path: Path, minimal_text: str) -> None:
    store = ReviewStore(tmp_path / DB_FILENAME)
    store.sync_bank(bank_from(tmp_path, minimal_text), T0)
    cid = store.card_by_key("sample", "emg").card_id  # type: ignore[union-attr]
    now = T0
    card = review(store, cid, SelfRating.GOOD, now)
    for _ in range(4):
        card = review(store, cid, SelfRating.GOOD, card.due)  # type: ignore[arg-type]
        assert card.state is CardState.REVIEW
        now = card.due  # type: ignore[assignment]
        card = review(store, cid, SelfRating.AGAIN, now)
    assert card.lapses == 4 and card.is_leech
    counts = store.bank_counts(card.due)["sample"]  # type: ignore[arg-type]
    assert counts.total == 6 and counts.new == 5 and counts.learning == 1
    assert counts.due_now == 1 and counts.leeches == 1 and counts.title == "Sample bank"


def test_data_survives_reopening(tmp_path: Path, minimal_text: str) -> None:
    db = tmp_path / DB_FILENAME
    with ReviewStore(db) as store:
        store.sync_bank(bank_from(tmp_path, minimal_text), T0)
        cid = store.card_by_key("sample", "emg").card_id  # type: ignore[union-attr]
        review(store, cid, SelfRating.AGAIN, T0)
        store.set_meta("disclaimer_ack", "abc")
    with ReviewStore(db) as store:
        assert store.review_count() == 1
        assert store.get_meta("disclaimer_ack") == "abc"
        card = store.card(cid)
        assert card is not None and card.reps == 1 and card.fsrs_card is not None
        assert store.confident_wrong_answers() == [("sample", "emg", "x", 1)]


def test_a_store_that_is_not_a_regular_file_is_refused_not_waited_on(tmp_path: Path) -> None:
    """A named pipe where the store should be blocked the first read for ever (found by
    review); every command that opens the store says what is wrong and exits 1."""
    import subprocess
    import sys

    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    os.mkfifo(data / DB_FILENAME)
    with pytest.raises(StoreError, match="not a regular file"):
        ReviewStore(data / DB_FILENAME)
    for argv in (["stats"], ["study", "--plain"]):
        proc = subprocess.run(
            [sys.executable, "-m", "quiz", *argv, "--data-dir", str(data)],
            capture_output=True, text=True, input="q\n", timeout=60,
        )  # fmt: skip
        assert proc.returncode == 1, argv
        assert "Traceback" not in proc.stderr
        assert "the progress store is not a regular file" in proc.stderr
    assert stat.S_ISFIFO(os.stat(data / DB_FILENAME).st_mode)  # left as it was


def test_syncing_unchanged_banks_and_a_home_screen_write_nothing(
    tmp_path: Path, minimal_text: str
) -> None:
    from quiz.bank.catalog import BankCatalog
    from quiz.engine.overview import bank_overview

    db = tmp_path / DB_FILENAME
    store = ReviewStore(db)
    bank = bank_from(tmp_path, minimal_text)
    store.sync_bank(bank, T0)
    before = _commit_count(db)
    assert store.sync_bank(bank, T0 + timedelta(days=1)).added == ()
    overview = bank_overview(store, BankCatalog.of([bank]), T0 + timedelta(days=2))
    assert overview[0].counts.new == 6
    assert _commit_count(db) == before  # read-only when nothing changed
    store.close()


def test_the_store_never_reads_the_wall_clock() -> None:
    """The clock comes from the caller (`now=`); timers for lock waits are not the clock."""
    import re

    package = Path(__file__).resolve().parents[2] / "quiz" / "engine" / "store"
    clock = re.compile(r"datetime\.now|datetime\.utcnow|date\.today|time\.time\(|localtime")
    for source in sorted(package.glob("*.py")):
        assert not clock.search(source.read_text(encoding="utf-8")), source.name
