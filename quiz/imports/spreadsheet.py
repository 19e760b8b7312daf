"""Read a bank from a spreadsheet (.xlsx or .csv) in the layout of `quiz.imports.layout`.

The cells become YAML text, written here one value per line with a note of the cell each
line came from; that text is loaded by the one bank loader, so a spreadsheet is checked by
exactly the rules a YAML bank is. Every error, the importer's own (a cell that cannot be
read: "answer: 7 is not an option number") and the loader's (an id that is not a slug, a
single question with two right answers), is reported at the spreadsheet's cell:
`bank.csv:12:D (answer): error: ...`, and for a workbook `bank.xlsx:Questions:12:D`.

Cells are read as text. A CSV file is UTF-8, with or without a byte-order mark, separated by
commas or semicolons (as Excel writes it where the comma is the decimal mark). A workbook is
read with openpyxl, after checking that it is a zip of sensible size (a workbook from
someone else could be a zip bomb); defusedxml, a dependency, stops entity expansion.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from quiz.bank.model import Bank
from quiz.imports.layout import (
    BANK_FIELDS,
    FALSE_WORDS,
    FORMULA_STARTS,
    HEADERS,
    MAX_OPTIONS,
    SHEET_NAMES,
    TABLES,
    TRUE_WORDS,
    column_letter,
    split_escaped,
    split_slugs,
)
from quiz.safe_text import safe_line

#: The largest spreadsheet read (a bank may be at most 5 MB of YAML).
MAX_SHEET_BYTES = 20 * 1024 * 1024
#: The most a workbook may unpack to (its XML is far larger than its cells' text).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
#: Rows per table.
MAX_ROWS = 20_000


@dataclass(frozen=True, slots=True)
class CellRef:
    """A place in a spreadsheet: the sheet (workbooks only), 1-based row and column, and
    the column's header."""

    sheet: str | None
    row: int
    col: int
    header: str

    def where(self, path: str) -> str:
        sheet = f"{self.sheet}:" if self.sheet else ""
        header = f" ({self.header})" if self.header else ""
        return f"{path}:{sheet}{self.row}:{column_letter(self.col)}{header}"


@dataclass(frozen=True, slots=True)
class SheetFinding:
    """One error or warning at a cell."""

    path: str
    ref: CellRef
    severity: str
    message: str
    rule: str = ""

    def format(self) -> str:
        """`file:row:COL (header): severity: message [rule]`, safe for a terminal."""
        rule = f" [{self.rule}]" if self.rule else ""
        return safe_line(f"{self.ref.where(self.path)}: {self.severity}: {self.message}{rule}")


class SpreadsheetError(Exception):
    """The spreadsheet cannot become a bank; carries every error found."""

    def __init__(self, findings: list[SheetFinding]) -> None:
        self.findings = findings
        super().__init__("\n".join(f.format() for f in findings))


@dataclass
class Table:
    """One table as read: its header (column number -> canonical name) and its rows."""

    name: str
    sheet: str | None
    header_row: int
    columns: dict[int, str] = field(default_factory=dict)
    #: (row number, {column number: text}) of every row with a value
    rows: list[tuple[int, dict[int, str]]] = field(default_factory=list)

    def ref(self, row: int, name: str) -> CellRef:
        for col, header in self.columns.items():
            if header == name:
                return CellRef(self.sheet, row, col, header)
        return CellRef(self.sheet, row, 1, name)

    def value(self, cells: dict[int, str], name: str) -> str:
        for col, header in self.columns.items():
            if header == name:
                return cells.get(col, "")
        return ""


def _key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.strip().lower())


_CANONICAL = {name: {_key(h): h for h in headers} for name, headers in HEADERS.items()}
_BANK_FIELD_KEYS = {_key(f): f for f in BANK_FIELDS}


