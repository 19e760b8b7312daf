"""The web front end imports neither Textual nor the command-line modules, and the rest of
the program does not import the web framework unless `quiz serve` runs."""

from __future__ import annotations

import subprocess
import sys

WEB = [
    "quiz.web",
    "quiz.web.app",
    "quiz.web.accounts",
    "quiz.web.auth",
    "quiz.web.learners",
    "quiz.web.pages",
    "quiz.web.security",
    "quiz.web.server",
]


def _modules_after(code: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.split()


def test_web_imports_neither_textual_nor_the_commands() -> None:
    loaded = _modules_after(
        "import importlib\n" + "".join(f"importlib.import_module({m!r})\n" for m in WEB)
    )
    bad = [
        m
        for m in loaded
        if m.split(".")[0] == "textual"
        or m.startswith(("quiz.tui", "quiz.commands", "quiz.cli", "quiz.plain"))
    ]
    assert bad == []


def test_the_core_and_the_cli_do_not_import_the_web_framework() -> None:
    code = (
        "from quiz.cli import build_parser\n"
        "build_parser()\n"
        "import quiz.engine.session, quiz.engine.stats, quiz.plain, quiz.wording\n"
    )
    loaded = _modules_after(code)
    web = ("starlette", "jinja2", "uvicorn", "argon2", "quiz.web")
    assert [m for m in loaded if m.startswith(web)] == []
