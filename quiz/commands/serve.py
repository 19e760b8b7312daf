"""`quiz serve [BANK ...] [--host H] [--port P] [--accounts FILE | --trust-header NAME]
[--data-dir D] [--new-limit N] [--limit N] [--proxy]`: the quiz in a web browser.

Loads the banks (errors reported file:line:col, exit 1) and serves the web front end
(`quiz.web`) with uvicorn. By default it binds 127.0.0.1 and prints a one-time sign-in link;
with `--accounts FILE` learners sign in with a name and password (`quiz accounts`), and each
has their own progress store under `<data dir>/learners/<name>/`; with `--trust-header NAME`
a trusted reverse proxy names the learner in that header (docs/deploy.md).
"""

from __future__ import annotations

import argparse
import ipaddress
import sys

from quiz.bank.findings import BankLoadError
from quiz.bank.selection import BankSelectionError, load_banks, resolve_bank_files
from quiz.commands import report


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The `serve` subcommand's arguments."""
    from pathlib import Path

    serve = sub.add_parser("serve", help="the quiz in a web browser (local, or for a clinic)")
    serve.add_argument(
        "banks",
        nargs="*",
        metavar="BANK",
        help="bank ids, bank files or folders (default: the shipped banks)",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    who = serve.add_mutually_exclusive_group()
    who.add_argument(
        "--accounts",
        type=Path,
        metavar="FILE",
        help="learners sign in with the accounts in FILE (made with 'quiz accounts')",
    )
    who.add_argument(
        "--trust-header",
        metavar="NAME",
        help="a trusted reverse proxy names the learner in header NAME (see docs/deploy.md)",
    )
    serve.add_argument(
        "--proxy",
        action="store_true",
        help="behind a reverse proxy on this machine: trust its X-Forwarded-Proto/For",
    )
    serve.add_argument("--new-limit", type=int, default=None, metavar="N")
    serve.add_argument("--limit", type=int, default=None, metavar="N")
    serve.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where progress is kept (with --accounts: one folder per learner under it)",
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace) -> int:
    """Entry point of `quiz serve`."""
    from quiz.engine.overview import DEFAULT_NEW_LIMIT, DEFAULT_SESSION_SIZE, SessionOptions

    try:
        from quiz.web.app import AuthMode, WebConfig
        from quiz.web.server import serve
    except ImportError as e:
        print(
            f"quiz serve: the web front end needs its extra: pip install 'patient-quiz[web]' ({e})",
            file=sys.stderr,
        )
        return 1
    if not 0 < args.port < 65536:
        print("quiz serve: --port must be 1 to 65535", file=sys.stderr)
        return 2
    new_limit = DEFAULT_NEW_LIMIT if args.new_limit is None else args.new_limit
    limit = DEFAULT_SESSION_SIZE if args.limit is None else args.limit
    if new_limit < 0 or not 1 <= limit <= 10_000:
        print("quiz serve: --new-limit must be 0 or more, --limit 1 to 10000", file=sys.stderr)
        return 2
    auth: AuthMode = "accounts" if args.accounts else ("header" if args.trust_header else "token")
    if auth == "token" and not _is_loopback(args.host):
        print(
            "quiz serve: the one-time link is for this computer only; to serve other "
            "computers use --accounts FILE (or --trust-header behind a proxy)",
            file=sys.stderr,
        )
        return 2
    if auth == "header" and not (_is_loopback(args.host) or args.host.startswith("/")):
        print(
            "quiz serve: --trust-header is only safe when nothing but the proxy can reach "
            "the server: listen on 127.0.0.1 (see docs/deploy.md)",
            file=sys.stderr,
        )
        return 2
    if args.accounts is not None and not args.accounts.is_file():
        print(
            f"quiz serve: no accounts file at {args.accounts}; add one with "
            "'quiz accounts add NAME --file FILE'",
            file=sys.stderr,
        )
        return 1
    try:
        banks = load_banks(resolve_bank_files(args.banks))
    except BankLoadError as e:
        for f in e.findings:
            print(f.format(), file=sys.stderr)
        return 1
    except BankSelectionError as e:
        report("quiz", e)
        return 1
    config = WebConfig(
        data_dir=args.data_dir,
        auth=auth,
        accounts_file=args.accounts,
        trusted_header=args.trust_header,
        options=SessionOptions(new_limit=new_limit, limit=limit),
    )
    try:
        return serve(
            config, banks, host=args.host, port=args.port, out=sys.stdout, proxy=args.proxy
        )
    except OSError as e:
        report("quiz", e)
        return 1
