"""Hostile bank files through the real command: each is refused with a one-line
file:line:col error (or a usage message), exit status 1 (or 2), and never a traceback.

A bank is untrusted input. These run `python -m quiz` in a subprocess, as a person would,
with a generous timeout: an input that makes the loader slow shows up as a timeout, not as
an assertion about wall-clock time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MINIMAL = (REPO / "tests" / "data" / "good" / "minimal.yaml").read_text("utf-8")


def run_quiz(
    *argv: str | Path, cwd: Path = REPO, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quiz", *map(str, argv)],
        capture_output=True,
        text=True,
        errors="replace",
        cwd=cwd,
        env=env,
        timeout=timeout,
    )


def assert_refused(
    result: subprocess.CompletedProcess[str], where: str, rule: str | None = None
) -> list[str]:
    """Exit 1, no traceback, and an error line that starts with `where` (file:line:col)."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = [ln for ln in (result.stdout + result.stderr).splitlines() if ln.startswith(where)]
    assert lines, (result.stdout, result.stderr)
    if rule is not None:
        assert any(ln.endswith(f"[{rule}]") for ln in lines), lines
    return lines


# -- 1. YAML tags -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("id: what-is-twitch", "id: !!binary aGVsbG8=", "t.yaml:10:9:"),
        ("type: single", "type: !foo single", "t.yaml:11:11:"),
        ("    explanation: A twitch", "    explanation: !!str A twitch", "t.yaml:13:18:"),
        (
            "section: Intro}\n    topics: [basics]\n    options",
            "section: !x Intro}\n    topics: [basics]\n    options",
            "t.yaml:14:32:",
        ),
        ("  - id: what-is-twitch", "  - !!binary id: what-is-twitch", "t.yaml:10:5:"),
        ("id: sample", "%TAG !e! tag:example.com,2000:\n---\nid: !e!x sample", "t.yaml:4:5:"),
    ],
    ids=["id", "type", "explanation", "section", "key", "tag-directive"],
)
def test_a_yaml_tag_is_an_unsafe_tag_error(tmp_path: Path, old: str, new: str, where: str) -> None:
    assert old in MINIMAL
    (tmp_path / "t.yaml").write_text(MINIMAL.replace(old, new, 1), "utf-8")
    assert_refused(run_quiz("check", "t.yaml", cwd=tmp_path), where, "unsafe-tag")


# -- 2. cloze prompts that made the old regex quadratic ---------------------------------------

CLOZE_PROMPT = "prompt: A cramp is a sudden {{c1::painful}} tightening of a muscle."


def with_cloze_prompt(prompt: str) -> str:
    assert CLOZE_PROMPT in MINIMAL
    return MINIMAL.replace(CLOZE_PROMPT, f'prompt: "{prompt}"', 1)


@pytest.mark.parametrize(
    "prompt",
    ["{{c1::" + ":" * 5_000_000, "{{c1::" * 800_000, "{{c1::a::" * 500_000 + "{{"],
    ids=["colons", "openers", "hint-openers"],
)
def test_a_five_megabyte_adversarial_cloze_prompt_is_refused(tmp_path: Path, prompt: str) -> None:
    """Within the 5 MiB limit; the old regex needed hours. The timeout is generous: it
    catches a quadratic reader, not a slow machine."""
    (tmp_path / "t.yaml").write_text(with_cloze_prompt(prompt), "utf-8")
    assert (tmp_path / "t.yaml").stat().st_size < 5 * 1024 * 1024
    result = run_quiz("check", "t.yaml", cwd=tmp_path, timeout=20)
    assert_refused(result, "t.yaml:33:13:", "cloze-syntax")


# -- 3. cloze numbers Anki does not take ------------------------------------------------------


