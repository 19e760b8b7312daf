"""One module per `quiz` subcommand, each with `run(args) -> int`. Imported lazily by cli.

`report` is how a command tells the person at the terminal what went wrong: messages name
files and quote values that an attacker may have chosen, so each line goes through the one
sanitizer before it is printed.
"""

from __future__ import annotations

import sys

from quiz.safe_text import safe_line


def report(prog: str, message: object) -> None:
    """Print `message` to stderr, each of its lines after `prog: `, safe for a terminal."""
    for line in str(message).splitlines() or [""]:
        print(f"{prog}: {safe_line(line)}", file=sys.stderr)
