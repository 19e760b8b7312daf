"""Findings (errors and warnings about a bank file), their per-file cap, and the loader's
own exception."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from quiz.safe_text import safe_line


class Severity(str, Enum):
    """How bad a finding is: errors make a bank unusable, warnings are advice."""

    ERROR = "error"
    WARNING = "warning"
    #: neither: the line that says how many findings past the cap are not shown
    NOTE = "note"


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


#: Findings kept for one file; of the rest, only a count (and where they start) is kept.
MAX_FINDINGS_PER_FILE = 100
#: The rule id of the note that stands for the findings past the cap.
TOO_MANY_FINDINGS = "too-many-findings"


class _Kept:
    """A kept finding in the collector's heap, which keeps the latest one on top."""

    __slots__ = ("finding", "key")

    def __init__(self, key: tuple[int, int, str, int], finding: Finding) -> None:
        self.key = key
        self.finding = finding

    def __lt__(self, other: _Kept) -> bool:
        return self.key > other.key


class FindingCollector:
    """The first `limit` findings of one file in file order, and a count of the rest.

    A hostile bank of a few megabytes can hold millions of errors (6 million lines and
    3 GB were measured before this cap). The collector keeps the `limit` earliest by
    position in a heap and only counts the others, so memory stays bounded however many
    are offered, and a finding past the cap is not even built (`offer` takes a builder).
    `findings()` ends with one note, "… and N more errors in this file from here on",
    placed where the first finding not shown is.
    """

    def __init__(self, path: str, limit: int = MAX_FINDINGS_PER_FILE) -> None:
        self.path = path
        self.limit = limit
        self._heap: list[_Kept] = []
        self._seq = 0
        #: findings past the cap, by severity
        self.more: dict[Severity, int] = {}
        self._first_dropped: tuple[int, int, str, int] | None = None

    def __bool__(self) -> bool:
        return bool(self._heap)

    def offer(
        self, line: int, col: int, severity: Severity, build: Callable[[], Finding], tie: str = ""
    ) -> None:
        """Keep `build()` if it is among the first `limit` by (line, col, tie, order offered),
        else count it. `tie` orders findings at one position (the linter's rule id)."""
        key = (line, col, tie, self._seq)
        self._seq += 1
        heap = self._heap
        if len(heap) < self.limit:
            heapq.heappush(heap, _Kept(key, build()))
            return
        if heap and key < heap[0].key:
            dropped = heapq.heapreplace(heap, _Kept(key, build()))
            key, severity = dropped.key, dropped.finding.severity
        self.more[severity] = self.more.get(severity, 0) + 1
        if self._first_dropped is None or key < self._first_dropped:
            self._first_dropped = key

    def add(self, finding: Finding, tie: str = "") -> None:
        """Offer a finding already built."""
        self.offer(finding.line, finding.col, finding.severity, lambda: finding, tie)

    @property
    def more_errors(self) -> int:
        return self.more.get(Severity.ERROR, 0)

    @property
    def more_warnings(self) -> int:
        return self.more.get(Severity.WARNING, 0)

    def findings(self) -> list[Finding]:
        """The kept findings in file order, then the note about the rest (if any)."""
        kept = [k.finding for k in sorted(self._heap, key=lambda k: k.key)]
        if self._first_dropped is not None:
            line, col = self._first_dropped[:2]
            kept.append(
                Finding(
                    self.path, line, col, Severity.NOTE, TOO_MANY_FINDINGS, self._note_message()
                )
            )
        return kept

    def _note_message(self) -> str:
        counts = [
            f"{n:,} more {kind}{'' if n == 1 else 's'}"
            for kind, n in (("error", self.more_errors), ("warning", self.more_warnings))
            if n
        ]
        return (
            f"\u2026 and {' and '.join(counts)} in this file from here on "
            f"(only the first {self.limit} are shown)"
        )


class BankLoadError(Exception):
    """A bank file could not be loaded. Carries the errors found, each with file:line:col
    (at most `MAX_FINDINGS_PER_FILE` per file, then a note), and how many were not kept."""

    def __init__(self, findings: list[Finding], more_errors: int = 0) -> None:
        self.findings = findings
        #: errors found but not kept (past the cap), over every file
        self.more_errors = more_errors
        super().__init__("\n".join(f.format() for f in findings))

    @property
    def error_count(self) -> int:
        """Every error found, kept or not."""
        kept = sum(1 for f in self.findings if f.severity is Severity.ERROR)
        return kept + self.more_errors
