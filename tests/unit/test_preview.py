"""`quiz preview`: instructors see every item as learners will, with its key."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from quiz.bank.load import load_bank
from quiz.cli import main
from quiz.commands.preview import render_question

DATA = Path(__file__).resolve().parents[1] / "data"
MINIMAL = DATA / "good" / "minimal.yaml"


def test_preview_shows_every_item_with_its_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", str(MINIMAL)]) == 0
    out = capsys.readouterr().out
    for qid in ("what-is-twitch", "tf-common", "cloze-cramp", "weak", "emg", "multi-triggers"):
        assert f"[{qid}]" in out
    assert "✓ 1. A small, brief movement of a few muscle fibres" in out
    assert "  2. A long, painful tightening of a whole muscle" in out
    assert "why: That describes a cramp." in out
    assert "A cramp is a sudden [...] tightening of a muscle." in out  # cloze masked
    assert "Blank 1 (c1): painful" in out
    assert "Answer: EMG\n   Also accepted: electromyography\n" in out
    assert "! What to do: See your doctor" in out  # the red-flag action
    assert "Source: A document, section “Intro”" in out


def test_preview_one_question(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", str(MINIMAL), "--question", "emg"]) == 0
    out = capsys.readouterr().out
    assert "[emg]" in out and "[tf-common]" not in out


def test_preview_unknown_question_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", str(MINIMAL), "--question", "nope"]) == 1
    assert "no question with id 'nope'" in capsys.readouterr().err


def test_preview_bad_bank_reports_file_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.read_text("utf-8").replace("explanation:", "explaination:", 1))
    assert main(["preview", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.yaml:" in err and "unknown key 'explaination'" in err


def test_preview_refuses_control_characters_and_shows_text_literally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = tmp_path / "hostile.yaml"
    text = MINIMAL.read_text("utf-8").replace(
        "prompt: What is a muscle twitch?", 'prompt: "[bold]What\\e[31m is a twitch?"'
    )
    hostile.write_text(text, "utf-8")
    assert main(["preview", str(hostile), "--question", "what-is-twitch"]) == 1
    out, err = capsys.readouterr()
    assert "hostile.yaml:12:13: error:" in err and "U+001B (ESC)" in err
    assert "[control-character]" in err
    assert "\x1b" not in out + err
    # Text that reached preview another way is escaped, markup shown as written.
    bank = load_bank(MINIMAL)
    q = replace(bank.questions[0], prompt="[bold]What\x1b[31m is a \u202etwitch?")
    lines = "\n".join(render_question(bank, q, 1))
    assert "[bold]What\\x1b[31m is a \\u202etwitch?" in lines
    assert "\x1b" not in lines and "\u202e" not in lines


def test_preview_shipped_bank_by_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", "red-flags"]) == 0
    assert "RED FLAG" in capsys.readouterr().out


CLOZE = """\
id: cl
title: Cloze
description: Cloze preview.
version: 1
sources: [{id: doc, title: Doc}]
questions:
  - id: thyroid-blank
    type: cloze
    prompt: "An overactive {{c1::thyroid::a gland in the neck}} can cause {{c2::twitching}}."
    alternatives:
      c1: [thyroid gland, "[bold]the thyroid"]
    explanation: The thyroid sets the pace.
    source: {id: doc, section: Intro}
    topics: [basics]
"""


def test_preview_shows_cloze_hints_and_alternatives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = tmp_path / "cl.yaml"
    bank.write_text(CLOZE, "utf-8")
    assert main(["preview", str(bank)]) == 0
    out = capsys.readouterr().out
    # the learner's view: the hint stands in the gap, a gap without one is [...]
    assert "An overactive [a gland in the neck] can cause [...]." in out
    # the key: each blank, its hint and what else is accepted for it (markup shown as written)
    lines = [" ".join(line.split()) for line in out.splitlines()]
    joined = " ".join(lines)
    assert (
        "Blank 1 (c1): thyroid · hint: a gland in the neck · also accepted: thyroid gland; "
        "[bold]the thyroid" in joined
    )
    assert "Blank 2 (c2): twitching" in lines


def test_preview_typed_item_with_one_answer_has_no_alternatives_line() -> None:
    bank = load_bank(MINIMAL)
    q = replace(bank.question("emg"), answers=("EMG",))
    lines = list(render_question(bank, q, 1))
    assert "   Answer: EMG" in lines
    assert not any("Also accepted" in line for line in lines)
