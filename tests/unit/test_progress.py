"""`quiz progress export / import / reset` through the real program, on a real history made
by the plain mode: a round trip keeps every answer and every schedule, merging never
duplicates a review, a bad file is refused at its line with nothing imported, and a reset
asks first and keeps a backup that brings everything back."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_store_robustness import ACK, prepared_store, study_cmd, write_bank

from quiz.engine.progress import FORMAT, VERSION
from quiz.engine.store import ReviewStore

MINIMAL = Path(__file__).resolve().parents[1] / "data" / "good" / "minimal.yaml"


def quiz(*argv: str | Path, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "quiz", *map(str, argv)], input=stdin, capture_output=True
    )
    out = subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode()
    )
    assert "Traceback" not in out.stdout + out.stderr, out.stderr
    return out


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A real history: 90 answers on a true/false bank (right, wrong, unsure) and the sample
    bank's six types, through `quiz study --plain`. Returns (data dir, bank file)."""
    root = tmp_path_factory.mktemp("progress")
    bank = write_bank(root / "stress.yaml", 100)
    data = root / "data"
    prepared_store(data)
    feed = b"".join([b"t\n", b"f\n", b"t?\n"][i % 3] for i in range(90))
    proc = subprocess.run(study_cmd(data, bank), input=feed, capture_output=True)
    assert proc.returncode == 0 and proc.stdout.count(ACK) == 90
    sample = quiz(
        "study",
        "--plain",
        "--new-limit",
        "100",
        "--data-dir",
        data,
        MINIMAL,
        stdin=b"\n3\n1\nt\npainful\nEMG\n1 2\n",  # the red-flag flashcard comes first
    )
    assert sample.returncode == 0 and sample.stdout.count("Source: ") == 6
    return data, bank


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def schedules(data: Path) -> dict[tuple[str, str], tuple[object, ...]]:
    with ReviewStore.open(data, integrity="off") as store:
        return {
            c.key: (c.state, c.due, c.reps, c.lapses, c.first_seen, c.last_seen, c.red_flag)
            for c in store.cards()
            if c.reps
        }


def test_a_round_trip_keeps_every_answer_and_every_schedule(
    history: tuple[Path, Path], tmp_path: Path
) -> None:
    data, _ = history
    out = tmp_path / "mine.jsonl"
    export = quiz("progress", "export", out, "--data-dir", data)
    assert export.returncode == 0 and "Wrote 96 answers" in export.stdout
    assert (out.stat().st_mode & 0o777) == 0o600
    got = lines(out)
    assert got[0]["format"] == FORMAT and got[0]["version"] == VERSION
    assert got[-1] == {
        "type": "end",
        "banks": 2,
        "items": got[-1]["items"],
        "reviews": 96,
        "skipped": 0,
    }
    assert sum(1 for x in got if x.get("type") == "review") == 96

    # A new computer: an empty store, the file imported.
    new = tmp_path / "new"
    imported = quiz("progress", "import", out, "--data-dir", new)
    assert imported.returncode == 0 and "Imported 96 answers" in imported.stdout
    assert schedules(new) == schedules(data)  # every due date as it was
    again = tmp_path / "again.jsonl"
    assert quiz("progress", "export", again, "--data-dir", new).returncode == 0
    assert lines(again)[1:] == got[1:]  # the same history, line for line

    # Importing the same file again adds nothing.
    twice = quiz("progress", "import", out, "--data-dir", new)
    assert "Imported 0 answers" in twice.stdout and "96 answers you already had" in twice.stdout
    with ReviewStore.open(new, integrity="off") as store:
        assert store.review_count() == 96

    # And the learner studies on: the same items are due as on the old computer.
    with ReviewStore.open(data, integrity="off") as old, ReviewStore.open(new) as moved:
        later = max(c.due for c in old.cards() if c.due)
        assert [c.key for c in old.due_cards(["stress", "sample"], later)] == [
            c.key for c in moved.due_cards(["stress", "sample"], later)
        ]


