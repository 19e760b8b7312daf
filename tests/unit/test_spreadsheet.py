"""Spreadsheets in and out: `quiz import`, `quiz import --template`, `quiz export csv|xlsx`.

Round trips compare loaded models (Bank and Question equality ignores positions)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from quiz.bank.discover import find_bank_files, shipped_decks_dir
from quiz.bank.load import load_bank, load_bank_bytes
from quiz.bank.model import Bank, Pos
from quiz.cli import main
from quiz.imports.layout import QUESTION_COLUMNS, split_escaped
from quiz.imports.spreadsheet import yaml_scalar

DATA = Path(__file__).resolve().parent.parent / "data"
SHIPPED = find_bank_files([shipped_decks_dir()])[0]


def _model(path: Path) -> Bank:
    """The loaded bank without what depends on where things sit in its file."""
    bank = load_bank(path)
    questions = tuple(replace(q, pos=Pos(1, 1)) for q in bank.questions)
    return replace(bank, questions=questions, pos=Pos(1, 1), path=None)


def _same_bank(a_path: Path, b_path: Path) -> None:
    a, b = _model(a_path), _model(b_path)
    for qa, qb in zip(a.questions, b.questions, strict=True):
        assert qa == qb
    assert a == b


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("bank", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_bank_round_trips(tmp_path: Path, bank: Path, suffix: str) -> None:
    sheet = tmp_path / f"bank{suffix}"
    fmt = suffix[1:]
    assert main(["export", fmt, str(bank), "-o", str(sheet)]) == 0
    back = tmp_path / "back.yaml"
    assert main(["import", str(sheet), "-o", str(back)]) == 0
    _same_bank(bank, back)


HOSTILE_YAML = r"""
id: odd-text
title: "=HYPERLINK(\"http://x\") and 'quotes' | bars; semis"
description: "-starts with a minus\nand has a second line"
version: "2024-05-01"
sources:
  - id: doc
    title: "@at sign: and a colon"
    date: "2024-05-01"
questions:
  - id: q1
    type: single
    shuffle: false
    prompt: "+1 means? #hash {{not cloze}} [x]"
    explanation: "Tab\there, null, yes, ~"
    source: {id: doc, section: "'quoted'"}
    topics: [a, b]
    options:
      - {text: "no", correct: true, why: "true"}
      - {text: "1.5"}
      - {text: "a | b ; c \\ d"}
    lint_ignore: [missing-why]
  - id: q2
    type: typed
    prompt: "Which?"
    answers: ["a|b", "c;d", "back\\slash", "plain"]
    explanation: E.
    source: {id: doc, section: S}
    topics: [a]
    red_flag: true
    action: "=2+3 act now"
  - id: q3
    type: cloze
    prompt: "The {{c1::thyroid::a gland}} and {{c2::x|y}}."
    alternatives: {c1: ["thyroid gland", "t;g"], c2: ["x\\|y"]}
    explanation: E.
    source: {id: doc, section: S}
    topics: [a]
