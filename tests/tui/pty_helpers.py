"""Running the real program in a pseudo-terminal (pexpect) and keeping every byte it writes.

For the few tests that must see what reaches a real terminal: escape sequences the app
writes, the terminal restored after a signal, the exit status. Each `Terminal` is a child
process on a pty (80x24 unless told) with `TERM=xterm-256color`; `raw` holds all its
output so far.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parents[2]

ENTER = "\r"
ESCAPE = "\x1b"

#: what Textual's driver writes when it gives the terminal back
LEAVE_ALT_SCREEN = b"\x1b[?1049l"
SHOW_CURSOR = b"\x1b[?25h"
MOUSE_OFF = b"\x1b[?1000l"


def quiz_argv(*args: str) -> list[str]:
    """The real `quiz` command (as `python -m quiz`, in this interpreter)."""
    return [sys.executable, "-m", "quiz", *args]


class Terminal:
    """A program on a pty; `raw` is every byte it has written."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        size: tuple[int, int] = (80, 24),
    ) -> None:
        columns, lines = size
        child_env = {
            k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")
        }
        child_env.update(TERM="xterm-256color")
        child_env.update(env or {})
        self.child = pexpect.spawn(
            argv[0], list(argv[1:]), env=child_env, cwd=str(ROOT), dimensions=(lines, columns)
        )
        self.raw = bytearray()
        self._mark = 0

    def _read(self, timeout: float) -> bool:
        """Read what is there (waiting up to `timeout`); False at end of output."""
        try:
            self.raw += self.child.read_nonblocking(65536, timeout=timeout)
        except pexpect.TIMEOUT:
            pass
        except pexpect.EOF:
            return False
        return True

    def wait_for(self, text: str, timeout: float = 10) -> None:
        """Read until `text` (UTF-8) appears in the output written since the last wait."""
        needle = text.encode()
        deadline = time.monotonic() + timeout
        while needle not in self.raw[self._mark :]:
            if time.monotonic() > deadline or not self._read(0.1):
                if needle in self.raw[self._mark :]:
                    break
                tail = bytes(self.raw[-600:])
                raise AssertionError(f"{text!r} never appeared; the output ends {tail!r}")
        self._mark = self.raw.index(needle, self._mark) + len(needle)

    def settle(self, quiet: float = 0.3, limit: float = 3) -> None:
        """Read until the program has written nothing for `quiet` seconds."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            before = len(self.raw)
            if not self._read(quiet) or len(self.raw) == before:
                return

    def send(self, *keys: str) -> None:
        """Type keys, one at a time, with a moment between them."""
        for key in keys:
            self.child.send(key)
            time.sleep(0.15 if key == ESCAPE else 0.05)

    def kill(self, signum: signal.Signals) -> None:
        """Send a signal to the program."""
        self.child.kill(signum)

    def wait_exit(self, timeout: float = 10) -> int:
        """Read to the end of output; the exit status (-n if signal n killed it, as in
        `subprocess`)."""
        deadline = time.monotonic() + timeout
        while self._read(0.1):
            if time.monotonic() > deadline:
                self.child.terminate(force=True)
                raise AssertionError(f"still running; output ends {bytes(self.raw[-300:])!r}")
        self.child.close()
        if self.child.signalstatus is not None:
            return -int(self.child.signalstatus)
        return int(self.child.exitstatus)

    def close(self) -> None:
        """Make sure the program is gone (after a failed test)."""
        if self.child.isalive():
            self.child.terminate(force=True)

    def hang_up(self, timeout: float = 10) -> int:
        """Close the terminal as a closed window does (the kernel sends SIGHUP); the exit
        status once the program has ended (-n if signal n killed it)."""
        pid = self.child.pid
        os.close(self.child.child_fd)
        self.child.child_fd = -1
        self.child.closed = True
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                self.child.isalive = lambda: False  # type: ignore[method-assign]
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.05)
        os.kill(pid, signal.SIGKILL)
        raise AssertionError("the program did not end after the terminal hung up")
