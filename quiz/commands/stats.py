"""`quiz stats [--format text|json] [--data-dir D]`: progress from the review store.

The shipped banks are synced first (so that new items and edits are counted); banks studied
from other files are reported from what the store knows about them.
"""

from __future__ import annotations

import argparse
import json
import sys

from quiz.bank.discover import find_bank_files, shipped_decks_dir
from quiz.bank.findings import BankLoadError
from quiz.commands.study import utc_now
from quiz.safe_text import safe_line


def run(args: argparse.Namespace) -> int:
    """Entry point of `quiz stats`."""
    from quiz.bank.load import load_bank
    from quiz.engine.stats import compute_stats, format_stats_text
    from quiz.engine.store import ReviewStore, StoreError

    try:
        store = ReviewStore.open(args.data_dir)
    except (StoreError, OSError) as e:
        print(f"quiz: {safe_line(str(e))}", file=sys.stderr)
        return 1
    with store:
        for notice in store.notices:
            print(f"quiz: {notice}", file=sys.stderr)
        now = utc_now()
        files, _ = find_bank_files([shipped_decks_dir()])
        for f in files:
            try:
                store.sync_bank(load_bank(f), now)
            except BankLoadError as e:
                print(
                    f"quiz: skipped a bank that does not load: {e.findings[0].format()}",
                    file=sys.stderr,
                )
        stats = compute_stats(store, now)
    if args.format == "json":
        print(json.dumps(stats.to_json(), indent=2, ensure_ascii=False))
    else:
        print(format_stats_text(stats))
    return 0
