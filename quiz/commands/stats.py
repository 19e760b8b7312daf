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
from quiz.safe_text import safe_text, unsafe_characters


def terminal_safe_json(data: object) -> str:
    """`data` as indented JSON with readable Unicode, but with every character a terminal
    could act on written as a JSON escape (`\\u009b`): titles and answers come from the
    store. (json escapes C0 controls itself; C1 and bidi controls it would leave raw.)"""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    # Such characters can only be inside JSON strings, where \uXXXX means the same.
    for i, c in reversed(unsafe_characters(text)):
        text = f"{text[:i]}\\u{ord(c):04x}{text[i + 1 :]}"
    return text


def run(args: argparse.Namespace) -> int:
    """Entry point of `quiz stats`."""
    from quiz.bank.load import load_bank
    from quiz.engine.stats import compute_stats, format_stats_text
    from quiz.engine.store import ReviewStore, StoreError

    try:
        store = ReviewStore.open(args.data_dir)
    except (StoreError, OSError) as e:
        print(f"quiz: {safe_text(str(e))}", file=sys.stderr)
        return 1
    with store:
        for notice in store.notices:
            print(f"quiz: {safe_text(notice)}", file=sys.stderr)
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
        print(terminal_safe_json(stats.to_json()))
    else:
        print(format_stats_text(stats))
    return 0
