"""What every screen of the app needs from outside: the store, the banks, the clock and the
session options. Built once by the app factory and handed to the screens.

The banks are a `BankCatalog`: their ids and titles are there from the start, the parsed
banks (`catalog.banks()`) when a screen first needs their questions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from quiz.bank.catalog import BankCatalog
from quiz.engine.overview import SessionOptions
from quiz.engine.store import ReviewStore


class AppContext(NamedTuple):
    """The app's dependencies, passed in (nothing is read from globals or the wall clock).

    Immutable; a `NamedTuple` rather than a frozen dataclass, which costs about a
    millisecond more to define when the app starts.
    """

    store: ReviewStore
    catalog: BankCatalog
    #: the clock: returns an aware datetime
    now: Callable[[], datetime]
    options: SessionOptions
    #: where `disclaimer.txt` lives (None: the shipped decks)
    decks_dir: Path | None
    #: text inputs blink their cursor (off in snapshot tests, so screenshots are stable)
    cursor_blink: bool = True

    def bank_title(self, bank_id: str) -> str:
        """The title of a bank of this run, else its id."""
        return self.catalog.title(bank_id)
