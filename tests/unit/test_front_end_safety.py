"""What the line-oriented front ends print from data (plain mode, `quiz stats`, `quiz study`
errors) reaches a terminal with no terminal commands in it (in-process; test_terminal_safety
drives the real commands). Plus the two ways `quiz study` ends that must not leave a
traceback: no terminal, and Ctrl+C in plain mode.
"""

from __future__ import annotations

import dataclasses
import io
import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timezone
from pathlib import Path

from unit_helpers import MINIMAL, Clock

from quiz.bank.discover import DISCLAIMER_META_KEY, disclaimer_digest, disclaimer_text
from quiz.bank.load import load_bank
from quiz.bank.model import Bank
from quiz.engine.session import SessionOptions
from quiz.engine.stats import compute_stats, format_stats_text
from quiz.engine.store import ReviewStore
from quiz.plain import run_plain

#: terminal commands: OSC 52 clipboard, OSC 8 link, clear, leave alt screen, C1, RLO, BEL
HOSTILE = (
    "\x1b]52;c;SE9TVElMRQ==\x07\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\"
    "\x1b[2J\x1b[?1049l\u009b31m\u009d0;t\u009c\u202eevil"
)
RAW = ("\x1b", "\x07", "\x9b", "\x9c", "\x9d", "\u202e")
SHOWN = "\\x1b]52;c;"
OPTIONS = SessionOptions(new_limit=6, day_tz=timezone.utc)


def assert_safe(out: str) -> None:
    for c in RAW:
        assert c not in out, repr(c)
    assert SHOWN in out


def env_without_data_dir() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("QUIZ_DATA_DIR", "NO_COLOR")}


def acknowledged_store(path: Path) -> ReviewStore:
    store = ReviewStore(path)
    store.set_meta(DISCLAIMER_META_KEY, disclaimer_digest(disclaimer_text()))
    return store


def play(store: ReviewStore, banks: list[Bank], lines: list[str]) -> str:
    out = io.StringIO()
    status = run_plain(
        store,
        banks,
        Clock(),
        OPTIONS,
        stdin=io.StringIO("".join(line + "\n" for line in lines)),
        stdout=out,
        colour=False,
    )
    assert status == 0
    return out.getvalue()


# -- plain mode ------------------------------------------------------------------------------


def test_plain_mode_escapes_terminal_commands_in_every_text(tmp_path: Path) -> None:
    bank = load_bank(MINIMAL)
    questions = tuple(
        dataclasses.replace(
            q,
            prompt=q.prompt + HOSTILE,
            explanation=HOSTILE,
            options=tuple(dataclasses.replace(o, text=o.text + HOSTILE) for o in q.options),
            back=(q.back + HOSTILE) if q.back else q.back,
            action=(q.action + HOSTILE) if q.action else q.action,
        )
        for q in bank.questions
    )
    bank = dataclasses.replace(bank, title=HOSTILE, questions=questions)
    store = acknowledged_store(tmp_path / "p.sqlite3")
    # wrong answers everywhere, so that every text is echoed back; the typed answer is
    # hostile too (a learner's line, echoed and kept in the review log)
    out = play(store, [bank], ["2", "f", "x" + HOSTILE, "", "1", "nope" + HOSTILE, "3", "q"])
    assert_safe(out)
    assert "IMPORTANT, what to do:" in out


# -- quiz stats ------------------------------------------------------------------------------


def hostile_store(path: Path) -> ReviewStore:
    """A store whose bank title, ids and a learner's kept answer hold terminal commands."""
    store = acknowledged_store(path)
    play(store, [load_bank(MINIMAL)], ["", "3", "1", "t", "x" + HOSTILE, "q"])
    store.close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE banks SET title = ?", (HOSTILE + "\nsecond line",))
    return ReviewStore(path)


def test_stats_text_escapes_titles_ids_and_answers_from_the_store(tmp_path: Path) -> None:
    store = hostile_store(tmp_path / "p.sqlite3")
    stats = compute_stats(store, Clock()(), day_tz=timezone.utc)
    assert any(HOSTILE in m.answer for m in stats.misconceptions)
    text = format_stats_text(stats)
    assert_safe(text)
    assert "\\nsecond line" in text  # a newline in a title cannot start a line of its own


