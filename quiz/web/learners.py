"""Each learner's progress store and live study session, kept in server memory.

A learner has one `ReviewStore` of their own (in their own folder, so no query can reach
another learner's answers) and at most one live `StudySession` (the queue of the session
in progress, the last result for the feedback page, and one-shot notices). Requests of one
learner are served one at a time (a lock per learner); different learners never wait for
each other.

What a restart loses: the live sessions' queues, nothing else. Every answer is committed to
the learner's store by `StudySession.submit` before the feedback page is sent; after a
restart the learner starts a new session, which asks what is due. A learner idle for
`idle_seconds` has their session dropped and their store closed (again losing only the
queue).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from quiz.engine.session import Result, StudySession
from quiz.engine.store import ReviewStore

Phase = Literal["question", "feedback", "summary"]


@dataclass(slots=True)
class LiveSession:
    """A session in progress and where the learner is in it."""

    session: StudySession
    phase: Phase = "question"
    #: the result the feedback page shows
    last: Result | None = None


@dataclass(slots=True)
class Learner:
    """One learner's state on this server (use it only while holding `lock`)."""

    name: str
    data_dir: Path | None
    lock: threading.Lock = field(default_factory=threading.Lock)
    store: ReviewStore | None = None
    live: LiveSession | None = None
    #: notices to show once, on the next page: (text, is an error)
    notices: list[tuple[str, bool]] = field(default_factory=list)
    #: the store's own notices were shown
    store_notices_shown: bool = False
    last_used: float = 0.0

    def open_store(self, opener: Callable[[Path | None], ReviewStore]) -> ReviewStore:
        """The learner's store, opened on first use."""
        if self.store is None:
            self.store = opener(self.data_dir)
        return self.store

    def notify(self, text: str, *, error: bool = False) -> None:
        """Show `text` once, on the next page."""
        self.notices.append((text, error))

    def take_notices(self) -> list[tuple[str, bool]]:
        """The notices to show now (then forgotten)."""
        out, self.notices = self.notices, []
        return out

    def close(self) -> None:
        """Forget the live session and close the store (every answer is committed)."""
        self.live = None
        if self.store is not None:
            self.store.close()
            self.store = None


class LearnerRegistry:
    """The learners with state on this server, by name."""

    def __init__(
        self,
        data_dir_of: Callable[[str], Path | None],
        opener: Callable[[Path | None], ReviewStore] = ReviewStore.open,
        idle_seconds: float = 2 * 3600,
    ) -> None:
        self._data_dir_of = data_dir_of
        self._opener = opener
        self.idle_seconds = idle_seconds
        self._lock = threading.Lock()
        self._learners: dict[str, Learner] = {}
        self._last_sweep = time.monotonic()

    @contextmanager
    def use(self, name: str) -> Iterator[Learner]:
        """Hold a learner's lock (their store open) for the length of one request."""
        self._sweep()
        while True:
            with self._lock:
                learner = self._learners.get(name)
                if learner is None:
                    learner = Learner(name, self._data_dir_of(name))
                    self._learners[name] = learner
            with learner.lock:
                with self._lock:
                    current = self._learners.get(name) is learner
                if not current:
                    continue  # swept or forgotten while we waited: take the new one
                learner.last_used = time.monotonic()
                learner.open_store(self._opener)
                yield learner
                return

    def forget(self, name: str) -> None:
        """Close a learner's store and drop their live session (an account removed)."""
        with self._lock:
            learner = self._learners.pop(name, None)
        if learner is not None:
            with learner.lock:
                learner.close()

    def _sweep(self) -> None:
        """Close the stores of learners idle for longer than `idle_seconds`."""
        now = time.monotonic()
        if now - self._last_sweep < 60:
            return
        self._last_sweep = now
        with self._lock:
            idle = [x for x in self._learners.values() if now - x.last_used > self.idle_seconds]
        for learner in idle:
            if learner.lock.acquire(blocking=False):
                try:
                    if now - learner.last_used > self.idle_seconds:
                        learner.close()
                        with self._lock:
                            if self._learners.get(learner.name) is learner:
                                del self._learners[learner.name]
                finally:
                    learner.lock.release()

    def close_all(self) -> None:
        """Close every store (server shutdown)."""
        with self._lock:
            learners = list(self._learners.values())
            self._learners.clear()
        for learner in learners:
            with learner.lock:
                learner.close()
