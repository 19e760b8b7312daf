"""Card queries: reading items and their schedules, and the per-bank counts.

Every function takes the `Database` and only reads. A row that cannot be read (a value
edited by hand or damaged: an unknown state, a due date that is not a time, broken FSRS
JSON) is not an error: the item's schedule is rebuilt in memory from its reviews
(`quiz.engine.store.replay`), and its row is rewritten the next time it is answered.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from quiz.engine.schedule import (
    LEECH_LAPSES,
    MASTERED_INTERVAL_DAYS,
    CardState,
    card_from_json,
)
from quiz.engine.store.connection import Database
from quiz.engine.store.records import (
    CARD_COLUMNS,
    ROW_ERRORS,
    BankCounts,
    CardRecord,
    card_from_row,
    from_iso,
    lenient_flag,
    lenient_int,
    lenient_text,
    lenient_time,
    opt_iso,
    to_iso,
)


def _placeholders(ids: Sequence[str]) -> str:
    return ",".join("?" * len(ids))


def parse_card(read: sqlite3.Connection | Database, row: Sequence[Any]) -> CardRecord:
    """The record of a `CARD_COLUMNS` row; a damaged row is rebuilt from its reviews."""
    try:
        return card_from_row(row)
    except ROW_ERRORS:
        return repaired_card(read, row)


def repaired_card(read: sqlite3.Connection | Database, row: Sequence[Any]) -> CardRecord:
    """A card whose row is damaged, with its schedule rebuilt from its reviews (in memory:
    nothing is written) and its other values read as best they can be."""
    from quiz.engine.schedule import Scheduling
    from quiz.engine.store.replay import LoggedAnswer, replay

    card_id = int(row[0])
    sql = "SELECT review_id, reviewed_at, rating, response_ms FROM reviews WHERE card_id = ?"
    rows = (
        read.read(sql, (card_id,))
        if isinstance(read, Database)
        else read.execute(sql, (card_id,)).fetchall()
    )
    answers = []
    for review_id, at, rating, ms in rows:
        try:
            if rating not in (1, 2, 3, 4):
                continue
            answers.append(
                LoggedAnswer(
                    int(review_id), from_iso(at), int(rating), ms if isinstance(ms, int) else None
                )
            )
        except ROW_ERRORS:
            continue
    red_flag = lenient_flag(row[4])
    r = replay(answers, card_id=card_id, red_flag=red_flag, scheduling=Scheduling())
    return CardRecord(
        card_id=card_id,
        bank_id=lenient_text(row[1]),
        question_id=lenient_text(row[2]),
        position=lenient_int(row[3]),
        red_flag=red_flag,
        state=CardState(r.state),
        due=opt_iso(r.due),
        fsrs_card=card_from_json(r.fsrs) if r.fsrs is not None else None,
        reps=r.reps,
        lapses=r.lapses,
        first_seen=opt_iso(r.first_seen),
        last_seen=opt_iso(r.last_seen),
        interval_days=r.interval_days,
        content_hash=lenient_text(row[13]),
        edited=lenient_flag(row[14]),
        edited_at=lenient_time(row[15]),
        retired=lenient_flag(row[16]),
        last_review_id=r.last_review_id,
    )


def _cards(db: Database, sql: str, params: Sequence[Any] = ()) -> list[CardRecord]:
    return [parse_card(db, r) for r in db.read(sql, params)]


def card(db: Database, card_id: int) -> CardRecord | None:
    """One card by id."""
    rows = _cards(db, f"SELECT {CARD_COLUMNS} FROM cards WHERE card_id = ?", (card_id,))
    return rows[0] if rows else None


def card_by_key(db: Database, bank_id: str, question_id: str) -> CardRecord | None:
    """One card by (bank id, question id)."""
    rows = _cards(
        db,
        f"SELECT {CARD_COLUMNS} FROM cards WHERE bank_id = ? AND question_id = ?",
        (bank_id, question_id),
    )
    return rows[0] if rows else None


def cards(
    db: Database, bank_ids: Iterable[str] | None = None, *, include_retired: bool = False
) -> list[CardRecord]:
    """Cards of the given banks (all banks if None), in bank then file order."""
    sql = f"SELECT {CARD_COLUMNS} FROM cards WHERE 1"
    params: list[Any] = []
    if not include_retired:
        sql += " AND retired = 0"
    if bank_ids is not None:
        ids = list(bank_ids)
        sql += f" AND bank_id IN ({_placeholders(ids)})"
        params += ids
    return _cards(db, sql + " ORDER BY bank_id, position", params)


def due_cards(db: Database, bank_ids: Iterable[str], until: datetime) -> list[CardRecord]:
    """Answered, active cards of these banks due at or before `until`, most overdue first."""
    ids = list(bank_ids)
    return _cards(
        db,
        f"SELECT {CARD_COLUMNS} FROM cards WHERE due IS NOT NULL AND due <= ? "
        f"AND retired = 0 AND bank_id IN ({_placeholders(ids)}) "
        "ORDER BY due, bank_id, position",
        [to_iso(until), *ids],
    )


def new_cards(db: Database, bank_id: str) -> list[CardRecord]:
    """Never-answered, active cards of a bank, in file order."""
    return _cards(
        db,
        f"SELECT {CARD_COLUMNS} FROM cards WHERE bank_id = ? AND state = 0 "
        "AND retired = 0 ORDER BY position",
        (bank_id,),
    )


def next_due(
    db: Database, bank_ids: Iterable[str], after: datetime | None = None
) -> datetime | None:
    """The earliest due time among active answered cards of these banks (after `after`)."""
    ids = list(bank_ids)
    sql = (
        "SELECT due FROM cards WHERE due IS NOT NULL AND retired = 0 "
        f"AND bank_id IN ({_placeholders(ids)})"
    )
    params: list[Any] = list(ids)
    if after is not None:
        sql += " AND due > ?"
        params.append(to_iso(after))
    # The smallest due date that reads as a time (a hand-edited one is skipped).
    for (due,) in db.read(sql + " ORDER BY due", params):
        found = lenient_time(due)
        if found is not None:
            return found
    return None


def bank_counts(
    db: Database, now: datetime, bank_ids: Iterable[str] | None = None
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
        sql += f" AND c.bank_id IN ({_placeholders(ids)})"
        params += ids
    sql += " GROUP BY c.bank_id ORDER BY c.bank_id"
    out = {}
    for r in db.read(sql, params):
        bank_id, title = str(r[0]), lenient_text(r[1], str(r[0]))
        out[bank_id] = BankCounts(bank_id, title, *(lenient_int(v) for v in r[2:]))
    return out
