"""`quiz export gift [BANK ...] -o FILE.gift`: GIFT text for Moodle's question bank import.

GIFT is Moodle's plain-text question format. Every text here is HTML (`[html]`), escaped
by `quiz.export.base.html_text`, and then escaped for GIFT: a backslash before each of
`~ = # { } :` and before a backslash, and a line break written `\\n`, as Moodle's own GIFT
export does. Accepted short answers are not HTML (Moodle compares them with what the
learner types): they are GIFT-escaped only, with Moodle's wildcard `*` escaped.

- single -> multiple choice (`=right ~wrong`), multi -> multiple answers (`~%50%right`,
  `~%-50%wrong`), each option's `why` as its feedback (`#...`).
- true_false -> `{TRUE#feedback if wrong#feedback if right}`.
- typed -> short answer (`{=EMG =electromyography}`).
- cloze -> GIFT has no Cloze type and only one blank per question ("missing word"), so each
  deletion becomes its own short-answer question, the other deletions shown filled in.
- flashcard -> essay (`{}`), with the back in the general feedback.

The explanation, the action and the source are the general feedback (`####...`); a
`$CATEGORY:` line puts the questions in `Patient education/<bank title>/<first topic>`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from quiz.bank.model import Bank, Question, QuestionType, cloze_spans
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

_GIFT_SPECIAL = "\\~=#{}:"


def gift_escape(text: str) -> str:
    """`text` with GIFT's special characters escaped and line breaks as `\\n`."""
    out = []
    for c in text:
        if c in _GIFT_SPECIAL:
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            continue
        else:
            out.append(c)
    return "".join(out)


def _html(text: str, *, strip: bool = True) -> str:
    return gift_escape(html_text(text, strip=strip))


def _answer(text: str) -> str:
    """An accepted short answer: GIFT-escaped, Moodle's wildcard `*` escaped, no HTML."""
    return gift_escape(xml_safe(" ".join(text.split())).replace("*", "\\*"))


def general_feedback(bank: Bank, q: Question, *, lead: str = "") -> str:
    """`####` and the explanation, action and source, as escaped HTML."""
    html = lead + f"<p>{html_text(q.explanation)}</p>"
    if q.action:
        html += f"<p><strong>What to do:</strong> {html_text(q.action)}</p>"
    cite = html_text(bank.cite(q))
    try:
        url = bank.source(q.source.id).url
    except KeyError:
        url = None
    if url:
        cite += f" ({html_text(url)})"
    html += f"<p><em>Source:</em> {cite}</p>"
    return "####" + gift_escape(html)


def _name(name: str) -> str:
    return "::" + gift_escape(name) + "::"


def question_blocks(bank: Bank, q: Question) -> list[str]:
    """The GIFT text of one question (several for a cloze with several deletions)."""
    t = q.type
    head = _name(q.id) + "[html]"
    feedback = general_feedback(bank, q)
    if t is QuestionType.SINGLE or t is QuestionType.MULTI:
        right = len(q.correct_options)
        lines = []
        for o in q.options:
            if t is QuestionType.SINGLE:
                mark = "=" if o.correct else "~"
            else:
                mark = f"~%{MOODLE_GRADES[right]}%" if o.correct else f"~%-{MOODLE_GRADES[right]}%"
            why = f"#{_html(o.why)}" if o.why else ""
            lines.append(f"\t{mark}{_html(o.text)}{why}")
        return [head + _html(q.prompt) + " {\n" + "\n".join(lines) + f"\n\t{feedback}\n}}"]
    if t is QuestionType.TRUE_FALSE:
        truth = "TRUE" if q.answer else "FALSE"
        said = "true" if q.answer else "false"
        if_wrong = _html(f"Not quite: the statement is {said}.")
        if_right = _html(f"Right: the statement is {said}.")
        return [head + _html(q.prompt) + f" {{{truth}#{if_wrong}#{if_right}{feedback}}}"]
    if t is QuestionType.TYPED:
        answers = " ".join(f"={_answer(a)}" for a in dict.fromkeys(q.answers))
        return [head + _html(q.prompt) + f" {{{answers}\n\t{feedback}\n}}"]
    if t is QuestionType.FLASHCARD:
        lead = f"<p><strong>Answer:</strong> {html_text(q.back or '')}</p>"
        return [head + _html(q.prompt) + f" {{{general_feedback(bank, q, lead=lead)}}}"]
    return _cloze_blocks(bank, q, feedback)


def _cloze_blocks(bank: Bank, q: Question, feedback: str) -> list[str]:
    spans = cloze_spans(q.prompt)
    extra = dict(q.alternatives)
    blocks = []
    for i, blank in enumerate(spans):
        parts = []
        end = 0
        for span in spans:
            parts.append(_html(q.prompt[end : span.start], strip=False))
            if span is blank:
                accepted = dict.fromkeys([span.text, *extra.get(span.number, ())])
                answers = " ".join(f"={_answer(a)}" for a in accepted if a.strip())
                parts.append(f"{{{answers}\n\t{feedback}\n}}")
                if span.hint:
                    parts.append(" " + _html(f"({span.hint})"))
            else:
                parts.append(_html(span.text, strip=False))
            end = span.end
        parts.append(_html(q.prompt[end:], strip=False))
        name = q.id if len(spans) == 1 else f"{q.id} ({i + 1} of {len(spans)})"
        blocks.append(_name(name) + "[html]" + "".join(parts))
    return blocks


def build(banks: Sequence[Bank]) -> tuple[str, int, int]:
    """The GIFT text, its number of questions and of categories."""
    out = ["// Patient education questions, written by 'quiz export gift'.", ""]
    questions = categories = 0
    for bank in banks:
        by_topic: dict[str, list[Question]] = {}
        for q in bank.questions:
            by_topic.setdefault(q.topics[0] if q.topics else "general", []).append(q)
        for topic, items in by_topic.items():
            # the category line is not unescaped by Moodle: it is written as it is, and a
            # title cannot hold a line break (cut to one line here all the same)
            path = moodle_category(MOODLE_PARENT_CATEGORY, bank.title, humanize_topic(topic))
            out += [f"$CATEGORY: {' '.join(xml_safe(path).split())}", ""]
            categories += 1
            for q in items:
                for block in question_blocks(bank, q):
                    out += [block, ""]
                    questions += 1
    return "\n".join(out), questions, categories


def write(banks: Sequence[Bank], out: Path, options: ExportOptions) -> str:
    """Write `banks` as one GIFT file (UTF-8)."""
    text, questions, categories = build(banks)
    write_atomically(out, text.encode("utf-8"))
    return f"{plural(questions, 'question')} in {plural(categories, 'category', 'categories')}"
