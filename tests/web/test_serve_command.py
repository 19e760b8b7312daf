"""`quiz serve` as a user runs it: the real command in a subprocess, its one-time link,
and what it refuses."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from quiz.cli import main


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_quiz_serve_prints_a_link_that_signs_in_once(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "QUIZ_DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "quiz", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        link = None
        deadline = time.monotonic() + 60
        while link is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            found = re.search(r"(http://127\.0\.0\.1:\d+/login\?token=\S+)", line)
            if found:
                link = found.group(1)
        assert link is not None, proc.stderr.read() if proc.stderr else ""
        assert len(link.split("token=")[1]) >= 40
        r = None
        while time.monotonic() < deadline:
            try:
                r = httpx.get(link, follow_redirects=False)
                break
            except httpx.ConnectError:
                time.sleep(0.1)
        assert r is not None and r.status_code == 303 and r.headers["location"] == "/"
        cookie = r.cookies.get("quiz_session")
        assert cookie
        home = httpx.get(
            f"http://127.0.0.1:{port}/", cookies={"quiz_session": cookie}, follow_redirects=True
        )
        assert home.status_code == 200 and "Before you start" in home.text
        assert "server" not in {k.lower() for k in home.headers}
        again = httpx.get(link)
        assert again.status_code == 403 and "already used" in again.text
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            status = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert status in (0, 130)  # Ctrl+C: uvicorn stops gracefully (newer ones re-raise it)
    assert (tmp_path / "data" / "progress.sqlite3").exists()


def test_quiz_serve_refuses_what_is_not_safe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    assert "the one-time link is for this computer only" in capsys.readouterr().err
    assert main(["serve", "--host", "0.0.0.0", "--trust-header", "X-User"]) == 2
    assert "only safe when nothing but the proxy" in capsys.readouterr().err
    assert main(["serve", "--accounts", str(tmp_path / "none.txt")]) == 1
    assert "no accounts file" in capsys.readouterr().err
    assert main(["serve", "--port", "70000"]) == 2
    assert main(["serve", "no-such-bank"]) == 1
    assert "not a shipped bank id" in capsys.readouterr().err
