"""The `quiz` command line as a user types it: no command means `study`, bad words exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _quiz(
    *args: str, stdin: str = "", data_dir: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QUIZ_DATA_DIR", "NO_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "quiz", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_options_without_a_command_go_to_study(tmp_path: Path) -> None:
    data = tmp_path / "progress"
    out = _quiz("--data-dir", str(data), "--plain", "red-flags", stdin="\nq\n")
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    assert (data / "progress.sqlite3").is_file()
    assert "Question 1 of" in out.stdout


def test_unknown_command_is_a_usage_error() -> None:
    out = _quiz("chek")
    assert out.returncode == 2
    assert "invalid choice: 'chek'" in out.stderr
    assert "Traceback" not in out.stderr


def test_version_and_help() -> None:
    assert _quiz("--version").stdout.startswith("quiz ")
    help_text = _quiz("--help").stdout
    for command in ("study", "check", "schema", "stats", "export", "preview"):
        assert command in help_text


def test_two_banks_with_one_id_are_refused(tmp_path: Path) -> None:
    minimal = Path(__file__).resolve().parents[1] / "data" / "good" / "minimal.yaml"
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(minimal.read_text("utf-8"), "utf-8")
    out = _quiz("study", "--plain", "--data-dir", str(tmp_path / "d"), str(tmp_path))
    assert out.returncode == 1
    assert "two banks share the id 'sample'" in out.stderr
    assert "a.yaml" in out.stderr and "b.yaml" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_bank_file_is_checked_again_whenever_it_changes(tmp_path: Path) -> None:
    # The second start finds the same bytes in the store (and parses them only to study);
    # an edited file is loaded and checked again, so a broken edit is still reported.
    minimal = Path(__file__).resolve().parents[1] / "data" / "good" / "minimal.yaml"
    bank = tmp_path / "banks" / "mine.yaml"
    bank.parent.mkdir()
    bank.write_bytes(minimal.read_bytes())
    data = ["--data-dir", str(tmp_path / "d")]
    for _ in range(2):
        out = _quiz("study", "--plain", *data, str(bank), stdin="\n1\nq\n")
        assert out.returncode == 0, out.stderr
        assert "Question 1 of" in out.stdout
    bank.write_text(bank.read_text("utf-8").replace("id: sample", "id: [sample", 1), "utf-8")
    out = _quiz("study", "--plain", *data, str(bank))
    assert out.returncode == 1
    assert "mine.yaml:" in out.stderr and "invalid YAML" in out.stderr
    assert "Traceback" not in out.stderr
