"""Repairing a damaged store: move it aside, salvage every readable row, rebuild.

The review log is the learner's history; the items' schedules follow from it. When the
store is damaged (it is not a SQLite file, SQLite reports it malformed, a check finds
damage, a table was dropped by hand), `recover`:

1. salvages rows from the damaged file without changing it: first through SQLite, on a
   copy, reading each table in rowid ranges and splitting a range that fails until only
   the unreadable rows are left out; then, for any table SQLite could not read in full,
   straight from the file's pages (`quiz.engine.store.pagescan`). Every value is checked;
   a review is identified by bank, question and time, so a row found both ways counts once;
2. builds a fresh store beside the damaged one: the salvaged settings, banks (marked as not
   synced, so their files are read again), items and reviews. An item whose row was read
   intact and is not older than its last salvaged review keeps its schedule; any other is
   rebuilt by replaying its reviews through the scheduler (`quiz.engine.store.replay`);
3. only then moves the damaged file (and its `-wal` and `-shm`) aside, never deleting it,
   and puts the fresh store in its place.

If building the fresh store fails (a full disk), the damaged file is left where it was and
the error is raised: nothing is lost, and the next start tries again.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from quiz.engine.faults import StoreError
from quiz.engine.store.connection import Database
from quiz.engine.store.records import (
    ROW_ERRORS,
    card_from_row,
    from_iso,
    to_iso,
)

#: the tables salvaged, and how many values a row of each has (banks: 4 before schema 2)
_SHAPES = {"reviews": (14,), "cards": (18,), "banks": (4, 5), "meta": (2,)}
_COLUMNS = {
    "reviews": "review_id, card_id, bank_id, question_id, reviewed_at, rating, answer, correct, "
    "unsure, confident_wrong, response_ms, state_before, was_new, card_before",
    "cards": "card_id, bank_id, question_id, position, red_flag, state, due, fsrs, reps, "
    "lapses, first_seen, last_seen, interval_days, content_hash, edited, edited_at, retired, "
    "last_review_id",
    "banks": "bank_id, title, path, synced_at",
    "meta": "key, value",
}
#: failed range reads allowed per table before the page scan is left to do the rest
_MAX_FAILED_READS = 4000
_ROWID_MIN, _ROWID_MAX = -(1 << 63), (1 << 63) - 1


class RecoveryReport(NamedTuple):
    """What a repair did."""

    #: where the damaged file now is
    kept_as: Path
    #: reviews in the fresh store
    answers: int
    #: answered items in the fresh store
    items: int
    #: rows that looked like reviews but whose values could not be used
    dropped: int


class _Review(NamedTuple):
    old_id: int
    bank_id: str
    question_id: str
    at: datetime
    rating: int
    answer: str
    correct: int
    unsure: int
    confident_wrong: int
    response_ms: int | None
    state_before: int
    was_new: int
    card_before: str

    @property
    def identity(self) -> tuple[str, str, str]:
        return (self.bank_id, self.question_id, to_iso(self.at))


class _Card(NamedTuple):
    old_id: int
    bank_id: str
    question_id: str
    position: int
    red_flag: int
    content_hash: str
    edited: int
    edited_at: str | None
    retired: int
    #: the full row (rowid in place), for deciding whether its schedule can be kept
    row: tuple[object, ...]


class Salvage(NamedTuple):
    """Everything readable in a damaged store."""

    reviews: list[_Review]
    cards: dict[tuple[str, str], _Card]
    banks: dict[str, tuple[str, str | None]]
    meta: dict[str, str]
    #: rows shaped like reviews whose values could not be used
    dropped: int


def _is_flag(v: object) -> bool:
    return v in (0, 1) and not isinstance(v, float)


def _review(rowid: int, v: tuple[object, ...]) -> _Review | None:
    """A checked review from a row's values (None: not usable)."""
    try:
        (_, _card, bank, qid, at, rating, answer, correct, unsure, cw, ms, sb, wn, cb) = v
        if not (isinstance(bank, str) and bank and isinstance(qid, str) and qid):
            return None
        if rating not in (1, 2, 3, 4) or not isinstance(rating, int):
            return None
        if not isinstance(answer, str) or not all(_is_flag(x) for x in (correct, unsure, cw, wn)):
            return None
        if ms is not None and (not isinstance(ms, int) or ms < 0):
            return None
        if sb not in (0, 1, 2, 3) or not isinstance(sb, int):
            return None
        when = from_iso(at)  # type: ignore[arg-type]
        return _Review(
            old_id=rowid,
            bank_id=bank,
            question_id=qid,
            at=when,
            rating=rating,
            answer=answer,
            correct=int(correct),  # type: ignore[call-overload]
            unsure=int(unsure),  # type: ignore[call-overload]
            confident_wrong=int(cw),  # type: ignore[call-overload]
            response_ms=ms,
            state_before=sb,
            was_new=int(wn),  # type: ignore[call-overload]
            card_before=cb if isinstance(cb, str) else "{}",
        )
    except ROW_ERRORS:
        return None


