"""The database file: its schema and migrations, the connection, and transactions.

This module owns how the SQLite file is opened (WAL, `synchronous=FULL`, a busy timeout,
`secure_delete` so that an undone answer leaves no readable trace, a private file mode, no
blocking on a named pipe), its schema (`PRAGMA user_version` and the migrations), and how
statements run: reads and `BEGIN IMMEDIATE` write transactions, retried while another
process holds the lock, with every SQLite failure turned into a `quiz.engine.faults`
exception that carries the learner's words. It knows nothing of cards or reviews beyond the
tables' shape.
"""

from __future__ import annotations

import os
import random
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from quiz.engine.faults import (
    DiskFullError,
    NotTextError,
    StoreBusyError,
    StoreDamagedError,
    StoreError,
    StoreFault,
    StoreVersionError,
    WriteFailedError,
)
from quiz.engine.paths import ensure_private_file

SCHEMA_VERSION = 2
SQLITE_MAGIC = b"SQLite format 3\x00"
#: SQLite's own wait for a lock, per statement (milliseconds); the store retries on top.
BUSY_TIMEOUT_MS = 1000
#: How long a write waits for another process's lock before the learner is asked
#: (seconds). `$QUIZ_STORE_WAIT` overrides it for `ReviewStore.open`.
WRITE_PATIENCE_S = 10.0
WRITE_PATIENCE_ENV = "QUIZ_STORE_WAIT"
#: For tests only: statements run on every new connection (for example
#: `PRAGMA max_page_count = N`, which makes SQLite report a real SQLITE_FULL).
EXTRA_PRAGMAS: tuple[str, ...] = ()

T = TypeVar("T")

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

_BASE_COLUMNS: dict[str, tuple[str, ...]] = {
    "meta": ("key", "value"),
    "banks": ("bank_id", "title", "path", "synced_at"),
    "cards": (
        "card_id",
        "bank_id",
        "question_id",
        "position",
        "red_flag",
        "state",
        "due",
        "fsrs",
        "reps",
        "lapses",
        "first_seen",
        "last_seen",
        "interval_days",
        "content_hash",
        "edited",
        "edited_at",
        "retired",
        "last_review_id",
    ),
    "reviews": (
        "review_id",
        "card_id",
        "bank_id",
        "question_id",
        "reviewed_at",
        "rating",
        "answer",
        "correct",
        "unsure",
        "confident_wrong",
        "response_ms",
        "state_before",
        "was_new",
        "card_before",
    ),
}
_INDEXES = {
    "cards_due": "CREATE INDEX IF NOT EXISTS cards_due ON cards (due) WHERE due IS NOT NULL",
    "reviews_time": "CREATE INDEX IF NOT EXISTS reviews_time ON reviews (reviewed_at)",
    "reviews_card": "CREATE INDEX IF NOT EXISTS reviews_card ON reviews (card_id)",
}


def expected_columns(version: int) -> dict[str, tuple[str, ...]]:
    """The columns each table has at a schema version (empty at 0)."""
    if version <= 0:
        return {}
    columns = dict(_BASE_COLUMNS)
    if version >= 2:
        columns["banks"] = (*columns["banks"], "digest")
    return columns


# -- what SQLite's errors mean ---------------------------------------------------------------

_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_CANTOPEN, _SQLITE_FULL = 10, 11, 14, 13
_SQLITE_NOTADB = 26


def _code(e: BaseException) -> int | None:
    code = getattr(e, "sqlite_errorcode", None)
    return int(code) & 0xFF if code is not None else None


def is_busy(e: BaseException) -> bool:
    """Another connection holds a lock we need."""
    if not isinstance(e, sqlite3.OperationalError):
        return False
    code = _code(e)
    if code is not None:
        return code in (_SQLITE_BUSY, _SQLITE_LOCKED)
    msg = str(e).lower()
    return "locked" in msg or "busy" in msg


