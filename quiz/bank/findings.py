"""Findings (errors and warnings about a bank file) and the loader's own exception."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from quiz.safe_text import safe_line


class Severity(str, Enum):
    """How bad a finding is: errors make a bank unusable, warnings are advice."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place in one file."""

    path: str
    line: int
    col: int
    severity: Severity
    rule: str
    message: str
    question: str | None = None

    def format(self) -> str:
        """`file:line:col: severity: [question 'id': ]message [rule]`, as compilers print.

        One line, safe for a terminal: the path (a file name may hold ESC, BEL or a newline)
        and the message (it may quote bank text) go through the one sanitizer.
        """
        where = f"question '{safe_line(self.question)}': " if self.question else ""
        return (
            f"{safe_line(self.path)}:{self.line}:{self.col}: {self.severity.value}: "
            f"{where}{safe_line(self.message)} [{safe_line(self.rule)}]"
        )

    def to_json(self) -> dict[str, object]:
        """The finding as a JSON-ready dict (without the path, which the bank carries)."""
        return {
            "line": self.line,
            "col": self.col,
            "rule": self.rule,
            "message": self.message,
            "question": self.question,
        }


class BankLoadError(Exception):
    """A bank file could not be loaded. Carries every error found, each with file:line:col."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__("\n".join(f.format() for f in findings))
