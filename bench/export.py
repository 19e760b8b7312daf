"""Benchmark: quiz's Anki export of a 10,000-question bank against a bare genanki script.

The bare script writes the same notes (same note types, field values, tags and GUIDs) with
genanki's own `Package.write_to_file`; its field values are prepared before the clock starts, so
it measures genanki alone. quiz's export starts from the loaded bank and does everything: HTML
escaping, building each field, tags, GUIDs and the reproducible zip. Both run in this process,
in pairs run back to back, alternating which goes first. Printed, in wall time and in this
process's CPU time: each side's best and median run, and the median of the pairs' ratios.
Judged (goal <= 1.3x): the ratio of the best CPU times. On a shared machine other processes
only ever add time, so each side's best run is its least disturbed one.

    python bench/export.py [--questions N] [--pairs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import genanki

from quiz.bank.model import Bank, Option, Question, QuestionType, Source, SourceRef
from quiz.export.anki import (
    NOTE_TYPES,
    bank_notes,
    build_decks,
    deck_description,
    deck_id,
    deck_name,
    export_anki,
)

GOAL = 1.3
TIMESTAMP = 1_700_000_000.0
TYPES = list(QuestionType)


def make_bank(n: int) -> Bank:
    """A bank of `n` questions cycling through every type, with some markup-like text."""
    questions = []
    for i in range(n):
        t = TYPES[i % len(TYPES)]
        q = Question(
            id=f"q-{i}",
            type=t,
            prompt=f"Question {i}: what does a twitch in the calf <usually> mean for you?",
            explanation=(
                f"Explanation {i}. Most twitching is harmless & comes and goes; "
                "weakness that gets worse is the sign to act on."
            ),
            source=SourceRef("doc", f"Section {i % 17}"),
            topics=(f"topic-{i % 7}", "basics"),
            red_flag=i % 5 == 0,
            action="See your doctor if weakness gets worse." if i % 5 == 0 else None,
        )
        if t in (QuestionType.SINGLE, QuestionType.MULTI):
            options = tuple(
                Option(
                    f"Option {k} for question {i}",
                    k == 0 or (t is QuestionType.MULTI and k == 2),
                    f"Why option {k} is {'right' if k == 0 else 'wrong'} [{i}].",
                )
                for k in range(4)
            )
            q = replace(q, options=options)
        elif t is QuestionType.TRUE_FALSE:
            q = replace(q, answer=i % 2 == 0)
        elif t is QuestionType.FLASHCARD:
            q = replace(q, back=f"Back {i}: weakness that gets worse.")
        elif t is QuestionType.TYPED:
            q = replace(q, answers=("EMG", "electromyography"))
        else:
            q = replace(q, prompt=f"A cramp {i} is a {{{{c1::sudden}}}} {{{{c2::tightening}}}}.")
        questions.append(q)
    return Bank(
        id="bench",
        title="Benchmark bank",
        description="Ten thousand generated questions.",
        language="en",
        version="1",
        sources=(Source("doc", "A document", url="https://example.org/doc"),),
        questions=tuple(questions),
    )


def bare_genanki(
    bank: Bank, prepared: list[tuple[str, list[str], list[str], str]], out: Path
) -> None:
    """What a bare genanki script does with ready field values: models, notes, write."""
    models = {spec.key: spec.genanki_model() for spec in NOTE_TYPES}
    deck = genanki.Deck(deck_id(bank), deck_name(bank), deck_description(bank))
    for key, fields, tags, qid in prepared:
        deck.add_note(
            genanki.Note(
                model=models[key],
                fields=fields,
                tags=tags,
                guid=genanki.guid_for(bank.id, qid),
            )
        )
    genanki.Package(deck).write_to_file(str(out), timestamp=TIMESTAMP)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--pairs", type=int, default=9)
    args = parser.parse_args(argv)

    bank = make_bank(args.questions)
    prepared = []
    for q, note in zip(bank.questions, bank_notes(bank), strict=True):
        prepared.append((note.note_type.key, list(note.fields), list(note.tags), q.id))
    # The two write the same notes.
    ours = build_decks([bank])[0].notes
    assert [(n.guid, n.fields, list(n.tags)) for n in ours] == [
        (genanki.guid_for(bank.id, qid), f, t) for _, f, t, qid in prepared
    ]

    # Wall time and CPU time of this process, per run.
    quiz_runs: list[tuple[float, float]] = []
    bare_runs: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i in range(args.pairs):
            # Alternate which goes first, so neither always runs on a warmer cache.
            for which in ("quiz", "bare") if i % 2 == 0 else ("bare", "quiz"):
                wall, cpu = time.perf_counter(), time.process_time()
                if which == "quiz":
                    export_anki([bank], folder / "quiz.apkg", timestamp=TIMESTAMP)
                else:
                    bare_genanki(bank, prepared, folder / "bare.apkg")
                run = (time.perf_counter() - wall, time.process_time() - cpu)
                (quiz_runs if which == "quiz" else bare_runs).append(run)
        sizes = ((folder / "quiz.apkg").stat().st_size, (folder / "bare.apkg").stat().st_size)

    print(f"questions: {args.questions}, pairs: {args.pairs}")
    best_ratio = {}
    for k, label in ((0, "wall"), (1, "cpu")):
        quiz_s = [r[k] for r in quiz_runs]
        bare_s = [r[k] for r in bare_runs]
        best_ratio[label] = min(quiz_s) / min(bare_s)
        pairs = statistics.median(x / y for x, y in zip(quiz_s, bare_s, strict=True))
        print(
            f"{label:>4}: quiz best {min(quiz_s):.3f} s (median {statistics.median(quiz_s):.3f}), "
            f"bare genanki best {min(bare_s):.3f} s (median {statistics.median(bare_s):.3f}); "
            f"ratio of best {best_ratio[label]:.2f}x, median ratio of pairs {pairs:.2f}x"
        )
    print(f"package size: quiz {sizes[0]:,} bytes, bare genanki {sizes[1]:,} bytes")
    ratio = best_ratio["cpu"]
    verdict = "ok" if ratio <= GOAL else "OVER"
    print(f"quiz / bare genanki (best cpu): {ratio:.2f}x, goal <= {GOAL}x: {verdict}")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