def is_corrupt(e: BaseException) -> bool:
    """SQLITE_CORRUPT or SQLITE_NOTADB: the file is damaged or is not a database."""
    if not isinstance(e, sqlite3.Error):
        return False
    code = _code(e)
    if code is not None:
        return code in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    msg = str(e).lower()
    return "malformed" in msg or "not a database" in msg


def is_schema_damage(e: BaseException) -> bool:
    """A table or column the schema promised is missing: someone changed it by hand."""
    msg = str(e).lower()
    return isinstance(e, sqlite3.OperationalError) and (
        "no such table" in msg or "no such column" in msg or "has no column" in msg
    )


def fault_for(e: BaseException) -> StoreFault | None:
    """The learner-facing fault an exception from SQLite means, or None if it means none."""
    if isinstance(e, UnicodeEncodeError):
        return NotTextError(str(e))
    if not isinstance(e, sqlite3.Error):
        return None
    code = _code(e)
    detail = str(e)
    if code == _SQLITE_FULL or (code is None and "full" in detail.lower()):
        return DiskFullError(detail)
    if is_corrupt(e) or is_schema_damage(e):
        return StoreDamagedError(detail)
    if code in (_SQLITE_IOERR, _SQLITE_READONLY, _SQLITE_PERM, _SQLITE_CANTOPEN):
        return WriteFailedError(detail)
    if is_busy(e):
        return StoreBusyError(detail)
    return None


# -- the connection ---------------------------------------------------------------------------


def looks_like_sqlite(path: Path) -> bool:
    """Whether the file is missing, empty or starts as a SQLite database does. Raises
    `StoreError` when the path names something that is not a regular file: a named pipe
    would block this read (and SQLite) for ever, and a device is nobody's progress."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        return True
    except OSError as e:
        raise StoreError(f"{path}: cannot open the progress store: {e.strerror}") from e
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise StoreError(
                f"{path}: the progress store is not a regular file; "
                "move it away, or use --data-dir to choose another folder"
            )
        head = os.read(fd, len(SQLITE_MAGIC))
    finally:
        os.close(fd)
    return head == b"" or head == SQLITE_MAGIC


class SchemaDamage(Exception):
    """The file's tables are not the ones its schema version promises."""