"""


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_awkward_text_round_trips(tmp_path: Path, suffix: str) -> None:
    bank = tmp_path / "odd.yaml"
    bank.write_text(HOSTILE_YAML, "utf-8")
    load_bank(bank)  # the example itself is valid
    sheet = tmp_path / f"odd{suffix}"
    assert main(["export", suffix[1:], str(bank), "-o", str(sheet)]) == 0
    back = tmp_path / "back.yaml"
    assert main(["import", str(sheet), "-o", str(back)]) == 0
    _same_bank(bank, back)


def test_csv_cells_that_look_like_formulas_are_guarded(tmp_path: Path) -> None:
    bank = tmp_path / "odd.yaml"
    bank.write_text(HOSTILE_YAML, "utf-8")
    out = tmp_path / "odd.csv"
    assert main(["export", "csv", str(bank), "-o", str(out)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads UTF-8
    cells = [c for row in csv.reader(io.StringIO(raw.decode("utf-8-sig"))) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert "'=HYPERLINK(\"http://x\") and 'quotes' | bars; semis" in cells


def test_xlsx_cells_are_text_not_formulas(tmp_path: Path) -> None:
    bank = tmp_path / "odd.yaml"
    bank.write_text(HOSTILE_YAML, "utf-8")
    out = tmp_path / "odd.xlsx"
    assert main(["export", "xlsx", str(bank), "-o", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Bank", "Sources", "Questions"]
    title = wb["Bank"]["B3"]
    assert title.data_type == "s" and str(title.value).startswith("=HYPERLINK")
    header = [c.value for c in wb["Questions"][1]]
    assert tuple(header) == QUESTION_COLUMNS


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_template_imports_checks_clean_and_studies(tmp_path: Path, suffix: str) -> None:
    template = tmp_path / f"template{suffix}"
    assert main(["import", "--template", str(template)]) == 0
    bank = tmp_path / "mine.yaml"
    assert main(["import", str(template), "-o", str(bank)]) == 0
    loaded = load_bank(bank)
    types = {q.type.value for q in loaded.questions}
    assert types == {"single", "multi", "true_false", "flashcard", "cloze", "typed"}
    check = subprocess.run(
        [sys.executable, "-m", "quiz", "check", "--strict", str(bank)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    # it studies: plain mode answers every question of the imported bank
    study = subprocess.run(
        [sys.executable, "-m", "quiz", "study", "--plain", "--practice", str(bank)],
        input="\n" + "\n1\nt\nx\n" * 20 + "q\n",  # some line fits every kind of question
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "QUIZ_DATA_DIR": str(tmp_path / "data")},
    )
    assert "Traceback" not in study.stderr
    assert "Question 1 of 6" in study.stdout
    for q in loaded.questions:  # every question was asked
        assert q.prompt.split("{{")[0] in study.stdout, q.id


def _write_csv(path: Path, text: str, *, delimiter: str = ",", bom: bool = False) -> None:
    data = text.replace(",", delimiter) if delimiter != "," else text
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data.encode("utf-8"))


GOOD_CSV = """\
[bank]
field,value
id,hand-made
title,A bank written by hand
description,Typed in a spreadsheet.
version,1

[sources]
id,title
doc,A document

[questions]
id,type,prompt,answer,option 1,why 1,option 2,why 2,option 3,why 3,explanation,source,\
section,topics,red_flag,action
q1,single,Which one is right?,2,Wrong,Not this.,Right,Yes.,Also wrong,No.,Because it is.,\
doc,Intro,basics,,
q2,true_false,The sky is blue on a clear day.,TRUE,,,,,,,It is.,doc,Intro,basics,,
q3,flashcard,When do you see a doctor?,When weakness gets worse.,,,,,,,Weakness matters.,\
doc,Signs,signs,yes,See a doctor if weakness gets worse.
"""


@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("bom", [False, True])
def test_csv_with_semicolons_or_a_bom_imports(tmp_path: Path, delimiter: str, bom: bool) -> None:
    text = GOOD_CSV
    if delimiter == ";":
        text = text.replace("Because it is.", "Because it is")  # no commas inside cells
    src = tmp_path / "hand.csv"
    _write_csv(src, text, delimiter=delimiter, bom=bom)
    out = tmp_path / "hand.yaml"
    assert main(["import", str(src), "-o", str(out)]) == 0
    bank = load_bank(out)
    assert [q.id for q in bank.questions] == ["q1", "q2", "q3"]
    assert bank.questions[0].correct_options == (1,)
    assert bank.questions[1].answer is True
    assert bank.questions[2].red_flag and bank.questions[2].back == "When weakness gets worse."


BAD_CSV = """\
[bank]
field,value
id,Bad Id
title,T
description,D
version,1
colour,red

[sources]
id,title
doc,A doc

