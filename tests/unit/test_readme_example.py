"""The bank example in README.md is a real, lint-clean bank: docs cannot drift from the format."""

from __future__ import annotations

import re
from pathlib import Path

from quiz.bank.lint import lint_bank
from quiz.bank.load import load_bank_bytes
from quiz.bank.model import QuestionType

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_bank_example_loads_and_lints_clean() -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text("utf-8"), re.DOTALL)
    assert blocks, "README.md has no yaml example"
    bank = load_bank_bytes(blocks[0].encode("utf-8"), "README.md")
    assert [f.format() for f in lint_bank(bank)] == []
    assert {q.type for q in bank.questions} >= {
        QuestionType.SINGLE,
        QuestionType.TRUE_FALSE,
        QuestionType.CLOZE,
        QuestionType.FLASHCARD,
        QuestionType.TYPED,
    }