class _Reader:
    """Collects the findings of one spreadsheet while its cells are read."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.findings: list[SheetFinding] = []
        self.bad_cells: set[tuple[str | None, int, int]] = set()

    def error(self, ref: CellRef, message: str, rule: str = "spreadsheet") -> None:
        self.findings.append(SheetFinding(self.path, ref, "error", message, rule))
        self.bad_cells.add((ref.sheet, ref.row, ref.col))

    # -- grids into tables ------------------------------------------------------------------

    def table(self, name: str, sheet: str | None, rows: Iterable[tuple[int, list[str]]]) -> Table:
        """A table from its rows (the first row with a value is the header)."""
        it = iter(rows)
        for number, cells in it:
            if any(cells):
                header_row = number
                header_cells = cells
                break
        else:
            self.error(CellRef(sheet, 1, 1, ""), f"the {name} table is empty: it needs a header")
            return Table(name, sheet, 1)
        table = Table(name, sheet, header_row)
        known = _CANONICAL[name]
        for col, text in enumerate(header_cells, start=1):
            if not text:
                continue
            canonical = known.get(_key(text))
            if canonical is None:
                allowed = ", ".join(HEADERS[name])
                self.error(
                    CellRef(sheet, header_row, col, text),
                    f"unknown column '{text}' in the {name} table (columns: {allowed})",
                )
            elif canonical in table.columns.values():
                self.error(CellRef(sheet, header_row, col, text), f"column '{text}' appears twice")
            else:
                table.columns[col] = canonical
        required = ("id", "type", "prompt") if name == "questions" else HEADERS[name][:2]
        for column in required:
            if column not in table.columns.values():
                self.error(
                    CellRef(sheet, header_row, 1, ""),
                    f"the {name} table has no '{column}' column",
                )
        for number, cells in it:
            values = {c: v for c, v in enumerate(cells, start=1) if v}
            if not values:
                continue
            for col in values:
                if col not in table.columns and col not in self._header_cols(header_cells):
                    self.error(
                        CellRef(sheet, number, col, ""),
                        "a value in a column without a header",
                    )
            table.rows.append((number, {c: v for c, v in values.items() if c in table.columns}))
            if len(table.rows) > MAX_ROWS:
                self.error(CellRef(sheet, number, 1, ""), f"more than {MAX_ROWS:,} rows")
                break
        return table

    @staticmethod
    def _header_cols(header_cells: list[str]) -> set[int]:
        return {c for c, v in enumerate(header_cells, start=1) if v}


# --- reading files ---------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    """A workbook cell as the text a person sees in it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def _csv_text(text: str) -> str:
    """A CSV cell: trimmed, and the apostrophe that guards a formula-like start removed."""
    text = text.strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


_SECTION_RE = re.compile(r"^\[\s*([A-Za-z]+)\s*\]$")


