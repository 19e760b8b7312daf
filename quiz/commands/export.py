"""`quiz export FORMAT [BANK ...] -o FILE`: write banks to another tool's format.

The formats are the rows of `quiz.export.formats.FORMATS` (Anki, CSV, Excel, Moodle XML,
GIFT, QTI, the patient handout); every one takes the same arguments: bank ids, bank files
or folders (default: the shipped banks) and `-o FILE`.

Every bank is loaded first; if any file has an error, each error is printed (file:line:col)
and nothing is written. The output must be new or a regular file that is not a bank (see
`_output_problem`); it is written beside its name and renamed into place, so it appears
whole or not at all. Exports are stamped with the current time, or with
`SOURCE_DATE_EPOCH` when it is set (reproducible builds).

The Anki export also keeps a ledger beside the package (or `--ledger FILE`): it remembers
each note's content and modification time, so a re-export updates only the notes that
changed, and it warns when a question's type changed since the last export.
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
from quiz.export.formats import FORMATS, ExportFormat, export_format
from quiz.safe_text import safe_line


def add_parsers(export_sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """One subcommand per row of the formats table, all with the same arguments."""
    for fmt in FORMATS:
        p = export_sub.add_parser(fmt.name, help=fmt.help)
        p.add_argument(
            "paths",
            nargs="*",
            type=Path,
            metavar="BANK",
            help="bank ids, bank files or folders (default: the shipped banks)",
        )
        shown = "|".join(f"FILE{s}" for s in fmt.suffixes)
        p.add_argument("-o", "--output", type=Path, required=True, metavar=shown)
        if fmt.name == "handout":
            p.add_argument("--large", action="store_true", help="large print")
            p.add_argument(
                "--teach-back",
                action="store_true",
                help="add a page that asks the patient to explain the facts in their own words",
            )
            p.add_argument("--qr", metavar="URL", help="print a QR code linking to a study page")
            p.add_argument("--title", metavar="TEXT", help="the handout's title")
        if fmt.name == "anki":
            p.add_argument(
                "--ledger",
                type=Path,
                metavar="FILE",
                help="what was exported before (default: FILE.anki-ledger.json beside the package)",
            )


def _error(prog: str, message: str) -> int:
    report(f"{prog}: error", message)
    return 1


def _resolve(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Bank files for BANK arguments: existing files and folders as given, else a shipped
    bank id (`red-flags`). Returns (bank files, arguments that matched nothing)."""
    decks = shipped_decks_dir()
    files: list[Path] = []
    missing: list[Path] = []
    by_id: dict[str, Path] | None = None
    for p in paths:
        if p.exists() or p.is_symlink():
            found, gone = find_bank_files([p])
            files.extend(found)
            missing.extend(gone)
            continue
        name = str(p)
        direct = decks / f"{name}.yaml"
        if "/" not in name and direct.is_file():
            files.append(direct)
            continue
        if by_id is None:
            by_id = _shipped_by_id(decks)
        if name in by_id:
            files.append(by_id[name])
        else:
            missing.append(p)
    unique: dict[Path, Path] = {}
    for f in files:
        unique.setdefault(f.resolve(), f)
    return list(unique.values()), missing


def _shipped_by_id(decks: Path) -> dict[str, Path]:
    from quiz.bank.load import load_bank

    found: dict[str, Path] = {}
    for f in find_bank_files([decks])[0]:
        try:
            found.setdefault(load_bank(f).id, f)
        except BankLoadError:
            continue
    return found


def _load_banks(
    prog: str, paths: list[Path], files: list[Path], missing: list[Path]
) -> list[Bank] | None:
    """Every bank of `files` (found under `paths`), or None after printing every error."""
    ok = True
    for m in missing:
        print(f"{safe_line(str(m))}: error: no such file or folder", file=sys.stderr)
        ok = False
    if not files and not missing:
        shown = ", ".join(str(p) for p in paths)
        _error(prog, f"no bank files (*.yaml, *.yml) in {shown}")
        return None
    try:
        banks = load_bank_files(files)
    except BankLoadError as e:
        for finding in e.findings:
            print(finding.format(), file=sys.stderr)
        return None
    return banks if ok else None


def _output_problem(fmt: ExportFormat, output: Path, inputs: list[Path]) -> str | None:
    """Why `output` must not be written, or None.

    The export replaces what `output` names, so it must be new or a regular file that is
    not a bank: a bank file (an input or any *.yaml / *.yml) would be lost, and replacing a
    folder, a device such as /dev/null (run as root) or a named pipe would damage more.
    """
    shown = str(output)
    what = "package" if fmt.name == "anki" else "file"
    if output.suffix.lower() in BANK_SUFFIXES:
        return f"{shown}: is a bank file name; give the {what}'s name, e.g. -o {fmt.example}"
    if fmt.name == "handout" and output.suffix.lower() not in fmt.suffixes:
        return f"{shown}: a handout is written as .pdf or .html; e.g. -o handout.pdf"
    try:
        info = output.stat()
    except FileNotFoundError:
        return None
    except OSError as e:
        return f"cannot write {shown}: {e.strerror or e}"
    if stat.S_ISDIR(info.st_mode):
        return f"{shown}: is a folder; give the {what}'s file name, e.g. -o {fmt.example}"
    if not stat.S_ISREG(info.st_mode):
        return f"{shown}: exists and is not a regular file; give a new file name"
    for f in inputs:
        try:
            if os.path.samefile(f, output):
                return f"{shown}: is the input bank {f}; give another name"
        except OSError:
            continue
    return None


