"""`quiz export qti [BANK ...] -o FILE.zip`: a QTI 2.1 content package.

IMS Question and Test Interoperability 2.1 items in an IMS content package (a zip with
`imsmanifest.xml`), one item file per question and one assessment test per bank, as
Blackboard, Canvas (its QTI import) and other platforms read them. Written here against
the specification with the standard library's ElementTree (every text node escaped; bank
text is never markup); no library was a better fit: text2qti writes QTI 1.2 from its own
Markdown text (bank text would have to be escaped into Markdown), and qti-package-maker's
item model has no per-option feedback.

- single / multi -> choiceInteraction (maxChoices 1 or 0), right options in the
  correctResponse; each option's `why` as modal feedback for that choice.
- true_false -> choiceInteraction with the choices True and False.
- typed -> textEntryInteraction; every accepted answer in the mapping (not case-sensitive).
- cloze -> one textEntryInteraction per deletion inside the sentence, each with its hidden
  text and alternatives mapped; the hint after the blank.
- flashcard -> extendedTextInteraction (the learner writes), scored by hand; the back in
  the feedback.
The explanation, action and source are feedback shown after every answer.
"""

from __future__ import annotations

import io
import time
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from pathlib import Path

from quiz.bank.model import CHOICE_TYPES, Bank, Question, QuestionType, cloze_spans
from quiz.export.base import ExportOptions, plural, write_atomically, xml_safe

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/qtiv2p1_imscpv1p2_v1p0.xsd"
_SCHEMA_LOCATION = f"{{{XSI_NS}}}schemaLocation"


def item_identifier(bank: Bank, q: Question) -> str:
    """An XML name (NCName) for the item: ids are slugs, which may start with a digit."""
    return f"I-{bank.id}-{q.id}"


