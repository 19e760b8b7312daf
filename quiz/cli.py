"""The `quiz` command line: parses arguments and hands them to one command module.

Each subcommand lives in `quiz.commands.<name>` with a `run(args) -> int`; it is imported
only when chosen, so that `quiz` starts fast and a command's heavy dependencies (genanki,
textstat, Textual) load only when needed.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from quiz import __version__


class QuizArgumentParser(argparse.ArgumentParser):
    """argparse, with everything it prints (usage, help, errors) made safe for a terminal:
    its errors quote the arguments, and `quiz check *` makes file names into arguments, so
    a file called `--x<ESC>]52;...` would otherwise reach the terminal as a command.
    Subparsers are made with the same class."""

    def _print_message(self, message: str, file: Any = None) -> None:
        from quiz.safe_text import safe_text

        super()._print_message(safe_text(message), file)


def add_data_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where progress is kept (default: $QUIZ_DATA_DIR, else the user data directory)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = QuizArgumentParser(
        prog="quiz",
        description="Learn the facts about muscle twitching with a spaced-repetition quiz.",
        epilog="With no command, opens the quiz on the shipped banks (the same as 'quiz study').",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    study = sub.add_parser("study", help="study banks in the terminal app (or --plain)")
    study.add_argument(
        "banks",
        nargs="*",
        metavar="BANK",
        help="bank ids, bank files or folders (default: the shipped banks)",
    )
    study.add_argument(
        "--plain",
        action="store_true",
        help="a line-by-line dialogue on stdin/stdout (screen readers, scripts)",
    )
    study.add_argument(
        "--practice",
        action="store_true",
        help="practice mode: questions are asked but the schedule is not touched",
    )
    study.add_argument(
        "--new-limit",
        type=int,
        default=None,
        metavar="N",
        help="new items per day in each bank (default 20)",
    )
    study.add_argument(
        "--limit",
        type=int,
        default=None,
        metavar="N",
        help="questions in one session (default 20; one missed and asked again counts once)",
    )
    study.add_argument(
        "--minutes",
        type=float,
        default=None,
        metavar="M",
        help="start no new question after M minutes (default: no time limit)",
    )
    add_data_dir(study)

    check = sub.add_parser("check", help="check bank files for errors and item-writing flaws")
    check.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="bank files or folders (default: the shipped banks)",
    )
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")

    sub.add_parser("schema", help="print the JSON Schema of the bank format")

    preview = sub.add_parser("preview", help="print banks as learners see them, with the key")
    preview.add_argument(
        "banks",
        nargs="*",
        metavar="BANK",
        help="bank ids, bank files or folders (default: the shipped banks)",
    )
    preview.add_argument("--question", metavar="ID", help="show only this question")

    stats = sub.add_parser("stats", help="show progress: due items, retention, leeches")
    stats.add_argument("--format", choices=("text", "json"), default="text")
    add_data_dir(stats)

    progress = sub.add_parser(
        "progress", help="back up, move or reset your progress (export, import, reset)"
    )
    actions = progress.add_subparsers(dest="action", metavar="ACTION", required=True)
    p_export = actions.add_parser("export", help="write your review history to a file")
    p_export.add_argument("file", type=Path, metavar="FILE", help="the file to write (.jsonl)")
    p_export.add_argument("--force", action="store_true", help="replace FILE if it exists")
    add_data_dir(p_export)
    p_import = actions.add_parser(
        "import", help="merge a file written by 'progress export' into your progress"
    )
    p_import.add_argument("file", type=Path, metavar="FILE")
    add_data_dir(p_import)
    p_reset = actions.add_parser("reset", help="start over (a backup is written first)")
    p_reset.add_argument(
        "banks", nargs="*", metavar="BANK", help="bank ids to reset (default: every bank)"
    )
    p_reset.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_data_dir(p_reset)

    export = sub.add_parser("export", help="export banks to another tool")
    export_sub = export.add_subparsers(dest="target", metavar="FORMAT", required=True)
    from quiz.commands.export import add_parsers

    add_parsers(export_sub)

    imp = sub.add_parser("import", help="make a bank from a spreadsheet (.csv or .xlsx)")
    imp.add_argument("source", nargs="?", type=Path, metavar="FILE.csv|FILE.xlsx")
    imp.add_argument("-o", "--output", type=Path, metavar="BANK.yaml")
    imp.add_argument(
        "--template",
        type=Path,
        metavar="FILE.xlsx|FILE.csv",
        help="write an empty spreadsheet with the header rows and one example per type",
    )

    from quiz.commands.accounts import add_parser as add_accounts
    from quiz.commands.serve import add_parser as add_serve

    add_serve(sub)
    add_accounts(sub)

    return parser


#: commands whose module name differs (`import` is a Python keyword)
_MODULES = {"import": "import_"}

_TOP_LEVEL_FLAGS = frozenset({"-h", "--help", "--version"})


def _tolerant_output() -> None:
    """Text that the output's encoding cannot hold ('·' or '✓' under
    `PYTHONIOENCODING=ascii`) is written as a backslash escape, not a traceback."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass  # a closed or unusual stream: leave it as it is


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `quiz` console script. Returns the exit status."""
    _tolerant_output()
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    if not words or (words[0].startswith("-") and words[0] not in _TOP_LEVEL_FLAGS):
        # No command: `quiz` and `quiz --data-dir D --practice` mean `quiz study ...`.
        words = ["study", *words]
    args = parser.parse_args(words)
    if getattr(args, "data_dir", None) is None and os.environ.get("QUIZ_DATA_DIR"):
        args.data_dir = Path(os.environ["QUIZ_DATA_DIR"])
    module = importlib.import_module(f"quiz.commands.{_MODULES.get(args.command, args.command)}")
    try:
        return int(module.run(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` and closed: not an error worth a traceback.
        sys.stderr.close()
        return 0
