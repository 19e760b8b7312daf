"""The spreadsheet layout of a bank: one table of bank fields, one of sources, one row per
question. `quiz import` reads it (`quiz.imports.spreadsheet`), `quiz export csv|xlsx` and
`quiz import --template` write it; docs/formats.md describes it for instructors.

In an Excel workbook the three tables are three sheets, `Bank`, `Sources` and `Questions`.
A CSV file holds one table, so the three follow one another, each after a line with its
name in brackets (`[bank]`, `[sources]`, `[questions]`) and then its header row.

A cell holding a list (accepted answers, alternatives, topics) separates the entries with
`|` (topics also with commas); in answers and alternatives `\\|`, `\\;` and `\\\\` stand
for a literal `|`, `;` and backslash.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from quiz.bank.model import CHOICE_TYPES, Bank, Question, QuestionType

#: The tables in the order they are written, with their sheet names.
TABLES = ("bank", "sources", "questions")
SHEET_NAMES = {"bank": "Bank", "sources": "Sources", "questions": "Questions"}

BANK_HEADER = ("field", "value")
BANK_FIELDS = ("id", "title", "description", "language", "version", "lint_ignore")
SOURCE_COLUMNS = ("id", "title", "publisher", "date", "url")
MAX_OPTIONS = 5
OPTION_COLUMNS = tuple(
    name for n in range(1, MAX_OPTIONS + 1) for name in (f"option {n}", f"why {n}")
)
QUESTION_COLUMNS = (
    "id",
    "type",
    "prompt",
    "answer",
    *OPTION_COLUMNS,
    "shuffle",
    "alternatives",
    "explanation",
    "source",
    "section",
    "topics",
    "red_flag",
    "action",
    "lint_ignore",
)
HEADERS = {"bank": BANK_HEADER, "sources": SOURCE_COLUMNS, "questions": QUESTION_COLUMNS}

TRUE_WORDS = frozenset({"true", "yes", "y", "t", "1", "x", "wahr", "vrai", "ja", "oui"})
FALSE_WORDS = frozenset({"false", "no", "n", "f", "0", "falsch", "faux", "nein", "non"})

#: Characters that make a spreadsheet program read a CSV cell as a formula. A text
#: starting with one of them (or with the apostrophe itself) is written after an
#: apostrophe, which the import removes again.
FORMULA_STARTS = ("=", "+", "-", "@", "'")

Tables = dict[str, list[list[str]]]


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 1-based column number: 1 -> A, 27 -> AA."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


# --- list cells ------------------------------------------------------------------------------


def join_texts(items: Iterable[str]) -> str:
    """Texts in one cell: `EMG | electromyography` (a `|`, `;` or backslash escaped)."""
    return " | ".join(_escape(i) for i in items)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace(";", "\\;")


def split_escaped(cell: str, separators: str, *, unescape: bool = True) -> list[str]:
    """`cell` cut at each separator not escaped by a backslash; `\\x` becomes `x` for a
    separator, `|`, `;` or backslash (unless `unescape` is false: then the escapes are
    kept for a second split), and stays as written otherwise."""
    parts: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(cell):
        c = cell[i]
        if c == "\\" and i + 1 < len(cell) and cell[i + 1] in "\\|;" + separators:
            current.append(cell[i + 1] if unescape else cell[i : i + 2])
            i += 2
            continue
        if c in separators:
            parts.append("".join(current))
            current = []
        else:
            current.append(c)
        i += 1
    parts.append("".join(current))
    return parts


def join_alternatives(alternatives: Sequence[tuple[int, Sequence[str]]]) -> str:
    """`c1: thyroid gland | gland; c2: ...`"""
    return "; ".join(f"c{n}: {join_texts(alts)}" for n, alts in alternatives)


_SLUG_SPLIT_RE = re.compile(r"[\s,;|]+")


def split_slugs(cell: str) -> list[str]:
    """Topics or rule ids: separated by commas, semicolons, `|` or spaces."""
    return [s for s in _SLUG_SPLIT_RE.split(cell.strip()) if s]


# --- a bank as tables ------------------------------------------------------------------------


def bank_tables(bank: Bank) -> Tables:
    """The three tables of one bank, header rows first, every cell text."""
    common = (
        frozenset.intersection(*(q.lint_ignore for q in bank.questions))
        if bank.questions
        else frozenset()
    )
    values = {
        "id": bank.id,
        "title": bank.title,
        "description": bank.description,
        "language": bank.language,
        "version": bank.version,
        "lint_ignore": ", ".join(sorted(common)),
    }
    bank_rows = [list(BANK_HEADER), *([f, values[f]] for f in BANK_FIELDS)]
    source_rows = [list(SOURCE_COLUMNS)]
    for s in bank.sources:
        source_rows.append([s.id, s.title, s.publisher or "", s.date or "", s.url or ""])
    question_rows = [list(QUESTION_COLUMNS)]
    for q in bank.questions:
        question_rows.append(question_row(q, common))
    return {"bank": bank_rows, "sources": source_rows, "questions": question_rows}


def answer_cell(q: Question) -> str:
    """What the `answer` column holds for each type."""
    t = q.type
    if t in CHOICE_TYPES:
        return ", ".join(str(i + 1) for i in q.correct_options)
    if t is QuestionType.TRUE_FALSE:
        return "true" if q.answer else "false"
    if t is QuestionType.FLASHCARD:
        return q.back or ""
    if t is QuestionType.TYPED:
        return join_texts(q.answers)
    return ""


def question_row(q: Question, bank_ignore: frozenset[str] = frozenset()) -> list[str]:
    """One question as a row in `QUESTION_COLUMNS` order."""
    options: list[str] = []
    for n in range(MAX_OPTIONS):
        if n < len(q.options):
            o = q.options[n]
            options += [o.text, o.why or ""]
        else:
            options += ["", ""]
    cells = {
        "id": q.id,
        "type": q.type.value,
        "prompt": q.prompt,
        "answer": answer_cell(q),
        "shuffle": "false" if (q.type in CHOICE_TYPES and not q.shuffle) else "",
        "alternatives": join_alternatives(q.alternatives),
        "explanation": q.explanation,
        "source": q.source.id,
        "section": q.source.section,
        "topics": ", ".join(q.topics),
        "red_flag": "true" if q.red_flag else "",
        "action": q.action or "",
        "lint_ignore": ", ".join(sorted(q.lint_ignore - bank_ignore)),
    }
    cells.update(zip(OPTION_COLUMNS, options, strict=True))
    return [cells[c] for c in QUESTION_COLUMNS]


# --- writing tables --------------------------------------------------------------------------


def _csv_cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def tables_csv(tables: Tables) -> bytes:
    """The tables as one CSV file: UTF-8 with a byte-order mark (so that Excel reads it as
    UTF-8), comma-separated, each table after its `[name]` line, a blank line between."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for i, name in enumerate(TABLES):
        if i:
            writer.writerow([])
        writer.writerow([f"[{name}]"])
        for row_number, row in enumerate(tables[name]):
            writer.writerow(row if row_number == 0 else [_csv_cell(c) for c in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def tables_xlsx(tables: Tables) -> bytes:
    """The tables as an Excel workbook, one sheet each, every cell written as text (never
    a formula, whatever it starts with)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    default = wb.active
    bold = Font(bold=True)
    for name in TABLES:
        ws = wb.create_sheet(SHEET_NAMES[name])
        for r, row in enumerate(tables[name], start=1):
            for c, value in enumerate(row, start=1):
                if value == "":
                    continue
                cell = ws.cell(row=r, column=c)
                cell.value = value
                cell.data_type = "s"  # text, even when it starts with '='
                if "\n" in value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                if r == 1:
                    cell.font = bold
        ws.freeze_panes = "A2"
        for c, header in enumerate(tables[name][0], start=1):
            width = 60 if header in ("prompt", "explanation", "description", "value") else 18
            ws.column_dimensions[column_letter(c)].width = width
    if default is not None:
        wb.remove(default)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
