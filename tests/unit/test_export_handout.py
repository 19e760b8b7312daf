"""The patient handout: PDF checked through poppler (pdftotext, pdffonts, pdftoppm), HTML
through lxml. Every red-flag action must be there, nothing cut off at the page edges, the
fonts embedded, and bank text shown as written (never Typst or HTML markup)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest

from quiz.bank.discover import find_bank_files, shipped_decks_dir
from quiz.bank.load import load_bank
from quiz.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"
HOSTILE = DATA / "formats" / "hostile.yaml"
SHIPPED = find_bank_files([shipped_decks_dir()])[0]

#: Skipped on a developer's machine without poppler; in CI (`CI` set, and `.ci/run` installs
#: poppler-utils) the tests run, and fail if the tools are missing.
needs_poppler = pytest.mark.skipif(
    not os.environ.get("CI")
    and (shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None),
    reason="poppler-utils (pdftotext, pdftoppm, pdffonts) not installed",
)


def _words(text: str) -> str:
    """Text with line breaks, hyphenation at line ends and runs of space folded."""
    text = re.sub(r"-\n\s*", "-", text)
    return " ".join(text.split())


def _pdftotext(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def _actions(paths: list[Path]) -> list[str]:
    """Every sentence of every red-flag action (the handout says each step once, and an
    "Also call now if ..." as "Call emergency services now if ...")."""
    out: list[str] = []
    for p in paths:
        for q in load_bank(p).questions:
            if q.red_flag and q.action:
                for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", q.action.strip()):
                    words = " ".join(sentence.split())
                    for also, plain in (
                        ("Also call now ", "Call emergency services now "),
                        ("Also get ", "Get "),
                        ("Also see ", "See "),
                    ):
                        if words.startswith(also):
                            words = plain + words[len(also) :]
                    if words not in out:
                        out.append(words)
    return out


def _pgm_pages(pdf: Path, folder: Path, dpi: int = 40) -> list[tuple[int, int, bytes]]:
    """Each page rendered in grey (PGM): width, height, pixels."""
    prefix = folder / "page"
    subprocess.run(
        ["pdftoppm", "-gray", "-r", str(dpi), str(pdf), str(prefix)],
        check=True,
        capture_output=True,
    )
    pages = []
    for f in sorted(folder.glob("page*.pgm")):
        data = f.read_bytes()
        header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
        assert header is not None
        w, h = int(header.group(1)), int(header.group(2))
        pages.append((w, h, data[header.end() :]))
    return pages


def _ink_in_border(w: int, h: int, pixels: bytes, border: int) -> int:
    """Dark pixels within `border` pixels of an edge (text cut off would reach there)."""
    count = 0
    for y in range(h):
        row = pixels[y * w : (y + 1) * w]
        if y < border or y >= h - border:
            count += sum(1 for v in row if v < 200)
        else:
            count += sum(1 for v in row[:border] + row[w - border :] if v < 200)
    return count


@needs_poppler
@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
def test_handout_pdf_of_the_shipped_banks(tmp_path: Path, large: bool) -> None:
    pdf = tmp_path / "handout.pdf"
    argv = ["export", "handout", "-o", str(pdf), "--teach-back", "--qr", "https://example.org/s"]
    assert main(argv + (["--large"] if large else [])) == 0
    text = _words(_pdftotext(pdf))
    for action in _actions(SHIPPED):
        assert action in text, action
    # red-flag actions come first, before the facts, the most urgent step first
    assert text.index("Get medical help if") < text.index(_actions(SHIPPED)[0])
    first = {
        level: min(text.index(a) for a in _actions(SHIPPED) if a.startswith(level))
        for level in ("Call emergency services now", "Get medical help the same day", "See ")
    }
    assert first["Call emergency services now"] < first["Get medical help the same day"]
    assert first["Get medical help the same day"] < first["See "]
    assert "Where these facts come from" in text
    assert "Teach-back" in text
    assert "https://example.org/s" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(r.split()[-5] == "yes" for r in rows), fonts  # the "emb" column
    pages = _pgm_pages(pdf, tmp_path)
    assert pages
    for w, h, pixels in pages:
        assert _ink_in_border(w, h, pixels, border=8) == 0  # about 5 mm: nothing cut off


@needs_poppler
def test_large_print_is_larger(tmp_path: Path) -> None:
    normal, large = tmp_path / "n.pdf", tmp_path / "l.pdf"
    assert main(["export", "handout", "-o", str(normal)]) == 0
    assert main(["export", "handout", "--large", "-o", str(large)]) == 0
    (tmp_path / "n").mkdir()
    (tmp_path / "l").mkdir()
    n_pages = len(_pgm_pages(normal, tmp_path / "n"))
    l_pages = len(_pgm_pages(large, tmp_path / "l"))
    assert l_pages > n_pages


@needs_poppler
def test_bank_text_is_never_typst_markup(tmp_path: Path) -> None:
    pdf = tmp_path / "h.pdf"
    assert main(["export", "handout", str(HOSTILE), "-o", str(pdf)]) == 0
    text = _words(_pdftotext(pdf))
    assert "Call <a href='tel:1'>your doctor</a> today #emph[now] ~ } {." in text
    assert "#strong[not bold] *stars* _under_ @ref" in text
    assert "A <i>document</i> #set text(red)" in text


def test_handout_html_escapes_bank_text(tmp_path: Path) -> None:
    out = tmp_path / "h.html"
    assert main(["export", "handout", str(HOSTILE), "--teach-back", "-o", str(out)]) == 0
    raw = out.read_text("utf-8")
    assert "<script>" not in raw and "<a href='tel:1'>" not in raw
    doc = lxml.html.fromstring(raw)
    box = doc.find_class("red-flags")[0]
    items = [li.text_content() for li in box.iter("li")]
    assert items == _actions([HOSTILE])
    assert {el.tag for el in doc.body.iter()} <= {
        "body", "h1", "h2", "p", "section", "ul", "li", "strong", "br", "div"
    }  # fmt: skip


def test_handout_needs_a_pdf_or_html_name_and_a_web_address(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "handout", "-o", str(tmp_path / "h.docx")]) == 1
    assert "written as .pdf or .html" in capsys.readouterr().err
    out = tmp_path / "h.html"
    assert main(["export", "handout", "--qr", "javascript:alert(1)", "-o", str(out)]) == 1
    assert "--qr needs a web address" in capsys.readouterr().err
    assert not out.exists()