@pytest.mark.parametrize("number", ["0", "65536", "70000", "99999999999999999999", "9" * 5000])
@pytest.mark.parametrize("command", ["check", "export"])
def test_a_cloze_number_outside_anki_limit_is_refused(
    tmp_path: Path, number: str, command: str
) -> None:
    prompt = "A cramp is a sudden {{c1::painful}} tightening of a {{c" + number + "::muscle}}."
    (tmp_path / "t.yaml").write_text(with_cloze_prompt(prompt), "utf-8")
    argv = (
        ["check", "t.yaml"] if command == "check" else ["export", "anki", "t.yaml", "-o", "p.apkg"]
    )
    lines = assert_refused(run_quiz(*argv, cwd=tmp_path), "t.yaml:33:13:", "cloze-number")
    assert all(len(line) < 400 for line in lines)
    assert not (tmp_path / "p.apkg").exists()


def test_too_many_cloze_deletions_are_refused(tmp_path: Path) -> None:
    prompt = " ".join(f"{{{{c{n}::w}}}}" for n in range(1, 52))
    (tmp_path / "t.yaml").write_text(with_cloze_prompt(prompt), "utf-8")
    assert_refused(run_quiz("check", "t.yaml", cwd=tmp_path), "t.yaml:33:13:", "cloze-count")


# -- 4. paths that are not regular files ------------------------------------------------------


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "x.yaml")
    return folder / "x.yaml"


def _zero(folder: Path) -> Path:
    (folder / "x.yaml").symlink_to("/dev/zero")
    return folder / "x.yaml"


def _folder(folder: Path) -> Path:
    (folder / "x.yaml").mkdir()
    (folder / "x.yaml" / "notes.txt").write_text("not a bank", "utf-8")
    return folder / "x.yaml"


NOT_FILES = {"fifo": _fifo, "dev-zero": _zero}


@pytest.mark.parametrize("make", NOT_FILES.values(), ids=NOT_FILES.keys())
@pytest.mark.parametrize("command", ["check", "export", "study"])
def test_a_path_that_is_not_a_regular_file_is_refused_before_reading(
    tmp_path: Path, make: Callable[[Path], Path], command: str
) -> None:
    """A pipe would block the reader forever, /dev/zero would be read without end."""
    make(tmp_path)
    argv = {
        "check": ["check", "x.yaml"],
        "export": ["export", "anki", "x.yaml", "-o", "p.apkg"],
        "study": ["study", "--plain", "--data-dir", "data", "x.yaml"],
    }[command]
    result = run_quiz(*argv, cwd=tmp_path, timeout=20)
    assert_refused(result, "x.yaml:1:1: error: this is a ", "not-a-file")


def test_a_folder_named_like_a_bank_is_a_folder(tmp_path: Path) -> None:
    _folder(tmp_path)
    result = run_quiz("check", "x.yaml", cwd=tmp_path, timeout=20)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (
        result.stderr == "quiz check: error: x.yaml: no bank files (*.yaml, *.yml) in this folder\n"
    )


def test_a_folder_walk_skips_entries_that_are_not_regular_files(tmp_path: Path) -> None:
    for make in (_fifo, _zero, _folder):
        sub = tmp_path / make.__name__
        sub.mkdir()
        make(sub)
    (tmp_path / "loop.yaml").symlink_to("loop.yaml")
    (tmp_path / "ok.yaml").write_text(MINIMAL, "utf-8")
    result = run_quiz("check", ".", cwd=tmp_path, timeout=20)
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert result.stdout.splitlines()[-1].startswith("1 bank checked (6 questions): 0 errors")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_a_file_without_read_permission_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(MINIMAL, "utf-8")
    (tmp_path / "x.yaml").chmod(0)
    result = run_quiz("check", "x.yaml", cwd=tmp_path)
    assert_refused(
        result, "x.yaml:1:1: error: cannot read the file: Permission denied", "unreadable"
    )


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_a_file_that_fails_to_read_is_unreadable(tmp_path: Path) -> None:
    """A regular file whose read fails even for root: /proc/self/mem at offset 0 (EIO)."""
    (tmp_path / "x.yaml").symlink_to("/proc/self/mem")
    result = run_quiz("check", "x.yaml", cwd=tmp_path)
    assert_refused(result, "x.yaml:1:1: error: cannot read the file: ", "unreadable")


