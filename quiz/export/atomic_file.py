"""Replace a file whole or not at all: written beside it, then renamed into place."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomically(out: Path, write: Callable[[BinaryIO], None]) -> None:
    """Call `write` on a hidden file beside `out`, then rename it to `out`.

    `out` is either its old self or the whole new file, never a part (a full disk leaves
    the old file as it was). A new file gets the permissions the umask allows, as open()
    would give it; a replaced file keeps its own. OSError when the folder cannot be
    written, or when `out` exists and is not a regular file (a folder, a device, a pipe:
    never replaced).
    """
    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    try:
        mode = os.stat(out).st_mode
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        permissions = 0o666 & ~umask
    else:
        if not stat.S_ISREG(mode):
            raise OSError(errno.EEXIST, "exists and is not a regular file", str(out))
        permissions = stat.S_IMODE(mode)
    fd, partial = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as raw:
            write(raw)
        os.chmod(partial, permissions)
        os.replace(partial, out)
    except BaseException:
        try:
            os.unlink(partial)
        except FileNotFoundError:
            pass
        raise


__all__ = ["write_atomically"]
