"""The bank-sync rules: how the store's items follow a bank file that changed.

`plan_sync` is a pure function of what the store holds for a bank (`StoredItem`s and the
bank's row) and the bank as loaded now; it returns a `SyncPlan` saying what to write and a
`SyncReport` saying what changed. `apply_sync` writes a plan inside the caller's
transaction. The rules:

- a question not in the store is added as a new item;
- a question whose content hash changed keeps its history and is flagged `edited` when it
  had been answered (an unknown hash, left empty by an import or a repair, is simply
  adopted: nothing is known to have changed);
- a question no longer in the bank is retired (kept, never asked); one that is back is
  restored;
- an item that became a red flag has a far due date brought within the red-flag cap.

A plan with nothing to do writes nothing, so opening unchanged banks never writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, NamedTuple

from quiz.engine.schedule import RED_FLAG_MAX_INTERVAL_DAYS, card_from_json, card_to_json
from quiz.engine.store.records import SyncReport, to_iso

if TYPE_CHECKING:
    from quiz.bank.model import Bank


class StoredItem(NamedTuple):
    """What the sync rules need to know of one stored item."""

    card_id: int
    content_hash: str
    retired: bool
    reps: int
    red_flag: bool
    position: int
    #: the fsrs card as stored (None while new)
    fsrs_json: str | None


class BankRow(NamedTuple):
    """A bank's row as stored (title, path, file digest)."""

    title: str
    path: str | None
    digest: str | None


class SyncPlan(NamedTuple):
    """What to write to bring one bank's items in line with the bank."""

    bank_id: str
    report: SyncReport
    #: the bank's row to write (None: unchanged)
    bank_row: BankRow | None
    #: new items: (question id, position, red flag, content hash)
    inserts: tuple[tuple[str, int, bool, str], ...]
    #: content changes: (card id, new hash, flag as edited)
    rehash: tuple[tuple[int, str, bool], ...]
    #: place changes and restorations: (card id, position, red flag)
    place: tuple[tuple[int, int, bool], ...]
    #: question ids to retire
    retire: tuple[str, ...]
    #: items that became red flags and have a schedule: (card id, fsrs JSON)
    cap: tuple[tuple[int, str], ...]

    @property
    def writes(self) -> bool:
        """Whether applying the plan changes anything."""
        return bool(
            self.bank_row or self.inserts or self.rehash or self.place or self.retire or self.cap
        )


def plan_sync(bank: Bank, row: BankRow | None, stored: Mapping[str, StoredItem]) -> SyncPlan:
    """The writes that bring the store (`row` and `stored`, by question id) in line with
    `bank`, and the report of what changed."""
    new_row = BankRow(bank.title, str(bank.path) if bank.path else None, bank.digest)
    remaining = dict(stored)
    added: list[str] = []
    edited: list[str] = []
    restored: list[str] = []
    inserts: list[tuple[str, int, bool, str]] = []
    rehash: list[tuple[int, str, bool]] = []
    place: list[tuple[int, int, bool]] = []
    cap: list[tuple[int, str]] = []
    for position, q in enumerate(bank.questions):
        h = q.content_hash()
        item = remaining.pop(q.id, None)
        if item is None:
            added.append(q.id)
            inserts.append((q.id, position, q.red_flag, h))
            continue
        if item.retired:
            restored.append(q.id)
        if item.content_hash != h:
            flag = item.reps > 0 and item.content_hash != ""
            if flag:
                edited.append(q.id)
            rehash.append((item.card_id, h, flag))
        if item.retired or item.position != position or item.red_flag != q.red_flag:
            place.append((item.card_id, position, q.red_flag))
        if q.red_flag and not item.red_flag and item.fsrs_json is not None:
            cap.append((item.card_id, item.fsrs_json))
    retired = tuple(sorted(qid for qid, item in remaining.items() if not item.retired))
    return SyncPlan(
        bank_id=bank.id,
        report=SyncReport(bank.id, tuple(added), tuple(edited), retired, tuple(restored)),
        bank_row=None if row == new_row else new_row,
        inserts=tuple(inserts),
        rehash=tuple(rehash),
        place=tuple(place),
        retire=retired,
        cap=tuple(cap),
    )


