"""The review store: one SQLite file holding every item's schedule and the review log.

This module owns the database: its schema and migrations (`PRAGMA user_version`), opening it
safely (WAL, busy timeout, private file mode, refusing a newer schema, moving a corrupt file
aside), and every read and write of cards, reviews and meta values.

Writes are short `BEGIN IMMEDIATE` transactions retried while another process holds the write
lock, so two processes studying at once both work and nobody sees "database is locked". Each
answer is one transaction (card update + log row) committed before `record_review` returns,
with `synchronous=FULL`, so a process killed at any moment loses at most the answer in
progress. Scheduling decisions are not made here: `record_review` takes a function that
computes the new card state from the current one inside the transaction.

The records read and written (`CardRecord`, `ReviewRecord`, `ReviewWrite`, `SyncReport`,
`BankCounts`) are immutable `NamedTuple`s: this module is imported before the first screen,
and a NamedTuple is defined in about a tenth of the time of a frozen dataclass (which
compiles six generated methods).
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from quiz.bank.catalog import BankEntry
from quiz.engine.paths import ensure_private_dir, ensure_private_file
from quiz.engine.schedule import (
    LEECH_LAPSES,
    MASTERED_INTERVAL_DAYS,
    RED_FLAG_MAX_INTERVAL_DAYS,
    CardState,
    as_utc,
    card_from_json,
    card_to_json,
)

if TYPE_CHECKING:
    import fsrs

    from quiz.bank.model import Bank
    from quiz.engine.grading import SelfRating

SCHEMA_VERSION = 2
SQLITE_MAGIC = b"SQLite format 3\x00"
#: SQLite's own wait for a lock, per statement (milliseconds).
BUSY_TIMEOUT_MS = 5000
#: How long a write keeps retrying a busy database before giving up (seconds).
WRITE_PATIENCE_S = 120.0

T = TypeVar("T")


class StoreError(Exception):
    """The store cannot be used; the message is meant for the learner."""


class StoreVersionError(StoreError):
    """The database was written by a newer version of this program; it is left untouched."""


class UndoConflictError(StoreError):
    """The item was answered again (elsewhere) after the review being undone."""


def to_iso(dt: datetime) -> str:
    """The stored form of a time: UTC ISO 8601 with microseconds, so text order is time order."""
    return as_utc(dt).isoformat(timespec="microseconds")


def from_iso(text: str) -> datetime:
    """Parse a stored time (always aware UTC)."""
    return datetime.fromisoformat(text).astimezone(timezone.utc)


def _opt_iso(text: str | None) -> datetime | None:
    return from_iso(text) if text is not None else None


class CardRecord(NamedTuple):
    """One item's row: its place in a bank, its schedule and its counters."""

    card_id: int
    bank_id: str
    question_id: str
    #: index of the question in its bank file (for file order)
    position: int
    red_flag: bool
    state: CardState
    #: None while the item is new
    due: datetime | None
    #: the fsrs card; None while the item is new
    fsrs_card: fsrs.Card | None
    reps: int
    lapses: int
    first_seen: datetime | None
    last_seen: datetime | None
    #: the interval given at the last review, in days
    interval_days: float | None
    content_hash: str
    #: the question changed since the learner last answered it
    edited: bool
    #: when the question's content last changed (None: never)
    edited_at: datetime | None
    #: the question is no longer in its bank: kept, not asked
    retired: bool
    last_review_id: int | None

    @property
    def key(self) -> tuple[str, str]:
        """(bank id, question id)."""
        return (self.bank_id, self.question_id)

    @property
    def is_new(self) -> bool:
        """Never answered."""
        return self.state is CardState.NEW

    @property
    def is_leech(self) -> bool:
        """Forgotten `LEECH_LAPSES` times or more: flagged for the instructor."""
        return self.lapses >= LEECH_LAPSES

    @property
    def is_mastered(self) -> bool:
        """In review with an interval of at least `MASTERED_INTERVAL_DAYS`."""
        return (
            self.state is CardState.REVIEW
            and self.interval_days is not None
            and self.interval_days >= MASTERED_INTERVAL_DAYS
        )


