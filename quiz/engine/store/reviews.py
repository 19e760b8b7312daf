"""Review queries: recording an answer, undoing it, and reading the log.

`record_review` is the one write an answer makes: inside one `BEGIN IMMEDIATE` transaction
it reads the card as it is now (another process may have changed it), asks the caller's
function for the new schedule, updates the card and appends the log entry (with a snapshot
of the card before, for undo), then commits. Scheduling decisions are not made here.

Reads skip a log row they cannot read (a value edited by hand) rather than fail.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from quiz.engine.faults import NotTextError, StoreError, UndoConflictError, has_surrogates
from quiz.engine.schedule import CardState, card_to_json
from quiz.engine.store.cards import parse_card, repaired_card
from quiz.engine.store.connection import Database
from quiz.engine.store.records import (
    CARD_COLUMNS,
    REVIEW_COLUMNS,
    ROW_ERRORS,
    SNAPSHOT_COLUMNS,
    CardRecord,
    ReviewRecord,
    ReviewWrite,
    answer_text,
    card_from_row,
    from_iso,
    review_from_row,
    to_iso,
)

_INSERT_REVIEW = (
    "INSERT INTO reviews (card_id, bank_id, question_id, reviewed_at, rating, answer, "
    "correct, unsure, confident_wrong, response_ms, state_before, was_new, card_before) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _placeholders(ids: Sequence[str]) -> str:
    return ",".join("?" * len(ids))


def record_review(
    db: Database, card_id: int, compute: Callable[[CardRecord], ReviewWrite]
) -> tuple[CardRecord, ReviewRecord]:
    """Record one answer atomically and durably; returns the card after and the log entry.

    Raises a `StoreFault` (nothing written) when the disk is full, the lock is held for too
    long, the file is damaged, or the answer holds text that is not UTF-8."""

    def run(c: sqlite3.Connection) -> tuple[CardRecord, ReviewRecord]:
        row = c.execute(f"SELECT {CARD_COLUMNS} FROM cards WHERE card_id = ?", (card_id,))
        found = row.fetchone()
        if found is None:
            raise StoreError(f"no item with card id {card_id} in the store")
        try:
            before = card_from_row(found)
            raw = dict(zip(CARD_COLUMNS.split(", "), found, strict=True))
            snapshot = {col: raw[col] for col in SNAPSHOT_COLUMNS}
        except ROW_ERRORS:
            # A damaged row: the card as rebuilt from its reviews is what the learner had.
            before = repaired_card(c, found)
            snapshot = _snapshot(before)
        w = compute(before)
        if has_surrogates(w.answer):
            raise NotTextError("the answer holds bytes that are not UTF-8")
        at = to_iso(w.reviewed_at)
        cur = c.execute(
            _INSERT_REVIEW,
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
                json.dumps(snapshot),
            ),
        )
        review_id = int(cur.lastrowid or 0)
        first_seen = to_iso(before.first_seen) if before.first_seen else at
        c.execute(
            "UPDATE cards SET state = ?, due = ?, fsrs = ?, reps = ?, lapses = ?, "
            "first_seen = ?, last_seen = ?, interval_days = ?, edited = 0, "
            "last_review_id = ? WHERE card_id = ?",
            (
                int(w.state),
                to_iso(w.due),
                card_to_json(w.fsrs_card),
                before.reps + 1,
                before.lapses + int(w.lapse),
                first_seen,
                at,
                w.interval_days,
                review_id,
                card_id,
            ),
        )
        after = parse_card(
            c,
            c.execute(f"SELECT {CARD_COLUMNS} FROM cards WHERE card_id = ?", (card_id,)).fetchone(),
        )
        log = review_from_row(
            c.execute(
                f"SELECT {REVIEW_COLUMNS} FROM reviews WHERE review_id = ?", (review_id,)
            ).fetchone()
        )
        return after, log

    return db.write(run)


def _snapshot(card: CardRecord) -> dict[str, Any]:
    """A card's `SNAPSHOT_COLUMNS` as they would be stored."""
    return {
        "state": int(card.state),
        "due": to_iso(card.due) if card.due else None,
        "fsrs": card_to_json(card.fsrs_card) if card.fsrs_card else None,
        "reps": card.reps,
        "lapses": card.lapses,
        "first_seen": to_iso(card.first_seen) if card.first_seen else None,
        "last_seen": to_iso(card.last_seen) if card.last_seen else None,
        "interval_days": card.interval_days,
        "edited": int(card.edited),
        "last_review_id": card.last_review_id,
    }


