"""Bank text made safe for an HTML field: every export that writes HTML escapes through here.

Bank text is data, never markup. Besides HTML's five special characters, square brackets and
braces are written as entities, so that text such as `[sound:x.mp3]`, `[latex]`, `[anki:tts]`
or `{{c1::...}}`, which Anki would treat as media, LaTeX or a cloze deletion, shows literally.
Control characters (which include Anki's field separator, U+001F) are dropped and line breaks
become `<br>`.

A cloze prompt is the one place where `{{cN::text::hint}}` must keep working: `escape_cloze`
escapes the text around and inside each deletion and writes the deletion's own braces back.
"""

from __future__ import annotations

import re

from quiz.bank.model import ClozeSpan, cloze_map

# Every character that escaping changes; text without any is returned as it is.
_SPECIAL_RE = re.compile(r"[&<>\"'\[{}\x00-\x1f\x7f]")
# C0 controls except tab and newline (a carriage return is folded into newlines first), and DEL.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape_text(text: str) -> str:
    """Bank text as HTML that shows exactly that text (no tags, entities or Anki markup)."""
    return _escape(text.strip())


def _escape(text: str) -> str:
    if not _SPECIAL_RE.search(text):
        return text
    s = (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
        .replace("[", "&#91;")
        .replace("{", "&#123;")
        .replace("}", "&#125;")
    )
    # False for any line break or control character (and for some harmless Unicode spaces,
    # which the substitution leaves alone): a cheap test before the rare slow path.
    if not s.isprintable():
        s = _CONTROL_RE.sub("", s.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>"))
    return s


def escape_cloze(text: str) -> str:
    """A cloze prompt escaped like any text, its `{{cN::text::hint}}` deletions kept working."""
    return cloze_map(text.strip(), _deletion, _escape)


def _deletion(span: ClozeSpan) -> str:
    hint = f"::{_escape(span.hint)}" if span.hint is not None else ""
    return f"{{{{c{span.digits}::{_escape(span.text)}{hint}}}}}"
