"""The clock every front end passes into the engine.

The engine never reads the wall clock itself: a front end hands it a `Clock` (a callable
returning an aware datetime). This module owns the type and the one real clock, so that the
terminal app, plain mode, the web front end and the commands share it, and tests pass a
fixed one instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

#: A clock: returns the current time, timezone-aware (the engine converts it to UTC).
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock, timezone-aware UTC."""
    return datetime.now(timezone.utc)