def _card(rowid: int, v: tuple[object, ...]) -> _Card | None:
    bank, qid, position, red_flag, content_hash = v[1], v[2], v[3], v[4], v[13]
    if not (isinstance(bank, str) and bank and isinstance(qid, str) and qid):
        return None
    edited_at = v[15]
    try:
        if edited_at is not None:
            from_iso(edited_at)  # type: ignore[arg-type]
    except ROW_ERRORS:
        edited_at = None
    return _Card(
        old_id=rowid,
        bank_id=bank,
        question_id=qid,
        position=position if isinstance(position, int) else 0,
        red_flag=1 if red_flag == 1 else 0,
        content_hash=content_hash if isinstance(content_hash, str) else "",
        edited=1 if v[14] == 1 else 0,
        edited_at=edited_at,  # type: ignore[arg-type]
        retired=1 if v[16] == 1 else 0,
        row=(rowid, *v[1:]),
    )


# -- reading through SQLite -------------------------------------------------------------------


def _read_ranges(conn: sqlite3.Connection, table: str, rows: dict[int, tuple[object, ...]]) -> bool:
    """Read `table` by rowid ranges into `rows`; True when every row was read."""
    columns = _COLUMNS[table]
    sql = f"SELECT rowid, {columns} FROM {table} WHERE rowid BETWEEN ? AND ? ORDER BY rowid"
    failures = 0
    complete = True
    stack = [(_ROWID_MIN, _ROWID_MAX)]
    while stack:
        lo, hi = stack.pop()
        try:
            found = conn.execute(sql, (lo, hi)).fetchall()
        except sqlite3.Error:
            complete = False
            failures += 1
            if lo >= hi or failures > _MAX_FAILED_READS:
                continue
            mid = lo + (hi - lo) // 2
            stack += [(mid + 1, hi), (lo, mid)]
            continue
        for r in found:
            rows[int(r[0])] = tuple(r[1:])
    return complete


def _sql_salvage(db_path: Path) -> tuple[dict[str, dict[int, tuple[object, ...]]], set[str]]:
    """Rows of each table read through SQLite from a copy; and the tables read in full."""
    out: dict[str, dict[int, tuple[object, ...]]] = {t: {} for t in _SHAPES}
    complete: set[str] = set()
    wal = db_path.with_name(db_path.name + "-wal")
    try:
        tmp = tempfile.TemporaryDirectory(dir=db_path.parent, prefix=".salvage-")
    except OSError:
        return out, complete
    with tmp as folder:
        copy = Path(folder) / "copy.sqlite3"
        try:
            shutil.copyfile(db_path, copy)
            if wal.is_file():
                shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        except OSError:
            return out, complete  # no room for a copy: the page scan does it all
        try:
            conn = sqlite3.connect(copy, isolation_level=None)
        except sqlite3.Error:
            return out, complete
        try:
            try:
                conn.execute("PRAGMA query_only = 1")
            except sqlite3.Error:
                return out, complete
            for table in _SHAPES:
                rows = out[table]
                columns = _COLUMNS[table]
                try:
                    conn.execute(f"SELECT {columns} FROM {table} LIMIT 0")
                except sqlite3.Error:
                    continue  # no such table (dropped, or the schema is unreadable)
                if _read_ranges(conn, table, rows):
                    complete.add(table)
        finally:
            conn.close()
    return out, complete


# -- putting it together ----------------------------------------------------------------------


