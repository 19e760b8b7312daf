"""REAL-TERMINAL TEST: the window made too small and big again, on a pseudo-terminal.

The real program on a pty (pexpect) gets a real SIGWINCH when the pty's size changes, as
in a terminal window dragged smaller: it must say so calmly, take no key meanwhile, and
come back to the question it was showing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pty_helpers import ENTER, Terminal, quiz_argv
from tui_helpers import MINIMAL, acknowledge_disclaimer

from quiz.engine.store import ReviewStore

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    data = tmp_path / "data"
    with ReviewStore.open(data) as store:
        acknowledge_disclaimer(store)
    t = Terminal(quiz_argv("study", str(MINIMAL), "--data-dir", str(data)))
    yield t
    t.close()


def test_a_window_made_too_small_and_big_again(terminal: Terminal, tmp_path: Path) -> None:
    t = terminal
    t.wait_for("Sample bank")
    t.settle()
    t.send(ENTER)
    t.wait_for("Question 1 of")
    t.settle()

    t.child.setwinsize(12, 40)  # rows, columns: the kernel sends SIGWINCH
    t.wait_for("This window is too small")
    t.settle()
    t.send("1", ENTER)  # not answered blind
    t.settle()

    t.child.setwinsize(24, 80)
    t.wait_for("Question 1 of")  # the question again, as it was
    t.settle()
    t.send("q")
    assert t.wait_exit() == 0
    raw = bytes(t.raw)
    assert b"Traceback" not in raw
    with ReviewStore.open(tmp_path / "data") as store:
        assert store.review_count() == 0