def _el(parent: ET.Element | None, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.Element(tag, attrs) if parent is None else ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = xml_safe(text)
    return el


def _append_text(parent: ET.Element, text: str) -> None:
    """Append `text` to `parent` as text nodes, a `<br/>` for each line break."""
    lines = xml_safe(text).replace("\r\n", "\n").split("\n")
    for i, line in enumerate(lines):
        if i:
            br = ET.SubElement(parent, "br")
            br.tail = ""
            last: ET.Element | None = br
        else:
            last = parent[-1] if len(parent) else None
        if last is None:
            parent.text = (parent.text or "") + line
        else:
            last.tail = (last.tail or "") + line


def _p(parent: ET.Element, text: str, lead: str | None = None) -> ET.Element:
    p = _el(parent, "p")
    if lead:
        _el(p, "strong", lead)
        p[-1].tail = " "
    _append_text(p, text)
    return p


def _feedback_blocks(bank: Bank, q: Question, parent: ET.Element) -> None:
    if q.type is QuestionType.FLASHCARD:
        _p(parent, q.back or "", "Answer:")
    _p(parent, q.explanation)
    if q.action:
        _p(parent, q.action, "What to do:")
    cite = bank.cite(q)
    try:
        url = bank.source(q.source.id).url
    except KeyError:
        url = None
    _p(parent, cite + (f" ({url})" if url else ""), "Source:")


def _set(parent: ET.Element, outcome: str, base_type: str, value: str) -> None:
    s = _el(parent, "setOutcomeValue", identifier=outcome)
    _el(s, "baseValue", value, baseType=base_type)


def _map_response(parent: ET.Element, answers: Sequence[str]) -> None:
    mapping = _el(parent, "mapping", defaultValue="0", lowerBound="0", upperBound="1")
    for a in dict.fromkeys(" ".join(x.split()) for x in answers):
        _el(mapping, "mapEntry", mapKey=xml_safe(a), mappedValue="1", caseSensitive="false")


def build_item(bank: Bank, q: Question) -> ET.Element:
    """One question as a QTI 2.1 assessmentItem."""
    t = q.type
    item = _el(
        None,
        "assessmentItem",
        identifier=item_identifier(bank, q),
        title=xml_safe(q.id),
        adaptive="false",
        timeDependent="false",
    )
    item.set("xmlns", QTI_NS)
    item.set("xmlns:xsi", XSI_NS)
    item.set("xsi:schemaLocation", f"{QTI_NS} {QTI_XSD}")
    choices: list[tuple[str, str, str | None]] = []  # identifier, text, feedback
    blanks: list[tuple[str, list[str]]] = []  # response identifier, accepted answers
    if t in CHOICE_TYPES:
        correct = [f"C{i + 1}" for i in q.correct_options]
        choices = [(f"C{i + 1}", o.text, o.why) for i, o in enumerate(q.options)]
    elif t is QuestionType.TRUE_FALSE:
        truth = "TRUE" if q.answer else "FALSE"
        said = "true" if q.answer else "false"
        correct = [truth]
        choices = [
            (v, label, f"{'Right' if v == truth else 'Not quite'}: the statement is {said}.")
            for v, label in (("TRUE", "True"), ("FALSE", "False"))
        ]
    if choices:
        multiple = t is QuestionType.MULTI
        rd = _el(
            item,
            "responseDeclaration",
            identifier="RESPONSE",
            cardinality="multiple" if multiple else "single",
            baseType="identifier",
        )
        cr = _el(rd, "correctResponse")
        for c in correct:
            _el(cr, "value", c)
    elif t is QuestionType.TYPED:
        blanks = [("RESPONSE", list(q.answers))]
    elif t is QuestionType.CLOZE:
        extra = dict(q.alternatives)
        for n, span in enumerate(cloze_spans(q.prompt), start=1):
            blanks.append((f"RESPONSE_{n}", [span.text, *extra.get(span.number, ())]))
    else:  # flashcard
        _el(item, "responseDeclaration", identifier="RESPONSE", cardinality="single",
            baseType="string")  # fmt: skip
    for rid, answers in blanks:
        rd = _el(item, "responseDeclaration", identifier=rid, cardinality="single",
                 baseType="string")  # fmt: skip
        _el(_el(rd, "correctResponse"), "value", " ".join(answers[0].split()))
        _map_response(rd, answers)
    score = _el(item, "outcomeDeclaration", identifier="SCORE", cardinality="single",
                baseType="float")  # fmt: skip
    _el(_el(score, "defaultValue"), "value", "0")
    if choices:
        _el(item, "outcomeDeclaration", identifier="FEEDBACK",
            cardinality="multiple" if t is QuestionType.MULTI else "single",
            baseType="identifier")  # fmt: skip
    _el(item, "outcomeDeclaration", identifier="GENERAL", cardinality="single",
        baseType="identifier")  # fmt: skip

    body = _el(item, "itemBody")
    if choices:
        interaction = _el(
            body,
            "choiceInteraction",
            responseIdentifier="RESPONSE",
            shuffle="true" if (t in CHOICE_TYPES and q.shuffle) else "false",
            maxChoices="0" if t is QuestionType.MULTI else "1",
        )
        prompt = _el(interaction, "prompt")
        _append_text(prompt, q.prompt)
        for cid, text, _ in choices:
            choice = _el(interaction, "simpleChoice", identifier=cid)
            _append_text(choice, text)
    elif t is QuestionType.TYPED:
        p = _p(body, q.prompt)
        _el(p, "br")
        _el(p, "textEntryInteraction", responseIdentifier="RESPONSE", expectedLength="30")
    elif t is QuestionType.CLOZE:
        p = _el(body, "p")
        end = 0
        for n, span in enumerate(cloze_spans(q.prompt), start=1):
            _append_text(p, q.prompt[end : span.start])
            _el(p, "textEntryInteraction", responseIdentifier=f"RESPONSE_{n}",
                expectedLength=str(max(10, len(span.text) + 4)))  # fmt: skip
            if span.hint:
                _append_text(p, f" ({span.hint})")
            end = span.end
        _append_text(p, q.prompt[end:])
    else:
        interaction = _el(body, "extendedTextInteraction", responseIdentifier="RESPONSE",
                          expectedLines="4")  # fmt: skip
        prompt = _el(interaction, "prompt")
        _append_text(prompt, q.prompt)

    rp = _el(item, "responseProcessing")
    if choices:
        cond = _el(rp, "responseCondition")
        if_ = _el(cond, "responseIf")
        match = _el(if_, "match")
        _el(match, "variable", identifier="RESPONSE")
        _el(match, "correct", identifier="RESPONSE")
        _set(if_, "SCORE", "float", "1")
        _set(_el(cond, "responseElse"), "SCORE", "float", "0")
        fb = _el(rp, "setOutcomeValue", identifier="FEEDBACK")
        _el(fb, "variable", identifier="RESPONSE")
    elif blanks:
        total = _el(rp, "setOutcomeValue", identifier="SCORE")
        if len(blanks) == 1:
            _el(total, "mapResponse", identifier=blanks[0][0])
        else:
            s = _el(total, "sum")
            for rid, _ in blanks:
                _el(s, "mapResponse", identifier=rid)
    _set(rp, "GENERAL", "identifier", "SHOW")

    for cid, _, why in choices:
        if why:
            mf = _el(item, "modalFeedback", outcomeIdentifier="FEEDBACK", identifier=cid,
                     showHide="show")  # fmt: skip
            _p(mf, why)
    general = _el(item, "modalFeedback", outcomeIdentifier="GENERAL", identifier="SHOW",
                  showHide="show", title="Explanation")  # fmt: skip
    _feedback_blocks(bank, q, general)
    return item


def build_test(bank: Bank, hrefs: dict[str, str]) -> ET.Element:
    """One assessment test per bank, with all its items in one section."""
    test = _el(None, "assessmentTest", identifier=f"T-{bank.id}", title=xml_safe(bank.title))
    test.set("xmlns", QTI_NS)
    test.set("xmlns:xsi", XSI_NS)
    test.set("xsi:schemaLocation", f"{QTI_NS} {QTI_XSD}")
    part = _el(test, "testPart", identifier="P1", navigationMode="nonlinear",
               submissionMode="individual")  # fmt: skip
    section = _el(part, "assessmentSection", identifier="S1", title=xml_safe(bank.title),
                  visible="true")  # fmt: skip
    for q in bank.questions:
        ident = item_identifier(bank, q)
        _el(section, "assessmentItemRef", identifier=ident, href=f"../{hrefs[ident]}")
    return test


def build_manifest(banks: Sequence[Bank], hrefs: dict[str, str]) -> ET.Element:
    manifest = _el(None, "manifest", identifier="MANIFEST-patient-quiz")
    manifest.set("xmlns", CP_NS)
    manifest.set("xmlns:xsi", XSI_NS)
    manifest.set("xsi:schemaLocation", f"{CP_NS} {CP_XSD}")
    meta = _el(manifest, "metadata")
    _el(meta, "schema", "QTIv2.1 Package")
    _el(meta, "schemaversion", "1.0.0")
    _el(manifest, "organizations")
    resources = _el(manifest, "resources")
    for bank in banks:
        for q in bank.questions:
            ident = item_identifier(bank, q)
            r = _el(resources, "resource", identifier=f"R-{ident}", type="imsqti_item_xmlv2p1",
                    href=hrefs[ident])  # fmt: skip
            _el(r, "file", href=hrefs[ident])
        href = f"tests/{bank.id}.xml"
        r = _el(resources, "resource", identifier=f"R-T-{bank.id}", type="imsqti_test_xmlv2p1",
                href=href)  # fmt: skip
        _el(r, "file", href=href)
        for q in bank.questions:
            _el(r, "dependency", identifierref=f"R-{item_identifier(bank, q)}")
    return manifest


def _xml(el: ET.Element, *, indent: bool = True) -> bytes:
    if indent:  # not in items: their paragraphs are mixed content, where spaces show
        ET.indent(el)
    data: bytes = ET.tostring(el, encoding="UTF-8", xml_declaration=True)
    return data + b"\n"


def build_package(banks: Sequence[Bank], timestamp: float) -> tuple[bytes, int]:
    """The zip's bytes and its number of items."""
    hrefs = {item_identifier(b, q): f"items/{b.id}/{q.id}.xml" for b in banks for q in b.questions}
    t = time.gmtime(max(int(timestamp), 315532800))
    date = (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:

        def put(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=date)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)

        put("imsmanifest.xml", _xml(build_manifest(banks, hrefs)))
        for bank in banks:
            for q in bank.questions:
                put(hrefs[item_identifier(bank, q)], _xml(build_item(bank, q), indent=False))
            put(f"tests/{bank.id}.xml", _xml(build_test(bank, hrefs)))
    return buffer.getvalue(), len(hrefs)


def write(banks: Sequence[Bank], out: Path, options: ExportOptions) -> str:
    """Write `banks` as one QTI 2.1 content package."""
    data, items = build_package(banks, options.timestamp)
    write_atomically(out, data)
    return f"{plural(items, 'item')} in {plural(len(banks), 'test')}"
