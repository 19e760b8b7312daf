"""A real browser for the web tests: Debian's chromium driven by Playwright, axe-core from
axe-playwright-python, and the web front end served by uvicorn on a free loopback port in a
thread of the test process (so the test can see what the server shows each learner).

Browser tests run wherever chromium and Playwright are installed; under CI (`CI` set) a
missing browser is a failure, not a skip (`.ci/run` installs it)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from quiz.web.app import QuizWeb


def chromium_path() -> str | None:
    """Debian's chromium (or $QUIZ_CHROMIUM)."""
    return os.environ.get("QUIZ_CHROMIUM") or shutil.which("chromium")


def need_browser() -> str:
    """The chromium executable; skips (fails under CI) when it or Playwright is missing."""
    path = chromium_path()
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as e:
        missing = f"Playwright or axe-playwright-python is not installed ({e})"
    else:
        missing = "" if path else "chromium is not installed (apt-get install chromium)"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {missing}")
        pytest.skip(missing)
    assert path is not None
    return path


@contextmanager
def serving(web: QuizWeb) -> Iterator[str]:
    """Serve `web` with uvicorn on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(web.app(), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def chromium(executable: str) -> Iterator[Any]:
    """A headless chromium (Playwright `Browser`)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable, headless=True, args=["--no-sandbox"]
        )
        try:
            yield browser
        finally:
            browser.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (every rule axe runs by default:
    WCAG 2.0 to 2.2 A and AA, and best practices)."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    violations: list[dict[str, Any]] = result.response["violations"]
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    """Violations in a few readable lines."""
    lines = []
    for v in violations:
        targets = [", ".join(n["target"]) for n in v["nodes"]][:3]
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} at {targets}")
        for n in v["nodes"][:2]:
            lines.append(f"    {n.get('failureSummary', '')[:300]}")
    return "\n".join(lines)


def no_horizontal_scroll(page: Any) -> bool:
    """The page fits the viewport's width (WCAG 1.4.10 reflow)."""
    return bool(
        page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
        )
    )


def tmp_screenshot_dir(tmp: Path) -> Path:
    d = tmp / "shots"
    d.mkdir(exist_ok=True)
    return d
