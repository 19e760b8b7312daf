"""The one table of export formats: what `quiz export FORMAT` offers.

Each row names a format, the file names it writes, and the module and function that write
it. Every writer has the same interface (`quiz.export.base`): `write(banks, out, options)
-> summary`. The module is imported only when its format is chosen, so that a format's
libraries (genanki, openpyxl, typst, segno) load only for that format. The Anki export
keeps its own function, `quiz.export.anki.export_anki(banks, out, *, timestamp)`, reached
through the small adapter below.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from quiz.bank.model import Bank
from quiz.export.base import ExportOptions

Writer = Callable[[Sequence[Bank], Path, ExportOptions], str]


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """One row of the table."""

    name: str
    help: str
    #: file name endings the output may have (the first is the usual one)
    suffixes: tuple[str, ...]
    #: "module:function" of the writer
    writer: str
    #: the format holds exactly one bank
    one_bank: bool = False

    @property
    def example(self) -> str:
        """An output name to suggest in messages, e.g. `banks.apkg`."""
        return f"banks{self.suffixes[0]}"

    def write(self, banks: Sequence[Bank], out: Path, options: ExportOptions) -> str:
        """Write `banks` to `out` in this format; returns a one-line summary."""
        module_name, function = self.writer.split(":")
        module = importlib.import_module(module_name)
        return cast(Writer, getattr(module, function))(banks, out, options)


def write_anki(banks: Sequence[Bank], out: Path, options: ExportOptions) -> str:
    """The Anki export on the common interface."""
    from quiz.export.anki import export_anki

    summary = export_anki(banks, out, timestamp=options.timestamp)
    return f"{summary.decks} deck(s), {summary.notes} note(s), {summary.cards} card(s)"


FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("anki", "write an Anki package (.apkg)", (".apkg",), f"{__name__}:write_anki"),
    ExportFormat(
        "csv",
        "write one bank as a spreadsheet in CSV (the layout 'quiz import' reads)",
        (".csv",),
        "quiz.export.spreadsheet:write_csv",
        one_bank=True,
    ),
    ExportFormat(
        "xlsx",
        "write one bank as an Excel workbook (the layout 'quiz import' reads)",
        (".xlsx",),
        "quiz.export.spreadsheet:write_xlsx",
        one_bank=True,
    ),
    ExportFormat(
        "moodle-xml",
        "write Moodle XML for Moodle's question bank import",
        (".xml",),
        "quiz.export.moodle_xml:write",
    ),
    ExportFormat(
        "gift",
        "write GIFT text for Moodle's question bank import",
        (".gift", ".txt"),
        "quiz.export.gift:write",
    ),
    ExportFormat(
        "qti",
        "write a QTI 2.1 content package (.zip) for Canvas, Blackboard and others",
        (".zip",),
        "quiz.export.qti:write",
    ),
    ExportFormat(
        "handout",
        "write a patient handout of the banks' facts (.pdf or .html)",
        (".pdf", ".html"),
        "quiz.export.handout:write",
    ),
)


def export_format(name: str) -> ExportFormat:
    """The format called `name` (KeyError if there is none)."""
    for f in FORMATS:
        if f.name == name:
            return f
    raise KeyError(name)