class ReviewRecord(NamedTuple):
    """One row of the append-only review log."""

    review_id: int
    card_id: int
    bank_id: str
    question_id: str
    reviewed_at: datetime
    rating: SelfRating
    #: JSON: {"kind", "value", "text"} (see grading.answer_to_json)
    answer: str
    correct: bool
    unsure: bool
    #: wrong although the learner did not say "unsure": a likely misconception
    confident_wrong: bool
    response_ms: int | None
    state_before: CardState
    was_new: bool

    @property
    def answer_text(self) -> str:
        """The answer as the learner gave it, readable."""
        try:
            return str(json.loads(self.answer).get("text", ""))
        except (ValueError, AttributeError):
            return self.answer


class ReviewWrite(NamedTuple):
    """What `record_review`'s compute function returns: the card's new schedule and the log
    entry's content."""

    fsrs_card: fsrs.Card
    state: CardState
    due: datetime
    interval_days: float
    lapse: bool
    reviewed_at: datetime
    rating: SelfRating
    answer: str
    correct: bool
    unsure: bool
    confident_wrong: bool
    response_ms: int | None


class SyncReport(NamedTuple):
    """What changed when a bank was compared with the store."""

    bank_id: str
    added: tuple[str, ...]
    edited: tuple[str, ...]
    retired: tuple[str, ...]
    restored: tuple[str, ...]


class BankCounts(NamedTuple):
    """A bank's numbers for a home screen (retired items excluded)."""

    bank_id: str
    title: str
    total: int
    #: answered before and due now
    due_now: int
    new: int
    learning: int
    #: in review, not yet mastered
    review: int
    mastered: int
    leeches: int


_CARD_COLUMNS = (
    "card_id, bank_id, question_id, position, red_flag, state, due, fsrs, reps, lapses, "
    "first_seen, last_seen, interval_days, content_hash, edited, edited_at, retired, "
    "last_review_id"
)
_REVIEW_COLUMNS = (
    "review_id, card_id, bank_id, question_id, reviewed_at, rating, answer, correct, unsure, "
    "confident_wrong, response_ms, state_before, was_new"
)
#: columns a review changes, saved before it so that undo can restore them
_SNAPSHOT_COLUMNS = (
    "state",
    "due",
    "fsrs",
    "reps",
    "lapses",
    "first_seen",
    "last_seen",
    "interval_days",
    "edited",
    "last_review_id",
)


def _card(row: Sequence[Any]) -> CardRecord:
    return CardRecord(
        card_id=int(row[0]),
        bank_id=row[1],
        question_id=row[2],
        position=int(row[3]),
        red_flag=bool(row[4]),
        state=CardState(int(row[5])),
        due=_opt_iso(row[6]),
        fsrs_card=card_from_json(row[7]) if row[7] is not None else None,
        reps=int(row[8]),
        lapses=int(row[9]),
        first_seen=_opt_iso(row[10]),
        last_seen=_opt_iso(row[11]),
        interval_days=row[12],
        content_hash=row[13],
        edited=bool(row[14]),
        edited_at=_opt_iso(row[15]),
        retired=bool(row[16]),
        last_review_id=row[17],
    )


def _review(row: Sequence[Any]) -> ReviewRecord:
    from quiz.engine.grading import SelfRating  # not needed to open the store or count items

    return ReviewRecord(
        review_id=int(row[0]),
        card_id=int(row[1]),
        bank_id=row[2],
        question_id=row[3],
        reviewed_at=from_iso(row[4]),
        rating=SelfRating(int(row[5])),
        answer=row[6],
        correct=bool(row[7]),
        unsure=bool(row[8]),
        confident_wrong=bool(row[9]),
        response_ms=row[10],
        state_before=CardState(int(row[11])),
        was_new=bool(row[12]),
    )