def undo_review(db: Database, review_id: int) -> CardRecord | None:
    """Remove a log entry and restore its card to the state saved before it.

    Returns the restored card, or None if there is no such entry. Raises
    `UndoConflictError` if the card was answered again after this review (or the saved
    state cannot be read).
    """

    def run(c: sqlite3.Connection) -> CardRecord | None:
        row = c.execute(
            "SELECT card_id, card_before FROM reviews WHERE review_id = ?", (review_id,)
        ).fetchone()
        if row is None:
            return None
        card_id = int(row[0])
        last = c.execute(
            "SELECT last_review_id FROM cards WHERE card_id = ?", (card_id,)
        ).fetchone()
        if last is None or last[0] != review_id:
            raise UndoConflictError(
                "this answer cannot be undone: the item was answered again since"
            )
        try:
            snapshot = json.loads(row[1])
            values = [snapshot[col] for col in SNAPSHOT_COLUMNS]
        except (*ROW_ERRORS, RecursionError):  # type: ignore[misc]
            raise UndoConflictError(
                "this answer cannot be undone: the state before it was not kept"
            ) from None
        sets = ", ".join(f"{col} = ?" for col in SNAPSHOT_COLUMNS)
        c.execute(f"UPDATE cards SET {sets} WHERE card_id = ?", [*values, card_id])
        c.execute("DELETE FROM reviews WHERE review_id = ?", (review_id,))
        return parse_card(
            c,
            c.execute(f"SELECT {CARD_COLUMNS} FROM cards WHERE card_id = ?", (card_id,)).fetchone(),
        )

    return db.write(run)


def review_count(db: Database) -> int:
    """Entries in the review log."""
    return int(db.read("SELECT count(*) FROM reviews")[0][0])


def new_introduced(db: Database, start: datetime, end: datetime) -> int:
    """New items first answered in [start, end) (for the daily new limit)."""
    rows = db.read(
        "SELECT count(*) FROM reviews WHERE was_new = 1 AND reviewed_at >= ? AND reviewed_at < ?",
        (to_iso(start), to_iso(end)),
    )
    return int(rows[0][0])


def reviews(
    db: Database,
    *,
    since: datetime | None = None,
    bank_ids: Iterable[str] | None = None,
    card_id: int | None = None,
) -> list[ReviewRecord]:
    """Log entries, oldest first, optionally since a time, for some banks or one card.
    An entry that cannot be read (edited by hand) is left out."""
    sql = f"SELECT {REVIEW_COLUMNS} FROM reviews WHERE 1"
    params: list[Any] = []
    if since is not None:
        sql += " AND reviewed_at >= ?"
        params.append(to_iso(since))
    if bank_ids is not None:
        ids = list(bank_ids)
        sql += f" AND bank_id IN ({_placeholders(ids)})"
        params += ids
    if card_id is not None:
        sql += " AND card_id = ?"
        params.append(card_id)
    out = []
    for r in db.read(sql + " ORDER BY review_id", params):
        try:
            out.append(review_from_row(r))
        except ROW_ERRORS:
            continue
    return out


def review_times(db: Database, since: datetime) -> list[datetime]:
    """When each review since `since` happened, oldest first (unreadable times left out)."""
    rows = db.read(
        "SELECT reviewed_at FROM reviews WHERE reviewed_at >= ? ORDER BY reviewed_at",
        (to_iso(since),),
    )
    out = []
    for (at,) in rows:
        try:
            out.append(from_iso(at))
        except ROW_ERRORS:
            continue
    return out


def reviews_between(db: Database, bounds: Sequence[datetime]) -> list[int]:
    """Reviews in each interval [bounds[i], bounds[i + 1]): one count per interval, each a
    range count on the time index (the times are never parsed)."""
    if len(bounds) < 2:
        return []
    marks = [to_iso(b) for b in bounds]
    parts = " UNION ALL ".join(
        "SELECT (SELECT count(*) FROM reviews WHERE reviewed_at >= ? AND reviewed_at < ?)"
        for _ in range(len(marks) - 1)
    )
    params: list[Any] = []
    for lo, hi in zip(marks, marks[1:], strict=False):
        params += [lo, hi]
    return [int(r[0]) for r in db.read(parts, params)]


def retention_counts(db: Database, since: datetime | None = None) -> tuple[int, int]:
    """(right, total) among answers on items that were in the Review state, optionally
    since a time."""
    sql = "SELECT count(*), sum(correct = 1) FROM reviews WHERE state_before = ?"
    params: list[Any] = [int(CardState.REVIEW)]
    if since is not None:
        sql += " AND reviewed_at >= ?"
        params.append(to_iso(since))
    total, right = db.read(sql, params)[0]
    return int(right or 0), int(total or 0)


def confident_wrong_answers(
    db: Database, limit: int | None = None
) -> list[tuple[str, str, str, int]]:
    """(bank id, question id, answer text, times) for answers given wrong with confidence,
    most frequent first (the first `limit` only, if given)."""
    sql = (
        "SELECT bank_id, question_id, answer, count(*) AS n FROM reviews "
        "WHERE confident_wrong = 1 GROUP BY bank_id, question_id, answer "
        "ORDER BY n DESC, bank_id, question_id, answer"
    )
    params = (limit,) if limit is not None else ()
    rows = db.read(sql + (" LIMIT ?" if limit is not None else ""), params)
    return [(str(b), str(q), answer_text(a), int(n)) for b, q, a, n in rows]