def _duplicate_ids(banks: list[Bank]) -> str | None:
    seen: dict[str, Bank] = {}
    for bank in banks:
        if bank.id in seen:
            first = seen[bank.id].path or "a bank"
            return f"{bank.path or 'a bank'}: bank id '{bank.id}' is also the id of {first}"
        seen[bank.id] = bank
    return None


def run_export(fmt: ExportFormat, paths: list[Path], output: Path, args: object = None) -> int:
    """Export the banks under `paths` (default: the shipped banks) to `output` in `fmt`."""
    from quiz.export.base import ExportError, ExportOptions

    prog = f"quiz export {fmt.name}"
    inputs = paths or [shipped_decks_dir()]
    files, missing = _resolve(inputs)
    problem = _output_problem(fmt, output, files)
    if problem is not None:
        return _error(prog, problem)
    banks = _load_banks(prog, inputs, files, missing)
    if banks is None:
        return 1
    duplicate = _duplicate_ids(banks)
    if duplicate is not None:
        return _error(prog, duplicate)
    if fmt.one_bank and len(banks) != 1:
        return _error(
            prog,
            f"a spreadsheet holds one bank, and {len(banks)} were given; "
            f"export them one at a time (quiz export {fmt.name} BANK -o FILE)",
        )
    from quiz.export.anki import export_timestamp

    try:
        timestamp = export_timestamp(os.environ, time.time())
    except ValueError as e:
        return _error(prog, str(e))
    if fmt.name == "anki":
        return _write_anki(prog, banks, files, output, timestamp, getattr(args, "ledger", None))
    qr = getattr(args, "qr", None)
    if qr is not None and not _is_web_address(qr):
        return _error(prog, f"--qr needs a web address (https://...), not {qr!r}")
    options = ExportOptions(
        timestamp=timestamp,
        large=bool(getattr(args, "large", False)),
        teach_back=bool(getattr(args, "teach_back", False)),
        qr_url=qr,
        title=getattr(args, "title", None),
    )
    try:
        summary = fmt.write(banks, output, options)
    except ExportError as e:
        return _error(prog, str(e))
    except OSError as e:
        return _error(prog, f"cannot write {output}: {e.strerror or e}")
    print(f"Wrote {safe_line(str(output))}: {summary}")
    return 0


def _is_web_address(text: str) -> bool:
    from urllib.parse import urlsplit

    if any(c.isspace() or not c.isprintable() for c in text) or len(text) > 2000:
        return False
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _write_anki(
    prog: str,
    banks: list[Bank],
    files: list[Path],
    output: Path,
    timestamp: float,
    ledger: Path | None,
) -> int:
    """The Anki package and its ledger (`ledger`, default: beside `output`) of what each
    note looked like and since when."""
    from quiz.export import anki, anki_ledger

    ledger_path = ledger or anki_ledger.default_ledger_path(output)
    problem = anki_ledger.ledger_path_problem(ledger_path, output, files)
    if problem is not None:
        return _error(prog, problem)
    try:
        previous = anki_ledger.read_ledger(ledger_path)
    except ValueError as e:  # LedgerError
        return _error(prog, f"ledger {ledger_path}: {e}")
    try:
        summary = anki.export_anki(banks, output, timestamp=timestamp, ledger=previous)
    except anki.DuplicateBankError as e:
        return _error(prog, str(e))
    except OSError as e:
        return _error(prog, f"cannot write {output}: {e.strerror or e}")
    assert summary.ledger is not None and summary.changes is not None
    for change in summary.changes.type_changes:
        report(prog, anki.type_change_message(change))
    try:
        anki_ledger.write_ledger(summary.ledger, ledger_path)
    except OSError as e:
        return _error(
            prog, f"wrote {output}, but cannot write the ledger {ledger_path}: {e.strerror or e}"
        )
    print(
        f"Wrote {safe_line(str(summary.path))}: {summary.decks} deck(s), {summary.notes} note(s), "
        f"{summary.cards} card(s)"
    )
    print(f"Ledger {safe_line(str(ledger_path))}: {anki.changes_message(summary.changes)}")
    return 0


def run_anki(paths: list[Path], output: Path, ledger: Path | None = None) -> int:
    """Export the banks under `paths` (default: the shipped banks) to an Anki package."""
    return run_export(export_format("anki"), paths, output, argparse.Namespace(ledger=ledger))


def run(args: argparse.Namespace) -> int:
    """Dispatch `quiz export <format>`."""
    try:
        fmt = export_format(args.target)
    except KeyError:
        print(f"quiz export: error: unknown format {args.target!r}", file=sys.stderr)
        return 2
    return run_export(fmt, list(args.paths), Path(args.output), args)
