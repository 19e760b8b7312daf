"""The order options are shown in (`quiz.bank.order`) and the `shuffle` and cloze
`alternatives` keys that go with it."""

from __future__ import annotations

from collections import Counter

from quiz.bank.load import load_bank_bytes
from quiz.bank.model import Bank
from quiz.bank.order import option_order, permutation, review_seed
from quiz.engine.grading import ClozeAnswer, check_answer

BANK = """\
id: t
title: T
description: d
version: "1"
sources: [{id: s, title: S}]
questions:
  - id: scale
    type: single
    shuffle: false
    prompt: How often?
    explanation: x
    source: {id: s, section: x}
    topics: [x]
    options:
      - {text: never, correct: true, why: w}
      - {text: sometimes, why: w}
      - {text: often, why: w}
      - {text: always, why: w}
  - id: mixed
    type: single
    prompt: Which?
    explanation: x
    source: {id: s, section: x}
    topics: [x]
    options:
      - {text: a, correct: true, why: w}
      - {text: b, why: w}
      - {text: c, why: w}
      - {text: d, why: w}
  - id: blank
    type: cloze
    prompt: "An overactive {{c1::thyroid::a gland}} can cause it, and so can {{c2::stress}}."
    explanation: x
    source: {id: s, section: x}
    topics: [x]
    alternatives: {c1: [thyroid gland]}
"""


def _bank(text: str = BANK) -> Bank:
    return load_bank_bytes(text.encode(), "t.yaml")


def test_permutation_is_fixed_by_its_seed_and_a_permutation() -> None:
    for n in range(6):
        for seed in ("a", "b", "review\x00x"):
            p = permutation(n, seed)
            assert sorted(p) == list(range(n))
            assert p == permutation(n, seed)
    # pinned: the same seed gives the same order on every machine and Python version
    assert permutation(5, "pinned") == (0, 3, 2, 4, 1)
    assert len({permutation(4, str(i)) for i in range(200)}) == 24


def test_each_position_is_about_equally_likely() -> None:
    first = Counter(permutation(4, str(i)).index(0) for i in range(4000))
    assert all(900 < first[k] < 1100 for k in range(4)), first


def test_shuffle_false_keeps_the_written_order() -> None:
    bank = _bank()
    scale, mixed = bank.question("scale"), bank.question("mixed")
    assert not scale.shuffle and mixed.shuffle
    orders = {option_order(scale, review_seed("t", "scale", r)) for r in range(30)}
    assert orders == {(0, 1, 2, 3)}
    orders = {option_order(mixed, review_seed("t", "mixed", r)) for r in range(30)}
    assert len(orders) > 5


def test_cloze_alternatives_are_accepted_per_deletion() -> None:
    q = _bank().question("blank")
    assert [d.accepted for d in q.cloze_deletions()] == [("thyroid", "thyroid gland"), ("stress",)]
    assert check_answer(q, ClozeAnswer(("thyroid gland", "stress"))).correct
    # an alternative of one blank is not accepted for another
    assert not check_answer(q, ClozeAnswer(("stress", "thyroid gland"))).correct


def test_alternatives_and_shuffle_change_the_content_hash_only_when_set() -> None:
    bank = _bank()
    plain = BANK.replace("    shuffle: false\n", "").replace(
        "    alternatives: {c1: [thyroid gland]}\n", ""
    )
    other = _bank(plain)
    assert other.question("mixed").content_hash() == bank.question("mixed").content_hash()
    assert other.question("scale").content_hash() != bank.question("scale").content_hash()
    assert other.question("blank").content_hash() != bank.question("blank").content_hash()
