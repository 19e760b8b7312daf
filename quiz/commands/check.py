"""`quiz check`: load bank files and report every error, file:line:col."""

from __future__ import annotations

import argparse
import sys

from quiz.bank.discover import find_bank_files, shipped_decks_dir
from quiz.bank.findings import BankLoadError, Finding


def run(args: argparse.Namespace) -> int:
    files, missing = find_bank_files(args.paths or [shipped_decks_dir()])
    findings: list[Finding] = []
    for m in missing:
        print(f"quiz check: {m}: no such file or folder", file=sys.stderr)
    for f in files:
        try:
            from quiz.bank.load import load_bank

            load_bank(f)
        except BankLoadError as e:
            findings.extend(e.findings)
    for fi in findings:
        print(fi.format())
    print(f"{len(files)} bank(s) checked: {len(findings)} error(s)")
    return 1 if findings or missing else 0
