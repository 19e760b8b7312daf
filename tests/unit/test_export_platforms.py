"""Moodle XML, GIFT and QTI exports, read back by readers other than our writers.

- Moodle XML: parsed with lxml and checked against Moodle's documented structure; the HTML
  inside each text parsed with lxml.html; Cloze blanks read with Moodle's own syntax.
- GIFT: parsed by pygiftparser (an independent GIFT parser from PyPI) for the questions and
  their kinds, and by a careful reader written here after Moodle's importer
  (question/format/gift) for the exact texts.
- QTI: no IMS XSD is obtainable offline (none ships in a PyPI package), so the package is
  checked with lxml as strictly as the spec allows: namespaces, the manifest's resources,
  identifiers, responses and their declarations, choices, mappings and feedback.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile
from pathlib import Path

import lxml.etree as LET
import lxml.html
import pytest

from quiz.bank.discover import find_bank_files, shipped_decks_dir
from quiz.bank.load import load_bank
from quiz.bank.model import Bank, Question, QuestionType, cloze_spans
from quiz.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"
HOSTILE = DATA / "formats" / "hostile.yaml"
SHIPPED = find_bank_files([shipped_decks_dir()])[0]


def _banks(paths: list[Path]) -> list[Bank]:
    return [load_bank(p) for p in paths]


def _html_text(fragment: str) -> str:
    """What a browser shows for an HTML fragment (tags dropped, references decoded)."""
    if not fragment.strip():
        return ""
    doc = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for br in doc.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return str(doc.text_content())


def _tags(fragment: str) -> set[str]:
    if not fragment.strip():
        return set()
    doc = lxml.html.fragment_fromstring(fragment, create_parent="div")
    return {str(el.tag) for el in doc.iter()} - {"div"}


ALLOWED_HTML = {"p", "strong", "em", "br"}


# --- Moodle XML --------------------------------------------------------------------------------


def _moodle(tmp_path: Path, paths: list[Path]) -> LET._Element:
    out = tmp_path / "q.xml"
    assert main(["export", "moodle-xml", *map(str, paths), "-o", str(out)]) == 0
    root = LET.parse(str(out), LET.XMLParser(resolve_entities=False, no_network=True)).getroot()
    assert root.tag == "quiz"
    return root


QTYPES = {
    QuestionType.SINGLE: "multichoice",
    QuestionType.MULTI: "multichoice",
    QuestionType.TRUE_FALSE: "truefalse",
    QuestionType.TYPED: "shortanswer",
    QuestionType.CLOZE: "multianswer",
    QuestionType.FLASHCARD: "essay",
}
CLOZE_BLANK_RE = re.compile(r"\{1:SHORTANSWER:(.*?)\}")


def _moodle_blank_answers(body: str) -> list[str]:
    """Moodle's reading of `=a~=b`: split at `~`, drop `=`, decode references, `\\*` a star."""
    return [html.unescape(a[1:]).replace("\\*", "*") for a in body.split("~")]


def _check_moodle_question(el: LET._Element, bank: Bank, q: Question) -> None:
    assert el.get("type") == QTYPES[q.type]
    assert el.findtext("name/text") == q.id
    assert el.findtext("idnumber") == f"{bank.id}/{q.id}"
    qt = el.find("questiontext")
    assert qt is not None and qt.get("format") == "html"
    text = qt.findtext("text") or ""
    general = el.findtext("generalfeedback/text") or ""
    assert _tags(general) <= ALLOWED_HTML
    shown_feedback = _html_text(general)
    assert " ".join(q.explanation.split()) in " ".join(shown_feedback.split())
    assert q.source.section in shown_feedback
    if q.action:
        assert " ".join(q.action.split()) in " ".join(shown_feedback.split())
    tags = [t.text for t in el.findall("tags/tag/text")]
    assert bank.id in tags and all(t in tags for t in q.topics)
    if q.type is QuestionType.CLOZE:
        blanks = CLOZE_BLANK_RE.findall(text)
        spans = cloze_spans(q.prompt)
        assert len(blanks) == len(spans)
        alternatives = dict(q.alternatives)
        for body, span in zip(blanks, spans, strict=True):
            expected = list(dict.fromkeys([span.text, *alternatives.get(span.number, ())]))
            assert _moodle_blank_answers(body) == expected
        outside = CLOZE_BLANK_RE.sub("", text)
        assert "{" not in outside and "}" not in outside  # nothing else Moodle would parse
        return
    assert _tags(text) <= ALLOWED_HTML
    assert _html_text(text) == q.prompt
    answers = el.findall("answer")
    if q.type in (QuestionType.SINGLE, QuestionType.MULTI):
        assert el.findtext("single") == ("true" if q.type is QuestionType.SINGLE else "false")
        assert el.findtext("shuffleanswers") == ("true" if q.shuffle else "false")
        assert [_html_text(a.findtext("text") or "") for a in answers] == [
            o.text for o in q.options
        ]
        fractions = [float(a.get("fraction", "x")) for a in answers]
        for o, f, a in zip(q.options, fractions, answers, strict=True):
            assert (f > 0) == o.correct
            assert _html_text(a.findtext("feedback/text") or "") == (o.why or "")
        assert abs(sum(f for f in fractions if f > 0) - 100) < 0.01
    elif q.type is QuestionType.TRUE_FALSE:
        right = "true" if q.answer else "false"
        assert {a.findtext("text"): a.get("fraction") for a in answers} == {
            right: "100",
            ("false" if q.answer else "true"): "0",
        }
    elif q.type is QuestionType.TYPED:
        got = [(a.findtext("text") or "").replace("\\*", "*") for a in answers]
        assert got == list(dict.fromkeys(q.answers))
        assert all(a.get("fraction") == "100" for a in answers)
    elif q.type is QuestionType.FLASHCARD:
        assert _html_text(el.findtext("graderinfo/text") or "") == q.back


