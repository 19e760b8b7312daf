"""`quiz study [BANK ...] [--plain] [--practice] [--new-limit N] [--limit N] [--minutes M]
[--data-dir D]`.

Resolves BANK arguments (a shipped bank id, a bank file or a folder; default: every shipped
bank), opens the review store, loads the banks (errors printed file:line:col, exit 1), and
hands everything to a front end: the plain line mode with `--plain`, else the terminal app
(`quiz.tui.app.run_app`). Without a terminal on stdin, stdout and stderr the app is not
started (nor Textual imported): the command says to use `--plain` and exits 2.

Bank files whose exact bytes the store has synced before (the usual case: every start after
the first) are not parsed before the app's home screen, which needs only their ids, titles
and the store's counts; they are parsed when the learner studies them (`open_catalog`).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.bank.catalog import BankCatalog, BankFile, load_bank_files, read_bank_files
from quiz.bank.discover import find_bank_files, shipped_decks_dir
from quiz.bank.findings import BankLoadError
from quiz.commands import report
from quiz.engine.overview import check_unique_ids, sync_catalog
from quiz.safe_text import safe_line

if TYPE_CHECKING:
    from quiz.bank.model import Bank
    from quiz.engine.store import ReviewStore


class BankSelectionError(Exception):
    """The BANK arguments could not be turned into banks; the message lists every problem."""


def utc_now() -> datetime:
    """The real clock, timezone-aware UTC."""
    return datetime.now(timezone.utc)


def _shipped_by_id(decks: Path) -> dict[str, Path]:
    from quiz.bank.load import load_bank

    found: dict[str, Path] = {}
    files, _ = find_bank_files([decks])
    for f in files:
        try:
            found.setdefault(load_bank(f).id, f)
        except BankLoadError:
            continue
    return found


def resolve_bank_files(specs: Sequence[str], decks: Path | None = None) -> list[Path]:
    """Bank files for BANK arguments: existing files and folders as given, anything else a
    shipped bank id. Raises `BankSelectionError` naming what matched nothing."""
    decks = decks or shipped_decks_dir()
    if not specs:
        files, _ = find_bank_files([decks])
        if not files:
            raise BankSelectionError(f"no banks found in {safe_line(str(decks))}")
        return files
    files = []
    problems = []
    shipped: dict[str, Path] | None = None
    for spec in specs:
        p = Path(spec)
        shown = safe_line(spec)
        if p.exists():
            found, _ = find_bank_files([p])
            if not found:
                problems.append(f"{shown}: no bank files (*.yaml) in this folder")
            files.extend(found)
            continue
        direct = decks / f"{spec}.yaml"
        if direct.is_file():
            files.append(direct)
            continue
        if shipped is None:
            shipped = _shipped_by_id(decks)
        if spec in shipped:
            files.append(shipped[spec])
        else:
            names = ", ".join(sorted(shipped)) or "none"
            problems.append(
                f"{shown}: not a shipped bank id, a bank file or a folder (shipped banks: {names})"
            )
    if problems:
        raise BankSelectionError("\n".join(problems))
    unique: dict[Path, Path] = {}
    for f in files:
        unique.setdefault(f.resolve(), f)
    return list(unique.values())


def load_banks(files: Sequence[Path | BankFile]) -> list[Bank]:
    """Load every file (a path, or bytes already read); raises `BankLoadError` with the
    findings of every file that failed, or `BankSelectionError` when two banks share an id."""
    banks = load_bank_files(files)
    try:
        check_unique_ids(banks)
    except ValueError as e:
        raise BankSelectionError(f"{e}: study them separately or give one a new id") from None
    return banks


def open_catalog(files: Sequence[Path], store: ReviewStore) -> BankCatalog:
    """The banks of these files for a front end. Files whose exact bytes the store synced
    before are not parsed until studied (`BankCatalog.known`); otherwise every file is
    loaded and checked now (raising as `load_banks` does)."""
    read = read_bank_files(files)
    if read is not None:
        known = BankCatalog.known(read, store.synced_digests())
        if known is not None:
            return known
    return BankCatalog.of(load_banks(read if read is not None else files))


NO_TERMINAL = (
    "quiz: no terminal: the full-screen quiz needs one on stdin, stdout and stderr; "
    "use 'quiz study --plain' for the line-by-line quiz"
)


def has_terminal() -> bool:
    """stdin, stdout and stderr are all a terminal. Else the full-screen app would wait for
    keys that never come (stdin), or draw where nobody sees it: Textual draws on stderr,
    and the goodbye line goes to stdout."""
    try:
        streams = (sys.stdin, sys.stdout, sys.stderr)
        return all(s is not None and s.isatty() for s in streams)
    except (AttributeError, ValueError):
        return False  # a closed or replaced stream


def _report(e: Exception) -> None:
    """Print bank problems to stderr: findings as file:line:col, others after `quiz:`."""
    if isinstance(e, BankLoadError):
        for f in e.findings:
            print(f.format(), file=sys.stderr)
    else:
        report("quiz", e)


def run(args: argparse.Namespace) -> int:
    """Entry point of `quiz study`."""
    from quiz.engine.overview import DEFAULT_NEW_LIMIT, DEFAULT_SESSION_SIZE, SessionOptions
    from quiz.engine.store import ReviewStore, StoreError, StoreFault

    new_limit = DEFAULT_NEW_LIMIT if args.new_limit is None else args.new_limit
    if new_limit < 0:
        print("quiz study: --new-limit must be 0 or more", file=sys.stderr)
        return 2
    limit = DEFAULT_SESSION_SIZE if args.limit is None else args.limit
    if not 1 <= limit <= 10_000:
        print("quiz study: --limit must be 1 to 10000", file=sys.stderr)
        return 2
    time_limit = None
    if args.minutes is not None:
        if not 0 < args.minutes <= 24 * 60:  # also refuses nan
            print("quiz study: --minutes must be more than 0 and at most 1440", file=sys.stderr)
            return 2
        time_limit = timedelta(minutes=args.minutes)
    if not args.plain and not has_terminal():
        print(NO_TERMINAL, file=sys.stderr)
        return 2
    try:
        files = resolve_bank_files(args.banks)
    except BankSelectionError as e:
        _report(e)
        return 1
    options = SessionOptions(
        new_limit=new_limit, limit=limit, time_limit=time_limit, practice=args.practice
    )
    try:
        # The integrity check, when one is due, runs in the background: never on the way
        # to the first screen.
        store = ReviewStore.open(args.data_dir, now=utc_now, integrity="background")
    except StoreFault as e:
        report("quiz", e.start_message)
        return 1
    except (StoreError, OSError) as e:
        report("quiz", e)
        return 1
    try:
        try:
            catalog = open_catalog(files, store)
            banks = catalog.banks() if args.plain else None
            if not args.plain:
                # New or changed bank files are synced here, where a full disk can be told
                # in words, so that the home screen only reads.
                sync_catalog(store, catalog, utc_now())
        except (BankLoadError, BankSelectionError, ValueError) as e:
            # ValueError: kept bytes hold another bank than the store said (a tampered store)
            _report(e)
            return 1
        except StoreFault as e:
            report("quiz", e.start_message)
            return 1
        if banks is not None:
            from quiz.plain import run_plain

            return run_plain(
                store,
                banks,
                utc_now,
                options,
                stdin=sys.stdin,
                stdout=sys.stdout,
                decks_dir=shipped_decks_dir(),
            )
        if importlib.util.find_spec("quiz.tui.app") is None:
            print(
                "quiz: the terminal app is not part of this build yet; "
                "use 'quiz study --plain' for the line-by-line quiz.",
                file=sys.stderr,
            )
            return 1
        # Imported by name: the app is written separately against the session API.
        run_app = importlib.import_module("quiz.tui.app").run_app
        status = run_app(
            store=store, banks=catalog, now=utc_now, options=options, decks_dir=shipped_decks_dir()
        )
        return int(status)
    finally:
        store.close()
