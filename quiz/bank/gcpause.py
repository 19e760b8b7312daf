"""Pausing Python's cyclic garbage collector around bulk work that makes no cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off, restoring its state even on error.

    For work that allocates very many small objects and no reference cycles (loading or
    linting a large bank, reading textstat's dictionary): the full collections that the
    allocations trigger rescan every live object again and again, so the work grows faster
    than its input. Garbage made meanwhile is collected once the collector runs again.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
