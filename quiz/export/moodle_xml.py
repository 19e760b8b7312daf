"""`quiz export moodle-xml [BANK ...] -o FILE.xml`: Moodle XML for Moodle's question bank.

Written against Moodle's documented XML format (question/format/xml), with the standard
library's ElementTree, which escapes every text node. Inside those nodes the question text,
answers and feedback are HTML, escaped by `quiz.export.base.html_text` (so bank text is
never markup, and braces, brackets and `$` cannot reach Moodle's Cloze parser or filters).

- single / multi -> multichoice (one or several answers), each option's `why` as its
  feedback; multi: each right option earns an equal share, each wrong one takes it away.
- true_false -> truefalse, with feedback on both answers.
- typed -> shortanswer, every accepted answer at 100% (`*`, Moodle's wildcard, escaped).
- cloze -> multianswer (Moodle's "Embedded answers (Cloze)"): each deletion a SHORTANSWER
  blank accepting its hidden text and its alternatives; a hint follows the blank.
- flashcard -> essay: the learner writes the answer in their own words; the back is the
  grader information and, with the explanation, the general feedback shown afterwards.

The explanation, the action (red-flag items) and the source are the general feedback.
Each question sits in the category `Patient education/<bank title>/<first topic>` and is
tagged with the bank id, its topics and `red_flag`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from quiz.bank.model import CHOICE_TYPES, Bank, Question, QuestionType, cloze_spans
from quiz.export.base import (
    MOODLE_GRADES,
    MOODLE_PARENT_CATEGORY,
    ExportOptions,
    html_text,
    humanize_topic,
    moodle_category,
    plural,
    write_atomically,
    xml_safe,
)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = xml_safe(text)
    return el


def _text(parent: ET.Element, tag: str, html: str, **attrs: str) -> ET.Element:
    """`<tag format="html"><text>html</text></tag>`."""
    el = _sub(parent, tag, format="html", **attrs)
    _sub(el, "text", html)
    return el


def general_feedback(bank: Bank, q: Question) -> str:
    """The explanation, the action and the source, as HTML."""
    parts = [f"<p>{html_text(q.explanation)}</p>"]
    if q.action:
        parts.append(f"<p><strong>What to do:</strong> {html_text(q.action)}</p>")
    cite = html_text(bank.cite(q))
    try:
        url = bank.source(q.source.id).url
    except KeyError:
        url = None
    if url:
        cite += f" ({html_text(url)})"
    parts.append(f"<p><em>Source:</em> {cite}</p>")
    return "".join(parts)


def shortanswer_text(answer: str) -> str:
    """An accepted answer as Moodle's short-answer matching reads it: `*` is its
    wildcard, so a literal one is written `\\*`."""
    return xml_safe(answer.strip()).replace("*", "\\*")


def cloze_answer(answer: str) -> str:
    """An answer inside `{1:SHORTANSWER:=...}`: Moodle decodes HTML references in it and
    ends it at an unescaped `~`, `#` or `}`, so those (and the HTML specials) are written
    as references, and `*` as the wildcard's escape."""
    out = []
    for c in xml_safe(answer.strip()):
        if c in "&<>\"'~#}{\\$[]":
            out.append(f"&#{ord(c)};")
        elif c == "*":
            out.append("\\*")
        elif c == "\n":
            out.append(" ")
        else:
            out.append(c)
    return "".join(out)


def cloze_html(q: Question) -> str:
    """The cloze prompt with each deletion as a Moodle SHORTANSWER blank."""
    extra = dict(q.alternatives)
    parts: list[str] = []
    end = 0
    for span in cloze_spans(q.prompt):
        parts.append(html_text(q.prompt[end : span.start], strip=False))
        accepted = dict.fromkeys([span.text, *extra.get(span.number, ())])
        blank = "~".join(f"={cloze_answer(a)}" for a in accepted if a.strip())
        parts.append("{1:SHORTANSWER:" + blank + "}")
        if span.hint:
            parts.append(f" ({html_text(span.hint)})")
        end = span.end
    parts.append(html_text(q.prompt[end:], strip=False))
    return "".join(parts)