[questions]
id,type,prompt,answer,option 1,option 2,option 3,explanation,source,section,topics,red_flag,wrong
q1,single,Which?,7,a,b,c,Because.,doc,S,t,,
q2,true_false,Is it?,maybe,,,,E.,doc,S,t,,
q3,single,Which one?,"1, 2",a,b,c,E.,doc,S,t,,
q4,flashcard,Front,Back,,,,E.,nodoc,S,t,perhaps,
"""


def test_errors_name_file_row_column_and_header_all_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "bad.csv"
    src.write_text(BAD_CSV, "utf-8")
    out = tmp_path / "bad.yaml"
    assert main(["import", str(src), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert not out.exists()
    assert "Traceback" not in err
    s = str(src)
    for expected in (
        f"{s}:3:B (value): error: bank id 'Bad Id'",
        f"{s}:7:A (field): error: unknown bank field 'colour'",
        f"{s}:14:M (wrong): error: unknown column 'wrong'",
        f"{s}:15:D (answer): error: '7' is not an option number",
        f"{s}:16:D (answer): error: 'maybe' is not true or false",
        f"{s}:17:D (answer): error: question 'q3': exactly one option must be correct",
        f"{s}:18:I (source): error: question 'q4': source 'nodoc' is not declared",
        f"{s}:18:L (red_flag): error: 'perhaps' is not true or false",
    ):
        assert expected in err, (expected, err)


def test_workbook_errors_name_the_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = tmp_path / "t.xlsx"
    assert main(["import", "--template", str(template)]) == 0
    wb = openpyxl.load_workbook(template)
    wb["Questions"]["C3"] = ""  # the multi question's prompt
    wb["Questions"]["D2"] = "9"  # the single question's right option
    wb.save(template)
    assert main(["import", str(template), "-o", str(tmp_path / "x.yaml")]) == 1
    err = capsys.readouterr().err
    assert f"{template}:Questions:2:D (answer): error: '9' is not an option number" in err
    assert f"{template}:Questions:3:C (prompt): error: question 'triggers':" in err


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.csv", b"\xff\xfe not utf-8", "not UTF-8"),
        ("x.csv", b"id,type\nq1,single\n", "must start with a [bank] line"),
        ("x.xlsx", b"PK not really a zip", "not an Excel workbook"),
        ("x.ods", b"whatever", "give a .xlsx or .csv file"),
    ],
)
def test_unreadable_spreadsheets_are_clear_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, message: str
) -> None:
    src = tmp_path / name
    src.write_bytes(content)
    assert main(["import", str(src), "-o", str(tmp_path / "x.yaml")]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "x.yaml").exists()


def test_output_must_be_a_bank_file_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "t.csv"
    assert main(["import", "--template", str(template)]) == 0
    assert main(["import", str(template), "-o", str(tmp_path / "x.txt")]) == 1
    assert "give a .yaml or .yml file name" in capsys.readouterr().err


def test_csv_export_holds_one_bank(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "csv", "-o", str(tmp_path / "all.csv")]) == 1
    assert "a spreadsheet holds one bank" in capsys.readouterr().err


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        "yes",
        "1.5",
        "2024-05-01",
        "a: b",
        "# x",
        "- x",
        "tab\there",
        "x\u2028y",
        "\ufeffz",
        "multi\nline",
        "'q'",
        '"dq"',
        "null",
        "~",
        "\\back",
        "émoji 😀",
        "trailing ",
    ],
)
def test_yaml_scalar_reads_back_as_the_same_text(text: str) -> None:
    import yaml

    assert yaml.safe_load(f"k: {yaml_scalar(text)}\n") == {"k": text}


def test_list_cells_split_on_unescaped_separators() -> None:
    assert split_escaped(r"a | b\|c | d\\", "|") == ["a ", " b|c ", " d\\"]
    assert load_bank_bytes is not None


def test_control_characters_in_a_cell_are_refused_at_the_cell(tmp_path: Path) -> None:
    src = tmp_path / "esc.csv"
    src.write_text(GOOD_CSV.replace("Which one is right?", "Which \x1b]52;c;aGk=\x07 one?"))
    result = subprocess.run(
        [sys.executable, "-m", "quiz", "import", str(src), "-o", str(tmp_path / "x.yaml")],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert b"\x1b" not in result.stderr + result.stdout and b"\x07" not in result.stderr
    assert b"esc.csv:14:C (prompt): error:" in result.stderr
    assert b"[control-character]" in result.stderr
    assert not (tmp_path / "x.yaml").exists()


def test_a_workbook_that_unpacks_too_far_is_refused(tmp_path: Path) -> None:
    import zipfile

    from quiz.imports import spreadsheet

    src = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (spreadsheet.MAX_UNPACKED_BYTES + 1))
    result = subprocess.run(
        [sys.executable, "-m", "quiz", "import", str(src), "-o", str(tmp_path / "x.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "unpacks to more than" in result.stderr and "Traceback" not in result.stderr
