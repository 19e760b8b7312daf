"""`quiz check [PATH ...] [--format text|json] [--strict]`: load and lint bank files.

Each bank file is loaded (every error reported at file:line:col) and, when it loads, linted
(warnings with a rule id). Text output is one `file:line:col: severity: message [rule]` line
per finding (at most 100 per file, then one line "… and N more errors in this file from here
on") and a one-line summary; JSON output is one object with a record per bank. Exit
status: 0 with no errors (with --strict, no warnings either), 1 otherwise; argparse gives 2
on a usage error. A path that does not exist, or a folder that holds no bank, is an error.

The linter (and textstat, which it loads) is imported only here, so that the quiz app
starts without them.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from quiz.bank.discover import BANK_SUFFIXES, find_bank_files, shipped_decks_dir
from quiz.bank.findings import BankLoadError, Finding, Severity
from quiz.commands import report
from quiz.safe_text import safe_json, safe_line


@dataclass
class BankResult:
    """What checking one bank file found."""

    path: str
    bank_id: str | None = None
    questions: int = 0
    reading_grade: float | None = None
    #: at most MAX_FINDINGS_PER_FILE, then a note about the rest
    findings: list[Finding] = field(default_factory=list)
    #: errors and warnings found past the cap (counted, not kept)
    more_errors: int = 0
    more_warnings: int = 0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.more_errors

    @property
    def warning_count(self) -> int:
        return len(self.warnings) + self.more_warnings

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,  # exact: safe_json escapes what a terminal could act on
            "id": self.bank_id,
            "questions": self.questions,
            "reading_grade": (None if self.reading_grade is None else round(self.reading_grade, 2)),
            "errors": [f.to_json() for f in self.errors],
            "warnings": [f.to_json() for f in self.warnings],
            "more_errors": self.more_errors,
            "more_warnings": self.more_warnings,
        }


def check_file(path: Path) -> BankResult:
    """Load and lint one bank file."""
    from quiz.bank.gcpause import gc_paused
    from quiz.bank.lint import lint_bank_report
    from quiz.bank.load import display_path, load_bank

    result = BankResult(display_path(path))
    try:
        bank = load_bank(path)
    except BankLoadError as e:
        result.findings = list(e.findings)
        result.more_errors = e.more_errors
        return result
    with gc_paused():  # linear at any size: see gc_paused
        report = lint_bank_report(bank)
    result.bank_id = bank.id
    result.questions = len(bank.questions)
    result.reading_grade = report.reading_grade
    result.findings = report.findings
    result.more_warnings = report.more_warnings
    return result


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def run(args: argparse.Namespace) -> int:
    """Check the banks named on the command line; return the exit status."""
    paths: list[Path] = list(args.paths) or [shipped_decks_dir()]
    problems: list[str] = []
    files: list[Path] = []
    for p in paths:
        found, missing = find_bank_files([p])
        if missing:
            problems.append(f"{safe_line(str(p))}: no such file or folder")
        elif not found:
            suffixes = ", ".join(f"*{s}" for s in BANK_SUFFIXES)
            problems.append(f"{safe_line(str(p))}: no bank files ({suffixes}) in this folder")
        files.extend(f for f in found if f not in files)

    if files:
        from quiz.bank.readability import load_dictionary

        load_dictionary()
    results = [check_file(f) for f in files]
    n_errors = sum(r.error_count for r in results) + len(problems)
    n_warnings = sum(r.warning_count for r in results)

    for problem in problems:
        report("quiz check: error", problem)
    if args.format == "json":
        out = {
            "banks": [r.to_json() for r in results],
            "errors": n_errors,
            "warnings": n_warnings,
            "missing": problems,
        }
        print(safe_json(out))
    else:
        for r in results:
            for finding in r.findings:
                print(finding.format())
        n_questions = sum(r.questions for r in results)
        summary = (
            f"{_plural(len(results), 'bank')} checked ({_plural(n_questions, 'question')}): "
            f"{_plural(n_errors, 'error')}, {_plural(n_warnings, 'warning')}"
        )
        if args.strict and n_warnings and not n_errors:
            summary += " (--strict: warnings fail the check)"
        print(summary)
    failed = n_errors > 0 or (args.strict and n_warnings > 0)
    return 1 if failed else 0
