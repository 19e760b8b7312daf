"""`quiz export anki`: the command line, its output file and its errors."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from quiz.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"
MINIMAL = DATA / "good" / "minimal.yaml"
HOSTILE = DATA / "anki" / "hostile.yaml"
BAD_BANK = """\
id: broken
title: Broken
description: A bank with one error.
version: "1"
sources:
  - id: doc
    title: A document
questions:
  - id: q1
    type: true_false
    prompt: Is this broken?
    answer: maybe
    explanation: It is.
    source: {id: doc, section: Intro}
    topics: [x]
"""


def _quiz(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quiz", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_python_m_quiz_writes_a_reproducible_package(tmp_path: Path) -> None:
    a, b = tmp_path / "a.apkg", tmp_path / "b.apkg"
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    first = _quiz("export", "anki", str(MINIMAL), str(HOSTILE), "-o", str(a), env=env)
    assert first.returncode == 0, first.stderr
    assert f"Wrote {a}: 2 deck(s), 11 note(s), 12 card(s)" in first.stdout
    assert first.stderr == ""
    # The same banks (the second time through their folder) and the same SOURCE_DATE_EPOCH
    # give the same bytes.
    second = _quiz("export", "anki", str(MINIMAL), str(HOSTILE.parent), "-o", str(b), env=env)
    assert second.returncode == 0, second.stderr
    assert zipfile.is_zipfile(a) and a.read_bytes() == b.read_bytes()


def test_python_m_quiz_reports_a_bad_bank_with_file_line_col(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_BANK, "utf-8")
    out = tmp_path / "x.apkg"
    result = _quiz("export", "anki", str(MINIMAL), str(bad), "-o", str(out))
    assert result.returncode == 1
    assert f"{bad}:12:13: error:" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_missing_path_and_empty_folder_are_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.apkg"
    assert main(["export", "anki", str(tmp_path / "nope.yaml"), "-o", str(out)]) == 1
    assert "nope.yaml: error: no such file or folder" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["export", "anki", str(empty), "-o", str(out)]) == 1
    assert "no bank files" in capsys.readouterr().err
    assert not out.exists()


def test_unwritable_output_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    assert main(["export", "anki", str(MINIMAL), "-o", str(not_a_folder / "x.apkg")]) == 1
    err = capsys.readouterr().err
    assert f"cannot write {not_a_folder / 'x.apkg'}: Not a directory" in err
    assert main(["export", "anki", str(MINIMAL), "-o", str(tmp_path)]) == 1
    assert "is a folder" in capsys.readouterr().err


def test_bad_source_date_epoch_and_duplicate_bank_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "x.apkg"
    copy = tmp_path / "copy.yaml"
    copy.write_bytes(MINIMAL.read_bytes())
    assert main(["export", "anki", str(MINIMAL), str(copy), "-o", str(out)]) == 1
    assert "bank id 'sample'" in capsys.readouterr().err
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    assert main(["export", "anki", str(MINIMAL), "-o", str(out)]) == 1
    assert "SOURCE_DATE_EPOCH" in capsys.readouterr().err
    assert not out.exists()


def test_default_is_the_shipped_banks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from quiz.bank.discover import find_bank_files, shipped_decks_dir

    files, _ = find_bank_files([shipped_decks_dir()])
    if not files:
        pytest.skip("no shipped banks in decks/ yet")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = tmp_path / "shipped.apkg"
    assert main(["export", "anki", "-o", str(out)]) == 0
    assert f"{len(files)} deck(s)" in capsys.readouterr().out
    assert zipfile.is_zipfile(out)


def test_without_source_date_epoch_the_export_is_stamped_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stamped with the current time, so that it counts as newer than any earlier import.
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out = tmp_path / "now.apkg"
    before = int(time.time())
    assert main(["export", "anki", str(MINIMAL), "-o", str(out)]) == 0
    after = int(time.time())
    db = tmp_path / "collection.anki2"
    with zipfile.ZipFile(out) as z:
        db.write_bytes(z.read("collection.anki2"))
    conn = sqlite3.connect(db)
    try:
        stamps = {row[0] for row in conn.execute("SELECT mod FROM notes")}
    finally:
        conn.close()
    assert len(stamps) == 1 and before <= stamps.pop() <= after


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_the_package_gets_the_umask_or_keeps_the_replaced_files_mode(
    tmp_path: Path, umask: int
) -> None:
    """It was always made 0644, so a private package became readable by everyone."""

    def run(out: Path) -> None:
        proc = subprocess.run(
            [sys.executable, "-m", "quiz", "export", "anki", str(MINIMAL), "-o", str(out)],
            capture_output=True, text=True, timeout=120, preexec_fn=lambda: os.umask(umask),
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr

    new = tmp_path / "new.apkg"
    run(new)
    assert new.stat().st_mode & 0o777 == 0o666 & ~umask
    kept = tmp_path / "kept.apkg"
    kept.write_bytes(b"old")
    kept.chmod(0o640)
    run(kept)
    assert kept.stat().st_mode & 0o777 == 0o640
    assert zipfile.is_zipfile(kept)
