"""The per-file cap on findings: the first 100 in file order are kept, the rest counted."""

from __future__ import annotations

from quiz.bank.findings import (
    MAX_FINDINGS_PER_FILE,
    TOO_MANY_FINDINGS,
    Finding,
    FindingCollector,
    Severity,
)


def finding(line: int, severity: Severity = Severity.ERROR) -> Finding:
    return Finding("b.yaml", line, 1, severity, "rule", f"at {line}")


def test_under_the_cap_everything_is_kept_in_file_order() -> None:
    c = FindingCollector("b.yaml")
    for line in (5, 3, 9):
        c.add(finding(line))
    assert [f.line for f in c.findings()] == [3, 5, 9]
    assert c.more_errors == 0


def test_past_the_cap_the_earliest_are_kept_and_one_note_counts_the_rest() -> None:
    c = FindingCollector("b.yaml")
    for line in range(10_000, 0, -1):  # offered last line first
        c.add(finding(line, Severity.ERROR if line % 2 else Severity.WARNING))
    found = c.findings()
    assert len(found) == MAX_FINDINGS_PER_FILE + 1
    assert [f.line for f in found[:-1]] == list(range(1, MAX_FINDINGS_PER_FILE + 1))
    note = found[-1]
    assert (note.severity, note.rule, note.line) == (Severity.NOTE, TOO_MANY_FINDINGS, 101)
    assert c.more_errors == c.more_warnings == 4_950
    assert note.format() == (
        "b.yaml:101:1: note: \u2026 and 4,950 more errors and 4,950 more warnings in this file "
        "from here on (only the first 100 are shown) [too-many-findings]"
    )


def test_a_finding_past_the_cap_is_not_even_built() -> None:
    c = FindingCollector("b.yaml", limit=2)
    built: list[int] = []

    def build(line: int) -> Finding:
        built.append(line)
        return finding(line)

    for line in range(1, 1001):
        c.offer(line, 1, Severity.ERROR, lambda line=line: build(line))  # type: ignore[misc]
    assert built == [1, 2]
    assert c.more_errors == 998
    assert [f.line for f in c.findings()] == [1, 2, 3]


def test_ties_keep_the_order_offered() -> None:
    c = FindingCollector("b.yaml", limit=2)
    for message in ("first", "second", "third"):
        c.add(Finding("b.yaml", 1, 1, Severity.ERROR, "r", message))
    assert [f.message for f in c.findings()[:2]] == ["first", "second"]