def read_csv_tables(data: bytes, reader: _Reader) -> dict[str, Table]:
    """The tables of a CSV file (sections `[bank]`, `[sources]`, `[questions]`)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        reader.error(
            CellRef(None, line, 1, ""),
            "the file is not UTF-8 text; save it as 'CSV UTF-8' (Excel) or choose "
            "the UTF-8 character set (LibreOffice)",
        )
        return {}
    if "\x00" in text:
        reader.error(CellRef(None, 1, 1, ""), "the file holds NUL bytes: it is not a CSV file")
        return {}
    grids = {d: _parse_csv(text, d) for d in (",", ";")}
    delimiter = max(grids, key=lambda d: _score(grids[d]))
    rows = grids[delimiter]
    if rows is None:
        reader.error(CellRef(None, 1, 1, ""), "the file is not valid CSV")
        return {}
    sections: dict[str, list[tuple[int, list[str]]]] = {}
    current: list[tuple[int, list[str]]] | None = None
    for number, cells in enumerate(rows, start=1):
        values = [c for c in cells if c]
        match = _SECTION_RE.match(values[0]) if len(values) == 1 and cells[0] else None
        if match:
            name = match.group(1).lower()
            if name not in TABLES:
                reader.error(
                    CellRef(None, number, 1, ""),
                    f"unknown section [{name}]; the sections are [bank], [sources], [questions]",
                )
                current = None
            elif name in sections:
                reader.error(CellRef(None, number, 1, ""), f"section [{name}] appears twice")
                current = None
            else:
                current = sections[name] = []
            continue
        if current is None:
            if values and not sections:
                reader.error(
                    CellRef(None, number, 1, ""),
                    "the file must start with a [bank] line, then [sources] and [questions] "
                    "(see 'quiz import --template FILE.csv')",
                )
                return {}
            continue
        current.append((number, [_csv_text(c) for c in cells]))
    tables = {}
    for name in TABLES:
        if name not in sections:
            reader.error(CellRef(None, 1, 1, ""), f"the file has no [{name}] section")
        else:
            tables[name] = reader.table(name, None, sections[name])
    return tables


def _parse_csv(text: str, delimiter: str) -> list[list[str]] | None:
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False))
    except csv.Error:
        return None


def _score(rows: list[list[str]] | None) -> int:
    """How many known header names the rows hold when split this way."""
    if rows is None:
        return -1
    known = {k for table in _CANONICAL.values() for k in table}
    return sum(1 for row in rows[:400] for c in row if _key(c) in known)


def read_xlsx_tables(path: Path, data: bytes, reader: _Reader) -> dict[str, Table]:
    """The tables of a workbook: sheets Bank, Sources and Questions."""
    start = CellRef(None, 1, 1, "")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        reader.error(start, "the file is not an Excel workbook (.xlsx)")
        return {}
    if unpacked > MAX_UNPACKED_BYTES:
        reader.error(start, f"the workbook unpacks to more than {MAX_UNPACKED_BYTES:,} bytes")
        return {}
    import warnings

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes about unsupported extensions
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a damaged file
        reader.error(start, f"the file is not a readable Excel workbook ({type(e).__name__})")
        return {}
    try:
        by_key = {ws.title.strip().lower(): ws for ws in wb.worksheets}
        tables = {}
        for name in TABLES:
            ws = by_key.get(name)
            if ws is None:
                reader.error(start, f"the workbook has no sheet '{SHEET_NAMES[name]}'")
                continue
            rows = (
                (number, [_cell_text(v) for v in values])
                for number, values in enumerate(ws.iter_rows(values_only=True), start=1)
            )
            tables[name] = reader.table(name, ws.title, rows)
        return tables
    finally:
        wb.close()


# --- tables into YAML ------------------------------------------------------------------------

_RESOLVER = yaml.resolver.Resolver()
_PLAIN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_ .,()?!/%+\-]*")
_STR_TAG = "tag:yaml.org,2002:str"


def _is_yaml_printable(c: str) -> bool:
    o = ord(c)
    return (
        c == "\t"
        or 0x20 <= o <= 0x7E
        or (0xA0 <= o <= 0xD7FF and o != 0x2028 and o != 0x2029)
        or (0xE000 <= o <= 0xFFFD and o != 0xFEFF)
        or o >= 0x10000
    )


def yaml_scalar(text: str) -> str:
    """`text` as one line of YAML that reads back as exactly that string."""
    if (
        _PLAIN_RE.fullmatch(text)
        and not text.endswith(" ")
        and _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG  # type: ignore[no-untyped-call]
    ):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    if all(_is_yaml_printable(c) for c in quoted):
        return quoted
    return "".join(
        c if _is_yaml_printable(c) else (f"\\u{ord(c):04x}" if ord(c) < 0x10000 else c)
        for c in quoted
    )


def _flow(items: Sequence[str]) -> str:
    return "[" + ", ".join(yaml_scalar(i) for i in items) + "]"


class _YamlText:
    """YAML lines, each with the cell it came from."""

    def __init__(self, header: Sequence[str]) -> None:
        self.lines: list[str] = list(header)
        self.refs: list[CellRef | None] = [None] * len(header)

    def add(self, line: str, ref: CellRef | None) -> None:
        self.lines.append(line)
        self.refs.append(ref)

    def ref_at(self, line: int) -> CellRef | None:
        if 1 <= line <= len(self.refs):
            return self.refs[line - 1]
        return None

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _bool(reader: _Reader, text: str, ref: CellRef) -> bool | None:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    reader.error(ref, f"'{text}' is not true or false (write true or false)")
    return None


_TYPE_ALIASES = {"truefalse": "true_false", "tf": "true_false"}


def _type_name(text: str) -> str:
    word = re.sub(r"[\s/\-]+", "_", text.strip().lower())
    return _TYPE_ALIASES.get(word.replace("_", ""), word)


_ALTERNATIVE_RE = re.compile(r"^\s*c([0-9]{1,5})\s*[:=]\s*(.*)$", re.DOTALL)


def build_yaml(tables: dict[str, Table], reader: _Reader, source_name: str) -> _YamlText:
    """The bank's YAML text, every line noted with its cell."""
    y = _YamlText([f"# Imported from {source_name} by 'quiz import'."])
    bank = tables["bank"]
    seen: dict[str, CellRef] = {}
    for number, cells in bank.rows:
        name_ref = bank.ref(number, "field")
        raw = bank.value(cells, "field")
        value = bank.value(cells, "value")
        fld = _BANK_FIELD_KEYS.get(_key(raw))
        if fld is None:
            reader.error(name_ref, f"unknown bank field '{raw}' (fields: {', '.join(BANK_FIELDS)})")
            continue
        if fld in seen:
            reader.error(name_ref, f"bank field '{raw}' appears twice")
            continue
        ref = bank.ref(number, "value")
        seen[fld] = ref
        if fld == "lint_ignore":
            if value:
                y.add(f"lint_ignore: {_flow(split_slugs(value))}", ref)
        elif value or fld in ("id", "title", "description", "version"):
            y.add(f"{fld}: {yaml_scalar(value)}", ref)
    header_ref = CellRef(bank.sheet, bank.header_row, 1, "")
    for fld in ("id", "title", "description", "version"):
        if fld not in seen:
            reader.error(header_ref, f"the bank table has no '{fld}' row")

    sources = tables["sources"]
    y.add("sources:", CellRef(sources.sheet, sources.header_row, 1, ""))
    if not sources.rows:
        y.lines[-1] = "sources: []"
    for number, cells in sources.rows:
        first = True
        for column in HEADERS["sources"]:
            value = sources.value(cells, column)
            if value or column in ("id", "title"):
                prefix = "  - " if first else "    "
                y.add(f"{prefix}{column}: {yaml_scalar(value)}", sources.ref(number, column))
                first = False

    questions = tables["questions"]
    y.add("questions:", CellRef(questions.sheet, questions.header_row, 1, ""))
    if not questions.rows:
        y.lines[-1] = "questions: []"
    for number, cells in questions.rows:
        _question(y, reader, questions, number, cells)
    return y