class Database:
    """One connection to the store file, shared by the threads of a process.

    `read` and `write` serialize on a lock, retry while another process holds the database's
    lock (for up to `patience` seconds), and raise `StoreFault`s (with the learner's words)
    for every failure SQLite reports; `on_damage` is called (once) when SQLite says the file
    is damaged, so that the next start repairs it.
    """

    def __init__(
        self,
        path: Path,
        *,
        patience: float = WRITE_PATIENCE_S,
        on_damage: Callable[[str], None] | None = None,
    ) -> None:
        self.path = path
        self.patience = patience
        self.on_damage = on_damage
        self.lock = threading.RLock()
        self.conn = self._connect()

    def _connect(self) -> sqlite3.Connection:
        ensure_private_file(self.path)
        busy_ms = int(min(BUSY_TIMEOUT_MS, self.patience * 1000))
        conn = sqlite3.connect(
            self.path,
            timeout=busy_ms / 1000,
            isolation_level=None,
            check_same_thread=False,
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {busy_ms}")
            self._retry(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone())
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA secure_delete = ON")
            for pragma in EXTRA_PRAGMAS:
                conn.execute(pragma).fetchall()
        except BaseException:
            conn.close()
            raise
        return conn

    # -- schema ----------------------------------------------------------------------------

    def user_version(self) -> int:
        """The file's schema version (raises sqlite3 errors as they are: used while opening)."""
        return int(self._retry(lambda: self.conn.execute("PRAGMA user_version").fetchone()[0]))

    def check_version(self) -> int:
        """The schema version; raises `StoreVersionError` for a newer one (file untouched)."""
        version = self.user_version()
        if version > SCHEMA_VERSION:
            raise StoreVersionError(
                f"{self.path} was written by a newer version of quiz (store schema {version}; "
                f"this version knows up to {SCHEMA_VERSION}). Upgrade patient-quiz, or use "
                "--data-dir to keep a separate store. The file was not changed."
            )
        return version

    def check_shape(self, version: int) -> None:
        """Raise `SchemaDamage` if a table or column of `version`'s schema is missing (a
        table dropped or rebuilt by hand); a missing index is simply made again."""
        expected = expected_columns(version)
        if not expected:
            return
        rows = self._retry(
            lambda: self.conn.execute("SELECT type, name FROM sqlite_master").fetchall()
        )
        tables = {name for kind, name in rows if kind == "table"}
        indexes = {name for kind, name in rows if kind == "index"}
        for table, columns in expected.items():
            if table not in tables:
                raise SchemaDamage(f"the table '{table}' is missing")
            info: list[Any] = self._retry(
                lambda t=table: self.conn.execute(f"PRAGMA table_info({t})").fetchall()  # type: ignore[misc]
            )
            have = {r[1] for r in info}
            missing = [c for c in columns if c not in have]
            if missing:
                raise SchemaDamage(f"the table '{table}' has no column '{missing[0]}'")
        if not indexes.issuperset(_INDEXES):
            self.write(lambda c: [c.execute(sql) for sql in _INDEXES.values()])

    def migrate(self) -> None:
        """Bring the schema to `SCHEMA_VERSION` (in one transaction; re-read inside it, as
        another process may have migrated meanwhile)."""

        def run(conn: sqlite3.Connection) -> None:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise StoreVersionError(
                    f"{self.path}: store schema {version} is newer than this quiz"
                )
            for step in range(version, SCHEMA_VERSION):
                MIGRATIONS[step](conn)
                conn.execute(f"PRAGMA user_version = {step + 1}")

        self.write(run)

    # -- statements ------------------------------------------------------------------------

    def _retry(self, fn: Callable[[], T]) -> T:
        deadline = time.monotonic() + self.patience
        delay = 0.002
        while True:
            try:
                return fn()
            except sqlite3.OperationalError as e:
                if not is_busy(e):
                    raise
                if time.monotonic() > deadline:
                    raise StoreBusyError(str(e)) from e
                time.sleep(delay * (1 + random.random()))
                delay = min(delay * 2, 0.1)

    def _fault(self, e: BaseException) -> BaseException:
        """The exception to raise for `e`: a `StoreFault` when it means one."""
        if isinstance(e, StoreError):
            return e
        fault = fault_for(e)
        if fault is None:
            return e
        if isinstance(fault, StoreDamagedError) and self.on_damage is not None:
            self.on_damage(fault.detail)
        return fault

    def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` in a `BEGIN IMMEDIATE` transaction, retrying while the database is busy;
        committed before returning, rolled back (and a `StoreFault` raised) on failure."""
        conn = self.conn
        with self.lock:
            try:
                self._retry(lambda: conn.execute("BEGIN IMMEDIATE"))
                try:
                    result = fn(conn)
                    self._retry(lambda: conn.execute("COMMIT"))
                except BaseException:
                    if conn.in_transaction:
                        try:
                            conn.execute("ROLLBACK")
                        except sqlite3.Error:
                            pass  # SQLite has rolled back already (a full disk does)
                    raise
            except (sqlite3.Error, UnicodeEncodeError) as e:
                raise self._fault(e) from e
            return result

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """All rows of one statement."""
        with self.lock:
            try:
                return self._retry(lambda: self.conn.execute(sql, params).fetchall())
            except (sqlite3.Error, UnicodeEncodeError) as e:
                raise self._fault(e) from e

    def read_with(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` (which only reads) on the connection, outside a transaction."""
        with self.lock:
            try:
                return self._retry(lambda: fn(self.conn))
            except (sqlite3.Error, UnicodeEncodeError) as e:
                raise self._fault(e) from e

    def close(self) -> None:
        """Close the connection (every write is already committed)."""
        with self.lock:
            self.conn.close()