_SCHEMA_1 = (
    """
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE banks (
        bank_id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        path TEXT,
        synced_at TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE cards (
        card_id INTEGER PRIMARY KEY,
        bank_id TEXT NOT NULL,
        question_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        red_flag INTEGER NOT NULL DEFAULT 0,
        state INTEGER NOT NULL DEFAULT 0,
        due TEXT,
        fsrs TEXT,
        reps INTEGER NOT NULL DEFAULT 0,
        lapses INTEGER NOT NULL DEFAULT 0,
        first_seen TEXT,
        last_seen TEXT,
        interval_days REAL,
        content_hash TEXT NOT NULL,
        edited INTEGER NOT NULL DEFAULT 0,
        edited_at TEXT,
        retired INTEGER NOT NULL DEFAULT 0,
        last_review_id INTEGER,
        UNIQUE (bank_id, question_id)
    )
    """,
    """
    CREATE INDEX cards_due ON cards (due) WHERE due IS NOT NULL
    """,
    """
    CREATE TABLE reviews (
        review_id INTEGER PRIMARY KEY AUTOINCREMENT,
        card_id INTEGER NOT NULL REFERENCES cards (card_id),
        bank_id TEXT NOT NULL,
        question_id TEXT NOT NULL,
        reviewed_at TEXT NOT NULL,
        rating INTEGER NOT NULL,
        answer TEXT NOT NULL,
        correct INTEGER NOT NULL,
        unsure INTEGER NOT NULL,
        confident_wrong INTEGER NOT NULL,
        response_ms INTEGER,
        state_before INTEGER NOT NULL,
        was_new INTEGER NOT NULL,
        card_before TEXT NOT NULL
    )
    """,
    """
    CREATE INDEX reviews_time ON reviews (reviewed_at)
    """,
    """
    CREATE INDEX reviews_card ON reviews (card_id)
    """,
)


def _migrate_0_to_1(conn: sqlite3.Connection) -> None:
    # One statement at a time: executescript() would commit the migration's transaction.
    for statement in _SCHEMA_1:
        conn.execute(statement)


def _migrate_1_to_2(conn: sqlite3.Connection) -> None:
    # The digest (`quiz.bank.catalog.bank_digest`) of the bank file's bytes at the last sync.
    conn.execute("ALTER TABLE banks ADD COLUMN digest TEXT")


#: MIGRATIONS[n] takes a database from schema n to n + 1. Append, never edit.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_migrate_0_to_1, _migrate_1_to_2)
assert len(MIGRATIONS) == SCHEMA_VERSION


def _is_busy(e: sqlite3.Error) -> bool:
    msg = str(e).lower()
    return isinstance(e, sqlite3.OperationalError) and ("locked" in msg or "busy" in msg)


_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26


def _is_corrupt(e: sqlite3.Error) -> bool:
    """SQLITE_CORRUPT or SQLITE_NOTADB: the file is damaged or is not a database."""
    code = getattr(e, "sqlite_errorcode", None)
    if code is not None:
        return int(code) & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    msg = str(e).lower()
    return "malformed" in msg or "not a database" in msg


