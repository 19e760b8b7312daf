"""Nothing from a bank, a file name or the store reaches the terminal as a control sequence.

Two layers: the loader refuses control characters and bidirectional overrides in bank text
(rule `control-character`), and every printer puts text through `quiz.safe_text`. These tests
feed hostile text through the real commands (`quiz check`, `preview`, `stats`, `study
--plain`) and scan the raw bytes they write. The terminal app is covered by the pty tests in
tests/tui.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from quiz.bank.findings import BankLoadError
from quiz.bank.load import load_bank_bytes
from quiz.safe_text import safe_json, safe_line, safe_text

REPO = Path(__file__).resolve().parents[2]
MINIMAL = REPO / "tests" / "data" / "good" / "minimal.yaml"

#: What a terminal could act on, written independently of quiz.safe_text: C0 controls but
#: newline and tab, DEL, C1 controls, bidirectional embeddings/overrides/isolates, and bytes
#: that are not UTF-8 (they decode to lone surrogates here).
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

#: Sequences an attacker would write: clipboard (OSC 52), hyperlink (OSC 8), clear screen,
#: leave the alternate screen, a C1 CSI, a right-to-left override, a bell.
HOSTILE = (
    "\x1b]52;c;ZWNobyBwd25lZA==\x07 \x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\ "
    "\x1b[2J \x1b[?1049l \x9b31m \u202eevil\u202c \x07"
)


def assert_terminal_safe(raw: bytes) -> None:
    text = raw.decode("utf-8", "surrogateescape")
    bad = sorted({f"U+{ord(c):04X}" for c in FORBIDDEN.findall(text)})
    assert not bad, f"control characters reached the terminal: {bad}"


def run_quiz(*argv: str, cwd: Path = REPO, **kw: object) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "quiz", *argv],
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=120,
        **kw,
    )


def yaml_double_quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar, control characters as escapes."""
    return json.dumps(text)  # JSON strings are valid YAML double-quoted scalars


# -- the sanitizer ---------------------------------------------------------------------------


def test_every_control_character_is_escaped_and_nothing_else() -> None:
    for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F)]:
        c = chr(code)
        if c in "\n\t":
            continue
        assert FORBIDDEN.search(safe_text(f"a{c}b")) is None, hex(code)
        assert safe_text(f"a{c}b") in (f"a\\x{code:02x}b", f"a\\u{code:04x}b", "a\\rb")
    for code in range(0x2066, 0x206A):
        assert safe_text(chr(code)) == f"\\u{code:04x}"
    assert safe_text("a\udcffb") == "a\\udcffb"
    assert safe_text("two\nlines\tand a tab") == "two\nlines\tand a tab"
    assert safe_line("two\nlines\tand a tab") == "two\\nlines\\tand a tab"
    assert safe_line("a\u2028b") == "a\\u2028b"


def test_real_unicode_is_left_as_it_is() -> None:
    for text in (
        "👩\u200d⚕️ nurse",  # zero-width joiner in an emoji
        "می\u200cخواهم",  # zero-width non-joiner in Persian
        "fasci\u00adculation",  # soft hyphen
        "e\u0301 café",  # combining accent
        "筋肉のけいれん",  # CJK
        "\u200fמילה\u200e",  # right-to-left and left-to-right marks (not overrides)
        "[bold]not markup[/bold]",
    ):
        assert safe_text(text) == text
        assert safe_line(text) == text


def test_escaping_is_idempotent() -> None:
    once = safe_line(HOSTILE + "\n")
    assert safe_line(once) == once
    assert FORBIDDEN.search(once) is None


def test_json_stays_the_same_data_and_safe() -> None:
    value = {"path": "a\x1b[2J\x9b\u202e\udcff.yaml", "ok": "👩\u200d⚕️"}
    text = safe_json(value)
    assert FORBIDDEN.search(text) is None
    assert json.loads(text) == value
    assert "👩\u200d⚕️" in text


# -- the loader refuses them in bank text ----------------------------------------------------


