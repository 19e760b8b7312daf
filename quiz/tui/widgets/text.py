"""Bank text as data: helpers that turn strings into Textual `Content` without markup.

A question that contains `[bold]` or `[link=...]` must show those characters, not be styled
by them: everything from a bank goes through `literal` (or `Content.assemble` with plain
strings), never through markup parsing. Control characters are stripped.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from textual.content import Content

from quiz.engine.schedule import format_interval


def literal(text: str) -> Content:
    """Text shown exactly as written (no markup, control characters removed)."""
    return Content(text)


def styled(text: str, style: str) -> Content:
    """Literal text with one style over all of it (for example "bold")."""
    return Content.assemble((text, style))


def labelled(label: str, text: str, label_style: str = "bold") -> Content:
    """ "Label: text" with the label styled and the text literal."""
    return Content.assemble((label, label_style), text)


def when(due: datetime | None, now: datetime) -> str:
    """A due time relative to now, in words: "now", "in 10 min", "in 3 days"."""
    if due is None:
        return "not scheduled"
    wait = due - now
    if wait <= timedelta(0):
        return "now"
    return f"in {format_interval(wait)}"


def duration_words(d: timedelta) -> str:
    """A session's length in words: "under a minute", "about 12 min", "about 1 h 5 min"."""
    minutes = round(d.total_seconds() / 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"about {minutes} min"
    return f"about {minutes // 60} h {minutes % 60} min"
