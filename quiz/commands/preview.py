"""`quiz preview [BANK ...] [--question ID]`: a bank as the learner will meet it, with its key.

For instructors: every item is printed as plain text in the order of the file, with the answer
marked, each option's `why`, each cloze blank with its hint and alternatives, a typed item's
accepted answers, the explanation, the citation and, for red-flag items, the action.
Nothing is scheduled or stored. Text is shown literally (control characters made visible).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Iterator

from quiz.bank.findings import BankLoadError
from quiz.bank.model import Bank, Question, QuestionType
from quiz.bank.selection import BankSelectionError, load_banks, resolve_bank_files
from quiz.commands import report
from quiz.safe_text import safe_text

WIDTH = 78


def _wrap(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(
        safe_text(text), WIDTH, initial_indent=indent, subsequent_indent=indent
    ) or [indent]


def _cloze_key(q: Question) -> Iterator[str]:
    """One line per blank: its number, the hidden text, the hint the learner sees and the
    other answers accepted for it (the question's `alternatives`)."""
    for n, d in enumerate(q.cloze_deletions(), start=1):
        parts = [f"Blank {n} (c{d.index}): {d.text}"]
        if d.hint:
            parts.append(f"hint: {d.hint}")
        if len(d.accepted) > 1:
            parts.append("also accepted: " + "; ".join(d.accepted[1:]))
        yield from _wrap(" · ".join(parts), "   ")


def render_question(bank: Bank, q: Question, number: int) -> Iterator[str]:
    """The lines that show one question and its key."""
    flags = [q.type.value.replace("_", "/"), ", ".join(q.topics)]
    if q.red_flag:
        flags.append("RED FLAG")
    yield f"{number}. [{q.id}] " + " · ".join(flags)
    prompt = q.cloze_masked() if q.type is QuestionType.CLOZE else q.prompt
    yield from _wrap(prompt, "   ")
    for i, o in enumerate(q.options, start=1):
        mark = "✓" if o.correct else " "
        yield from _wrap(f"{mark} {i}. {o.text}", "   ")
        if o.why:
            yield from _wrap(f"why: {o.why}", "         ")
    if q.type is QuestionType.TRUE_FALSE:
        yield f"   Answer: {'true' if q.answer else 'false'}"
    elif q.type is QuestionType.FLASHCARD:
        yield from _wrap(f"Back: {q.back}", "   ")
    elif q.type is QuestionType.CLOZE:
        yield from _cloze_key(q)
    elif q.type is QuestionType.TYPED:
        yield from _wrap(f"Answer: {q.answers[0]}", "   ")
        if len(q.answers) > 1:
            yield from _wrap("Also accepted: " + "; ".join(q.answers[1:]), "   ")
    yield from _wrap(f"Explanation: {q.explanation}", "   ")
    if q.action:
        yield from _wrap(f"What to do: {q.action}", "   ! ")
    yield from _wrap(f"Source: {bank.cite(q)}", "   ")
    yield ""


def render_bank(bank: Bank, only: str | None = None) -> Iterator[str]:
    """The lines that preview a bank (or one question of it)."""
    yield f"{safe_text(bank.title)} [{bank.id}], {len(bank.questions)} questions"
    yield from _wrap(bank.description)
    yield ""
    for n, q in enumerate(bank.questions, start=1):
        if only is None or q.id == only:
            yield from render_question(bank, q, n)


def run(args: argparse.Namespace) -> int:
    try:
        banks = load_banks(resolve_bank_files(args.banks))
    except BankLoadError as e:
        for f in e.findings:
            print(f.format(), file=sys.stderr)
        return 1
    except BankSelectionError as e:
        report("quiz preview", e)
        return 1
    if args.question and not any(q.id == args.question for b in banks for q in b.questions):
        report("quiz preview", f"no question with id '{args.question}'")
        return 1
    for bank in banks:
        if args.question and not any(q.id == args.question for q in bank.questions):
            continue
        for line in render_bank(bank, args.question):
            print(line)
    return 0