def salvage(db_path: Path) -> Salvage:
    """Every usable row of the store at `db_path` (which is not changed)."""
    from quiz.engine.store.pagescan import scan_rows

    by_sql, complete = _sql_salvage(db_path)
    scanned: dict[str, list[tuple[int, tuple[object, ...]]]] = {t: [] for t in _SHAPES}
    if complete != set(_SHAPES):
        wal = db_path.with_name(db_path.name + "-wal")
        try:
            for row in scan_rows(db_path, wal if wal.is_file() else None):
                table = _shape_of(row.values)
                if table is not None and table not in complete:
                    scanned[table].append((row.rowid, row.values))
        except OSError:
            pass  # unreadable: what SQLite read is all there is

    dropped = 0
    reviews: dict[tuple[str, str, str], _Review] = {}
    # through SQLite the first column is the rowid's alias; in a record it is NULL
    sql_reviews = [(rid, (None, *vals[1:])) for rid, vals in by_sql["reviews"].items()]
    for rowid, values in sql_reviews + scanned["reviews"]:
        r = _review(rowid, values)
        if r is None:
            dropped += 1
        else:
            reviews.setdefault(r.identity, r)

    cards: dict[tuple[str, str], _Card] = {}
    sql_cards = [(cid, (None, *vals[1:])) for cid, vals in by_sql["cards"].items()]
    for rowid, values in sql_cards:
        c = _card(rowid, values)
        if c is not None:
            cards.setdefault((c.bank_id, c.question_id), c)
    for rowid, values in scanned["cards"]:
        c = _card(rowid, values)
        if c is None:
            continue
        key = (c.bank_id, c.question_id)
        # A page scan may find an older copy of a row too: keep the most answered one.
        if key not in cards or _reps(c) > _reps(cards[key]):
            cards[key] = c

    banks: dict[str, tuple[str, str | None]] = {}
    for values in list(by_sql["banks"].values()) + [v for _, v in scanned["banks"]]:
        bank_id, title, path = values[0], values[1], values[2]
        if isinstance(bank_id, str) and isinstance(title, str):
            banks.setdefault(bank_id, (title, path if isinstance(path, str) else None))

    meta: dict[str, str] = {}
    for values in list(by_sql["meta"].values()) + [v for _, v in scanned["meta"]]:
        name, value = values[0], values[1]
        if isinstance(name, str) and isinstance(value, str):
            meta.setdefault(name, value)
    return Salvage(list(reviews.values()), cards, banks, meta, dropped)


def _reps(c: _Card) -> int:
    reps = c.row[8]
    return reps if isinstance(reps, int) else -1


def _shape_of(values: tuple[object, ...]) -> str | None:
    """Which of our tables a scanned row belongs to, judged by its shape."""
    n = len(values)
    if n == 14 and values[0] is None:
        return "reviews"
    if n == 18 and values[0] is None:
        return "cards"
    if n in (4, 5) and all(isinstance(v, str) or v is None for v in values):
        if isinstance(values[0], str) and isinstance(values[1], str):
            try:
                from_iso(values[3])  # type: ignore[arg-type]
            except ROW_ERRORS:
                return None
            return "banks"
        return None
    if n == 2 and isinstance(values[0], str) and isinstance(values[1], str):
        return "meta"
    return None


def _keep_schedule(card: _Card | None, reviews: list[_Review]) -> dict[str, Any] | None:
    """The card's schedule columns if its row is intact and no salvaged review is newer."""
    if card is None:
        return None
    try:
        record = card_from_row(card.row)
    except ROW_ERRORS:
        return None
    if reviews and (record.last_seen is None or reviews[-1].at > record.last_seen):
        return None
    r = card.row
    return {
        "state": r[5],
        "due": r[6],
        "fsrs": r[7],
        "reps": r[8],
        "lapses": r[9],
        "first_seen": r[10],
        "last_seen": r[11],
        "interval_days": r[12],
    }


