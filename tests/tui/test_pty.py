"""REAL-TERMINAL TESTS: the real program on a pseudo-terminal, every byte it writes kept.

These drive the program as a learner's terminal would (pexpect, 80x24, the real Textual
driver) and read the raw output, which Pilot never sees:

- hostile text (OSC 52 clipboard writes, OSC 8 links, clear screen, leave the alternate
  screen, C1 controls, a right-to-left override) put where it can really arrive: a
  hand-edited store (a bank title, a learner's answer), a file name, and, to reach every
  screen, a launcher that builds the real app with banks whose texts were replaced after
  loading. None of those bytes may reach the terminal; their escaped form must.
- SIGTERM and SIGHUP (and a real hang-up) after an answer: the terminal is restored, the
  exit status is 128 + the signal, and the answer is in the store.

Each takes a few seconds; they are skipped where no pty can be made.
"""

from __future__ import annotations

import signal
import sqlite3
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_helpers import HOSTILE, VISIBLE, forbidden_in
from pty_helpers import (
    ENTER,
    ESCAPE,
    LEAVE_ALT_SCREEN,
    MOUSE_OFF,
    SHOW_CURSOR,
    Terminal,
    quiz_argv,
)
from tui_helpers import MINIMAL, acknowledge_disclaimer

from quiz.engine.store import ReviewStore

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")

TESTS_TUI = Path(__file__).resolve().parent

#: builds the real app with `create_app` (the one factory) and runs it on this terminal
LAUNCHER = textwrap.dedent(
    """
    import sys
    from datetime import timezone
    from pathlib import Path

    sys.path.insert(0, {tests!r})
    from hostile_helpers import HOSTILE, HOSTILE_NAME, hostile_bank
    from tui_helpers import acknowledge_disclaimer

    from quiz.bank.catalog import BankCatalog, BankEntry, BankFile
    from quiz.clock import utc_now
    from quiz.engine.overview import SessionOptions
    from quiz.engine.paths import default_db_path
    from quiz.engine.store import ReviewStore
    from quiz.tui.app import create_app

    mode, work = sys.argv[1], Path(sys.argv[2])
    if mode == "walk":
        # a progress file that is not a database, in a folder with a hostile name: the
        # app's notice names it
        data = work / ("data " + HOSTILE_NAME)
        data.mkdir()
        default_db_path(data).write_bytes(b"not a database")
        store = ReviewStore.open(data)
        decks = work / "decks"
        decks.mkdir()
        (decks / "disclaimer.txt").write_text("Disclaimer " + HOSTILE, encoding="utf-8")
        banks = [hostile_bank()]
    else:
        # a bank file the store knew, with a hostile name, that no longer loads
        store = ReviewStore.open(work / "data")
        acknowledge_disclaimer(store)
        decks = None
        path = work / ("bank " + HOSTILE_NAME + ".yaml")
        path.write_bytes(b"id: [unclosed")
        banks = BankCatalog(
            [BankEntry("broken", "Broken " + HOSTILE)],
            files=[BankFile(path, path.read_bytes())],
        )
    app = create_app(
        store=store,
        banks=banks,
        now=utc_now,
        options=SessionOptions(day_tz=timezone.utc),
        decks_dir=decks,
        cursor_blink=False,
    )
    app.run()
    store.close()
    sys.exit(app.return_code or 0)
    """
)


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    """Terminals a test opens; any still running at the end are killed."""
    opened: list[Terminal] = []
    yield opened
    for t in opened:
        t.close()


def launch(terminals: list[Terminal], tmp_path: Path, mode: str) -> Terminal:
    script = tmp_path / "launch.py"
    script.write_text(LAUNCHER.format(tests=str(TESTS_TUI)), encoding="utf-8")
    # tall enough that a question's hostile text leaves the red-flag box on screen
    t = Terminal([sys.executable, str(script), mode, str(tmp_path)], size=(120, 60))
    terminals.append(t)
    return t


def start_quiz(terminals: list[Terminal], data: Path, *args: str) -> Terminal:
    t = Terminal(quiz_argv("study", str(MINIMAL), "--data-dir", str(data), *args))
    terminals.append(t)
    return t


def start_acknowledged_quiz(terminals: list[Terminal], data: Path) -> Terminal:
    """The quiz on a new store whose learner has read the disclaimer: it opens on home."""
    with ReviewStore.open(data) as store:
        acknowledge_disclaimer(store)
    return start_quiz(terminals, data)


def assert_nothing_hostile(raw: bytes) -> None:
    assert forbidden_in(raw) == []
    assert VISIBLE in raw  # the hostile text was drawn, escaped


