"""The order in which a choice question's options are shown.

Options are identified by their index in the bank file (`Question.options`); what a learner
sees is a permutation of them. This module owns that permutation: a deterministic shuffle
from a text seed, so that the same seed gives the same order on every machine and every
Python version (it does not use `random`, whose shuffle is not promised to stay the same).

The study session seeds it with the item and its review count (a fresh order on every review,
the same order after undo or a restart); the Anki export seeds it with the note's stable id
(one fixed order per note, different across notes).
"""

from __future__ import annotations

import hashlib

from quiz.bank.model import CHOICE_TYPES, Question


def permutation(n: int, seed: str) -> tuple[int, ...]:
    """A permutation of `range(n)` fixed by `seed` (Fisher-Yates driven by SHA-256)."""
    order = list(range(n))
    stream = b""
    counter = 0
    for i in range(n - 1, 0, -1):
        if len(stream) < 8:
            stream += hashlib.sha256(f"{counter}\x00{seed}".encode()).digest()
            counter += 1
        value, stream = int.from_bytes(stream[:8], "big"), stream[8:]
        j = value % (i + 1)  # bias below 1e-17 for n <= 5
        order[i], order[j] = order[j], order[i]
    return tuple(order)


def option_order(question: Question, seed: str) -> tuple[int, ...]:
    """The indexes of `question.options` in the order to show them: a shuffle fixed by
    `seed`, or the written order for `shuffle: false` (and for non-choice questions)."""
    n = len(question.options)
    if question.type not in CHOICE_TYPES or not question.shuffle:
        return tuple(range(n))
    return permutation(n, seed)


def review_seed(bank_id: str, question_id: str, reviews: int) -> str:
    """The seed of a study presentation: the item and how many times it was reviewed."""
    return f"review\x00{bank_id}\x00{question_id}\x00{reviews}"