# -- 5. millions of findings ------------------------------------------------------------------

HEAD = "id: b\ntitle: T\ndescription: D\nversion: '1'\nsources: [{id: doc, title: A}]\n"


def test_a_bank_with_millions_of_errors_shows_the_first_hundred_and_a_count(
    tmp_path: Path,
) -> None:
    (tmp_path / "big.yaml").write_text(HEAD + "questions: [" + "1," * 1_000_000 + "1]\n")
    (tmp_path / "ok.yaml").write_text(MINIMAL, "utf-8")
    result = run_quiz("check", "big.yaml", "ok.yaml", cwd=tmp_path, timeout=120)
    lines = assert_refused(result, "big.yaml:6:", "wrong-type")
    assert len(lines) == 101
    assert lines[-1] == (
        "big.yaml:6:213: note: \u2026 and 999,901 more errors in this file from here on "
        "(only the first 100 are shown) [too-many-findings]"
    )
    assert result.stdout.splitlines()[-1].startswith(
        "2 banks checked (6 questions): 1000001 errors"
    )


def test_export_shows_the_first_hundred_errors_too(tmp_path: Path) -> None:
    (tmp_path / "big.yaml").write_text(HEAD + "questions: [" + "1," * 5_000 + "1]\n")
    result = run_quiz("export", "anki", "big.yaml", "-o", "p.apkg", cwd=tmp_path)
    lines = assert_refused(result, "big.yaml:6:", "too-many-findings")
    assert len(lines) == 101
    assert not (tmp_path / "p.apkg").exists()


# -- 6. export -o never replaces a bank, a folder or a device ---------------------------------