def rebuild(target: Path, found: Salvage, stamp: str) -> tuple[int, int]:
    """Write the salvaged rows into a fresh store at `target`; returns the reviews kept and
    the answered items."""
    from quiz.engine.schedule import Scheduling
    from quiz.engine.store.replay import LoggedAnswer, replay

    scheduling = Scheduling()
    ordered = sorted(found.reviews, key=lambda r: (r.at, r.old_id))
    new_id = {id(r): i for i, r in enumerate(ordered, start=1)}
    by_card: dict[tuple[str, str], list[_Review]] = {}
    for r in ordered:
        by_card.setdefault((r.bank_id, r.question_id), []).append(r)
    keys = sorted(set(by_card) | set(found.cards))

    taken: set[int] = set()
    card_ids: dict[tuple[str, str], int] = {}
    for key in keys:
        c = found.cards.get(key)
        if c is not None and c.old_id > 0 and c.old_id not in taken:
            card_ids[key] = c.old_id
            taken.add(c.old_id)
    next_id = max(taken, default=0) + 1
    for key in keys:
        if key not in card_ids:
            card_ids[key] = next_id
            taken.add(next_id)
            next_id += 1

    answered = 0

    def write(conn: sqlite3.Connection) -> None:
        nonlocal answered
        conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", found.meta.items())
        conn.executemany(
            "INSERT INTO banks (bank_id, title, path, synced_at, digest) VALUES (?, ?, ?, ?, NULL)",
            [(b, t, p, stamp) for b, (t, p) in found.banks.items()],
        )
        review_rows: list[tuple[object, ...]] = []
        for key in keys:
            card_id = card_ids[key]
            c = found.cards.get(key)
            answers = by_card.get(key, [])
            kept = _keep_schedule(c, answers)
            by_new = {new_id[id(r)]: r for r in answers}
            replays: dict[int, tuple[int, int, str]] = {}
            if kept is None:
                result = replay(
                    [LoggedAnswer(new_id[id(r)], r.at, r.rating, r.response_ms) for r in answers],
                    card_id=card_id,
                    red_flag=bool(c.red_flag) if c else False,
                    scheduling=scheduling,
                )
                schedule = result.card_columns()
                last_review_id = result.last_review_id
                replays = {
                    x.review_id: (x.state_before, int(x.was_new), x.card_before)
                    for x in result.reviews
                }
            else:
                schedule = kept
                last = answers[-1] if answers else None
                same = last is not None and to_iso(last.at) == schedule["last_seen"]
                last_review_id = new_id[id(last)] if same and last is not None else None
            answered += schedule["state"] != 0
            conn.execute(
                "INSERT INTO cards (card_id, bank_id, question_id, position, red_flag, state, "
                "due, fsrs, reps, lapses, first_seen, last_seen, interval_days, content_hash, "
                "edited, edited_at, retired, last_review_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    card_id,
                    key[0],
                    key[1],
                    c.position if c else 0,
                    c.red_flag if c else 0,
                    schedule["state"],
                    schedule["due"],
                    schedule["fsrs"],
                    schedule["reps"],
                    schedule["lapses"],
                    schedule["first_seen"],
                    schedule["last_seen"],
                    schedule["interval_days"],
                    c.content_hash if c else "",
                    c.edited if c else 0,
                    c.edited_at if c else None,
                    c.retired if c else 0,
                    last_review_id,
                ),
            )
            for rid, r in by_new.items():
                state_before, was_new, card_before = replays.get(
                    rid, (r.state_before, r.was_new, r.card_before)
                )
                review_rows.append(
                    (
                        rid,
                        card_id,
                        r.bank_id,
                        r.question_id,
                        to_iso(r.at),
                        r.rating,
                        r.answer,
                        r.correct,
                        r.unsure,
                        r.confident_wrong,
                        r.response_ms,
                        state_before,
                        was_new,
                        card_before,
                    )
                )
        review_rows.sort(key=lambda row: row[0])  # type: ignore[arg-type, return-value]
        conn.executemany(
            "INSERT INTO reviews (review_id, card_id, bank_id, question_id, reviewed_at, "
            "rating, answer, correct, unsure, confident_wrong, response_ms, state_before, "
            "was_new, card_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            review_rows,
        )

    db = Database(target)
    try:
        db.migrate()
        db.write(write)
    finally:
        db.close()
    return len(ordered), answered


def _side_files(path: Path) -> Iterator[Path]:
    for suffix in ("-wal", "-shm"):
        yield path.with_name(path.name + suffix)


def aside_name(path: Path, stamp: str | None) -> Path:
    """A free name beside `path` for a damaged file: `<name>.corrupt-<stamp>[-n]`, or
    `<name>.corrupt-<n>` without a clock."""
    if stamp is not None:
        dest = path.with_name(f"{path.name}.corrupt-{stamp}")
        n = 1
        while dest.exists() or dest.is_symlink():
            n += 1
            dest = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        return dest
    n = 1
    while True:
        dest = path.with_name(f"{path.name}.corrupt-{n}")
        if not (dest.exists() or dest.is_symlink()):
            return dest
        n += 1


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def move_aside(path: Path, stamp: str | None) -> Path:
    """Move the file and its `-wal` and `-shm` to a free name; returns the new name."""
    dest = aside_name(path, stamp)
    os.replace(path, dest)
    for side, new in zip(_side_files(path), _side_files(dest), strict=True):
        if side.exists():
            os.replace(side, new)
    return dest


def recover(
    path: Path, now: Callable[[], datetime] | None, *, salvage_rows: bool = True
) -> RecoveryReport:
    """Repair the store at `path` as the module docstring says; returns what was kept.

    `salvage_rows=False` (a file that is not SQLite at all) skips reading it."""
    when = now() if now is not None else None
    stamp = when.strftime("%Y%m%dT%H%M%SZ") if when is not None else None
    iso = to_iso(when) if when is not None else "1970-01-01T00:00:00.000000+00:00"
    found = salvage(path) if salvage_rows else Salvage([], {}, {}, {}, 0)
    target = path.with_name(path.name + ".rebuilding")
    for leftover in (target, *_side_files(target)):
        _remove(leftover)
    try:
        kept, items = rebuild(target, found, iso)
    except BaseException as e:
        for leftover in (target, *_side_files(target)):
            _remove(leftover)
        if isinstance(e, sqlite3.Error | OSError):
            raise StoreError(
                f"{path}: the progress file is damaged, and a repaired copy could not be "
                f"written beside it ({e}); it was left as it is"
            ) from e
        raise
    try:
        dest = move_aside(path, stamp)
        os.replace(target, path)
    except OSError as e:
        raise StoreError(f"{path}: the damaged progress file could not be moved aside ({e})") from e
    for side in _side_files(target):
        _remove(side)
    return RecoveryReport(dest, kept, items, found.dropped)
