"""Hostile text for the app's tests: terminal commands put into every text of a bank (as a
tampered store or a future import could deliver them; the loader refuses them in files),
and the raw bytes that must never reach the terminal.

`hostile_bank` sets every text of the minimal bank with `dataclasses.replace` after
loading. Each payload carries a marker after its command, so that a test can tell the
hostile bytes from the app's own rendering (Textual itself writes `ESC [ 2 J` and
`ESC [ ? 1049 l`, but never followed by our markers).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from quiz.bank.load import load_bank
from quiz.bank.model import Bank, Option, Question, QuestionType, Source, SourceRef

MINIMAL = Path(__file__).resolve().parents[1] / "data" / "good" / "minimal.yaml"

#: every kind of terminal command bank text could smuggle in, each followed by a marker
HOSTILE = (
    "\x1b]52;c;SE9TVElMRQ==\x07CLIP"  # OSC 52: write the clipboard
    "\x1b]8;;https://evil.example/\x1b\\LINK\x1b]8;;\x1b\\"  # OSC 8: a hyperlink
    "\x1b[2JCLEAR"  # clear the screen
    "\x1b[?1049lALTSCREEN"  # leave the alternate screen
    "\u009b31mCSI1"  # C1 CSI
    "\u009d0;title\u009cOSC1"  # C1 OSC, ST
    "\u202eEDIRREVO"  # right-to-left override
)

#: raw byte strings that show the hostile text reached the terminal as commands
FORBIDDEN: tuple[bytes, ...] = (
    b"\x1b]52;",
    b"\x1b]8;",
    b"\x07CLIP",
    b"\x1b\\LINK",
    b"\x1b[2JCLEAR",
    b"\x1b[?1049lALTSCREEN",
    "\u009b".encode(),
    "\u009d".encode(),
    "\u009c".encode(),
    "\u202e".encode(),
)

#: the same text as the sanitizer shows it: proof that the hostile text was drawn at all
VISIBLE = b"\\x1b]52;c;"


def forbidden_in(raw: bytes) -> list[bytes]:
    """The forbidden byte strings found in `raw` (empty: nothing got through)."""
    return [f for f in FORBIDDEN if f in raw]


def _h(label: str) -> str:
    return f"{label} {HOSTILE}"


def _hostile_question(q: Question) -> Question:
    changes: dict[str, object] = {
        "prompt": _h(q.prompt),
        "explanation": _h("Explanation"),
        "source": SourceRef(q.source.id, _h("Section")),
        "topics": tuple(_h(t) for t in q.topics),
    }
    if q.options:
        changes["options"] = tuple(
            Option(_h(f"Option {i}"), o.correct, why=_h(f"Why {i}"))
            for i, o in enumerate(q.options, start=1)
        )
    if q.type is QuestionType.CLOZE:
        changes["prompt"] = _h("Cloze") + " {{c1::" + _h("gap") + "}} end"
    if q.back is not None:
        changes["back"] = _h("Back")
    if q.answers:
        changes["answers"] = (_h("Typed"), *q.answers)
    if q.action is not None:
        changes["action"] = _h("Action")
    return dataclasses.replace(q, **changes)  # type: ignore[arg-type]


def hostile_bank(path: Path = MINIMAL) -> Bank:
    """The minimal bank (every question type, one red flag) with hostile text everywhere a
    learner reads: title, prompts, options, whys, explanations, sources, topics, backs,
    typed answers, cloze gaps, red-flag actions."""
    bank = load_bank(path)
    return dataclasses.replace(
        bank,
        title=_h("Bank"),
        description=_h("Description"),
        sources=tuple(Source(s.id, _h("Source")) for s in bank.sources),
        questions=tuple(_hostile_question(q) for q in bank.questions),
    )


#: hostile text that can be a file or folder name (no slash; a newline and a BEL in it)
HOSTILE_NAME = "\x1b]52;c;SE9TVElMRQ==\x07CLIP\x1b[2JCLEAR\n\u009b31mCSI1\u202eEDIRREVO"
