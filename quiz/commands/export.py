"""`quiz export anki [PATH ...] -o FILE.apkg`: write banks to one Anki package.

Every bank is loaded first; if any file has an error, each error is printed (file:line:col)
and nothing is written. The export is stamped with the current time, or with
`SOURCE_DATE_EPOCH` when it is set (reproducible builds).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from quiz.bank.catalog import load_bank_files
from quiz.bank.discover import find_bank_files, shipped_decks_dir
from quiz.bank.findings import BankLoadError
from quiz.bank.model import Bank

_PROG = "quiz export anki"


def _error(message: str) -> int:
    print(f"{_PROG}: error: {message}", file=sys.stderr)
    return 1


def _load_banks(paths: list[Path]) -> list[Bank] | None:
    """Every bank under `paths`, or None after printing every error found."""
    files, missing = find_bank_files(paths)
    ok = True
    for m in missing:
        print(f"{m}: error: no such file or folder", file=sys.stderr)
        ok = False
    if not files and not missing:
        shown = ", ".join(str(p) for p in paths)
        print(f"{_PROG}: error: no bank files (*.yaml, *.yml) in {shown}", file=sys.stderr)
        return None
    try:
        banks = load_bank_files(files)
    except BankLoadError as e:
        for finding in e.findings:
            print(finding.format(), file=sys.stderr)
        return None
    return banks if ok else None


def run_anki(paths: list[Path], output: Path) -> int:
    """Export the banks under `paths` (default: the shipped banks) to `output`."""
    banks = _load_banks(paths or [shipped_decks_dir()])
    if banks is None:
        return 1
    from quiz.export.anki import DuplicateBankError, export_anki, export_timestamp

    try:
        timestamp = export_timestamp(os.environ, time.time())
    except ValueError as e:
        return _error(str(e))
    if output.is_dir():
        return _error(f"{output}: is a folder; give the package's file name, e.g. -o banks.apkg")
    try:
        summary = export_anki(banks, output, timestamp=timestamp)
    except DuplicateBankError as e:
        return _error(str(e))
    except OSError as e:
        return _error(f"cannot write {output}: {e.strerror or e}")
    print(
        f"Wrote {summary.path}: {summary.decks} deck(s), {summary.notes} note(s), "
        f"{summary.cards} card(s)"
    )
    return 0


def run(args: argparse.Namespace) -> int:
    """Dispatch `quiz export <target>`."""
    if args.target == "anki":
        return run_anki(list(args.paths), Path(args.output))
    print(f"quiz export: error: unknown target {args.target!r}", file=sys.stderr)
    return 2
