"""What every export format shares: its options, its error, and how its file is written.

A format module (`quiz.export.moodle_xml`, `gift`, `qti`, `handout`, `spreadsheet`, ...)
has one entry point, `write(banks, out, options) -> str`: it takes loaded banks, writes one
file at `out` and returns a short summary of what it wrote ("96 questions in 4 categories").
It raises `ExportError` for banks the format cannot take (with a message for the person at
the terminal) and `OSError` when the file cannot be written. Format modules import this
module, never each other; `quiz.export.formats` is the one table that lists them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from quiz.export import atomic_file


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """Everything a format may need besides the banks; each format reads what concerns it."""

    #: seconds since 1970 to stamp on the export (the current time, or SOURCE_DATE_EPOCH)
    timestamp: float = 0.0
    #: handout: large print
    large: bool = False
    #: handout: add a teach-back page
    teach_back: bool = False
    #: handout: a study address to print as a QR code
    qr_url: str | None = None
    #: handout: the title (default: the bank's title, or a general one for several banks)
    title: str | None = None


class ExportError(ValueError):
    """The banks cannot be written in this format (the message says why and what to do)."""


# Characters XML 1.0 cannot hold (the loader refuses most of them already; these remain
# possible through escapes such as "\uFFFE").
_NOT_XML_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters an XML 1.0 document cannot contain."""
    return _NOT_XML_RE.sub("", text)


def write_atomically(out: Path, data: bytes) -> None:
    """Write `data` to `out` whole or not at all (`quiz.export.atomic_file`: beside `out`,
    then renamed over it; a new file gets the umask's permissions, a replaced one keeps
    its own). Raises OSError when the folder cannot be written or `out` exists and is
    not a regular file."""

    def write(f: BinaryIO) -> None:
        f.write(data)

    atomic_file.write_atomically(out, write)


def plural(n: int, word: str, words: str | None = None) -> str:
    """`1 question`, `2 questions`."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


def humanize_topic(topic: str) -> str:
    """A topic slug as a heading: `red-flags` -> `Red flags`."""
    words = topic.replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else topic


def html_text(text: str, *, strip: bool = True) -> str:
    """Bank text as HTML that shows exactly that text, for learning platforms.

    Besides HTML's special characters, braces, square brackets and the dollar sign are
    written as character references: Moodle reads `{1:SHORTANSWER:...}` in a Cloze
    question, `{mlang}` and `$$...$$` through its filters, and `[...]` as a text format
    marker in GIFT; as references they are only shown. Line breaks become `<br>`. Leading
    and trailing spaces are removed unless `strip` is false (a piece of a longer text).
    """
    text = xml_safe(text.strip() if strip else text)
    out = (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
        .replace("{", "&#123;")
        .replace("}", "&#125;")
        .replace("[", "&#91;")
        .replace("]", "&#93;")
        .replace("$", "&#36;")
    )
    return out.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


#: the Moodle category every exported bank sits under (Moodle XML and GIFT)
MOODLE_PARENT_CATEGORY = "Patient education"


def moodle_category(*names: str) -> str:
    """A Moodle category path under the course's top category; a '/' inside a name is
    doubled, as Moodle writes it."""
    parts = [" ".join(n.split()).replace("/", "//") for n in names]
    return "$course$/top/" + "/".join(parts)


#: Grades Moodle accepts for an answer (its list of fractions), as percentages.
MOODLE_GRADES = {1: "100", 2: "50", 3: "33.33333", 4: "25", 5: "20"}
