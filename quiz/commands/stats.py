"""`quiz stats [--format text|json] [--data-dir D]`: progress from the review store.

What it reads and what it writes, explicitly: the statistics are computed from the store
alone (`compute_stats` only reads). Before that, the shipped bank files are read as bytes
and compared with the digests the store recorded at their last sync; only a file that is
new or changed is parsed and synced (a write), so that new and edited items are counted.
Unchanged banks are neither parsed nor written. Banks studied from other files are
reported from what the store knows about them.

An integrity check that is due (after an unclean exit, or a week after the last one) runs
before the statistics, and damage it finds is repaired at once (the notice says how many
answers were kept).
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.bank.discover import find_bank_files, shipped_decks_dir
from quiz.bank.findings import BankLoadError
from quiz.clock import utc_now
from quiz.commands import report
from quiz.safe_text import safe_json

if TYPE_CHECKING:
    from quiz.engine.store import ReviewStore, SyncReport


def sync_changed_bank_files(
    store: ReviewStore, files: list[Path], now: datetime
) -> list[SyncReport]:
    """Writes: parse and sync the bank files whose exact bytes the store has not synced
    (new or changed files); a file that does not load is reported and skipped. Files the
    store already matches are not parsed and nothing is written for them."""
    from quiz.bank.catalog import BankFileError, bank_digest, read_bank_bytes
    from quiz.bank.load import display_path, load_bank_bytes

    synced = store.synced_digests()
    banks = []
    for f in files:
        try:
            data = read_bank_bytes(f)
        except BankFileError as e:
            report("quiz", f"skipped a bank that cannot be read: {f}: {e.message}")
            continue
        if bank_digest(data) in synced:
            continue
        try:
            banks.append(load_bank_bytes(data, display_path(f), f))
        except BankLoadError as e:
            report("quiz", f"skipped a bank that does not load: {e.findings[0].format()}")
    return store.sync_banks(banks, now) if banks else []


def run(args: argparse.Namespace) -> int:
    """Entry point of `quiz stats`."""
    from quiz.engine.stats import compute_stats, format_stats_text
    from quiz.engine.store import ReviewStore, StoreDamagedError, StoreError, StoreFault

    try:
        store = ReviewStore.open(args.data_dir, now=utc_now, integrity="now")
    except StoreFault as e:
        report("quiz", e.start_message)
        return 1
    except (StoreError, OSError) as e:
        report("quiz", e)
        return 1
    with store:
        for notice in store.notices:
            report("quiz", notice)
        now = utc_now()
        files, _ = find_bank_files([shipped_decks_dir()])
        try:
            try:
                sync_changed_bank_files(store, files, now)
                stats = compute_stats(store, now)
            except StoreDamagedError as e:
                # Found while reading: repaired at once, and read again.
                store.repair(f"it is damaged: {e.detail}")
                for notice in store.notices[-1:]:
                    report("quiz", notice)
                sync_changed_bank_files(store, files, now)
                stats = compute_stats(store, now)
        except StoreFault as e:
            report("quiz", e.start_message)
            return 1
    if args.format == "json":
        print(safe_json(stats.to_json()))
    else:
        print(format_stats_text(stats))
    return 0
