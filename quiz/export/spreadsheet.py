"""`quiz export csv|xlsx BANK -o FILE`: one bank in the spreadsheet layout that `quiz import`
reads (`quiz.imports.layout`), so a bank goes YAML -> spreadsheet -> YAML with nothing lost."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from quiz.bank.model import Bank
from quiz.export.base import ExportError, ExportOptions, plural, write_atomically
from quiz.imports.layout import bank_tables, tables_csv, tables_xlsx


def _one(banks: Sequence[Bank]) -> Bank:
    if len(banks) != 1:
        raise ExportError(f"a spreadsheet holds one bank, and {len(banks)} were given")
    return banks[0]


def write_csv(banks: Sequence[Bank], out: Path, options: ExportOptions) -> str:
    """One bank as CSV (UTF-8 with a byte-order mark, comma-separated)."""
    bank = _one(banks)
    write_atomically(out, tables_csv(bank_tables(bank)))
    return f"bank '{bank.id}', {plural(len(bank.questions), 'question')}"


def write_xlsx(banks: Sequence[Bank], out: Path, options: ExportOptions) -> str:
    """One bank as an Excel workbook (sheets Bank, Sources, Questions)."""
    bank = _one(banks)
    write_atomically(out, tables_xlsx(bank_tables(bank)))
    return f"bank '{bank.id}', {plural(len(bank.questions), 'question')}"