def test_every_screen_with_hostile_text_writes_no_terminal_commands(
    terminals: list[Terminal], tmp_path: Path
) -> None:
    t = launch(terminals, tmp_path, "walk")
    t.wait_for("Before you start")  # the disclaimer, and the notice about the store
    t.wait_for("Your progress file")
    t.settle()
    t.send(ENTER)
    t.settle()
    t.send("?")
    t.wait_for("Keys")
    t.settle()
    t.send(ESCAPE, "s")
    t.wait_for("Your progress")
    t.settle()
    t.send(ESCAPE, ENTER)

    def answer(number: int, *keys: str, then: str = "answered", leave: str = ENTER) -> None:
        # Keys typed before a screen is up go to the one before it: wait for each screen.
        # The feedback screen's top bar says "n answered" (options are shuffled, so "2" may
        # be right or wrong).
        t.wait_for(f"Question {number} of")
        t.settle()
        for key in keys:
            t.send(key)
            t.settle()
        t.wait_for(then)
        t.settle()
        t.send(leave)

    # the red-flag flashcard comes first: the "What to do" box
    answer(1, " ", "1", then="What to do")
    answer(2, "2", ENTER)  # single: the whys of the chosen (and the right) option
    answer(3, "f", ENTER)  # true/false, wrong
    answer(4, "x", ENTER)  # cloze
    answer(5, "x", ENTER)  # typed
    answer(6, "3", ENTER, leave=ESCAPE)  # multi; then end the session
    t.wait_for("Session summary")
    t.settle()
    t.send(ENTER)
    t.settle()
    t.send("q")
    assert t.wait_exit() == 0
    assert_nothing_hostile(bytes(t.raw))


def test_a_bank_file_with_a_hostile_name_is_named_safely(
    terminals: list[Terminal], tmp_path: Path
) -> None:
    t = launch(terminals, tmp_path, "broken")
    t.wait_for("Broken")
    t.settle()
    t.send(ENTER)  # the file no longer loads: a notice names it
    t.wait_for("Bank problem")
    t.settle()
    t.send("q")
    assert t.wait_exit() == 0
    raw = bytes(t.raw)
    assert forbidden_in(raw) == []
    assert b"\\x1b]52;c;SE9TVElMRQ==\\x07CLIP" in raw and b"\\n" in raw  # the name, escaped


def test_hostile_text_in_a_hand_edited_store_writes_no_terminal_commands(
    terminals: list[Terminal], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    t = start_acknowledged_quiz(terminals, data)  # the first start syncs the bank (and its digest)
    t.wait_for("Sample bank")
    t.settle()
    t.send("q")
    assert t.wait_exit() == 0
    with sqlite3.connect(data / ReviewStore.open(data).path.name) as conn:
        conn.execute("UPDATE banks SET title = ?", (HOSTILE,))
    # the usual start: the store knows the file's bytes, so the title comes from the store
    t = start_quiz(terminals, data)
    t.wait_for("Mode: study")
    t.settle()
    t.send("s")
    t.wait_for("Your progress")
    t.settle()
    t.send(ESCAPE)
    t.settle()
    t.send("q")
    assert t.wait_exit() == 0
    assert_nothing_hostile(bytes(t.raw))


def answer_one_question(t: Terminal) -> None:
    t.wait_for("Sample bank")
    t.settle()
    t.send(ENTER)
    t.wait_for("Question 1 of")  # the red-flag flashcard comes first
    t.settle()
    t.send(" ")
    t.wait_for("Good")
    t.settle()
    t.send("3")
    t.wait_for("You graded")
    t.settle()


def assert_terminal_restored(raw: bytes) -> None:
    tail = raw[raw.rindex(b"You graded") :]
    for sequence in (LEAVE_ALT_SCREEN, SHOW_CURSOR, MOUSE_OFF):
        assert sequence in tail, sequence
    assert b"Traceback" not in raw


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_restores_the_terminal_and_keeps_the_answer(
    terminals: list[Terminal], tmp_path: Path, signum: signal.Signals
) -> None:
    data = tmp_path / "data"
    t = start_acknowledged_quiz(terminals, data)
    answer_one_question(t)
    t.kill(signum)
    assert t.wait_exit() == 128 + signum
    assert_terminal_restored(bytes(t.raw))
    assert b"Your answers are saved (1 this time)" in t.raw
    with ReviewStore.open(data) as store:
        assert len(store.reviews()) == 1


def test_a_real_hang_up_ends_the_app_and_keeps_the_answer(
    terminals: list[Terminal], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    t = start_acknowledged_quiz(terminals, data)
    answer_one_question(t)
    # The terminal goes away (a closed window, a dropped ssh connection): the kernel sends
    # SIGHUP, and nothing can be written any more.
    status = t.hang_up(timeout=10)
    assert status == 128 + signal.SIGHUP  # ended by the app's handler, not killed
    with ReviewStore.open(data) as store:
        assert len(store.reviews()) == 1