@pytest.mark.parametrize("paths", [SHIPPED, [HOSTILE]], ids=["shipped", "hostile"])
def test_moodle_xml_holds_every_question_as_moodle_reads_it(
    tmp_path: Path, paths: list[Path]
) -> None:
    root = _moodle(tmp_path, paths)
    banks = _banks(paths)
    questions = [el for el in root if el.get("type") != "category"]
    expected = [(b, q) for b in banks for q in b.questions]
    assert len(questions) == len(expected)
    by_id = {el.findtext("idnumber"): el for el in questions}
    for bank, q in expected:
        _check_moodle_question(by_id[f"{bank.id}/{q.id}"], bank, q)
    categories = [el.findtext("category/text") for el in root if el.get("type") == "category"]
    assert categories and all(
        c and c.startswith("$course$/top/Patient education/") for c in categories
    )


def test_moodle_category_doubles_a_slash_in_a_title(tmp_path: Path) -> None:
    root = _moodle(tmp_path, [HOSTILE])
    first = root.find("question[@type='category']/category/text")
    assert first is not None
    assert first.text == (
        "$course$/top/Patient education/Tags <b>here<//b> // a slash :: and $CATEGORY: x/Markup"
    )


# --- GIFT --------------------------------------------------------------------------------------


def _gift_unescape(text: str) -> str:
    """Moodle's GIFT reading of escapes: `\\\\` a backslash, `\\:` etc. the character."""
    out = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt in "\\:#={}~":
                out.append(nxt)
                i += 2
                continue
            if nxt == "n":
                out.append("\n")
                i += 2
                continue
        out.append(text[i])
        i += 1
    return "".join(out)


_PLACEHOLDER = "\x00"


