"""Before a session: its options, today's new-item allowance, and each bank's counts.

This module owns what a front end needs to offer a session without starting one: the
`SessionOptions` a session is started with, the daily allowance of new items (counted from
the review log, so it holds across sessions and processes), `sync_catalog`, which writes
(it brings the store in line with loaded banks, and writes only when one changed), and
`bank_overview`, which calls it and then reads each bank's counts for a home screen.

It is kept apart from `quiz.engine.session` (which re-exports these names) so that a home
screen loads neither the study loop nor its result types.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, NamedTuple

from quiz.bank.catalog import BankCatalog, BankEntry
from quiz.bank.selection import check_unique_ids
from quiz.engine.schedule import DEFAULT_DESIRED_RETENTION, as_utc
from quiz.engine.store import BankCounts, ReviewStore

if TYPE_CHECKING:
    from quiz.bank.model import Bank

__all__ = [
    "DEFAULT_NEW_LIMIT",
    "DEFAULT_SESSION_SIZE",
    "BankOverview",
    "SessionOptions",
    "bank_overview",
    "check_unique_ids",
    "day_start",
    "new_allowance",
    "sync_catalog",
]

DEFAULT_NEW_LIMIT = 20
DEFAULT_SESSION_SIZE = 20


@dataclass(frozen=True, slots=True)
class SessionOptions:
    """How a session behaves."""

    #: new items introduced per day in each bank (counted from the review log), so that
    #: studying one bank never uses up another's
    new_limit: int = DEFAULT_NEW_LIMIT
    #: items in one session ("n of N"; a missed item asked again does not count twice)
    limit: int = DEFAULT_SESSION_SIZE
    #: no new item is started after this long (None: no time limit)
    time_limit: timedelta | None = None
    #: ask without touching the schedule; nothing is written to the store
    practice: bool = False
    #: FSRS's target probability of recall when an item comes back
    desired_retention: float = DEFAULT_DESIRED_RETENTION
    #: items in a learning step may be shown this early when nothing else is left
    learn_ahead: timedelta = timedelta(minutes=20)
    #: the time zone whose midnight starts a new day (None: this machine's local zone)
    day_tz: tzinfo | None = None

    def __post_init__(self) -> None:
        if self.new_limit < 0:
            raise ValueError("the new-item limit cannot be negative")
        if self.limit < 1:
            raise ValueError("a session needs at least one item")
        if self.time_limit is not None and self.time_limit <= timedelta(0):
            raise ValueError("the time limit must be positive")


class BankOverview(NamedTuple):
    """A bank with its counts, for a home screen (an immutable NamedTuple)."""

    #: the bank's id and title
    bank: BankEntry
    counts: BankCounts
    #: new items of this bank the daily limit still allows today
    new_today: int


def day_start(now: datetime, tz: tzinfo | None) -> datetime:
    """Midnight that starts `now`'s day in `tz` (None: local zone), as UTC."""
    local = now.astimezone(tz) if tz is not None else now.astimezone()
    return as_utc(local.replace(hour=0, minute=0, second=0, microsecond=0))


def new_allowance(store: ReviewStore, now: datetime, options: SessionOptions, bank_id: str) -> int:
    """New items of `bank_id` still allowed today under the daily limit (each bank has its
    own: the warning-signs bank is never locked away by another bank's new items)."""
    start = day_start(now, options.day_tz)
    end = start + timedelta(days=1)
    used = sum(
        1
        for r in store.reviews(since=start, bank_ids=[bank_id])
        if r.was_new and r.reviewed_at < end
    )
    return max(0, options.new_limit - used)


def sync_catalog(store: ReviewStore, catalog: BankCatalog, now: datetime) -> None:
    """Writes: bring the store in line with the catalog's banks when they are loaded (new
    items added, edited ones flagged, removed ones retired). Nothing is written when the
    store already matches them, nor for a catalog that is not parsed (`BankCatalog.known`:
    the store matched those files byte for byte). Raises `StoreFault` when it cannot write."""
    if catalog.loaded:
        loaded = catalog.banks()
        check_unique_ids(loaded)
        store.sync_banks(loaded, as_utc(now))


def bank_overview(
    store: ReviewStore,
    banks: Sequence[Bank] | BankCatalog,
    now: datetime,
    options: SessionOptions | None = None,
) -> list[BankOverview]:
    """Each bank's counts, in the order given, after `sync_catalog` (which writes only when a
    loaded bank changed: a home screen over unchanged banks only reads)."""
    catalog = banks if isinstance(banks, BankCatalog) else BankCatalog.of(banks)
    opts = options or SessionOptions()
    now = as_utc(now)
    sync_catalog(store, catalog, now)
    counts = store.bank_counts(now, catalog.ids)
    out = []
    for e in catalog.entries:
        c = counts.get(e.id) or BankCounts(e.id, e.title, 0, 0, 0, 0, 0, 0, 0)
        allowance = new_allowance(store, now, opts, e.id) if c.new else 0
        out.append(BankOverview(e, c, min(c.new, allowance)))
    return out
