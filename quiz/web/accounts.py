"""Learner accounts for a clinic: the accounts file and its passwords (argon2).

The file is plain text, one account a line, `name:argon2-hash` (comment lines start with
`#`), written atomically with mode 0600. A name is 1 to 64 characters of lowercase letters,
digits, `.`, `_` and `-`, starting with a letter or digit, so that it is also a safe folder
name: each learner's progress store lives in `<data dir>/learners/<name>/`.

`quiz accounts add/remove/reset-password/list` edits the file; `quiz serve --accounts FILE`
reads it (again whenever it changes on disk, so a removed account or a new password takes
effect at once).
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

NAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
LEARNERS_DIR = "learners"

_hasher = PasswordHasher()
#: argon2 takes 64 MiB and tens of milliseconds per check: at most two at once
_verify_slots = threading.BoundedSemaphore(2)
#: checked when the name is unknown, so that a wrong name takes as long as a wrong password
_DUMMY_HASH = _hasher.hash("not a real password, only for equal timing")


class AccountError(Exception):
    """An account command or file could not be carried out; the message says why."""


def valid_name(name: str) -> bool:
    """A learner name may be used (and is safe as a folder name)."""
    return NAME_RE.fullmatch(name) is not None


def check_password(password: str) -> None:
    """Raise `AccountError` when a new password is too short or too long."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"a password may have at most {MAX_PASSWORD} characters")


def hash_password(password: str) -> str:
    """The argon2id hash stored for a password."""
    return _hasher.hash(password)


def learner_dir(root: Path, name: str) -> Path:
    """The folder of one learner's progress store under the data folder `root`."""
    if not valid_name(name):
        raise AccountError(f"not a valid learner name: {name!r}")
    return root / LEARNERS_DIR / name


def read_accounts(path: Path) -> dict[str, str]:
    """The accounts in the file: name → hash. A missing file has none."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as e:
        raise AccountError(f"{path}: cannot read the accounts file: {e}") from e
    accounts: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, hashed = line.partition(":")
        if not sep or not valid_name(name) or not hashed.startswith("$argon2"):
            raise AccountError(f"{path}:{n}: not an account line (name:argon2-hash)")
        accounts[name] = hashed
    return accounts


def write_accounts(path: Path, accounts: dict[str, str]) -> None:
    """Write the file atomically (a temporary file renamed into place), mode 0600."""
    lines = ["# patient-quiz learner accounts: name:argon2-hash (edit with 'quiz accounts')"]
    lines += [f"{name}:{hashed}" for name, hashed in sorted(accounts.items())]
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def add_account(path: Path, name: str, password: str) -> None:
    """Add a learner; raises `AccountError` if the name is taken or not valid."""
    if not valid_name(name):
        raise AccountError(
            f"not a valid learner name: {name!r} (use 1 to 64 lowercase letters, digits, "
            "'.', '_' or '-', starting with a letter or digit)"
        )
    check_password(password)
    accounts = read_accounts(path)
    if name in accounts:
        raise AccountError(f"there is already an account named {name}")
    accounts[name] = hash_password(password)
    write_accounts(path, accounts)


def remove_account(path: Path, name: str) -> None:
    """Remove a learner's account (their progress store is kept)."""
    accounts = read_accounts(path)
    if name not in accounts:
        raise AccountError(f"there is no account named {name!r}")
    del accounts[name]
    write_accounts(path, accounts)


def reset_password(path: Path, name: str, password: str) -> None:
    """Give a learner a new password (signed-in browsers are signed out)."""
    check_password(password)
    accounts = read_accounts(path)
    if name not in accounts:
        raise AccountError(f"there is no account named {name!r}")
    accounts[name] = hash_password(password)
    write_accounts(path, accounts)


def verify(hashed: str | None, password: str) -> bool:
    """Whether `password` matches `hashed` (None: an unknown name, checked against a dummy
    hash so that it takes as long). At most two checks run at once."""
    if len(password) > MAX_PASSWORD:
        return False
    with _verify_slots:
        try:
            ok = _hasher.verify(hashed or _DUMMY_HASH, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
    return ok and hashed is not None


class AccountsFile:
    """The accounts file as the server reads it: re-read when it changes on disk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._accounts: dict[str, str] = {}
        self.reload()

    def _current_stamp(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def reload(self) -> None:
        """Read the file if it changed since the last read."""
        with self._lock:
            stamp = self._current_stamp()
            if stamp == self._stamp and self._stamp is not None:
                return
            self._accounts = read_accounts(self.path)
            self._stamp = stamp

    def hash_of(self, name: str) -> str | None:
        """The stored hash of an account (None: no such account)."""
        self.reload()
        return self._accounts.get(name)

    def names(self) -> list[str]:
        """Every account's name, sorted."""
        self.reload()
        return sorted(self._accounts)
