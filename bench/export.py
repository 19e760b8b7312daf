"""Benchmark: quiz's Anki export of a 10,000-question bank against a bare genanki script.

The bare script writes the same notes (same note types, field values, tags, GUIDs and
cards) and does the same checks and the same writing as quiz: it refuses a bank id seen
twice and an output that exists but is not a regular file, keeps a replaced file's
permissions, skips genanki's own scan of every field for unescaped tags and its rendering
of templates to find each note's cards (quiz escapes every field by construction and knows
the cards; both skips are checked against genanki in the tests), and writes the collection
through genanki's `write_to_db` into the same reproducible zip (fast deflate), beside the
output, then renames it into place. Its field values are prepared before the clock starts,
so the difference is what quiz adds: starting from the loaded bank, HTML escaping, building
each field, the tags and GUIDs. Both run in this process,
in pairs run back to back, alternating which goes first. Printed, in wall time and in this
process's CPU time: each side's best and median run, and the median of the pairs' ratios.
Judged (goal <= 1.3x): the ratio of the best CPU times. On a shared machine other processes
only ever add time, so each side's best run is its least disturbed one.

    python bench/export.py [--questions N] [--pairs N]
"""

from __future__ import annotations

import argparse
import errno
import itertools
import os
import sqlite3
import stat
import statistics
import sys
import tempfile
import time
import zipfile
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


class _ReadyNote(genanki.Note):  # type: ignore[misc]
    """A note whose fields are escaped and whose cards are known: genanki's scan of the
    fields and its card rendering are skipped, as quiz skips them."""

    def __init__(self, model: genanki.Model, fields: list[str], tags: list[str], guid: str,
                 ords: tuple[int, ...]) -> None:  # fmt: skip
        super().__init__(model=model, fields=fields, tags=tags, guid=guid)
        self.cards = [genanki.Card(o) for o in ords]

    def _check_invalid_html_tags_in_fields(self) -> None:
        return None


def bare_genanki(
    bank: Bank,
    prepared: list[tuple[str, list[str], list[str], str, tuple[int, ...]]],
    out: Path,
) -> None:
    """What a bare genanki script does with ready field values, with quiz's checks and its
    way of writing: models, notes, the collection, the zip, the rename."""
    if len({bank.id}) != 1:
        raise ValueError("two banks share an id")
    try:
        mode = os.stat(out).st_mode
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        permissions = 0o666 & ~umask
    else:
        if not stat.S_ISREG(mode):
            raise OSError(errno.EEXIST, "exists and is not a regular file", str(out))
        permissions = stat.S_IMODE(mode)
    models = {spec.key: spec.genanki_model() for spec in NOTE_TYPES}
    deck = genanki.Deck(deck_id(bank), deck_name(bank), deck_description(bank))
    for key, fields, tags, qid, ords in prepared:
        deck.add_note(_ReadyNote(models[key], fields, tags, genanki.guid_for(bank.id, qid), ords))
    with tempfile.TemporaryDirectory() as tmp:
        db_path = os.path.join(tmp, "collection.anki2")
        conn = sqlite3.connect(db_path)
        cursor = conn.cursor()
        genanki.Package(deck).write_to_db(cursor, TIMESTAMP, itertools.count(int(TIMESTAMP * 1000)))
        conn.commit()
        conn.close()
        date = time.gmtime(int(TIMESTAMP))[:6]
        fd, partial = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w") as z:
            for name, data in (("collection.anki2", Path(db_path).read_bytes()), ("media", b"{}")):
                info = zipfile.ZipInfo(name, date_time=date)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                info.create_system = 3
                z.writestr(info, data, compresslevel=1)
        os.chmod(partial, permissions)
        os.replace(partial, out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--pairs", type=int, default=9)
    args = parser.parse_args(argv)

    bank = make_bank(args.questions)
    prepared = []
    for q, note in zip(bank.questions, bank_notes(bank), strict=True):
        prepared.append(
            (note.note_type.key, list(note.fields), list(note.tags), q.id, note.card_ords)
        )
    # The two write the same notes.
    ours = build_decks([bank])[0].notes
    assert [(n.guid, n.fields, list(n.tags)) for n in ours] == [
        (genanki.guid_for(bank.id, qid), f, t) for _, f, t, qid, _ in prepared
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
        # The same work: the two packages are the same bytes.
        same = (folder / "quiz.apkg").read_bytes() == (folder / "bare.apkg").read_bytes()

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
    print(
        f"package size: quiz {sizes[0]:,} bytes, bare genanki {sizes[1]:,} bytes"
        f" ({'the same bytes' if same else 'NOT the same bytes'})"
    )
    ratio = best_ratio["cpu"]
    verdict = "ok" if ratio <= GOAL else "OVER"
    print(f"quiz / bare genanki (best cpu): {ratio:.2f}x, goal <= {GOAL}x: {verdict}")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
