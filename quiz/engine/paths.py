"""Where the review store lives: the data directory and the database file in it.

Resolution order: an explicit directory (`--data-dir`), then `$QUIZ_DATA_DIR`, then the
user's data directory from platformdirs. A directory this module creates is private to the
user (0700); the database file is created 0600 before SQLite opens it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

APP_NAME = "patient-quiz"
DATA_DIR_ENV = "QUIZ_DATA_DIR"
DB_FILENAME = "progress.sqlite3"

DIR_MODE = 0o700
FILE_MODE = 0o600


def resolve_data_dir(override: Path | None = None, env: Mapping[str, str] | None = None) -> Path:
    """The data directory to use (not created): `override`, else `$QUIZ_DATA_DIR`, else
    platformdirs' user data directory for this app."""
    if override is not None:
        return Path(override).expanduser()
    environ = os.environ if env is None else env
    from_env = environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) if needed; a directory created here gets mode 0700.

    An existing directory is left as it is: it belongs to the user, who chose it.
    """
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        os.chmod(path, DIR_MODE)  # mkdir's mode is filtered by the umask
    return path


def ensure_private_file(path: Path) -> Path:
    """Create `path` empty with mode 0600 if it does not exist (never truncates)."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, FILE_MODE)
    os.close(fd)
    return path


def default_db_path(override: Path | None = None, env: Mapping[str, str] | None = None) -> Path:
    """The database file in the resolved data directory (nothing created)."""
    return resolve_data_dir(override, env) / DB_FILENAME
