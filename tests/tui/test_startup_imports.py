"""The app's start-up path stays light: opening the quiz on the shipped banks up to the
home screen loads neither genanki, textstat, the linter nor the exporters, nor what only
studying needs (the session, fsrs, answer checking, rapidfuzz); on the usual start (the store
has synced these bank files before) not even the YAML parser or the bank model. And the app
reaches the store only through the engine (no SQL of its own)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

TUI = Path(__file__).resolve().parents[2] / "quiz" / "tui"

START_UP = """
import asyncio, sys
from datetime import datetime, timezone
from pathlib import Path
from quiz.bank.selection import open_catalog, resolve_bank_files
from quiz.engine.overview import SessionOptions
from quiz.engine.store import ReviewStore
from quiz.tui.app import create_app
from quiz.tui.screens.home import HomeScreen

async def main() -> None:
    store = ReviewStore.open(Path(sys.argv[1]))
    catalog = open_catalog(resolve_bank_files([]), store)
    assert catalog.loaded == (sys.argv[2] == "first"), catalog.loaded
    app = create_app(store=store, banks=catalog,
                     now=lambda: datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
                     options=SessionOptions(), cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        if sys.argv[2] == "first":
            await pilot.press("enter")  # past the disclaimer
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen), app.screen
    store.close()

asyncio.run(main())
heavy = ("genanki", "textstat", "rapidfuzz", "quiz.bank.lint", "quiz.bank.readability",
         "quiz.export", "fsrs", "quiz.engine.grading", "quiz.engine.session")
print(sorted(m for m in sys.modules if m.startswith(heavy)))
print(sorted(m for m in sys.modules if m.startswith(("yaml", "quiz.bank.load", "quiz.bank.model"))))
"""


def _start(data_dir: Path, which: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", START_UP, str(data_dir), which],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout.strip().splitlines()[-2:]


def test_start_up_to_the_home_screen_loads_no_heavy_module(tmp_path: Path) -> None:
    heavy, parser = _start(tmp_path, "first")  # banks parsed, checked and synced
    assert heavy == "[]"
    assert "'yaml'" in parser
    heavy, parser = _start(tmp_path, "usual")  # the same files again: listed from the store
    assert (heavy, parser) == ("[]", "[]")


def test_the_app_has_no_sql_of_its_own() -> None:
    sql = re.compile(r"\bsqlite3\b|\.execute\(|\bSELECT\b|\bINSERT\b|\bUPDATE\s+\w+\s+SET\b")
    offenders = [
        f"{p.relative_to(TUI)}:{n}"
        for p in sorted(TUI.rglob("*.py"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
        if sql.search(line)
    ]
    assert offenders == []


def test_the_disclaimer_acknowledgement_is_the_plain_modes() -> None:
    # Both front ends record the acknowledgement through the one definition beside the
    # disclaimer text, so reading it in one counts for the other.
    from quiz import plain
    from quiz.bank import discover
    from quiz.tui import app

    assert app.DISCLAIMER_META_KEY is plain.DISCLAIMER_META_KEY is discover.DISCLAIMER_META_KEY
    assert app.disclaimer_digest is plain.disclaimer_digest is discover.disclaimer_digest