@pytest.mark.parametrize(
    "code", [0x1B, 0x07, 0x08, 0x0D, 0x7F, 0x85, 0x9B, 0x9D, 0x202E, 0x2066, 0x2069]
)
def test_the_loader_refuses_a_control_character_with_its_rule_and_position(code: int) -> None:
    hostile = yaml_double_quoted(f"What is a {chr(code)}twitch?")
    data = MINIMAL.read_bytes().replace(
        b"prompt: What is a muscle twitch?", f"prompt: {hostile}".encode()
    )
    with pytest.raises(BankLoadError) as info:
        load_bank_bytes(data, "b.yaml")
    (finding,) = info.value.findings
    assert (finding.line, finding.col, finding.rule) == (12, 13, "control-character")
    assert f"U+{code:04X}" in finding.message
    assert "at character 11" in finding.message
    assert FORBIDDEN.search(finding.format()) is None


def test_control_characters_are_refused_in_every_field() -> None:
    text = MINIMAL.read_text("utf-8")
    for old in (
        "title: Sample bank",
        "explanation: A twitch is a small, brief movement of a few muscle fibres.",
        "section: Intro",
        "why: That describes a cramp.",
        "back: Weakness that gets worse.",
        "action: See your doctor if you notice weakness that gets worse over weeks.",
    ):
        key, value = old.split(": ", 1)
        assert old in text, old
        bad = text.replace(old, f"{key}: {yaml_double_quoted(value + HOSTILE)}", 1)
        with pytest.raises(BankLoadError) as info:
            load_bank_bytes(bad.encode(), "b.yaml")
        rules = {f.rule for f in info.value.findings}
        assert rules == {"control-character"}, (old, rules)
    # in a key and in a lint_ignore entry too
    bad = text.replace(
        "topics: [basics]", 'topics: [basics]\n    lint_ignore: ["x\\e]52;c;Q==\\a"]', 1
    )
    assert bad != text
    with pytest.raises(BankLoadError) as info:
        load_bank_bytes(bad.encode(), "b.yaml")
    assert [f.rule for f in info.value.findings] == ["control-character"]
    bad = text.replace("title: Sample bank", 'title: Sample bank\n"ti\\etle": x', 1)
    with pytest.raises(BankLoadError) as info:
        load_bank_bytes(bad.encode(), "b.yaml")
    assert "control-character" in {f.rule for f in info.value.findings}


def test_real_unicode_loads_and_is_kept() -> None:
    text = MINIMAL.read_text("utf-8").replace(
        "prompt: What is a muscle twitch?",
        "prompt: What is a muscle twitch, 👩\u200d⚕️? می\u200cخواهم fasci\u00adculation",
    )
    bank = load_bank_bytes(text.encode(), "b.yaml")
    assert bank.questions[0].prompt.endswith("👩\u200d⚕️? می\u200cخواهم fasci\u00adculation")


# -- through the real commands ---------------------------------------------------------------


def hostile_bank(folder: Path) -> Path:
    """A bank with escape sequences in a prompt, a why, a lint_ignore entry and a key."""
    text = MINIMAL.read_text("utf-8")
    text = text.replace(
        "prompt: What is a muscle twitch?", f"prompt: {yaml_double_quoted(HOSTILE)}"
    )
    text = text.replace("why: That describes a cramp.", f"why: {yaml_double_quoted(HOSTILE)}")
    text = text.replace(
        "topics: [basics]",
        f"topics: [basics]\n    lint_ignore: [{yaml_double_quoted(HOSTILE)}]"
        f"\n    {yaml_double_quoted(HOSTILE)}: 1",
        1,
    )
    p = folder / "hostile.yaml"
    p.write_text(text, "utf-8")
    return p


HOSTILE_NAMES = ("esc\x1b]52;c;QQ==\x07.yaml", "bell\x07.yaml", "new\nline.yaml", "rlo\u202e.yaml")