def _question(y: _YamlText, reader: _Reader, t: Table, row: int, cells: dict[int, str]) -> None:
    def v(name: str) -> str:
        return t.value(cells, name)

    def ref(name: str) -> CellRef:
        return t.ref(row, name)

    qtype = _type_name(v("type"))
    y.add(f"  - id: {yaml_scalar(v('id'))}", ref("id"))
    y.add(f"    type: {yaml_scalar(qtype)}", ref("type"))
    y.add(f"    prompt: {yaml_scalar(v('prompt'))}", ref("prompt"))
    answer = v("answer")
    # options, with the right ones from the answer column
    options = [(v(f"option {n}"), v(f"why {n}")) for n in range(1, MAX_OPTIONS + 1)]
    last = max((n for n, (text, why) in enumerate(options, 1) if text or why), default=0)
    correct: set[int] = set()
    if qtype in ("single", "multi"):
        for part in split_slugs(answer.replace(".", " ")):
            if not part.isdigit() or not 1 <= int(part) <= MAX_OPTIONS:
                reader.error(
                    ref("answer"),
                    f"'{part}' is not an option number: write the number of each right "
                    f"option (1 to {MAX_OPTIONS}), e.g. 2 or 1, 3",
                )
            elif int(part) > last or not options[int(part) - 1][0]:
                reader.error(ref("answer"), f"option {part} is marked right but is empty")
            else:
                correct.add(int(part))
    if last:
        y.add("    options:", ref("answer") if qtype in ("single", "multi") else ref("option 1"))
        for n in range(1, last + 1):
            text, why = options[n - 1]
            if not text:
                reader.error(
                    ref(f"option {n}"),
                    f"option {n} is empty but a later option is not; fill the options in order",
                )
                continue
            y.add(f"      - text: {yaml_scalar(text)}", ref(f"option {n}"))
            if n in correct:
                y.add("        correct: true", ref("answer"))
            if why:
                y.add(f"        why: {yaml_scalar(why)}", ref(f"why {n}"))
    if v("shuffle"):
        shuffle = _bool(reader, v("shuffle"), ref("shuffle"))
        if shuffle is False or qtype not in ("single", "multi"):
            y.add(f"    shuffle: {'true' if shuffle else 'false'}", ref("shuffle"))
    if qtype == "true_false":
        if not answer:
            reader.error(ref("answer"), "a true_false question needs answer true or false")
            y.add("    answer: false", ref("answer"))
        else:
            value = _bool(reader, answer, ref("answer"))
            # after an error, a stand-in value: the loader need not report it again
            y.add(f"    answer: {'true' if value else 'false'}", ref("answer"))
    elif qtype == "flashcard":
        y.add(f"    back: {yaml_scalar(answer)}", ref("answer"))
    elif qtype == "typed":
        answers = [a.strip() for a in split_escaped(answer, "|")] if answer else []
        if answers and not all(answers):
            reader.error(ref("answer"), "an empty answer between two '|'")
        y.add("    answers:" + ("" if answers else " []"), ref("answer"))
        for a in answers:
            if a:
                y.add(f"      - {yaml_scalar(a)}", ref("answer"))
    elif qtype == "cloze" and answer:
        reader.error(
            ref("answer"),
            "a cloze question's answers are in its prompt ({{c1::...}}); leave answer empty "
            "and put more accepted answers in alternatives",
        )
    if v("alternatives"):
        _alternatives(y, reader, v("alternatives"), ref("alternatives"))
    y.add(f"    explanation: {yaml_scalar(v('explanation'))}", ref("explanation"))
    y.add("    source:", ref("source"))
    y.add(f"      id: {yaml_scalar(v('source'))}", ref("source"))
    y.add(f"      section: {yaml_scalar(v('section'))}", ref("section"))
    y.add(f"    topics: {_flow(split_slugs(v('topics')))}", ref("topics"))
    if v("red_flag"):
        flag = _bool(reader, v("red_flag"), ref("red_flag"))
        if flag:
            y.add("    red_flag: true", ref("red_flag"))
    if v("action"):
        y.add(f"    action: {yaml_scalar(v('action'))}", ref("action"))
    if v("lint_ignore"):
        y.add(f"    lint_ignore: {_flow(split_slugs(v('lint_ignore')))}", ref("lint_ignore"))


