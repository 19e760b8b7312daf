"""`quiz stats [--format text|json] [--data-dir D]`: progress from the review store.

The shipped banks are synced first (so that new items and edits are counted); banks studied
from other files are reported from what the store knows about them.
"""

from __future__ import annotations

import argparse

from quiz.bank.discover import find_bank_files, shipped_decks_dir
from quiz.bank.findings import BankLoadError
from quiz.commands import report
from quiz.commands.study import utc_now
from quiz.safe_text import safe_json


def run(args: argparse.Namespace) -> int:
    """Entry point of `quiz stats`."""
    from quiz.bank.load import load_bank
    from quiz.engine.stats import compute_stats, format_stats_text
    from quiz.engine.store import ReviewStore, StoreError

    try:
        store = ReviewStore.open(args.data_dir)
    except (StoreError, OSError) as e:
        report("quiz", e)
        return 1
    with store:
        for notice in store.notices:
            report("quiz", notice)
        now = utc_now()
        files, _ = find_bank_files([shipped_decks_dir()])
        for f in files:
            try:
                store.sync_bank(load_bank(f), now)
            except BankLoadError as e:
                report("quiz", f"skipped a bank that does not load: {e.findings[0].format()}")
        stats = compute_stats(store, now)
    if args.format == "json":
        print(safe_json(stats.to_json()))
    else:
        print(format_stats_text(stats))
    return 0