def _gift_split(text: str, sep: str) -> list[str]:
    """Split at unescaped `sep` (escapes kept)."""
    parts, current, i = [], [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if text.startswith(sep, i):
            parts.append("".join(current))
            current = []
            i += len(sep)
            continue
        current.append(text[i])
        i += 1
    parts.append("".join(current))
    return parts


def _gift_find(text: str, char: str) -> int:
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == char:
            return i
        i += 1
    return -1


def read_gift(source: str) -> list[dict[str, object]]:
    """A reader of GIFT after Moodle's importer: blocks split at blank lines, `//` comment
    lines dropped, `::name::`, the answer part between the first unescaped `{` and `}`,
    `####` general feedback, `=` / `~` / `%n%` answers, `#` feedback."""
    questions: list[dict[str, object]] = []
    category = None
    for block in re.split(r"\n\s*\n", source):
        lines = [ln for ln in block.split("\n") if not ln.strip().startswith("//")]
        text = "\n".join(lines).strip()
        if not text:
            continue
        if text.startswith("$CATEGORY:"):
            category = text[len("$CATEGORY:") :].strip()
            continue
        assert text.startswith("::")
        end = text.index("::", 2)
        name = _gift_unescape(text[2:end])
        text = text[end + 2 :]
        assert text.startswith("[html]")
        text = text[len("[html]") :]
        start, stop = _gift_find(text, "{"), _gift_find(text, "}")
        assert 0 <= start < stop
        before, answer, after = text[:start], text[start + 1 : stop].strip(), text[stop + 1 :]
        parts = _gift_split(answer, "####")
        general = _gift_unescape(parts[-1]) if len(parts) > 1 else ""
        answer = "####".join(parts[:-1]).strip() if len(parts) > 1 else answer
        q: dict[str, object] = {
            "name": name,
            "category": category,
            "text": _gift_unescape(before).strip(),
            "after": _gift_unescape(after).strip(),
            "general": general,
        }
        if not answer:
            q["kind"] = "essay"
        elif _gift_find(answer, "~") >= 0:
            q["kind"] = "multichoice"
            items = []
            for raw in _gift_split(answer.replace("\n", " "), "~"):
                for i, piece in enumerate(_gift_split(raw, "=")):
                    piece = piece.strip()
                    if not piece:
                        continue
                    weight = 1.0 if (i > 0) else 0.0
                    m = re.match(r"^%(-?[0-9.]+)%", piece)
                    if m:
                        weight = float(m.group(1)) / 100
                        piece = piece[m.end() :]
                    bits = _gift_split(piece, "#")
                    items.append(
                        (
                            _gift_unescape(bits[0]).strip(),
                            weight,
                            _gift_unescape("#".join(bits[1:])).strip(),
                        )
                    )
            q["answers"] = items
        else:
            bits = _gift_split(answer, "#")
            head = bits[0].strip()
            if head in ("TRUE", "FALSE", "T", "F"):
                q["kind"] = "truefalse"
                q["truth"] = head.startswith("T")
                q["feedback"] = [_gift_unescape(b).strip() for b in bits[1:]]
            else:
                q["kind"] = "shortanswer"
                q["answers"] = [
                    _gift_unescape(_gift_split(a, "#")[0]).strip()
                    for a in _gift_split(answer, "=")
                    if a.strip()
                ]
        questions.append(q)
    return questions


def _gift(tmp_path: Path, paths: list[Path]) -> str:
    out = tmp_path / "q.gift"
    assert main(["export", "gift", *map(str, paths), "-o", str(out)]) == 0
    return out.read_text("utf-8")


def _check_gift_question(g: dict[str, object], bank: Bank, q: Question) -> None:
    assert " ".join(q.explanation.split()) in " ".join(_html_text(str(g["general"])).split())
    if q.type is QuestionType.CLOZE:
        assert g["kind"] == "shortanswer"
        return
    assert _html_text(str(g["text"])) == q.prompt
    if q.type in (QuestionType.SINGLE, QuestionType.MULTI):
        assert g["kind"] == "multichoice"
        answers = g["answers"]
        assert isinstance(answers, list)
        assert [_html_text(a[0]) for a in answers] == [o.text for o in q.options]
        assert [a[1] > 0 for a in answers] == [o.correct for o in q.options]
        assert [_html_text(a[2]) for a in answers] == [o.why or "" for o in q.options]
        assert abs(sum(a[1] for a in answers if a[1] > 0) - 1) < 0.001
    elif q.type is QuestionType.TRUE_FALSE:
        assert g["kind"] == "truefalse" and g["truth"] == q.answer
    elif q.type is QuestionType.TYPED:
        assert g["kind"] == "shortanswer"
        got = [str(a).replace("\\*", "*") for a in g["answers"]]  # type: ignore[attr-defined]
        assert got == list(dict.fromkeys(q.answers))
    else:
        assert g["kind"] == "essay"
        assert (q.back or "") in _html_text(str(g["general"]))


@pytest.mark.parametrize("paths", [SHIPPED, [HOSTILE]], ids=["shipped", "hostile"])
def test_gift_reads_back_question_by_question(tmp_path: Path, paths: list[Path]) -> None:
    text = _gift(tmp_path, paths)
    read = read_gift(text)
    banks = _banks(paths)
    by_name = {str(g["name"]): g for g in read}
    expected = 0
    for bank in banks:
        for q in bank.questions:
            spans = cloze_spans(q.prompt) if q.type is QuestionType.CLOZE else [None]
            expected += len(spans)
            if q.type is QuestionType.CLOZE and len(spans) > 1:
                names = [f"{q.id} ({i + 1} of {len(spans)})" for i in range(len(spans))]
                alternatives = dict(q.alternatives)
                for name, span in zip(names, spans, strict=True):
                    assert span is not None
                    g = by_name[name]
                    want = list(dict.fromkeys([span.text, *alternatives.get(span.number, ())]))
                    got = [str(a).replace("\\*", "*") for a in g["answers"]]  # type: ignore[attr-defined]
                    assert got == want
                    assert g["kind"] == "shortanswer"
            else:
                _check_gift_question(by_name[q.id], bank, q)
    assert len(read) == expected


@pytest.mark.parametrize("paths", [SHIPPED, [HOSTILE]], ids=["shipped", "hostile"])
def test_gift_is_read_by_pygiftparser(tmp_path: Path, paths: list[Path]) -> None:
    from pygiftparser import parser

    text = _gift(tmp_path, paths)
    parsed = parser.parseFile(io.StringIO(text))
    ours = read_gift(text)
    assert len(parsed) == len(ours)
    kinds = {
        "multichoice": {"SelectSet", "MultipleChoicesSet"},
        "truefalse": {"TrueFalseSet"},
        "shortanswer": {"ShortSet"},
        "essay": {"Essay"},
    }
    for p, g in zip(parsed, ours, strict=True):
        assert type(p.answers).__name__ in kinds[str(g["kind"])], (p.title, g["kind"])
        assert p.title == g["name"]


# --- QTI ---------------------------------------------------------------------------------------

QTI = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
QTI_ELEMENTS = {
    "assessmentItem", "responseDeclaration", "correctResponse", "value", "mapping", "mapEntry",
    "outcomeDeclaration", "defaultValue", "itemBody", "p", "br", "strong", "prompt",
    "choiceInteraction", "simpleChoice", "textEntryInteraction", "extendedTextInteraction",
    "responseProcessing", "responseCondition", "responseIf", "responseElse", "match",
    "variable", "correct", "setOutcomeValue", "baseValue", "mapResponse", "sum",
    "modalFeedback",
}  # fmt: skip


def _qti(tmp_path: Path, paths: list[Path]) -> zipfile.ZipFile:
    out = tmp_path / "q.zip"
    assert main(["export", "qti", *map(str, paths), "-o", str(out)]) == 0
    return zipfile.ZipFile(out)


def _xml(z: zipfile.ZipFile, name: str) -> LET._Element:
    parser = LET.XMLParser(resolve_entities=False, no_network=True)
    return LET.fromstring(z.read(name), parser)


def _text(el: LET._Element) -> str:
    for br in el.iter(f"{QTI}br"):
        br.tail = "\n" + (br.tail or "")
    return "".join(el.itertext())


@pytest.mark.parametrize("paths", [SHIPPED, [HOSTILE]], ids=["shipped", "hostile"])
def test_qti_package_is_well_formed_and_complete(tmp_path: Path, paths: list[Path]) -> None:
    z = _qti(tmp_path, paths)
    banks = _banks(paths)
    manifest = _xml(z, "imsmanifest.xml")
    assert manifest.tag == f"{CP}manifest"
    assert manifest.findtext(f"{CP}metadata/{CP}schema") == "QTIv2.1 Package"
    resources = manifest.findall(f"{CP}resources/{CP}resource")
    ids = [r.get("identifier") for r in resources]
    assert len(ids) == len(set(ids))
    names = set(z.namelist())
    items = {}
    for r in resources:
        href = r.get("href")
        assert href in names
        assert [f.get("href") for f in r.findall(f"{CP}file")] == [href]
        for dep in r.findall(f"{CP}dependency"):
            assert dep.get("identifierref") in ids
        if r.get("type") == "imsqti_item_xmlv2p1":
            items[href] = _xml(z, str(href))
        else:
            assert r.get("type") == "imsqti_test_xmlv2p1"
            test = _xml(z, str(href))
            assert test.tag == f"{QTI}assessmentTest"
            for ref in test.iter(f"{QTI}assessmentItemRef"):
                target = posixpath.normpath(
                    posixpath.join(posixpath.dirname(str(href)), str(ref.get("href")))
                )
                assert target in names
    assert len(items) == sum(len(b.questions) for b in banks)
    for bank in banks:
        for q in bank.questions:
            _check_item(items[f"items/{bank.id}/{q.id}.xml"], bank, q)


def _check_item(item: LET._Element, bank: Bank, q: Question) -> None:
    assert item.tag == f"{QTI}assessmentItem"
    assert item.get("identifier") == f"I-{bank.id}-{q.id}"
    for el in item.iter():
        assert isinstance(el.tag, str) and el.tag.startswith(QTI), el.tag
        assert el.tag[len(QTI) :] in QTI_ELEMENTS, el.tag  # bank markup never became elements
    declared = {d.get("identifier"): d for d in item.findall(f"{QTI}responseDeclaration")}
    used = [i.get("responseIdentifier") for i in item.iter() if i.get("responseIdentifier")]
    assert sorted(declared) == sorted(used)
    outcomes = {o.get("identifier") for o in item.findall(f"{QTI}outcomeDeclaration")}
    for s in item.iter(f"{QTI}setOutcomeValue"):
        assert s.get("identifier") in outcomes
    for mf in item.findall(f"{QTI}modalFeedback"):
        assert mf.get("outcomeIdentifier") in outcomes
    general = item.find(f"{QTI}modalFeedback[@identifier='SHOW']")
    assert general is not None
    assert " ".join(q.explanation.split()) in " ".join(_text(general).split())
    body = item.find(f"{QTI}itemBody")
    assert body is not None
    if q.type in (QuestionType.SINGLE, QuestionType.MULTI, QuestionType.TRUE_FALSE):
        interaction = body.find(f"{QTI}choiceInteraction")
        assert interaction is not None
        choices = interaction.findall(f"{QTI}simpleChoice")
        choice_ids = [c.get("identifier") for c in choices]
        correct = [v.text for v in declared["RESPONSE"].iter(f"{QTI}value")]
        assert set(correct) <= set(choice_ids)
        prompt = interaction.find(f"{QTI}prompt")
        assert prompt is not None and _text(prompt) == q.prompt
        if q.type is QuestionType.TRUE_FALSE:
            assert correct == ["TRUE" if q.answer else "FALSE"]
        else:
            assert [_text(c) for c in choices] == [o.text for o in q.options]
            assert correct == [f"C{i + 1}" for i in q.correct_options]
            assert interaction.get("maxChoices") == ("1" if q.type is QuestionType.SINGLE else "0")
            for i, o in enumerate(q.options):
                fb = item.find(f"{QTI}modalFeedback[@identifier='C{i + 1}']")
                assert (_text(fb).strip() if fb is not None else "") == (o.why or "")
    elif q.type in (QuestionType.TYPED, QuestionType.CLOZE):
        wanted: list[list[str]]
        if q.type is QuestionType.TYPED:
            wanted = [list(q.answers)]
        else:
            alternatives = dict(q.alternatives)
            wanted = [[s.text, *alternatives.get(s.number, ())] for s in cloze_spans(q.prompt)]
        keys = [
            [e.get("mapKey") for e in declared[rid].iter(f"{QTI}mapEntry")]
            for rid in sorted(declared, key=lambda r: (len(str(r)), str(r)))
        ]
        assert keys == [list(dict.fromkeys(" ".join(a.split()) for a in w)) for w in wanted]
        if q.type is QuestionType.CLOZE:
            shown = _text(body)
            for span in cloze_spans(q.prompt):
                assert span.text not in shown or span.text in q.cloze_masked()
    else:
        assert body.find(f"{QTI}extendedTextInteraction") is not None
        assert (q.back or "") in _text(general)


def test_qti_package_is_reproducible_with_source_date_epoch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    a, b = tmp_path / "a.zip", tmp_path / "b.zip"
    assert main(["export", "qti", str(HOSTILE), "-o", str(a)]) == 0
    assert main(["export", "qti", str(HOSTILE), "-o", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()


# --- the command line, the same for every format ---------------------------------------------


@pytest.mark.parametrize("fmt", ["moodle-xml", "gift", "qti", "handout", "csv", "xlsx"])
def test_every_format_refuses_to_replace_a_bank_and_reports_bad_banks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    bank = tmp_path / "b.yaml"
    bank.write_bytes(HOSTILE.read_bytes())
    assert main(["export", fmt, str(bank), "-o", str(bank)]) == 1
    assert "is a bank file name" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n", "utf-8")
    suffix = {"moodle-xml": ".xml", "gift": ".gift", "qti": ".zip", "handout": ".pdf"}
    out = tmp_path / f"out{suffix.get(fmt, '.' + fmt)}"
    assert main(["export", fmt, str(bad), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:1:1: error:" in err and "Traceback" not in err
    assert not out.exists()


def test_bank_ids_name_shipped_banks(tmp_path: Path) -> None:
    out = tmp_path / "rf.xml"
    assert main(["export", "moodle-xml", "red-flags", "-o", str(out)]) == 0
    root = LET.parse(str(out)).getroot()
    assert all(
        (el.findtext("idnumber") or "").startswith("red-flags/")
        for el in root
        if el.get("type") != "category"
    )
