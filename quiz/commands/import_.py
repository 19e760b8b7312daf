"""`quiz import FILE.csv|FILE.xlsx -o BANK.yaml` and `quiz import --template FILE`.

The spreadsheet (layout: `quiz.imports.layout`, docs/formats.md) becomes a YAML bank. Every
error is printed at its cell (`file:row:COLUMN (header)`), all at once, and nothing is
written (exit 1). A bank that loads is then checked as `quiz check` would: its warnings are
shown at their cells, and the bank is written. `--template` writes a spreadsheet with the
header rows and one example question of each type.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from pathlib import Path

from quiz.commands import report
from quiz.safe_text import safe_line

_PROG = "quiz import"


def _error(message: str) -> int:
    report(f"{_PROG}: error", message)
    return 1


def _output_problem(output: Path, source: Path | None, suffixes: tuple[str, ...]) -> str | None:
    shown = str(output)
    if output.suffix.lower() not in suffixes:
        return f"{shown}: give a {' or '.join(suffixes)} file name"
    try:
        info = output.stat()
    except FileNotFoundError:
        return None
    except OSError as e:
        return f"cannot write {shown}: {e.strerror or e}"
    if not stat.S_ISREG(info.st_mode):
        return f"{shown}: exists and is not a regular file; give a new file name"
    if source is not None:
        try:
            if os.path.samefile(source, output):
                return f"{shown}: is the spreadsheet being imported; give another name"
        except OSError:
            pass
    return None


def run_template(output: Path) -> int:
    """Write the template spreadsheet."""
    from quiz.export.base import write_atomically
    from quiz.imports.layout import bank_tables, tables_csv, tables_xlsx
    from quiz.imports.template import template_bank

    problem = _output_problem(output, None, (".xlsx", ".csv"))
    if problem:
        return _error(problem)
    tables = bank_tables(template_bank())
    data = tables_xlsx(tables) if output.suffix.lower() == ".xlsx" else tables_csv(tables)
    try:
        write_atomically(output, data)
    except OSError as e:
        return _error(f"cannot write {output}: {e.strerror or e}")
    print(
        f"Wrote {safe_line(str(output))}: the header rows and one example question of each "
        f"type; replace them with yours, then run: quiz import {safe_line(str(output))} "
        f"-o my-bank.yaml"
    )
    return 0


def run_import(source: Path, output: Path) -> int:
    """Import `source` into the bank file `output`."""
    from quiz.bank.load import display_path
    from quiz.export.base import write_atomically
    from quiz.imports.spreadsheet import SpreadsheetError, import_spreadsheet

    problem = _output_problem(output, source, (".yaml", ".yml"))
    if problem:
        return _error(problem)
    if not source.exists():
        return _error(f"{source}: no such file")
    try:
        result = import_spreadsheet(source, display_path(source))
    except SpreadsheetError as e:
        for f in e.findings:
            print(f.format(), file=sys.stderr)
        n = len(e.findings)
        print(f"{_PROG}: {n} error{'s' if n != 1 else ''}; nothing written", file=sys.stderr)
        return 1
    for w in result.warnings:
        print(w.format())
    try:
        write_atomically(output, result.yaml_text.encode("utf-8"))
    except OSError as e:
        return _error(f"cannot write {output}: {e.strerror or e}")
    n_warn = len(result.warnings)
    n_q = len(result.bank.questions)
    print(
        f"Wrote {safe_line(str(output))}: bank '{safe_line(result.bank.id)}', "
        f"{n_q} question{'s' if n_q != 1 else ''}; checked: 0 errors, "
        f"{n_warn} warning{'s' if n_warn != 1 else ''}"
    )
    return 0


def run(args: argparse.Namespace) -> int:
    """Dispatch `quiz import`."""
    if args.template is not None:
        if args.source is not None or args.output is not None:
            return _error("--template FILE takes no other arguments")
        return run_template(Path(args.template))
    if args.source is None or args.output is None:
        return _error("give a spreadsheet and -o BANK.yaml (or --template FILE.xlsx)")
    return run_import(Path(args.source), Path(args.output))