def _export(folder: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return run_quiz("export", "anki", *argv, cwd=folder, timeout=60)


def _refused_output(result: subprocess.CompletedProcess[str], reason: str) -> None:
    assert result.returncode in (1, 2), (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("quiz export anki: error: "), result.stderr
    assert reason in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("name", ["b.yaml", "bank.txt"])
def test_export_refuses_to_write_over_an_input_bank(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text(MINIMAL, "utf-8")
    reason = "is a bank file name" if name.endswith(".yaml") else "is the input bank"
    _refused_output(_export(tmp_path, name, "-o", name), reason)
    assert (tmp_path / name).read_text("utf-8") == MINIMAL


def test_export_refuses_any_bank_file_name_and_a_link_to_an_input(tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text(MINIMAL, "utf-8")
    (tmp_path / "other.yml").write_text("keep", "utf-8")
    _refused_output(_export(tmp_path, "b.yaml", "-o", "other.yml"), "is a bank file name")
    (tmp_path / "link.apkg").symlink_to("b.yaml")
    _refused_output(_export(tmp_path, "b.yaml", "-o", "link.apkg"), "is the input bank")
    assert (tmp_path / "other.yml").read_text("utf-8") == "keep"
    assert (tmp_path / "b.yaml").read_text("utf-8") == MINIMAL


@pytest.mark.parametrize("kind", ["folder", "fifo", "link-to-fifo"])
def test_export_refuses_an_output_that_is_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    (tmp_path / "b.yaml").write_text(MINIMAL, "utf-8")
    if kind == "folder":
        (tmp_path / "out").mkdir()
    else:
        os.mkfifo(tmp_path / ("out" if kind == "fifo" else "pipe"))
        if kind == "link-to-fifo":
            (tmp_path / "out").symlink_to("pipe")
    before = os.lstat(tmp_path / "out")
    reason = "is a folder" if kind == "folder" else "is not a regular file"
    _refused_output(_export(tmp_path, "b.yaml", "-o", "out"), reason)
    after = os.lstat(tmp_path / "out")
    assert (before.st_mode, before.st_ino) == (after.st_mode, after.st_ino)


def test_a_normal_export_still_writes_and_replaces_an_old_package(tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text(MINIMAL, "utf-8")
    (tmp_path / "p.apkg").write_bytes(b"old")
    result = _export(tmp_path, "b.yaml", "-o", "p.apkg")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "p.apkg").read_bytes()[:2] == b"PK"
    # the package and its ledger (docs/anki.md), no partial files
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.yaml", "p.anki-ledger.json", "p.apkg"]


def test_an_interrupted_export_leaves_the_old_package_and_no_partial_file(tmp_path: Path) -> None:
    """The process may write no more than 100 bytes per file (RLIMIT_FSIZE): the write
    fails part-way, as on a full disk."""
    import resource

    (tmp_path / "b.yaml").write_text(MINIMAL, "utf-8")
    (tmp_path / "p.apkg").write_bytes(b"old")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))

    result = subprocess.run(
        [sys.executable, "-m", "quiz", "export", "anki", "b.yaml", "-o", "p.apkg"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        preexec_fn=limit,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    _refused_output(result, "cannot write p.apkg")
    assert (tmp_path / "p.apkg").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.yaml", "p.apkg"]


# -- 7. SOURCE_DATE_EPOCH out of range; file names that are not UTF-8 -------------------------


@pytest.mark.parametrize(
    "value", ["99999999999999999999", "-5", "abc", "\u0661\u0662", "4354819199"]
)
def test_a_bad_source_date_epoch_is_a_clear_error(tmp_path: Path, value: str) -> None:
    (tmp_path / "b.yaml").write_text(MINIMAL, "utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": value}
    result = run_quiz("export", "anki", "b.yaml", "-o", "p.apkg", cwd=tmp_path, env=env)
    _refused_output(result, "SOURCE_DATE_EPOCH must be a whole number of seconds")
    assert not (tmp_path / "p.apkg").exists()


def _bytes_named(folder: Path, name: bytes, data: bytes) -> str:
    fd = os.open(os.path.join(os.fsencode(folder), name), os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, data)
    os.close(fd)
    return os.fsdecode(name)


STRICT = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "."],
        ["check", "--format", "json", "."],
        ["check", "bad\udcff.yaml", "nope\udcfe.yaml"],
        ["export", "anki", ".", "-o", "p.apkg"],
        ["export", "anki", "nope\udcfe.yaml", "-o", "p.apkg"],
        ["study", "--plain", "--data-dir", "data", "bad\udcff.yaml"],
        ["preview", "bad\udcff.yaml"],
        ["preview", "nope\udcfe.yaml"],
    ],
    ids=[
        "check",
        "check-json",
        "check-named",
        "export",
        "export-missing",
        "study",
        "preview",
        "preview-missing",
    ],
)
def test_a_file_name_that_is_not_utf8_is_shown_escaped(tmp_path: Path, argv: list[str]) -> None:
    """Even on a terminal whose output refuses lone surrogates (errors='strict')."""
    _bytes_named(tmp_path, b"bad\xff.yaml", b"id: [\n")
    result = subprocess.run(
        [sys.executable, "-m", "quiz", *argv],
        capture_output=True,
        cwd=tmp_path,
        env=STRICT,
        timeout=60,
    )
    out = (result.stdout + result.stderr).decode("utf-8")  # valid UTF-8, no raw 0xff
    assert result.returncode == 1, out
    assert "Traceback" not in out
    assert "\\udcff" in out or "\\udcfe" in out, out


def test_a_good_bank_and_a_package_with_non_utf8_names(tmp_path: Path) -> None:
    _bytes_named(tmp_path, b"good\xff.yaml", MINIMAL.encode("utf-8"))
    result = subprocess.run(
        [sys.executable, "-m", "quiz", "export", "anki", ".", "-o", "out\udcfe.apkg"],
        capture_output=True,
        cwd=tmp_path,
        env=STRICT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("utf-8").startswith("Wrote out\\udcfe.apkg: 1 deck(s)")
    assert (tmp_path / "out\udcfe.apkg").exists()