def _question(quiz: ET.Element, bank: Bank, q: Question) -> None:
    t = q.type
    kind = {
        QuestionType.SINGLE: "multichoice",
        QuestionType.MULTI: "multichoice",
        QuestionType.TRUE_FALSE: "truefalse",
        QuestionType.TYPED: "shortanswer",
        QuestionType.CLOZE: "multianswer",
        QuestionType.FLASHCARD: "essay",
    }[t]
    el = _sub(quiz, "question", type=kind)
    name = _sub(el, "name")
    _sub(name, "text", q.id)
    prompt = cloze_html(q) if t is QuestionType.CLOZE else html_text(q.prompt)
    _text(el, "questiontext", prompt)
    _text(el, "generalfeedback", general_feedback(bank, q))
    _sub(el, "defaultgrade", "1")
    _sub(el, "penalty", "0.3333333")
    _sub(el, "hidden", "0")
    _sub(el, "idnumber", f"{bank.id}/{q.id}"[:100])
    if t in CHOICE_TYPES:
        _sub(el, "single", "true" if t is QuestionType.SINGLE else "false")
        _sub(el, "shuffleanswers", "true" if q.shuffle else "false")
        _sub(el, "answernumbering", "abc")
        _sub(el, "showstandardinstruction", "1")
        right = len(q.correct_options)
        wrong = len(q.options) - right
        for o in q.options:
            if t is QuestionType.SINGLE:
                fraction = "100" if o.correct else "0"
            elif o.correct:
                fraction = MOODLE_GRADES[right]
            else:
                fraction = "-" + MOODLE_GRADES[right] if wrong else "0"
            a = _text(el, "answer", html_text(o.text), fraction=fraction)
            fb = _sub(a, "feedback", format="html")
            _sub(fb, "text", html_text(o.why or ""))
    elif t is QuestionType.TRUE_FALSE:
        truth = "true" if q.answer else "false"
        for value in ("true", "false"):
            right = value == truth
            a = _sub(el, "answer", fraction="100" if right else "0", format="moodle_auto_format")
            _sub(a, "text", value)
            said = "Right" if right else "Not quite"
            fb = _sub(a, "feedback", format="html")
            _sub(fb, "text", f"<p>{said}: the statement is {truth}.</p>")
    elif t is QuestionType.TYPED:
        _sub(el, "usecase", "0")
        for answer in dict.fromkeys(q.answers):
            a = _sub(el, "answer", fraction="100", format="moodle_auto_format")
            _sub(a, "text", shortanswer_text(answer))
            fb = _sub(a, "feedback", format="html")
            _sub(fb, "text", "")
    elif t is QuestionType.FLASHCARD:
        back = html_text(q.back or "")
        _sub(el, "responseformat", "editor")
        _sub(el, "responserequired", "1")
        _sub(el, "responsefieldlines", "5")
        _sub(el, "attachments", "0")
        _sub(el, "attachmentsrequired", "0")
        _text(el, "graderinfo", f"<p>{back}</p>")
        _text(el, "responsetemplate", "")
        # the back, first, in the feedback the learner sees after answering
        feedback = el.find("generalfeedback/text")
        if feedback is not None:
            feedback.text = f"<p><strong>Answer:</strong> {back}</p>" + (feedback.text or "")
    tags = _sub(el, "tags")
    for tag in dict.fromkeys([bank.id, *q.topics, *(["red_flag"] if q.red_flag else [])]):
        _sub(_sub(tags, "tag"), "text", tag)


def build(banks: Sequence[Bank]) -> tuple[ET.ElementTree, int, int]:
    """The `<quiz>` document, its number of questions and of categories."""
    quiz = ET.Element("quiz")
    categories = 0
    questions = 0
    for bank in banks:
        by_topic: dict[str, list[Question]] = {}
        for q in bank.questions:
            by_topic.setdefault(q.topics[0] if q.topics else "general", []).append(q)
        for topic, items in by_topic.items():
            cat = _sub(quiz, "question", type="category")
            path = moodle_category(MOODLE_PARENT_CATEGORY, bank.title, humanize_topic(topic))
            _sub(_sub(cat, "category"), "text", path)
            _text(cat, "info", html_text(bank.description))
            categories += 1
            for q in items:
                _question(quiz, bank, q)
                questions += 1
    ET.indent(quiz)
    return ET.ElementTree(quiz), questions, categories


def write(banks: Sequence[Bank], out: Path, options: ExportOptions) -> str:
    """Write `banks` as one Moodle XML file."""
    tree, questions, categories = build(banks)
    import io

    buffer = io.BytesIO()
    tree.write(buffer, encoding="UTF-8", xml_declaration=True)
    write_atomically(out, buffer.getvalue() + b"\n")
    return f"{plural(questions, 'question')} in {plural(categories, 'category', 'categories')}"