def _alternatives(y: _YamlText, reader: _Reader, cell: str, ref: CellRef) -> None:
    entries = [e for e in split_escaped(cell, ";\n", unescape=False) if e.strip()]
    parsed: list[tuple[str, list[str]]] = []
    for entry in entries:
        match = _ALTERNATIVE_RE.match(entry)
        if match is None:
            reader.error(
                ref,
                f"'{entry.strip()}' is not 'cN: answer | answer' (e.g. c1: thyroid gland | gland)",
            )
            continue
        alts = [a.strip() for a in split_escaped(match.group(2), "|")]
        if not all(alts):
            reader.error(ref, "an empty alternative between two '|'")
        parsed.append((match.group(1), [a for a in alts if a]))
    if parsed:
        y.add("    alternatives:", ref)
        for number, alts in parsed:
            y.add(f"      c{number}: {_flow(alts)}", ref)


#: Loader rules reported at another cell of the question's row than the line they name.
_RULE_COLUMNS = {"single-one-correct": "answer", "multi-needs-correct": "answer"}


# --- the import ------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """A spreadsheet that became a bank: its YAML text, the bank, and the check's warnings."""

    yaml_text: str
    bank: Bank
    warnings: list[SheetFinding]


def import_spreadsheet(path: Path, shown: str | None = None) -> ImportResult:
    """Read `path` (.csv or .xlsx) into a bank. Raises `SpreadsheetError` with every error
    (the importer's and the loader's), each at its cell; runs the linter and returns its
    warnings at their cells too."""
    from quiz.bank.catalog import BankFileError
    from quiz.bank.findings import BankLoadError, Severity
    from quiz.bank.load import load_bank_bytes

    shown = shown or str(path)
    reader = _Reader(shown)
    start = CellRef(None, 1, 1, "")
    try:
        data = _read(path)
    except BankFileError as e:
        raise SpreadsheetError([SheetFinding(shown, start, "error", e.message, e.rule)]) from None
    if path.suffix.lower() == ".xlsx":
        tables = read_xlsx_tables(path, data, reader)
    elif path.suffix.lower() == ".csv":
        tables = read_csv_tables(data, reader)
    else:
        reader.error(start, "give a .xlsx or .csv file")
        tables = {}
    if set(tables) != set(TABLES):
        raise SpreadsheetError(reader.findings or [SheetFinding(shown, start, "error", "empty")])
    y = build_yaml(tables, reader, path.name)
    text = y.text()
    fallback = CellRef(tables["bank"].sheet, tables["bank"].header_row, 1, "")
    questions = tables["questions"]
    try:
        bank = load_bank_bytes(text.encode("utf-8"), shown)
    except BankLoadError as e:
        for f in e.findings:
            if f.severity is not Severity.ERROR:
                continue
            ref = y.ref_at(f.line) or fallback
            column = _RULE_COLUMNS.get(f.rule)
            if column is not None and ref.row > questions.header_row:
                ref = questions.ref(ref.row, column)
            if (ref.sheet, ref.row, ref.col) in reader.bad_cells:
                continue  # already reported by the importer, in its own words
            where = f"question '{f.question}': " if f.question else ""
            reader.findings.append(SheetFinding(shown, ref, "error", where + f.message, f.rule))
        raise SpreadsheetError(_sorted(reader.findings)) from None
    if reader.findings:
        raise SpreadsheetError(_sorted(reader.findings))
    from quiz.bank.gcpause import gc_paused
    from quiz.bank.lint import lint_bank_report

    with gc_paused():
        report = lint_bank_report(bank, path=shown)
    warnings = []
    for f in report.findings:
        ref = y.ref_at(f.line) or fallback
        where = f"question '{f.question}': " if f.question else ""
        severity = f.severity.value
        warnings.append(SheetFinding(shown, ref, severity, where + f.message, f.rule))
    return ImportResult(text, bank, warnings)