def test_study_names_a_hostile_bank_file_safely(tmp_path: Path) -> None:
    folder = tmp_path / "banks"
    folder.mkdir()
    (folder / "bad \x1b]52;c;SE9TVElMRQ==\x07\x1b[2J\n\u202e.yaml").write_bytes(b"id: [")
    out = subprocess.run(
        [sys.executable, "-m", "quiz", "study", "--plain", str(folder)],
        input=b"",
        capture_output=True,
        env={**env_without_data_dir(), "QUIZ_DATA_DIR": str(tmp_path / "d")},
        timeout=60,
    )
    assert out.returncode == 1
    err = out.stderr.decode()
    for c in RAW:
        assert c not in err
    assert "bad \\x1b]52;c;SE9TVElMRQ==\\x07\\x1b[2J\\n\\u202e.yaml:" in err
    assert "Traceback" not in err


def test_study_without_a_terminal_says_so_instead_of_hanging(tmp_path: Path) -> None:
    for args in (["study"], [], ["--practice"]):
        out = subprocess.run(
            [sys.executable, "-m", "quiz", *args, "--data-dir", str(tmp_path / "d")],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=env_without_data_dir(),
            timeout=30,
        )
        assert out.returncode == 2, args
        assert out.stderr.startswith("quiz: no terminal:")
        assert "quiz study --plain" in out.stderr
        assert out.stdout == ""


def test_each_stream_that_is_not_a_terminal_is_refused(tmp_path: Path) -> None:
    """On a terminal but with one stream redirected (`quiz 2>log` draws where nobody sees,
    `quiz </dev/null` waits for keys that never come, `quiz | cat` draws into a pipe)."""
    primary, secondary = os.openpty()
    try:
        for redirected in ("stdin", "stdout", "stderr"):
            streams = {"stdin": secondary, "stdout": secondary, "stderr": secondary}
            streams[redirected] = subprocess.PIPE
            proc = subprocess.Popen(
                [sys.executable, "-m", "quiz", "--data-dir", str(tmp_path / "d")],
                env=env_without_data_dir(),
                **streams,  # type: ignore[call-overload]
            )
            if proc.stdin is not None:
                proc.stdin.close()
            assert proc.wait(timeout=30) == 2, redirected
            err = proc.stderr.read() if proc.stderr is not None else b""
            if redirected == "stderr":
                assert err.startswith(b"quiz: no terminal:")
            if proc.stdout is not None:
                assert proc.stdout.read() == b""
                proc.stdout.close()
            if proc.stderr is not None:
                proc.stderr.close()
    finally:
        os.close(primary)
        os.close(secondary)


def test_no_terminal_check_comes_before_textual_is_imported() -> None:
    code = (
        "import sys; from quiz.cli import main; status = main(['study']); "
        "print(status, 'textual' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env_without_data_dir(),
        timeout=30,
    )
    assert out.stdout.split() == ["2", "False"]


def _read_until(stream: int, needle: bytes, timeout: float = 20) -> bytes:
    got = b""
    deadline = time.monotonic() + timeout
    while needle not in got:
        left = deadline - time.monotonic()
        assert left > 0, f"{needle!r} never came; got {got!r}"
        ready, _, _ = select.select([stream], [], [], left)
        if ready:
            chunk = os.read(stream, 65536)
            assert chunk, f"output ended before {needle!r}; got {got!r}"
            got += chunk
    return got


def test_ctrl_c_in_plain_mode_keeps_the_answers_and_says_goodbye(tmp_path: Path) -> None:
    data = tmp_path / "d"
    data.mkdir()
    acknowledged_store(data / "progress.sqlite3").close()
    proc = subprocess.Popen(
        [sys.executable, "-m", "quiz", "study", "--plain", str(MINIMAL), "--data-dir", str(data)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env_without_data_dir(),
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    try:
        _read_until(proc.stdout.fileno(), b"> ")
        proc.stdin.write(b"\n3\n")  # the red-flag flashcard comes first: show it, grade Good
        proc.stdin.flush()
        _read_until(proc.stdout.fileno(), b"Type the number")  # the next question waits
        proc.send_signal(signal.SIGINT)
        status = proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    rest = proc.stdout.read().decode()
    err = proc.stderr.read().decode()
    assert status == 130
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert rest.strip().splitlines()[-1] == "Stopped. Your answers are saved (1 this time)."
    with ReviewStore(data / "progress.sqlite3") as store:
        assert len(store.reviews()) == 1
