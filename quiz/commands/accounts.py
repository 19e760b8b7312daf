"""`quiz accounts add|remove|reset-password|list NAME --file FILE`: learner accounts for
`quiz serve --accounts FILE`.

Passwords are asked twice without echo (or read from stdin, one line, with
`--password-stdin`, for scripts) and stored as argon2id hashes (`quiz.web.accounts`).
Removing an account keeps the learner's progress store; a new password signs the learner's
browsers out.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

DEFAULT_FILE = Path("accounts.txt")


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The `accounts` subcommand's arguments."""
    acc = sub.add_parser("accounts", help="learner accounts for 'quiz serve --accounts FILE'")
    acc.add_argument("action", choices=("add", "remove", "reset-password", "list"))
    acc.add_argument("name", nargs="?", metavar="NAME", help="the learner's name")
    acc.add_argument(
        "--file",
        type=Path,
        default=DEFAULT_FILE,
        metavar="FILE",
        help=f"the accounts file (default: {DEFAULT_FILE})",
    )
    acc.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from stdin (one line) instead of asking",
    )


def _password(from_stdin: bool) -> str | None:
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    first = getpass.getpass("New password: ")
    again = getpass.getpass("The same password again: ")
    if first != again:
        print("quiz accounts: the two passwords differ; nothing was changed", file=sys.stderr)
        return None
    return first


def run(args: argparse.Namespace) -> int:
    """Entry point of `quiz accounts`."""
    try:
        from quiz.web import accounts as acc
    except ImportError as e:
        print(
            f"quiz accounts: needs the web extra: pip install 'patient-quiz[web]' ({e})",
            file=sys.stderr,
        )
        return 1
    from quiz.safe_text import safe_line

    path: Path = args.file
    try:
        if args.action == "list":
            for name in sorted(acc.read_accounts(path)):
                print(name)
            return 0
        if not args.name:
            print(f"quiz accounts {args.action}: give the learner's NAME", file=sys.stderr)
            return 2
        name = args.name.strip().lower()
        if args.action == "remove":
            acc.remove_account(path, name)
            print(f"Removed {name}; their progress store was kept.")
            return 0
        if args.action == "add" and not acc.valid_name(name):
            acc.add_account(path, name, "x" * acc.MIN_PASSWORD)  # raises with the reason
        password = _password(args.password_stdin)
        if password is None:
            return 1
        if args.action == "add":
            acc.add_account(path, name, password)
            print(f"Added {name}.")
        else:
            acc.reset_password(path, name, password)
            print(f"New password set for {name}; their browsers are signed out.")
        return 0
    except acc.AccountError as e:
        print(f"quiz accounts: {safe_line(str(e))}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"quiz accounts: {safe_line(str(e))}", file=sys.stderr)
        return 1