class ReviewStore:
    """The SQLite review store. Open with `ReviewStore.open(data_dir)` or `ReviewStore(path)`.

    Safe to share between threads of one process (calls are serialized); several processes
    may use the same file at once. `notices` holds messages for the learner produced while
    opening (for example, that a corrupt file was moved aside); front ends show them.
    """

    def __init__(
        self,
        path: Path,
        *,
        now: Callable[[], datetime] | None = None,
        integrity_check_on_open: bool = True,
    ) -> None:
        self.path = Path(path)
        self.notices: list[str] = []
        #: where a corrupt file was moved, if one was
        self.moved_aside: Path | None = None
        self._now = now or (lambda: datetime.now(timezone.utc))
        self._lock = threading.RLock()
        ensure_private_dir(self.path.parent)
        if not self._looks_like_sqlite():
            self._move_aside("it is not a SQLite database")
        try:
            self._conn = self._connect()
            self._check_readable(integrity_check_on_open)
        except StoreVersionError:
            raise
        except sqlite3.Error as e:
            if not _is_corrupt(e):
                raise StoreError(f"{self.path}: cannot open the progress store: {e}") from e
            self._move_aside(f"it is damaged: {e}")
            self._conn = self._connect()
            self._check_readable(False)

    @classmethod
    def open(
        cls,
        data_dir: Path | None = None,
        *,
        now: Callable[[], datetime] | None = None,
    ) -> ReviewStore:
        """Open (creating if needed) the store in `data_dir`, else `$QUIZ_DATA_DIR`, else the
        user's data directory."""
        from quiz.engine.paths import default_db_path

        return cls(default_db_path(data_dir), now=now)

    # -- opening -------------------------------------------------------------------------

    def _looks_like_sqlite(self) -> bool:
        """Whether the file is new, empty or starts as a SQLite database does. Raises
        `StoreError` when the path names something that is not a regular file: a named pipe
        would block this read (and SQLite) for ever, and a device is nobody's progress."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        except FileNotFoundError:
            return True
        except OSError as e:
            raise StoreError(f"{self.path}: cannot open the progress store: {e.strerror}") from e
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise StoreError(
                    f"{self.path}: the progress store is not a regular file; "
                    "move it away, or use --data-dir to choose another folder"
                )
            head = os.read(fd, len(SQLITE_MAGIC))
        finally:
            os.close(fd)
        return head == b"" or head == SQLITE_MAGIC

    def _move_aside(self, reason: str) -> None:
        stamp = as_utc(self._now()).strftime("%Y%m%dT%H%M%SZ")
        dest = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while dest.exists():
            n += 1
            dest = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        if getattr(self, "_conn", None) is not None:
            self._conn.close()
        os.replace(self.path, dest)
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                os.replace(side, dest.with_name(dest.name + suffix))
        self.moved_aside = dest
        self.notices.append(
            f"Your progress file {self.path} could not be read ({reason}). "
            f"It was kept as {dest} and a fresh progress file was started."
        )

    def _connect(self) -> sqlite3.Connection:
        ensure_private_file(self.path)
        conn = sqlite3.connect(
            self.path,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._retry(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone())
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            conn.close()
            raise
        return conn

    def _check_readable(self, integrity: bool) -> None:
        conn = self._conn
        version = int(self._retry(lambda: conn.execute("PRAGMA user_version").fetchone()[0]))
        if version > SCHEMA_VERSION:
            conn.close()
            raise StoreVersionError(
                f"{self.path} was written by a newer version of quiz (store schema {version}; "
                f"this version knows up to {SCHEMA_VERSION}). Upgrade patient-quiz, or use "
                "--data-dir to keep a separate store. The file was not changed."
            )
        self._retry(lambda: conn.execute("SELECT count(*) FROM sqlite_master").fetchone())
        if integrity and version > 0:
            result = self._retry(lambda: conn.execute("PRAGMA quick_check(1)").fetchone()[0])
            if result != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {result}")
        if version < SCHEMA_VERSION:
            self._write(self._migrate)

    def _migrate(self, conn: sqlite3.Connection) -> None:
        # Re-read inside the write transaction: another process may have migrated meanwhile.
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreVersionError(f"{self.path}: store schema {version} is newer than this quiz")
        for step in range(version, SCHEMA_VERSION):
            MIGRATIONS[step](conn)
            conn.execute(f"PRAGMA user_version = {step + 1}")

    # -- transactions --------------------------------------------------------------------

    def _retry(self, fn: Callable[[], T]) -> T:
        deadline = time.monotonic() + WRITE_PATIENCE_S
        delay = 0.002
        while True:
            try:
                return fn()
            except sqlite3.OperationalError as e:
                if not _is_busy(e) or time.monotonic() > deadline:
                    raise
                time.sleep(delay * (1 + random.random()))
                delay = min(delay * 2, 0.1)

    def _write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` in a `BEGIN IMMEDIATE` transaction, retrying while the database is busy."""
        conn = self._conn
        with self._lock:
            self._retry(lambda: conn.execute("BEGIN IMMEDIATE"))
            try:
                result = fn(conn)
                self._retry(lambda: conn.execute("COMMIT"))
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            return result

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._lock:
            return self._retry(lambda: self._conn.execute(sql, params).fetchall())

    def close(self) -> None:
        """Close the database (every answer is already committed)."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> ReviewStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The schema version of the open database."""
        return int(self._read("PRAGMA user_version")[0][0])

    def integrity_check(self) -> str:
        """SQLite's full `PRAGMA integrity_check`: "ok" when the file is sound."""
        return "\n".join(str(r[0]) for r in self._read("PRAGMA integrity_check"))

    # -- meta ----------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """A value from the meta table (None if unset)."""
        rows = self._read("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        """Set a value in the meta table (committed at once)."""
        self._write(
            lambda c: c.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
        )

    # -- banks ---------------------------------------------------------------------------

    def sync_bank(self, bank: Bank, now: datetime) -> SyncReport:
        """Bring the store in line with a loaded bank (see `sync_banks`)."""
        return self.sync_banks([bank], now)[0]

    def sync_banks(self, banks: Sequence[Bank], now: datetime) -> list[SyncReport]:
        """Bring the store in line with loaded banks, in one transaction (one commit, so one
        flush to disk, however many banks); a report per bank, in the order given.

        New questions are added as new items; a question whose content hash changed keeps its
        history and is flagged `edited` (if it had been answered); a question no longer in the
        bank is retired (kept, never asked); a retired question that is back is restored.
        """
        stamp = to_iso(now)
        return self._write(lambda c: [self._sync_one(c, b, stamp) for b in banks])

    def _sync_one(self, c: sqlite3.Connection, bank: Bank, stamp: str) -> SyncReport:
        c.execute(
            "INSERT INTO banks (bank_id, title, path, synced_at, digest) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (bank_id) DO UPDATE SET title = excluded.title, "
            "path = excluded.path, synced_at = excluded.synced_at, digest = excluded.digest",
            (bank.id, bank.title, str(bank.path) if bank.path else None, stamp, bank.digest),
        )
        existing = {
            r[0]: r[1:]
            for r in c.execute(
                "SELECT question_id, card_id, content_hash, retired, reps, red_flag, "
                "position, fsrs FROM cards WHERE bank_id = ?",
                (bank.id,),
            )
        }
        added: list[str] = []
        edited: list[str] = []
        restored: list[str] = []
        inserts: list[tuple[object, ...]] = []
        for position, q in enumerate(bank.questions):
            h = q.content_hash()
            row = existing.pop(q.id, None)
            if row is None:
                added.append(q.id)
                inserts.append((bank.id, q.id, position, int(q.red_flag), h))
                continue
            card_id, old_hash, retired, reps, red_flag, old_pos, fsrs_json = row
            if retired:
                restored.append(q.id)
            if old_hash != h:
                if reps > 0:
                    edited.append(q.id)
                c.execute(
                    "UPDATE cards SET content_hash = ?, edited = ?, edited_at = ? "
                    "WHERE card_id = ?",
                    (h, int(reps > 0), stamp, card_id),
                )
            if retired or old_pos != position or bool(red_flag) != q.red_flag:
                c.execute(
                    "UPDATE cards SET retired = 0, position = ?, red_flag = ? WHERE card_id = ?",
                    (position, int(q.red_flag), card_id),
                )
            if q.red_flag and not red_flag and fsrs_json is not None:
                self._cap_red_flag(c, card_id, fsrs_json)
        c.executemany(
            "INSERT INTO cards (bank_id, question_id, position, red_flag, content_hash) "
            "VALUES (?, ?, ?, ?, ?)",
            inserts,
        )
        retired_now = sorted(qid for qid, row in existing.items() if not row[2])
        c.executemany(
            "UPDATE cards SET retired = 1 WHERE bank_id = ? AND question_id = ?",
            [(bank.id, qid) for qid in retired_now],
        )
        return SyncReport(bank.id, tuple(added), tuple(edited), tuple(retired_now), tuple(restored))

    @staticmethod
    def _cap_red_flag(c: sqlite3.Connection, card_id: int, fsrs_json: str) -> None:
        """An item that became a red flag: bring a far due date within the red-flag cap."""
        card = card_from_json(fsrs_json)
        if card.last_review is None:
            return
        latest = card.last_review + timedelta(days=RED_FLAG_MAX_INTERVAL_DAYS)
        if card.due > latest:
            card.due = latest
            c.execute(
                "UPDATE cards SET due = ?, fsrs = ?, interval_days = ? WHERE card_id = ?",
                (to_iso(latest), card_to_json(card), float(RED_FLAG_MAX_INTERVAL_DAYS), card_id),
            )

    def synced_digests(self) -> dict[str, BankEntry]:
        """The file digest of every bank at its last sync (`Bank.digest`, when it was loaded
        from a file) -> that bank's id and title. A bank file whose digest is here needs no
        sync: the store's items already match it."""
        rows = self._read("SELECT digest, bank_id, title FROM banks WHERE digest IS NOT NULL")
        return {r[0]: BankEntry(r[1], r[2]) for r in rows}

    def bank_titles(self) -> dict[str, str]:
        """Every bank the store has seen: id -> title."""
        return {r[0]: r[1] for r in self._read("SELECT bank_id, title FROM banks ORDER BY bank_id")}

    # -- cards ---------------------------------------------------------------------------

    def card(self, card_id: int) -> CardRecord | None:
        """One card by id."""
        rows = self._read(f"SELECT {_CARD_COLUMNS} FROM cards WHERE card_id = ?", (card_id,))
        return _card(rows[0]) if rows else None

    def card_by_key(self, bank_id: str, question_id: str) -> CardRecord | None:
        """One card by (bank id, question id)."""
        rows = self._read(
            f"SELECT {_CARD_COLUMNS} FROM cards WHERE bank_id = ? AND question_id = ?",
            (bank_id, question_id),
        )
        return _card(rows[0]) if rows else None

    def cards(
        self, bank_ids: Iterable[str] | None = None, *, include_retired: bool = False
    ) -> list[CardRecord]:
        """Cards of the given banks (all banks if None), in bank then file order."""
        sql = f"SELECT {_CARD_COLUMNS} FROM cards WHERE 1"
        params: list[Any] = []
        if not include_retired:
            sql += " AND retired = 0"
        if bank_ids is not None:
            ids = list(bank_ids)
            sql += f" AND bank_id IN ({','.join('?' * len(ids))})"
            params += ids
        return [_card(r) for r in self._read(sql + " ORDER BY bank_id, position", params)]

    def due_cards(self, bank_ids: Iterable[str], until: datetime) -> list[CardRecord]:
        """Answered, active cards of these banks due at or before `until`, most overdue first."""
        ids = list(bank_ids)
        rows = self._read(
            f"SELECT {_CARD_COLUMNS} FROM cards WHERE due IS NOT NULL AND due <= ? "
            f"AND retired = 0 AND bank_id IN ({','.join('?' * len(ids))}) "
            "ORDER BY due, bank_id, position",
            [to_iso(until), *ids],
        )
        return [_card(r) for r in rows]

    def new_cards(self, bank_id: str) -> list[CardRecord]:
        """Never-answered, active cards of a bank, in file order."""
        rows = self._read(
            f"SELECT {_CARD_COLUMNS} FROM cards WHERE bank_id = ? AND state = 0 "
            "AND retired = 0 ORDER BY position",
            (bank_id,),
        )
        return [_card(r) for r in rows]

    def next_due(self, bank_ids: Iterable[str], after: datetime | None = None) -> datetime | None:
        """The earliest due time among active answered cards of these banks (after `after`)."""
        ids = list(bank_ids)
        sql = (
            "SELECT min(due) FROM cards WHERE due IS NOT NULL AND retired = 0 "
            f"AND bank_id IN ({','.join('?' * len(ids))})"
        )
        params: list[Any] = list(ids)
        if after is not None:
            sql += " AND due > ?"
            params.append(to_iso(after))
        rows = self._read(sql, params)
        return _opt_iso(rows[0][0]) if rows else None

    def bank_counts(
        self, now: datetime, bank_ids: Iterable[str] | None = None
    ) -> dict[str, BankCounts]:
        """Per-bank counts (due now, new, learning, review, mastered, leeches) for the given
        banks (every bank the store knows if None)."""
        sql = (
            "SELECT c.bank_id, coalesce(b.title, c.bank_id), count(*), "
            "sum(c.state != 0 AND c.due <= ?), sum(c.state = 0), sum(c.state IN (1, 3)), "
            "sum(c.state = 2 AND coalesce(c.interval_days, 0) < ?), "
            "sum(c.state = 2 AND coalesce(c.interval_days, 0) >= ?), sum(c.lapses >= ?) "
            "FROM cards c LEFT JOIN banks b ON b.bank_id = c.bank_id WHERE c.retired = 0"
        )
        params: list[Any] = [to_iso(now), MASTERED_INTERVAL_DAYS, MASTERED_INTERVAL_DAYS]
        params.append(LEECH_LAPSES)
        if bank_ids is not None:
            ids = list(bank_ids)
            sql += f" AND c.bank_id IN ({','.join('?' * len(ids))})"
            params += ids
        sql += " GROUP BY c.bank_id ORDER BY c.bank_id"
        out = {}
        for r in self._read(sql, params):
            out[r[0]] = BankCounts(r[0], r[1], *(int(v or 0) for v in r[2:]))
        return out

    # -- reviews -------------------------------------------------------------------------

    def record_review(
        self, card_id: int, compute: Callable[[CardRecord], ReviewWrite]
    ) -> tuple[CardRecord, ReviewRecord]:
        """Record one answer atomically and durably.

        Inside one write transaction: read the card as it is now (another process may have
        changed it), call `compute(card)` for its new schedule, update the card, append the
        log entry (with a snapshot of the card before, for undo), commit. Returns the card
        after and the log entry.
        """

        def run(c: sqlite3.Connection) -> tuple[CardRecord, ReviewRecord]:
            row = c.execute(f"SELECT {_CARD_COLUMNS} FROM cards WHERE card_id = ?", (card_id,))
            found = row.fetchone()
            if found is None:
                raise StoreError(f"no item with card id {card_id} in the store")
            before = _card(found)
            w = compute(before)
            snap_row = c.execute(
                f"SELECT {', '.join(_SNAPSHOT_COLUMNS)} FROM cards WHERE card_id = ?", (card_id,)
            ).fetchone()
            snapshot = json.dumps(dict(zip(_SNAPSHOT_COLUMNS, snap_row, strict=True)))
            at = to_iso(w.reviewed_at)
            cur = c.execute(
                "INSERT INTO reviews (card_id, bank_id, question_id, reviewed_at, rating, answer, "
                "correct, unsure, confident_wrong, response_ms, state_before, was_new, "
                "card_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    card_id,
                    before.bank_id,
                    before.question_id,
                    at,
                    int(w.rating),
                    w.answer,
                    int(w.correct),
                    int(w.unsure),
                    int(w.confident_wrong),
                    w.response_ms,
                    int(before.state),
                    int(before.is_new),
                    snapshot,
                ),
            )
            review_id = int(cur.lastrowid or 0)
            c.execute(
                "UPDATE cards SET state = ?, due = ?, fsrs = ?, reps = reps + 1, "
                "lapses = lapses + ?, first_seen = coalesce(first_seen, ?), last_seen = ?, "
                "interval_days = ?, edited = 0, last_review_id = ? WHERE card_id = ?",
                (
                    int(w.state),
                    to_iso(w.due),
                    card_to_json(w.fsrs_card),
                    int(w.lapse),
                    at,
                    at,
                    w.interval_days,
                    review_id,
                    card_id,
                ),
            )
            after = _card(
                c.execute(
                    f"SELECT {_CARD_COLUMNS} FROM cards WHERE card_id = ?", (card_id,)
                ).fetchone()
            )
            log = _review(
                c.execute(
                    f"SELECT {_REVIEW_COLUMNS} FROM reviews WHERE review_id = ?", (review_id,)
                ).fetchone()
            )
            return after, log

        return self._write(run)

    def undo_review(self, review_id: int) -> CardRecord | None:
        """Remove a log entry and restore its card to the state saved before it.

        Returns the restored card, or None if there is no such entry. Raises
        `UndoConflictError` if the card was answered again after this review.
        """

        def run(c: sqlite3.Connection) -> CardRecord | None:
            row = c.execute(
                "SELECT card_id, card_before FROM reviews WHERE review_id = ?", (review_id,)
            ).fetchone()
            if row is None:
                return None
            card_id, snapshot = int(row[0]), json.loads(row[1])
            last = c.execute(
                "SELECT last_review_id FROM cards WHERE card_id = ?", (card_id,)
            ).fetchone()
            if last is None or last[0] != review_id:
                raise UndoConflictError(
                    "this answer cannot be undone: the item was answered again since"
                )
            sets = ", ".join(f"{col} = ?" for col in _SNAPSHOT_COLUMNS)
            c.execute(
                f"UPDATE cards SET {sets} WHERE card_id = ?",
                [snapshot[col] for col in _SNAPSHOT_COLUMNS] + [card_id],
            )
            c.execute("DELETE FROM reviews WHERE review_id = ?", (review_id,))
            return _card(
                c.execute(
                    f"SELECT {_CARD_COLUMNS} FROM cards WHERE card_id = ?", (card_id,)
                ).fetchone()
            )

        return self._write(run)

    def review_count(self) -> int:
        """Entries in the review log."""
        return int(self._read("SELECT count(*) FROM reviews")[0][0])

    def new_introduced(self, start: datetime, end: datetime) -> int:
        """New items first answered in [start, end) (for the daily new limit)."""
        rows = self._read(
            "SELECT count(*) FROM reviews WHERE was_new = 1 AND reviewed_at >= ? "
            "AND reviewed_at < ?",
            (to_iso(start), to_iso(end)),
        )
        return int(rows[0][0])

    def reviews(
        self,
        *,
        since: datetime | None = None,
        bank_ids: Iterable[str] | None = None,
        card_id: int | None = None,
    ) -> list[ReviewRecord]:
        """Log entries, oldest first, optionally since a time, for some banks or one card."""
        sql = f"SELECT {_REVIEW_COLUMNS} FROM reviews WHERE 1"
        params: list[Any] = []
        if since is not None:
            sql += " AND reviewed_at >= ?"
            params.append(to_iso(since))
        if bank_ids is not None:
            ids = list(bank_ids)
            sql += f" AND bank_id IN ({','.join('?' * len(ids))})"
            params += ids
        if card_id is not None:
            sql += " AND card_id = ?"
            params.append(card_id)
        return [_review(r) for r in self._read(sql + " ORDER BY review_id", params)]

    def review_times(self, since: datetime) -> list[datetime]:
        """When each review since `since` happened, oldest first."""
        rows = self._read(
            "SELECT reviewed_at FROM reviews WHERE reviewed_at >= ? ORDER BY reviewed_at",
            (to_iso(since),),
        )
        return [from_iso(r[0]) for r in rows]

    def retention_counts(self, since: datetime | None = None) -> tuple[int, int]:
        """(right, total) among answers on items that were in the Review state, optionally
        since a time."""
        sql = "SELECT count(*), sum(correct) FROM reviews WHERE state_before = ?"
        params: list[Any] = [int(CardState.REVIEW)]
        if since is not None:
            sql += " AND reviewed_at >= ?"
            params.append(to_iso(since))
        total, right = self._read(sql, params)[0]
        return int(right or 0), int(total or 0)

    def confident_wrong_answers(self) -> list[tuple[str, str, str, int]]:
        """(bank id, question id, answer text, times) for answers given wrong with confidence,
        most frequent first."""
        rows = self._read(
            "SELECT bank_id, question_id, answer, count(*) AS n FROM reviews "
            "WHERE confident_wrong = 1 GROUP BY bank_id, question_id, answer "
            "ORDER BY n DESC, bank_id, question_id"
        )
        out = []
        for bank_id, qid, answer, n in rows:
            try:
                text = str(json.loads(answer).get("text", answer))
            except (ValueError, AttributeError):
                text = answer
            out.append((bank_id, qid, text, int(n)))
        return out
