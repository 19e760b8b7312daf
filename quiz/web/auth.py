"""Who is at the browser: login sessions, the one-time link, and login rate limits.

A browser holds one cookie, a random session id (HttpOnly, SameSite=Lax, Secure over
HTTPS). The server keeps the sessions in memory: which learner (None before login), when
it was made and last used, and a fingerprint of the password it was opened with (a new
password signs every browser out). A restart signs everyone out; nothing else is lost.

Three ways in (`WebConfig.auth`):

- "token" (the default, local use): `quiz serve` prints a link with a random token; the first
  browser to open it is signed in as the local learner, and the link then stops working.
- "accounts": a name and password from the accounts file (`quiz.web.accounts`), with failed
  attempts limited per name and per address (`LoginLimiter`).
- "header": a trusted reverse proxy names the learner in a header (opt-in, documented in
  docs/deploy.md; only safe when nothing but the proxy can reach the server).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field

SESSION_COOKIE = "quiz_session"
#: the learner of the local, one-time-link mode
LOCAL_LEARNER = "local"


@dataclass(slots=True)
class LoginSession:
    """One browser's session on the server."""

    sid: str
    learner: str | None
    created: float
    last_seen: float
    #: a digest of the password hash the learner signed in with ("" for token and header)
    fingerprint: str = ""


def fingerprint(password_hash: str | None) -> str:
    """A short digest of an account's password hash (changes when the password does)."""
    if not password_hash:
        return ""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:32]


@dataclass(slots=True)
class SessionPolicy:
    """How long sessions last, in seconds."""

    #: a signed-in session unused for this long ends
    idle: float = 8 * 3600
    #: a signed-in session ends this long after sign-in, used or not
    absolute: float = 24 * 3600
    #: a session before sign-in (it only carries the login form's CSRF token)
    anonymous: float = 3600
    #: at most this many sessions are kept; the least recently used go first
    max_sessions: int = 20_000


class SessionTable:
    """The login sessions, by id; safe to use from several threads."""

    def __init__(self, policy: SessionPolicy | None = None) -> None:
        self.policy = policy or SessionPolicy()
        self._lock = threading.Lock()
        self._sessions: dict[str, LoginSession] = {}

    def new(self, learner: str | None, fingerprint: str = "") -> LoginSession:
        """A fresh session with a new random id."""
        now = time.monotonic()
        s = LoginSession(secrets.token_urlsafe(32), learner, now, now, fingerprint)
        with self._lock:
            if len(self._sessions) >= self.policy.max_sessions:
                self._prune(now, force=True)
            self._sessions[s.sid] = s
        return s

    def get(self, sid: str | None) -> LoginSession | None:
        """The live session with this id (its last use updated), or None."""
        if not sid:
            return None
        now = time.monotonic()
        with self._lock:
            s = self._sessions.get(sid)
            if s is None:
                return None
            if self._expired(s, now):
                del self._sessions[sid]
                return None
            s.last_seen = now
            return s

    def drop(self, sid: str) -> None:
        """End a session (sign out)."""
        with self._lock:
            self._sessions.pop(sid, None)

    def drop_learner(self, learner: str) -> None:
        """End every session of a learner."""
        with self._lock:
            for sid in [k for k, s in self._sessions.items() if s.learner == learner]:
                del self._sessions[sid]

    def _expired(self, s: LoginSession, now: float) -> bool:
        p = self.policy
        if s.learner is None:
            return now - s.created > p.anonymous
        return now - s.last_seen > p.idle or now - s.created > p.absolute

    def _prune(self, now: float, force: bool = False) -> None:
        for sid in [k for k, s in self._sessions.items() if self._expired(s, now)]:
            del self._sessions[sid]
        if force and len(self._sessions) >= self.policy.max_sessions:
            by_age = sorted(self._sessions.values(), key=lambda s: s.last_seen)
            for s in by_age[: len(by_age) // 10 + 1]:
                del self._sessions[s.sid]

    def __len__(self) -> int:
        return len(self._sessions)


class OneTimeToken:
    """The local mode's sign-in link: a random token that works once."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token or secrets.token_urlsafe(32)
        self._used = False
        self._lock = threading.Lock()

    def redeem(self, given: str) -> str:
        """ "ok" the first time the right token is given, "used" after that, "wrong" for any
        other token (compared in constant time)."""
        right = secrets.compare_digest(given.encode(), self.token.encode())
        with self._lock:
            if not right:
                return "wrong"
            if self._used:
                return "used"
            self._used = True
            return "ok"


@dataclass(slots=True)
class LoginLimiter:
    """Failed sign-ins allowed per name and per address in a sliding window."""

    max_failures: int = 5
    window: float = 15 * 60
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def retry_after(self, keys: list[str]) -> int:
        """Seconds to wait before another attempt under any of `keys` (0: go ahead)."""
        now = time.monotonic()
        wait = 0.0
        with self._lock:
            for key in keys:
                q = self._recent(key, now)
                if len(q) >= self.max_failures:
                    wait = max(wait, self.window - (now - q[0]))
        return int(wait) + 1 if wait > 0 else 0

    def failed(self, keys: list[str]) -> None:
        """Count a failed attempt under each key."""
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)
            if len(self._failures) > 50_000:
                for k in [k for k, q in self._failures.items() if not self._recent(k, now)]:
                    del self._failures[k]

    def succeeded(self, key: str) -> None:
        """Forget a name's failures once it signs in."""
        with self._lock:
            self._failures.pop(key, None)
