"""Bank text made safe for an HTML field: every export that writes HTML escapes through here.

Bank text is data, never markup. Besides HTML's five special characters, the square bracket is
written as an entity, so that text such as `[sound:x.mp3]`, `[latex]` or `[anki:tts]`, which
Anki would treat as media or LaTeX, shows literally. Control characters (which include Anki's
field separator, U+001F) are dropped and line breaks become `<br>`.

Anki's cloze syntax `{{c1::text::hint}}` uses only braces, colons and digits, none of which
is escaped, so escaping a cloze prompt keeps every deletion working while the text around and
inside the deletions is escaped like any other text.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline (a carriage return is folded into newlines first), and DEL.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape_text(text: str) -> str:
    """Bank text as HTML that shows exactly that text (no tags, entities or Anki markup)."""
    s = (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
        .replace("[", "&#91;")
    )
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    if "\n" in s:
        s = s.strip("\n").replace("\n", "<br>")
    if _CONTROL_RE.search(s):
        s = _CONTROL_RE.sub("", s)
    return s


def escape_cloze(text: str) -> str:
    """A cloze prompt escaped like any text, its `{{cN::...}}` deletions kept intact.

    The same as `escape_text`: the point of a separate name is to say, where it is called, that
    cloze syntax survives (braces, colons and digits are never escaped).
    """
    return escape_text(text)
