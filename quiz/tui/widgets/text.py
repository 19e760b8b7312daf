"""Bank text as data: the app's only way to turn strings into Textual `Content`.

Text from a bank, the progress store or a file name is untrusted. Two things can go wrong
if it becomes `Content` as it is:

- markup: a question that contains `[bold]` or `[link=...]` must show those characters,
  not be styled by them, so nothing here parses markup;
- terminal commands: Textual's `Content(text)` strips only BEL and BS, so ESC sequences
  (OSC 52 writes the clipboard, OSC 8 makes a link, CSI 2 J clears the screen), C1
  controls and bidirectional overrides would reach the terminal. Every helper here puts
  the text through `quiz.safe_text` first (`safe_text` keeps newlines; one-line text such
  as a title goes through `safe_line`), so they show as visible escapes like `\\x1b`.

Every screen and widget builds text from data with `literal`, `styled`, `labelled`,
`assemble` or `fit` (never with `Content(...)` or `Content.assemble` directly).

`fit` cuts and pads in terminal cells as Textual measures them (`rich.cells`, which knows
that a CJK character or an emoji takes two cells and a joined emoji sequence one glyph),
so that columns of titles line up.
"""

from __future__ import annotations

from typing import TypeAlias

from rich.cells import cell_len, set_cell_size
from textual.content import Content

from quiz.safe_text import safe_line, safe_text

#: a piece of `assemble`: plain text, (text, style), or `Content` built by these helpers
Part: TypeAlias = "str | tuple[str, str] | Content"

ELLIPSIS = "…"


def literal(text: str) -> Content:
    """Text shown exactly as written (no markup; terminal controls shown as escapes)."""
    return Content(safe_text(text))


def styled(text: str, style: str) -> Content:
    """Literal text with one style over all of it (for example "bold")."""
    return Content.assemble((safe_text(text), style))


def labelled(label: str, text: str, label_style: str = "bold") -> Content:
    """ "Label: text" with the label styled and the text literal."""
    return Content.assemble((safe_text(label), label_style), safe_text(text))


def assemble(*parts: Part) -> Content:
    """`Content.assemble` over literal text: each string (alone or in a (text, style) pair)
    made safe; `Content` pieces are taken as they are (they were built here)."""
    safe: list[Part] = []
    for part in parts:
        if isinstance(part, str):
            safe.append(safe_text(part))
        elif isinstance(part, tuple):
            safe.append((safe_text(part[0]), part[1]))
        else:
            safe.append(part)
    return Content.assemble(*safe)


def clip(text: str, width: int) -> str:
    """One line of text made safe and cut to at most `width` cells, ending in "…" when cut
    (a wide character that would straddle the edge is left out)."""
    line = safe_line(text)
    if cell_len(line) <= width:
        return line
    if width <= 0:
        return ""
    # set_cell_size pads with a space where it left out a wide character
    return set_cell_size(line, width - 1).rstrip(" ") + ELLIPSIS


def fit(text: str, width: int) -> str:
    """One line of text made safe, cut to `width` cells (with "…") or padded to exactly
    `width` cells with spaces."""
    line = clip(text, width)
    return line + " " * max(0, width - cell_len(line))
