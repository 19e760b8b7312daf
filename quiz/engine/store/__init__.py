"""The review store: one SQLite file holding every item's schedule and the review log.

`ReviewStore` is the one surface the engine and the front ends use; behind it, each module
owns one part:

| module | owns |
|---|---|
| `connection` | the file and connection, schema and migrations, transactions, errors |
| `sync` | the bank-sync rules, as a pure function of what is stored and the bank as loaded |
| `cards` | card queries and per-bank counts (a damaged row is rebuilt from its reviews) |
| `reviews` | recording and undoing an answer, reading the log |
| `records` | the records read and written, and how a row becomes one |
| `replay` | an item's schedule rebuilt by replaying its reviews through the scheduler |
| `recovery`, `pagescan` | repairing a damaged file: salvage rows, rebuild, keep the old |

Writes are short `BEGIN IMMEDIATE` transactions retried while another process holds the
write lock (for up to `WRITE_PATIENCE_S`, then `StoreBusyError`), so two processes studying
at once both work. Each answer is one transaction (card update + log row) committed before
`record_review` returns, with `synchronous=FULL`, so a process killed at any moment loses at
most the answer in progress. Every failure the learner should hear about is a
`quiz.engine.faults.StoreFault` carrying their words.

Opening never runs an integrity check on the way to the first screen. A check is due after
an unclean exit (a write-ahead log left behind) or when the last one is a week old; it runs
in a background thread a few seconds after opening (`integrity="background"`, the study
command: a sitting shorter than that leaves it due for the next) or before returning
(`integrity="now"`, commands without a screen), and damage it finds is repaired: at once,
or at the next start. The store never reads the wall clock: it takes `now` from its caller,
and without one it never judges a check's age.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from quiz.bank.catalog import BankEntry
from quiz.engine.faults import (
    StoreBusyError,
    StoreDamagedError,
    StoreError,
    StoreFault,
    StoreVersionError,
    UndoConflictError,
    recovered_notice,
)
from quiz.engine.paths import ensure_private_dir
from quiz.engine.store import cards as _cards
from quiz.engine.store import reviews as _reviews
from quiz.engine.store.connection import _SCHEMA_1 as _SCHEMA_1  # tests build old schemas
from quiz.engine.store.connection import (
    BUSY_TIMEOUT_MS,
    MIGRATIONS,
    SCHEMA_VERSION,
    SQLITE_MAGIC,
    WRITE_PATIENCE_ENV,
    WRITE_PATIENCE_S,
    Database,
    SchemaDamage,
    is_corrupt,
    looks_like_sqlite,
)
from quiz.engine.store.records import (
    BankCounts,
    CardRecord,
    ReviewRecord,
    ReviewWrite,
    SyncReport,
    from_iso,
    to_iso,
)

if TYPE_CHECKING:
    from quiz.bank.model import Bank
    from quiz.engine.store.recovery import RecoveryReport

__all__ = [
    "BUSY_TIMEOUT_MS",
    "INTEGRITY_CHECK_EVERY",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "SQLITE_MAGIC",
    "WRITE_PATIENCE_S",
    "BankCounts",
    "CardRecord",
    "ReviewRecord",
    "ReviewStore",
    "ReviewWrite",
    "StoreBusyError",
    "StoreDamagedError",
    "StoreError",
    "StoreFault",
    "StoreVersionError",
    "SyncReport",
    "UndoConflictError",
    "from_iso",
    "to_iso",
]

#: How often the integrity check runs when nothing suggests damage.
INTEGRITY_CHECK_EVERY = timedelta(days=7)
#: meta key: when the last integrity check found the file sound (ISO time)
INTEGRITY_META_KEY = "integrity_checked_at"
#: How long closing the store waits for a background check to finish before stopping it.
CHECK_FINISH_S = 10.0
#: A background check starts this long after opening: after the first screen is drawn, so
#: that it does not compete with the start (at 1,000,000 reviews it reads 700 MB).
CHECK_DELAY_S = 3.0

IntegrityMode = Literal["background", "now", "off"]


def _marker(path: Path) -> Path:
    """The file that says a check (or a failed read) found the store damaged."""
    return path.with_name(path.name + ".damaged")


def _read_marker(path: Path) -> str | None:
    """The reason written in the damage marker, if there is one (a marker that is not a
    regular file is ignored)."""
    try:
        fd = os.open(_marker(path), os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        import stat

        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        text = os.read(fd, 600).decode("utf-8", "replace").strip()
    finally:
        os.close(fd)
    return text or "damage was found"


def _write_marker(path: Path, reason: str) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(_marker(path), flags, 0o600)
    except OSError:
        return
    try:
        os.write(fd, reason[:500].encode("utf-8", "replace"))
    except OSError:
        pass
    finally:
        os.close(fd)


class ReviewStore:
    """The SQLite review store. Open with `ReviewStore.open(data_dir, now=clock)` or
    `ReviewStore(path)`.

    Safe to share between threads of one process (calls are serialized); several processes
    may use the same file at once. `notices` holds messages for the learner produced while
    opening (for example, that a damaged file was repaired and how many answers were kept);
    front ends show them.
    """

    def __init__(
        self,
        path: Path,
        *,
        now: Callable[[], datetime] | None = None,
        integrity: IntegrityMode = "background",
        patience: float = WRITE_PATIENCE_S,
    ) -> None:
        self.path = Path(path)
        self.notices: list[str] = []
        #: where a damaged file was moved, if one was
        self.moved_aside: Path | None = None
        #: what the repair kept, if there was one
        self.recovery: RecoveryReport | None = None
        #: damage a background check found (repaired at the next start)
        self.damage_found: str | None = None
        self._now = now
        self._patience = patience
        self._check: threading.Timer | None = None
        self._check_conn: sqlite3.Connection | None = None
        self._closed = False
        ensure_private_dir(self.path.parent)
        self._db = self._open_repairing()
        try:
            self._start_integrity_check(integrity)
        except StoreDamagedError as e:
            self.repair(f"it is damaged: {e.detail}")

    @classmethod
    def open(
        cls,
        data_dir: Path | None = None,
        *,
        now: Callable[[], datetime] | None = None,
        integrity: IntegrityMode = "background",
    ) -> ReviewStore:
        """Open (creating if needed) the store in `data_dir`, else `$QUIZ_DATA_DIR`, else the
        user's data directory. `$QUIZ_STORE_WAIT` (seconds) sets how long a write waits for
        another program's lock before the learner is asked."""
        from quiz.engine.paths import default_db_path

        patience = WRITE_PATIENCE_S
        raw = os.environ.get(WRITE_PATIENCE_ENV)
        if raw:
            try:
                patience = max(0.0, float(raw))
            except ValueError:
                raise StoreError(
                    f"${WRITE_PATIENCE_ENV} must be a number of seconds, not {raw!r}"
                ) from None
        return cls(default_db_path(data_dir), now=now, integrity=integrity, patience=patience)

    # -- opening -------------------------------------------------------------------------

    def _open_repairing(self) -> Database:
        """Open the file; a damaged one is repaired first (once)."""
        reason = _read_marker(self.path)
        if reason is not None and not self.path.exists():
            with contextlib.suppress(OSError):
                _marker(self.path).unlink()
            reason = None
        if reason is not None:
            self._repair(f"a check found damage: {reason}", salvage=True)
        elif not looks_like_sqlite(self.path):
            # Rows may still be on its pages (only the header may be gone).
            self._repair("it is not a SQLite database", salvage=True)
        self._wal_left = self._has_wal()
        try:
            return self._open_once()
        except (SchemaDamage, StoreDamagedError, sqlite3.DatabaseError) as e:
            if isinstance(e, sqlite3.Error) and not is_corrupt(e):
                raise StoreError(f"{self.path}: cannot open the progress store: {e}") from e
            detail = e.detail if isinstance(e, StoreFault) else str(e)
        self._repair(f"it is damaged: {detail}", salvage=True)
        self._wal_left = False
        try:
            return self._open_once()
        except (SchemaDamage, sqlite3.Error) as e:
            raise StoreError(f"{self.path}: cannot open the progress store: {e}") from e

    def _open_once(self) -> Database:
        db = Database(self.path, patience=self._patience, on_damage=self._mark_damaged)
        try:
            version = db.check_version()
            db.check_shape(version)
            if version < SCHEMA_VERSION:
                db.migrate()
        except BaseException:
            db.close()
            raise
        return db

    def _has_wal(self) -> bool:
        wal = self.path.with_name(self.path.name + "-wal")
        try:
            return wal.stat().st_size > 0
        except OSError:
            return False

    def _repair(self, reason: str, *, salvage: bool) -> None:
        from quiz.engine.store.recovery import recover

        report = recover(self.path, self._now, salvage_rows=salvage)
        with contextlib.suppress(OSError):
            _marker(self.path).unlink()
        self.recovery = report
        self.moved_aside = report.kept_as
        self.notices.append(
            recovered_notice(
                self.path, report.kept_as, reason, report.answers, report.items, report.dropped
            )
        )

    def repair(self, reason: str) -> None:
        """Repair the file now (for commands without a screen, after a `StoreDamagedError`):
        close it, salvage and rebuild it, reopen the fresh one. A notice says what was
        kept. Other processes should not be using the file."""
        self._db.close()
        self._repair(reason, salvage=True)
        self.damage_found = None
        self._db = self._open_once()

    def _mark_damaged(self, detail: str) -> None:
        """SQLite found damage while in use: the next start repairs the file."""
        self.damage_found = detail
        _write_marker(self.path, detail)

    # -- the integrity check ---------------------------------------------------------------

    def integrity_check_due(self) -> bool:
        """Whether a check is worth running now: after an unclean exit (a write-ahead log was
        left behind), or a week after the last one (judged only with a clock)."""
        if self._wal_left:
            return True
        if self._now is None:
            return False
        last = self.get_meta(INTEGRITY_META_KEY)
        if last is None:
            return bool(self._db.read("SELECT 1 FROM reviews NOT INDEXED LIMIT 1"))
        try:
            age = self._now() - from_iso(last)
        except (ValueError, TypeError):
            return True
        return age >= INTEGRITY_CHECK_EVERY or age < timedelta(0)  # or the clock went back

    def _start_integrity_check(self, mode: IntegrityMode) -> None:
        if mode == "off" or not self.integrity_check_due():
            return
        if mode == "now":
            result = self.quick_check()
            if result == "ok":
                self._record_check()
                return
            self._db.close()
            self._repair(f"a check found damage: {result}", salvage=True)
            self._db = self._open_once()
            return
        self._check = threading.Timer(CHECK_DELAY_S, self._background_check)
        self._check.name = "store-integrity-check"
        self._check.daemon = True
        self._check.start()

    def quick_check(self) -> str:
        """SQLite's `PRAGMA quick_check` on a connection of its own: "ok" when sound."""
        try:
            conn = sqlite3.connect(self.path, check_same_thread=False)
        except sqlite3.Error as e:
            return str(e)
        self._check_conn = conn
        try:
            rows = conn.execute("PRAGMA quick_check(20)").fetchall()
            return "\n".join(str(r[0]) for r in rows)
        except sqlite3.Error as e:
            return "stopped" if "interrupt" in str(e).lower() else str(e)
        finally:
            self._check_conn = None
            conn.close()

    def _background_check(self) -> None:
        result = self.quick_check()
        if result == "stopped" or self._closed:
            return
        if result == "ok":
            self._record_check()
        else:
            self._mark_damaged(result.splitlines()[0] if result else "damage was found")

    def _record_check(self) -> None:
        if self._now is None:
            return
        with contextlib.suppress(StoreError):
            self.set_meta(INTEGRITY_META_KEY, to_iso(self._now()))

    def wait_for_check(self, timeout: float | None = None) -> None:
        """Wait for a background integrity check (started after `CHECK_DELAY_S`) to finish."""
        if self._check is not None:
            self._check.join(timeout)

    # -- lifetime --------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database (every answer is already committed). A background check still
        running is given `CHECK_FINISH_S` to finish, then stopped."""
        if self._closed:
            return
        if self._check is not None and self._check.is_alive():
            self._check.cancel()  # not started yet: it stays due, for a longer sitting
            self._check.join(CHECK_FINISH_S)
            conn = self._check_conn
            if conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    conn.interrupt()
            self._check.join(5)
        self._closed = True
        self._db.close()

    def __enter__(self) -> ReviewStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def database(self) -> Database:
        """The connection (for the core modules that export, import and reset progress)."""
        return self._db

    @property
    def clock(self) -> Callable[[], datetime] | None:
        """The clock the store was given (None: none)."""
        return self._now

    @property
    def schema_version(self) -> int:
        """The schema version of the open database."""
        return int(self._db.read("PRAGMA user_version")[0][0])

    def integrity_check(self) -> str:
        """SQLite's full `PRAGMA integrity_check`: "ok" when the file is sound."""
        return "\n".join(str(r[0]) for r in self._db.read("PRAGMA integrity_check"))

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self._db.read(sql, params)

    # -- meta ----------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """A value from the meta table (None if unset or not text)."""
        rows = self._db.read("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows and isinstance(rows[0][0], str) else None

    def set_meta(self, key: str, value: str) -> None:
        """Set a value in the meta table (committed at once)."""
        self._db.write(
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
        """Bring the store in line with loaded banks (the rules: `quiz.engine.store.sync`);
        a report per bank, in the order given.

        This writes only when something changed, in one transaction (one flush to disk,
        however many banks); banks the store already matches cost a read and no write."""
        from quiz.engine.store.sync import apply_sync, plan_sync, read_stored

        def plans(c: sqlite3.Connection) -> list[Any]:
            return [plan_sync(b, *read_stored(c, b.id)) for b in banks]

        first = self._db.read_with(plans) if banks else []
        if not any(p.writes for p in first):
            return [p.report for p in first]
        stamp = to_iso(now)

        def write(c: sqlite3.Connection) -> list[SyncReport]:
            out = []
            for p in plans(c):  # again, inside the transaction: another process may sync
                apply_sync(c, p, stamp)
                out.append(p.report)
            return out

        return self._db.write(write)

    def synced_digests(self) -> dict[str, BankEntry]:
        """The file digest of every bank at its last sync (`Bank.digest`, when it was loaded
        from a file) -> that bank's id and title. A bank file whose digest is here needs no
        sync: the store's items already match it."""
        rows = self._db.read("SELECT digest, bank_id, title FROM banks WHERE digest IS NOT NULL")
        return {
            r[0]: BankEntry(r[1], r[2])
            for r in rows
            if isinstance(r[0], str) and isinstance(r[1], str) and isinstance(r[2], str)
        }

    def bank_titles(self) -> dict[str, str]:
        """Every bank the store has seen: id -> title."""
        rows = self._db.read("SELECT bank_id, title FROM banks ORDER BY bank_id")
        return {str(r[0]): str(r[1]) for r in rows}

    # -- cards ---------------------------------------------------------------------------

    def card(self, card_id: int) -> CardRecord | None:
        """One card by id."""
        return _cards.card(self._db, card_id)

    def card_by_key(self, bank_id: str, question_id: str) -> CardRecord | None:
        """One card by (bank id, question id)."""
        return _cards.card_by_key(self._db, bank_id, question_id)

    def cards(
        self, bank_ids: Iterable[str] | None = None, *, include_retired: bool = False
    ) -> list[CardRecord]:
        """Cards of the given banks (all banks if None), in bank then file order."""
        return _cards.cards(self._db, bank_ids, include_retired=include_retired)

    def due_cards(self, bank_ids: Iterable[str], until: datetime) -> list[CardRecord]:
        """Answered, active cards of these banks due at or before `until`, most overdue first."""
        return _cards.due_cards(self._db, bank_ids, until)

    def new_cards(self, bank_id: str) -> list[CardRecord]:
        """Never-answered, active cards of a bank, in file order."""
        return _cards.new_cards(self._db, bank_id)

    def next_due(self, bank_ids: Iterable[str], after: datetime | None = None) -> datetime | None:
        """The earliest due time among active answered cards of these banks (after `after`)."""
        return _cards.next_due(self._db, bank_ids, after)

    def bank_counts(
        self, now: datetime, bank_ids: Iterable[str] | None = None
    ) -> dict[str, BankCounts]:
        """Per-bank counts (due now, new, learning, review, mastered, leeches) for the given
        banks (every bank the store knows if None)."""
        return _cards.bank_counts(self._db, now, bank_ids)

    # -- reviews -------------------------------------------------------------------------

    def record_review(
        self, card_id: int, compute: Callable[[CardRecord], ReviewWrite]
    ) -> tuple[CardRecord, ReviewRecord]:
        """Record one answer atomically and durably (see `quiz.engine.store.reviews`).
        Raises a `StoreFault` with the learner's words when it cannot be saved."""
        return _reviews.record_review(self._db, card_id, compute)

    def undo_review(self, review_id: int) -> CardRecord | None:
        """Remove a log entry and restore its card to the state saved before it; None if
        there is no such entry; `UndoConflictError` if the card was answered again since."""
        return _reviews.undo_review(self._db, review_id)

    def review_count(self) -> int:
        """Entries in the review log."""
        return _reviews.review_count(self._db)

    def new_introduced(self, start: datetime, end: datetime) -> int:
        """New items first answered in [start, end) (for the daily new limit)."""
        return _reviews.new_introduced(self._db, start, end)

    def reviews(
        self,
        *,
        since: datetime | None = None,
        bank_ids: Iterable[str] | None = None,
        card_id: int | None = None,
    ) -> list[ReviewRecord]:
        """Log entries, oldest first, optionally since a time, for some banks or one card."""
        return _reviews.reviews(self._db, since=since, bank_ids=bank_ids, card_id=card_id)

    def review_times(self, since: datetime) -> list[datetime]:
        """When each review since `since` happened, oldest first."""
        return _reviews.review_times(self._db, since)

    def reviews_between(self, bounds: Sequence[datetime]) -> list[int]:
        """How many reviews fall in each interval [bounds[i], bounds[i + 1])."""
        return _reviews.reviews_between(self._db, bounds)

    def retention_counts(self, since: datetime | None = None) -> tuple[int, int]:
        """(right, total) among answers on items that were in the Review state, optionally
        since a time."""
        return _reviews.retention_counts(self._db, since)

    def confident_wrong_answers(self, limit: int | None = None) -> list[tuple[str, str, str, int]]:
        """(bank id, question id, answer text, times) for answers given wrong with confidence,
        most frequent first (the first `limit`, if given)."""
        return _reviews.confident_wrong_answers(self._db, limit)