def read_stored(
    c: sqlite3.Connection, bank_id: str
) -> tuple[BankRow | None, dict[str, StoredItem]]:
    """What the store holds for a bank: its row and its items by question id. A value
    that is not of its type (a hand edit) reads as something that makes the sync rewrite
    it."""
    found = c.execute(
        "SELECT title, path, digest FROM banks WHERE bank_id = ?", (bank_id,)
    ).fetchone()
    row = BankRow(*found) if found is not None else None
    items = {}
    for r in c.execute(
        "SELECT question_id, card_id, content_hash, retired, reps, red_flag, position, fsrs "
        "FROM cards WHERE bank_id = ?",
        (bank_id,),
    ):
        items[str(r[0])] = StoredItem(
            card_id=int(r[1]),
            content_hash=r[2] if isinstance(r[2], str) else "",
            retired=r[3] == 1,
            reps=r[4] if isinstance(r[4], int) else 0,
            red_flag=r[5] == 1,
            position=r[6] if isinstance(r[6], int) else -1,
            fsrs_json=r[7] if isinstance(r[7], str) else None,
        )
    return row, items


def apply_sync(c: sqlite3.Connection, plan: SyncPlan, stamp: str) -> None:
    """Write `plan` (inside the caller's transaction); `stamp` is the sync time."""
    if plan.bank_row is not None:
        c.execute(
            "INSERT INTO banks (bank_id, title, path, synced_at, digest) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (bank_id) DO UPDATE SET title = excluded.title, "
            "path = excluded.path, synced_at = excluded.synced_at, digest = excluded.digest",
            (plan.bank_id, *plan.bank_row[:2], stamp, plan.bank_row.digest),
        )
    c.executemany(
        "INSERT INTO cards (bank_id, question_id, position, red_flag, content_hash) "
        "VALUES (?, ?, ?, ?, ?)",
        [(plan.bank_id, qid, pos, int(flag), h) for qid, pos, flag, h in plan.inserts],
    )
    for card_id, h, flag in plan.rehash:
        if flag:
            c.execute(
                "UPDATE cards SET content_hash = ?, edited = 1, edited_at = ? WHERE card_id = ?",
                (h, stamp, card_id),
            )
        else:
            c.execute("UPDATE cards SET content_hash = ? WHERE card_id = ?", (h, card_id))
    c.executemany(
        "UPDATE cards SET retired = 0, position = ?, red_flag = ? WHERE card_id = ?",
        [(pos, int(flag), card_id) for card_id, pos, flag in plan.place],
    )
    c.executemany(
        "UPDATE cards SET retired = 1 WHERE bank_id = ? AND question_id = ?",
        [(plan.bank_id, qid) for qid in plan.retire],
    )
    for card_id, fsrs_json in plan.cap:
        _cap_red_flag(c, card_id, fsrs_json)


def _cap_red_flag(c: sqlite3.Connection, card_id: int, fsrs_json: str) -> None:
    """An item that became a red flag: bring a far due date within the red-flag cap."""
    try:
        card = card_from_json(fsrs_json)
    except (ValueError, TypeError, KeyError):
        return  # a damaged schedule: rebuilt from the reviews when the item is read
    if card.last_review is None:
        return
    latest = card.last_review + timedelta(days=RED_FLAG_MAX_INTERVAL_DAYS)
    if card.due > latest:
        card.due = latest
        c.execute(
            "UPDATE cards SET due = ?, fsrs = ?, interval_days = ? WHERE card_id = ?",
            (to_iso(latest), card_to_json(card), float(RED_FLAG_MAX_INTERVAL_DAYS), card_id),
        )
