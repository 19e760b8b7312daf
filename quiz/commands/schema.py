"""`quiz schema`: print the JSON Schema of the bank format (the same as schema/bank.schema.json)."""

from __future__ import annotations

import argparse
import sys


def run(args: argparse.Namespace) -> int:
    """Print the schema to stdout; return the exit status."""
    from quiz.bank.schema import bank_json_schema_text

    sys.stdout.write(bank_json_schema_text())
    return 0
