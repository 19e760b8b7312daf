"""`quiz progress export FILE`, `quiz progress import FILE`, `quiz progress reset [BANK ...]`.

Your progress is yours: `export` writes the review history (and each answered item's
schedule) as JSON lines (docs/progress.md); `import` merges such a file into the store
without duplicating a review, so a learner can move to a new computer and lose nothing;
`reset` asks for confirmation (or `--yes`), writes a backup that `import` brings back, and
removes the progress of the banks named (all banks if none).

Every message names files and banks the learner or a file chose: they go through the
sanitizer (`quiz.commands.report`, `safe_line`). Problems exit 1 without a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from quiz.commands import report
from quiz.commands.study import utc_now
from quiz.safe_text import safe_line

if TYPE_CHECKING:
    from quiz.engine.store import ReviewStore


def _open(args: argparse.Namespace) -> ReviewStore | None:
    from quiz.engine.store import ReviewStore, StoreError, StoreFault

    try:
        store = ReviewStore.open(args.data_dir, now=utc_now, integrity="now")
    except StoreFault as e:
        report("quiz", e.start_message)
        return None
    except (StoreError, OSError) as e:
        report("quiz", e)
        return None
    for notice in store.notices:
        report("quiz", notice)
    return store


def run(args: argparse.Namespace) -> int:
    """Entry point of `quiz progress`."""
    from quiz.engine.progress import ProgressFileError
    from quiz.engine.store import StoreFault

    store = _open(args)
    if store is None:
        return 1
    try:
        with store:
            if args.action == "export":
                return _export(store, args)
            if args.action == "import":
                return _import(store, args)
            return _reset(store, args)
    except ProgressFileError as e:
        report("quiz progress", e)
        return 1
    except StoreFault as e:
        report("quiz progress", e.start_message)
        return 1


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _export(store: ReviewStore, args: argparse.Namespace) -> int:
    from quiz.engine.progress import export_progress

    r = export_progress(store, args.file, utc_now(), replace=args.force)
    print(
        safe_line(
            f"Wrote {_plural(r.reviews, 'answer')} ({_plural(r.items, 'item')} you have "
            f"answered, {_plural(r.banks, 'bank')}) to {r.path}."
        )
    )
    if r.skipped:
        report(
            "quiz progress", f"{r.skipped:,} damaged entries could not be read and were left out"
        )
    return 0


def _import(store: ReviewStore, args: argparse.Namespace) -> int:
    from quiz.engine.progress import import_progress

    r = import_progress(store, args.file, utc_now())
    known = f"; {_plural(r.reviews_known, 'answer')} you already had" if r.reviews_known else ""
    print(
        safe_line(
            f"Imported {_plural(r.reviews_added, 'answer')} from {args.file}{known}. "
            f"{_plural(r.items_updated, 'item')} brought up to date."
        )
    )
    return 0


def _confirm(question: str) -> bool:
    print(question, end="", flush=True)
    try:
        line = sys.stdin.readline()
    except (UnicodeDecodeError, OSError):
        return False
    return line.strip().lower() in ("yes", "y")


def _reset(store: ReviewStore, args: argparse.Namespace) -> int:
    from quiz.engine.progress import progress_counts, reset_progress

    titles = store.bank_titles()
    bank_ids = list(dict.fromkeys(args.banks)) or None
    if bank_ids is not None:
        unknown = [b for b in bank_ids if b not in titles]
        if unknown:
            known = ", ".join(sorted(titles)) or "none"
            report(
                "quiz progress",
                f"no progress for {', '.join(unknown)} (banks with progress: {known})",
            )
            return 1
    reviews, items = progress_counts(store, bank_ids)
    which = "every bank" if bank_ids is None else ", ".join(f"{titles[b]} [{b}]" for b in bank_ids)
    print(
        safe_line(
            f"This removes your progress in {which}: {_plural(reviews, 'answer')} on "
            f"{_plural(items, 'item')}. A backup is written first."
        )
    )
    if not args.yes and not _confirm("Type yes to go on: "):
        print("Nothing was changed.")
        return 1
    r = reset_progress(store, utc_now(), bank_ids)
    print(
        safe_line(
            f"Removed {_plural(r.reviews, 'answer')}. The backup is {r.backup.path}; "
            f"'quiz progress import {r.backup.path}' brings it back."
        )
    )
    return 0