def hostile_names(folder: Path) -> list[Path]:
    """Bank files whose names hold ESC, BEL, a newline and an override; none of them loads."""
    paths = []
    for name in HOSTILE_NAMES:
        p = folder / name
        p.write_text("id: [unclosed\n", "utf-8")
        paths.append(p)
    return paths


def test_check_prints_no_control_character_from_text_or_file_names(tmp_path: Path) -> None:
    hostile_bank(tmp_path)
    hostile_names(tmp_path)
    proc = run_quiz("check", str(tmp_path))
    assert proc.returncode == 1
    assert b"Traceback" not in proc.stderr
    assert_terminal_safe(proc.stdout + proc.stderr)
    out = proc.stdout.decode()
    assert "[control-character]" in out
    assert out.count("[yaml-syntax]") == len(HOSTILE_NAMES)
    # one finding per line: a newline in a file name does not start a line of its own
    assert all(re.match(r".+:\d+:\d+: (error|warning): ", ln) for ln in out.splitlines()[:-1])
    assert "new\\nline.yaml:" in out and "esc\\x1b]52;c;QQ==\\x07.yaml:" in out
    assert "rlo\\u202e.yaml:" in out


def test_check_json_is_safe_and_exact(tmp_path: Path) -> None:
    (name,) = [p.name for p in hostile_names(tmp_path) if "\x1b" in p.name]
    proc = run_quiz("check", "--format", "json", str(tmp_path))
    assert proc.returncode == 1
    assert_terminal_safe(proc.stdout + proc.stderr)
    report = json.loads(proc.stdout)
    assert name in {Path(b["path"]).name for b in report["banks"]}


def test_a_missing_hostile_path_is_named_safely(tmp_path: Path) -> None:
    missing = str(tmp_path / "no\x1b[2Jsuch\n.yaml")
    for argv in (["check", missing], ["preview", missing], ["study", "--plain", missing]):
        proc = (
            run_quiz(*argv, "--data-dir", str(tmp_path / "d"))
            if "study" in argv
            else (run_quiz(*argv))
        )
        assert proc.returncode == 1, argv
        assert b"Traceback" not in proc.stderr
        assert_terminal_safe(proc.stdout + proc.stderr)
        assert b"no\\x1b[2Jsuch\\n.yaml" in proc.stderr, (argv, proc.stderr)


def test_preview_and_plain_study_refuse_a_hostile_bank_safely(tmp_path: Path) -> None:
    bank = hostile_bank(tmp_path)
    for argv in (["preview", str(bank)], ["study", "--plain", str(bank)]):
        extra = ["--data-dir", str(tmp_path / "d")] if "study" in argv else []
        proc = run_quiz(*argv, *extra, input=b"q\n")
        assert proc.returncode == 1, argv
        assert b"Traceback" not in proc.stderr
        assert_terminal_safe(proc.stdout + proc.stderr)
        assert b"[control-character]" in proc.stderr


def test_stats_shows_hostile_store_contents_safely(tmp_path: Path) -> None:
    """What the store holds is untrusted too: a title written by an older version or by hand,
    and what a learner typed (a pasted escape sequence) kept as a misconception."""
    data = tmp_path / "data"
    proc = run_quiz(
        "study", "--plain", "--practice", "--data-dir", str(data), str(MINIMAL), input=b"\nq\n"
    )
    assert proc.returncode == 0, proc.stderr
    # the red-flag flashcard comes first: show it, grade it
    proc = run_quiz("study", "--plain", "--data-dir", str(data), str(MINIMAL), input=b"\n3\nq\n")
    assert proc.returncode == 0, proc.stderr
    db = next(data.glob("*.sqlite3"))
    with sqlite3.connect(db) as con:
        con.execute("UPDATE banks SET title = ?, bank_id = bank_id", (HOSTILE,))
        con.execute(
            "UPDATE reviews SET answer = ?, correct = 0, unsure = 0, confident_wrong = 1",
            (HOSTILE,),
        )
    con.close()
    for fmt in ("text", "json"):
        proc = run_quiz("stats", "--format", fmt, "--data-dir", str(data))
        assert proc.returncode == 0, proc.stderr
        assert b"Traceback" not in proc.stderr
        assert_terminal_safe(proc.stdout + proc.stderr)
        if fmt == "json":
            report = json.loads(proc.stdout)
            assert report["misconceptions"][0]["answer"] == HOSTILE
        else:
            assert b"\\x1b]52;c;" in proc.stdout


