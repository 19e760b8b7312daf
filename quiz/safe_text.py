"""The one sanitizer for text shown on a terminal: bank text, file names, store contents.

A bank, a file name and the progress store are untrusted. A terminal treats some characters
as commands: ESC starts a sequence that can write the clipboard (OSC 52), make a hyperlink
(OSC 8), clear the screen or leave the alternate screen; BEL, BS, CR and the C1 controls
(U+0080 to U+009F, which some terminals read as ESC [ and friends) move the cursor or worse;
the bidirectional embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069)
reorder what follows, so that text shows other than it reads ("Trojan Source"). Lone
surrogates (a file name that is not UTF-8, decoded with `surrogateescape`) cannot be
written to a UTF-8 stream at all.

Every front end (the terminal app, plain mode, preview, stats, `quiz check`, every error
message) puts text through `safe_text` (several lines) or `safe_line` (one line, such as a
file name inside `file:line:col`). They replace each such character with a visible escape
(`\\x1b`, `\\u202e`), so that nothing reaches the terminal as a command and an instructor
can still see what is there. Everything else is left as it is: a zero-width joiner in an
emoji, a zero-width non-joiner in Persian, a soft hyphen, combining accents and wide
characters are real text and are shown as the characters they are.

Columns that must line up in the terminal app are measured in cells by Textual's own
measure (`quiz.tui.widgets.text.fit`), so that they agree with what Textual draws.

This module imports nothing but the standard library, so that any layer may use it.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

#: Characters a terminal may act on (besides newline and tab, which text may hold):
#: C0 controls, DEL, C1 controls, bidirectional embeddings/overrides/isolates, surrogates.
_UNSAFE_CHARS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE = re.compile(f"[{_UNSAFE_CHARS}]")
#: On one line, newline, tab and the Unicode line and paragraph separators are escaped too.
_UNSAFE_ON_A_LINE = re.compile(f"[{_UNSAFE_CHARS}\t\n\u2028\u2029]")

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    c = match.group()
    named = _NAMED.get(c)
    if named is not None:
        return named
    code = ord(c)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(text: str) -> str:
    """Text that may span lines, with every character a terminal could act on escaped.

    Newlines and tabs are kept; C0 and C1 controls, DEL, bidirectional controls and lone
    surrogates become visible escapes such as `\\x1b`.
    """
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_escape, text)


def safe_line(text: str) -> str:
    """Text for one line (a file name, a value quoted in a message): as `safe_text`, and
    newlines, tabs and the Unicode line separators are escaped too."""
    if _UNSAFE_ON_A_LINE.search(text) is None:
        return text
    return _UNSAFE_ON_A_LINE.sub(_escape, text)


def safe_json(value: object) -> str:
    """`value` as indented JSON text that is safe on a terminal and still exactly the data.

    `json.dumps` escapes C0 controls itself; DEL, C1 controls, bidirectional controls and
    lone surrogates (which only occur inside JSON strings) become `\\uXXXX` escapes, which
    any JSON reader turns back into the same characters. Other text stays readable.
    """
    import json

    text = json.dumps(value, indent=2, ensure_ascii=False)
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def has_unsafe_characters(text: str) -> bool:
    """Whether `text` holds a character `safe_text` would escape (newline and tab are text)."""
    return _UNSAFE.search(text) is not None


def unsafe_characters(text: str) -> list[tuple[int, str]]:
    """Where `text` holds characters a bank may not contain: (index, character) pairs.

    The same set `safe_text` escapes (newline and tab are allowed in bank text).
    """
    return [(m.start(), m.group()) for m in _UNSAFE.finditer(text)]


def character_name(c: str) -> str:
    """`U+001B (ESC)`, `U+202E (RIGHT-TO-LEFT OVERRIDE)`: a character as a message names it."""
    code = ord(c)
    name = _CONTROL_NAMES.get(code) or unicodedata.name(c, "")
    if not name and 0x80 <= code <= 0x9F:
        name = "C1 control"
    elif not name and 0xD800 <= code <= 0xDFFF:
        name = "lone surrogate"
    return f"U+{code:04X} ({name})" if name else f"U+{code:04X}"


_CONTROL_NAMES = {
    0x00: "NUL",
    0x07: "BEL",
    0x08: "BACKSPACE",
    0x0B: "VERTICAL TAB",
    0x0C: "FORM FEED",
    0x0D: "CARRIAGE RETURN",
    0x1B: "ESC",
    0x7F: "DEL",
    0x9B: "CSI",
    0x9D: "OSC",
}


__all__ = [
    "character_name",
    "has_unsafe_characters",
    "safe_json",
    "safe_line",
    "safe_text",
    "unsafe_characters",
]


def link_url(url: str | None) -> str | None:
    """`url` when it is a web address a page or card may link to (http or https, with a
    host, no spaces or control characters), else None. Used by the Anki export and the web
    front end, so that a bank's `url: javascript:...` never becomes a link."""
    if not url:
        return None
    url = url.strip()
    if len(url) > 2000 or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url