def _read(path: Path) -> bytes:
    """The file's bytes, read as safely as a bank file (a pipe or device refused), with
    the spreadsheet's own size limit."""
    import os
    import stat

    from quiz.bank.catalog import BankFileError

    try:
        info = os.stat(path)
    except OSError as e:
        raise BankFileError("unreadable", f"cannot read the file: {e.strerror or e}") from None
    if not stat.S_ISREG(info.st_mode):
        raise BankFileError("not-a-file", "this is not a regular file")
    if info.st_size > MAX_SHEET_BYTES:
        raise BankFileError(
            "file-too-large", f"the file is {info.st_size:,} bytes; at most {MAX_SHEET_BYTES:,}"
        )
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise BankFileError("not-a-file", "this is not a regular file")
            data = f.read(MAX_SHEET_BYTES + 1)
    except OSError as e:
        raise BankFileError("unreadable", f"cannot read the file: {e.strerror or e}") from None
    if len(data) > MAX_SHEET_BYTES:
        raise BankFileError("file-too-large", f"the file is over {MAX_SHEET_BYTES:,} bytes")
    return data


def _sorted(findings: list[SheetFinding]) -> list[SheetFinding]:
    order = {name: i for i, name in enumerate([None, *SHEET_NAMES.values()])}
    return sorted(
        findings, key=lambda f: (order.get(f.ref.sheet, 9), f.ref.row, f.ref.col, f.message)
    )
