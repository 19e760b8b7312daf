"""Keyboard paging of a screen's scrollable body (PgUp/PgDn), shared by every screen."""

from __future__ import annotations

from textual.containers import VerticalScroll


def scroll_page(body: VerticalScroll, direction: int) -> None:
    """Scroll `body` one page up (direction < 0) or down, without animation."""
    if direction < 0:
        body.scroll_page_up(animate=False)
    else:
        body.scroll_page_down(animate=False)