def test_plain_mode_preview_and_stats_show_real_unicode_as_written(tmp_path: Path) -> None:
    real = "Nurse 👩\u200d⚕️ says می\u200cخواهم and fasci\u00adculation?"
    text = MINIMAL.read_text("utf-8").replace("prompt: What is a muscle twitch?", f"prompt: {real}")
    text = text.replace("title: Sample bank", "title: Bank 👩\u200d⚕️ می\u200cخواهم")
    bank = tmp_path / "unicode.yaml"
    bank.write_text(text, "utf-8")
    data = str(tmp_path / "d")
    # past the disclaimer and the red-flag flashcard (it comes first) to the question
    plain = run_quiz("study", "--plain", "--data-dir", data, str(bank), input=b"\n\n3\n1\nq\n")
    preview = run_quiz("preview", str(bank))
    stats = run_quiz("stats", "--data-dir", data)
    for proc in (plain, preview, stats):
        assert proc.returncode == 0, proc.stderr
        out = proc.stdout.decode()
        assert "\\u200d" not in out and "\\u200c" not in out and "\\xad" not in out
    assert real in plain.stdout.decode()
    assert real in preview.stdout.decode()
    assert "Bank 👩\u200d⚕️ می\u200cخواهم [sample]" in stats.stdout.decode()


def test_a_finding_is_one_safe_line_whatever_it_quotes() -> None:
    from quiz.bank.findings import Finding, Severity

    f = Finding(
        "dir/new\nline\x1b.yaml", 3, 4, Severity.WARNING, "rule\x07", f"unknown rule '{HOSTILE}'",
        question="q\u202e1",
    )  # fmt: skip
    line = f.format()
    assert "\n" not in line and FORBIDDEN.search(line) is None
    assert line.startswith("dir/new\\nline\\x1b.yaml:3:4: warning: question 'q\\u202e1': ")


def test_usage_errors_quote_arguments_safely(tmp_path: Path) -> None:
    """`quiz check *` in a folder someone else filled: a file named like an option is an
    argument argparse quotes in its error."""
    name = "--x\x1b]52;c;SGVsbG8=\x07.yaml"
    (tmp_path / name).write_text("x", "utf-8")
    for argv in (["check", name, "ok.yaml"], ["preview", name], ["study", "--plain", name]):
        proc = run_quiz(*argv, cwd=tmp_path)
        assert proc.returncode == 2, argv
        assert b"Traceback" not in proc.stderr
        assert_terminal_safe(proc.stdout + proc.stderr)
        assert b"unrecognized arguments: --x\\x1b]52;c;SGVsbG8=\\x07.yaml" in proc.stderr


def test_an_output_encoding_that_cannot_hold_the_text_escapes_it(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "NO_COLOR": "1"}
    preview = subprocess.run(
        [sys.executable, "-m", "quiz", "preview", str(MINIMAL)],
        capture_output=True, cwd=REPO, env=env, timeout=120,
    )  # fmt: skip
    assert preview.returncode == 0, preview.stderr
    assert b"\\u2713 1. A small, brief movement" in preview.stdout  # the check mark, escaped
    study = ["study", "--plain", "--data-dir", str(tmp_path), str(MINIMAL)]
    plain = subprocess.run(
        [sys.executable, "-m", "quiz", *study],
        input=b"\n1\nq\n", capture_output=True, cwd=REPO, env=env, timeout=120,
    )  # fmt: skip
    assert plain.returncode == 0, plain.stderr
    assert b"Traceback" not in plain.stderr
