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
from datetime import timedelta

from quiz.bank.discover import shipped_decks_dir
from quiz.bank.findings import BankLoadError

# Bank selection and the clock live in `quiz.bank.selection` and `quiz.clock` (every front
# end uses them); they are re-exported here for callers of the old names.
from quiz.bank.selection import (
    BankSelectionError,
    load_banks,
    open_catalog,
    resolve_bank_files,
)
from quiz.clock import utc_now
from quiz.commands import report
from quiz.engine.overview import sync_catalog

__all__ = [
    "BankSelectionError",
    "has_terminal",
    "load_banks",
    "open_catalog",
    "resolve_bank_files",
    "run",
    "utc_now",
]

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