def test_import_merges_two_histories_without_duplicates(
    history: tuple[Path, Path], tmp_path: Path
) -> None:
    data, bank = history
    # Another computer studied the same bank: part of the same history, and more.
    other = tmp_path / "other"
    shutil.copytree(data, other)
    proc = subprocess.run(study_cmd(other, bank), input=b"t\n" * 10, capture_output=True)
    assert proc.stdout.count(ACK) == 10
    moved = tmp_path / "other.jsonl"
    assert quiz("progress", "export", moved, "--data-dir", other).returncode == 0

    mine = tmp_path / "mine"
    shutil.copytree(data, mine)
    result = quiz("progress", "import", moved, "--data-dir", mine)
    assert result.returncode == 0
    assert "Imported 10 answers" in result.stdout and "96 answers you already had" in result.stdout
    with ReviewStore.open(mine, integrity="off") as store:
        assert store.review_count() == 106
        assert store.integrity_check() == "ok"
        assert sum(c.reps for c in store.cards(include_retired=True)) == 106
        keys = [(r.bank_id, r.question_id, r.reviewed_at) for r in store.reviews()]
        assert len(keys) == len(set(keys))
    assert schedules(mine) == schedules(other)


BAD = {
    "not-json": (b'{"format": "patient-quiz-progress", "version": 1}\nnot json\n', "line 2"),
    "other-format": (b'{"format": "anki"}\n', "not a progress file"),
    "newer": (b'{"format": "patient-quiz-progress", "version": 9}\n', "newer version"),
    "cut-short": (None, "ends early"),
    "bad-time": (None, "time zone"),
    "miscounted": (None, "it is damaged"),
    "not-utf8": (b'{"format": "patient-quiz-progress", "version": 1}\n\xff\n', "not UTF-8"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_file_is_refused_at_its_line_and_nothing_is_imported(
    history: tuple[Path, Path], tmp_path: Path, case: str
) -> None:
    data, _ = history
    good = tmp_path / "good.jsonl"
    assert quiz("progress", "export", good, "--data-dir", data).returncode == 0
    text = good.read_bytes().splitlines(keepends=True)
    content, expected = BAD[case]
    if case == "cut-short":
        content = b"".join(text[: len(text) // 2])
    elif case == "bad-time":
        at = next(i for i, line in enumerate(text) if b'"type":"review"' in line)
        review = json.loads(text[at])
        review["at"] = "2026-03-01 09:00"  # no time zone
        text[at] = json.dumps(review).encode() + b"\n"
        content = b"".join(text)
        expected = f"line {at + 1}"
    elif case == "miscounted":
        content = b"".join(text[:3] + text[4:])  # one review line lost
    assert content is not None
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(content)
    empty = tmp_path / "empty-store"
    result = quiz("progress", "import", bad, "--data-dir", empty)
    assert result.returncode == 1
    assert expected in result.stderr
    with ReviewStore.open(empty, integrity="off") as store:
        assert store.review_count() == 0 and store.bank_titles() == {}


def test_export_never_replaces_without_force_nor_writes_over_a_folder(
    history: tuple[Path, Path], tmp_path: Path
) -> None:
    data, _ = history
    out = tmp_path / "out.jsonl"
    out.write_text("keep me")
    refused = quiz("progress", "export", out, "--data-dir", data)
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert out.read_text() == "keep me"
    assert quiz("progress", "export", out, "--force", "--data-dir", data).returncode == 0
    assert lines(out)[-1]["reviews"] == 96
    folder = tmp_path / "folder"
    folder.mkdir()
    assert quiz("progress", "export", folder, "--force", "--data-dir", data).returncode == 1
    assert list(folder.iterdir()) == []


def test_reset_asks_keeps_a_backup_and_the_backup_brings_everything_back(
    history: tuple[Path, Path], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(history[0], data)
    before = schedules(data)

    declined = quiz("progress", "reset", "--data-dir", data, stdin=b"no\n")
    assert declined.returncode == 1 and "Nothing was changed." in declined.stdout
    assert schedules(data) == before
    unknown = quiz("progress", "reset", "nope", "--data-dir", data, stdin=b"yes\n")
    assert unknown.returncode == 1 and "no progress for nope" in unknown.stderr

    one = quiz("progress", "reset", "sample", "--data-dir", data, stdin=b"yes\n")
    assert one.returncode == 0, one.stderr
    assert "This removes your progress in Sample bank [sample]: 6 answers" in one.stdout
    with ReviewStore.open(data, integrity="off") as store:
        assert store.review_count() == 90 and "sample" not in store.bank_titles()
        assert store.get_meta("disclaimer_ack") is not None  # settings kept
    everything = quiz("progress", "reset", "--yes", "--data-dir", data)
    assert everything.returncode == 0
    assert schedules(data) == {}
    backups = sorted(data.glob("progress-backup-*.jsonl"))
    assert len(backups) == 2
    for backup in backups:
        assert quiz("progress", "import", backup, "--data-dir", data).returncode == 0
    assert schedules(data) == before
