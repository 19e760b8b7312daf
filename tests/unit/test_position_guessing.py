"""Answering by position must not pay: a learner who always picks the first option, the
first three, or "true" plays every shipped bank through plain mode, and scores near chance.

Before options were shuffled this strategy scored 23 of 24; FSRS then scheduled on answers
that measured nothing. The learner here reads the screen only for the kind of question.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from quiz.bank.discover import DISCLAIMER_META_KEY, disclaimer_digest, disclaimer_text
from quiz.bank.load import load_bank
from quiz.engine.session import SessionOptions
from quiz.engine.store import ReviewStore
from quiz.plain import run_plain

DECKS = Path(__file__).resolve().parents[2] / "decks"
SHIPPED = sorted(DECKS.glob("*.yaml"))


class PositionGuesser(io.StringIO):
    """stdin that answers by position: it reads what plain mode printed since the last
    question and types "1" (choose one), "1 2 3" (all that apply), "t" (true or false),
    a word (typed, cloze) or Enter then Good (flashcard)."""

    def __init__(self, out: io.StringIO) -> None:
        super().__init__()
        self.out = out

    def readline(self, size: int | None = -1) -> str:
        shown = self.out.getvalue()
        last = shown[shown.rfind("Question ") :]
        if "Press Enter to show the answer>" in last.splitlines()[-1]:
            return "\n"
        if "How well did you remember it?" in last:
            return "3\n"
        if "Choose all that apply." in last:
            return "1 2 3\n"
        if "Choose one answer." in last:
            return "1\n"
        if "True or false?" in last:
            return "t\n"
        return "twitch\n"


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_always_the_first_option_scores_near_chance(path: Path, tmp_path: Path) -> None:
    bank = load_bank(path)
    store = ReviewStore(tmp_path / "p.sqlite3")
    store.set_meta(DISCLAIMER_META_KEY, disclaimer_digest(disclaimer_text()))
    out = io.StringIO()
    t0 = datetime(2026, 3, 1, 9, tzinfo=timezone.utc)
    ticks = iter(range(10**6))
    status = run_plain(
        store,
        [bank],
        lambda: t0 + timedelta(seconds=next(ticks)),
        SessionOptions(new_limit=10_000, limit=10_000, day_tz=timezone.utc),
        stdin=PositionGuesser(out),
        stdout=out,
        colour=False,
    )
    assert status == 0
    auto = {q.id for q in bank.questions if q.type.value in ("single", "multi", "true_false")}
    first = {}
    for r in store.reviews():  # the first answer to each item (later ones are re-asks)
        first.setdefault(r.question_id, r)
    scored = [first[qid].correct for qid in auto]
    assert len(scored) == len(auto) >= 10
    share = sum(scored) / len(scored)
    print(f"{path.stem}: {sum(scored)}/{len(scored)}")
    assert share < 0.45, f"{path.stem}: position guessing scored {sum(scored)}/{len(scored)}"
    store.close()
