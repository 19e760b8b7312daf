"""The instructor formats are core modules: no Textual, and their libraries load only when
their format is used."""

from __future__ import annotations

import ast
import subprocess
import sys

FORMAT_MODULES = [
    "quiz.export.base",
    "quiz.export.formats",
    "quiz.export.spreadsheet",
    "quiz.export.moodle_xml",
    "quiz.export.gift",
    "quiz.export.qti",
    "quiz.export.handout",
    "quiz.imports.layout",
    "quiz.imports.spreadsheet",
    "quiz.imports.template",
    "quiz.commands.export",
    "quiz.commands.import_",
]


def _modules_after(code: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint(sorted(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return list(ast.literal_eval(out.stdout.strip()))


def test_format_modules_never_import_textual() -> None:
    code = "import importlib\n" + "".join(
        f"importlib.import_module({m!r})\n" for m in FORMAT_MODULES
    )
    loaded = _modules_after(code)
    assert not [m for m in loaded if m.split(".")[0] == "textual"]


def test_parser_and_format_table_load_no_format_library() -> None:
    loaded = _modules_after(
        "from quiz.cli import build_parser\nbuild_parser()\nimport quiz.export.formats"
    )
    heavy = {"openpyxl", "typst", "segno", "lxml", "genanki", "textual"}
    assert not [m for m in loaded if m.split(".")[0] in heavy]


def test_no_format_module_imports_another() -> None:
    import ast
    from pathlib import Path

    import quiz

    root = Path(quiz.__file__).parent / "export"
    formats = {"spreadsheet", "moodle_xml", "gift", "qti", "handout", "anki"}
    for name in formats - {"anki"}:
        tree = ast.parse((root / f"{name}.py").read_text("utf-8"))
        imported = {
            node.module.rsplit(".", 1)[-1]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        } | {
            alias.name.rsplit(".", 1)[-1]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert not (imported & (formats - {name})), (name, imported & formats)
