"""The core (bank, engine, export) must never import Textual: front ends are optional layers."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "quiz.bank.model",
    "quiz.bank.load",
    "quiz.bank.discover",
    "quiz.bank.lint",
    "quiz.bank.schema",
    "quiz.engine.store",
    "quiz.engine.schedule",
    "quiz.engine.session",
    "quiz.engine.stats",
    "quiz.export.anki",
    "quiz.plain",
]


def test_core_never_imports_textual() -> None:
    # A fresh interpreter, so that other tests' imports cannot hide or fake the result.
    code = (
        "import importlib, sys\n"
        f"for name in {CORE!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(len(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0", out.stdout + out.stderr


def test_cli_start_does_not_load_heavy_modules() -> None:
    # `quiz --help` and the parser must stay light: no Textual, genanki or textstat at start-up.
    code = (
        "import sys\n"
        "from quiz.cli import build_parser\n"
        "build_parser()\n"
        "heavy = ('textual', 'genanki', 'textstat', 'fsrs')\n"
        "print([m for m in sys.modules if m.split('.')[0] in heavy])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
