"""`quiz export anki [PATH ...] -o FILE.apkg`: write banks to one Anki package.

Every bank is loaded first; if any file has an error, each error is printed (file:line:col)
and nothing is written. The output must be new or a regular file that is not a bank (see
`_output_problem`); the package is written beside it and renamed into place, so it appears
whole or not at all. A ledger beside it (or `--ledger FILE`) remembers each note's content
and modification time, so a re-export updates only the notes that changed; changed notes
get the current time, or `SOURCE_DATE_EPOCH` when it is set (reproducible builds).
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
import time
from pathlib import Path

from quiz.bank.catalog import load_bank_files
from quiz.bank.discover import BANK_SUFFIXES, find_bank_files, shipped_decks_dir
from quiz.bank.findings import BankLoadError
from quiz.bank.model import Bank
from quiz.commands import report
from quiz.safe_text import safe_line

_PROG = "quiz export anki"


def _error(message: str) -> int:
    report(f"{_PROG}: error", message)
    return 1


def _load_banks(paths: list[Path], files: list[Path], missing: list[Path]) -> list[Bank] | None:
    """Every bank of `files` (found under `paths`), or None after printing every error."""
    ok = True
    for m in missing:
        print(f"{safe_line(str(m))}: error: no such file or folder", file=sys.stderr)
        ok = False
    if not files and not missing:
        shown = ", ".join(str(p) for p in paths)
        _error(f"no bank files (*.yaml, *.yml) in {shown}")
        return None
    try:
        banks = load_bank_files(files)
    except BankLoadError as e:
        for finding in e.findings:
            print(finding.format(), file=sys.stderr)
        return None
    return banks if ok else None


def _output_problem(output: Path, inputs: list[Path]) -> str | None:
    """Why `output` must not be written, or None.

    The package replaces what `output` names, so it must be new or a regular file that is
    not a bank: a bank file (an input or any *.yaml / *.yml) would be lost, and replacing a
    folder, a device such as /dev/null (run as root) or a named pipe would damage more.
    """
    shown = str(output)
    if output.suffix.lower() in BANK_SUFFIXES:
        return f"{shown}: is a bank file name; give the package's name, e.g. -o banks.apkg"
    try:
        info = output.stat()
    except FileNotFoundError:
        return None
    except OSError as e:
        return f"cannot write {shown}: {e.strerror or e}"
    if stat.S_ISDIR(info.st_mode):
        return f"{shown}: is a folder; give the package's file name, e.g. -o banks.apkg"
    if not stat.S_ISREG(info.st_mode):
        return f"{shown}: exists and is not a regular file; give a new file name"
    for f in inputs:
        try:
            if os.path.samefile(f, output):
                return f"{shown}: is the input bank {f}; give another name"
        except OSError:
            continue
    return None


def run_anki(paths: list[Path], output: Path, ledger: Path | None = None) -> int:
    """Export the banks under `paths` (default: the shipped banks) to `output`, keeping the
    ledger (`ledger`, default: beside `output`) of what each note looked like and since when."""
    inputs = paths or [shipped_decks_dir()]
    files, missing = find_bank_files(inputs)
    problem = _output_problem(output, files)
    if problem is not None:
        return _error(problem)
    from quiz.export import anki_ledger

    ledger_path = ledger or anki_ledger.default_ledger_path(output)
    problem = anki_ledger.ledger_path_problem(ledger_path, output, files)
    if problem is not None:
        return _error(problem)
    banks = _load_banks(inputs, files, missing)
    if banks is None:
        return 1
    from quiz.export import anki

    try:
        timestamp = anki.export_timestamp(os.environ, time.time())
        previous = anki_ledger.read_ledger(ledger_path)
    except ValueError as e:  # also LedgerError
        where = f"ledger {ledger_path}: " if isinstance(e, anki_ledger.LedgerError) else ""
        return _error(f"{where}{e}")
    try:
        summary = anki.export_anki(banks, output, timestamp=timestamp, ledger=previous)
    except anki.DuplicateBankError as e:
        return _error(str(e))
    except OSError as e:
        return _error(f"cannot write {output}: {e.strerror or e}")
    assert summary.ledger is not None and summary.changes is not None
    for change in summary.changes.type_changes:
        report(_PROG, anki.type_change_message(change))
    try:
        anki_ledger.write_ledger(summary.ledger, ledger_path)
    except OSError as e:
        return _error(
            f"wrote {output}, but cannot write the ledger {ledger_path}: {e.strerror or e}"
        )
    print(
        f"Wrote {safe_line(str(summary.path))}: {summary.decks} deck(s), {summary.notes} note(s), "
        f"{summary.cards} card(s)"
    )
    print(f"Ledger {safe_line(str(ledger_path))}: {anki.changes_message(summary.changes)}")
    return 0


def run(args: argparse.Namespace) -> int:
    """Dispatch `quiz export <target>`."""
    if args.target == "anki":
        return run_anki(list(args.paths), Path(args.output), getattr(args, "ledger", None))
    print(f"quiz export: error: unknown target {args.target!r}", file=sys.stderr)
    return 2
