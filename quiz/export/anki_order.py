"""The two orders an Anki package fixes for good: each choice note's option order, and the
order in which new cards are studied.

**Option order.** Anki cannot shuffle without JavaScript, so the order written into a note is
the order the learner sees on every review. Each note gets its own order, seeded from its
stable id (`quiz.bank.order.option_order(question, note guid)`). Plain hashing is fair on
average but not across a small deck (17 notes of one bank put 8 right options in the third
place), so the export corrects it, bank by bank:

- a note whose order is remembered (the ledger, `quiz.export.anki_ledger`) keeps it, as long
  as it still has the same number of options and the same right ones; so does a note with
  `shuffle: false` (its written order);
- those fixed orders are counted first: how often a right option sits in each place, kept
  apart for 3, 4, 5... options;
- each other note, in file order, takes the rotation of its own hashed order that puts its
  right options where they have been least often so far (on a tie, the smallest rotation,
  so the first note of a bank keeps its plain hashed order).

A rotation keeps the note's own cyclic order, so the result depends only on the note, the
notes already fixed and the notes before it in its bank. Once exported, the order is in the
ledger: adding, removing or editing other notes never changes it.

**Study order.** New cards get due positions (1, 2, ...) in the order the study session
asks new items: red-flag items of every bank first, then the rest, each group interleaved
across the banks (one of each bank in turn, in the order the banks were given).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

from quiz.bank.model import CHOICE_TYPES, Bank, Question
from quiz.bank.order import option_order

#: (bank id, question id)
NoteKey = tuple[str, str]
#: The remembered order of a note, or None: (bank id, question) -> order.
StoredOrder = Callable[[str, Question], "tuple[int, ...] | None"]


def _valid(order: Sequence[int] | None, n: int) -> bool:
    return order is not None and len(order) == n and sorted(order) == list(range(n))


def right_positions(question: Question, order: Sequence[int]) -> tuple[int, ...]:
    """The places (0-based) where `order` shows the right options of `question`."""
    options = question.options
    return tuple(p for p, i in enumerate(order) if options[i].correct)


def balanced_option_orders(
    bank: Bank, seed: Callable[[Question], str], stored: StoredOrder | None = None
) -> dict[str, tuple[int, ...]]:
    """The option order of every choice question of `bank` (question id -> indexes of
    `question.options` in the order shown); see the module docstring."""
    orders: dict[str, tuple[int, ...]] = {}
    counts: dict[int, list[int]] = {}
    pending: list[Question] = []
    for q in bank.questions:
        if q.type not in CHOICE_TYPES:
            continue
        n = len(q.options)
        fixed: tuple[int, ...] | None = None
        if not q.shuffle:
            fixed = tuple(range(n))
        elif stored is not None:
            remembered = stored(bank.id, q)
            if remembered is not None and _valid(remembered, n):
                fixed = tuple(remembered)
        if fixed is None:
            pending.append(q)
            continue
        orders[q.id] = fixed
        tally = counts.setdefault(n, [0] * n)
        for p in right_positions(q, fixed):
            tally[p] += 1
    for q in pending:
        n = len(q.options)
        base = option_order(q, seed(q))
        tally = counts.setdefault(n, [0] * n)
        # Rotating `base` left by r moves the option at place p to place (p - r) mod n.
        rights = right_positions(q, base)
        best_r, best_cost = 0, None
        for r in range(n):
            # The fullest place first: a rotation that piles onto a busy place loses to
            # one that spreads, even when their sums are equal.
            cost = sorted((tally[(p - r) % n] for p in rights), reverse=True)
            if best_cost is None or cost < best_cost:
                best_r, best_cost = r, cost
        orders[q.id] = base[best_r:] + base[:best_r]
        for p in rights:
            tally[(p - best_r) % n] += 1
    return orders


def _interleave(columns: Sequence[Sequence[NoteKey]]) -> list[NoteKey]:
    out: list[NoteKey] = []
    for row in itertools.zip_longest(*columns):
        out.extend(k for k in row if k is not None)
    return out


def study_positions(banks: Sequence[Bank]) -> dict[NoteKey, int]:
    """The due position (from 1) of each question's new cards: red-flag items of every bank
    first, then the others, each group interleaved across banks in the given order."""
    flagged = [[(b.id, q.id) for q in b.questions if q.red_flag] for b in banks]
    others = [[(b.id, q.id) for q in b.questions if not q.red_flag] for b in banks]
    return {key: n for n, key in enumerate(_interleave(flagged) + _interleave(others), 1)}


__all__ = ["balanced_option_orders", "right_positions", "study_positions"]
