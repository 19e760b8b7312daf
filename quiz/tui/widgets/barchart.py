"""A small vertical bar chart made of block characters, one bar per day.

Thirty days at two columns each, plus a gutter for the scale, fit in 80 columns. Bars are
glyphs (▁▂▃▄▅▆▇█), so the chart reads without colour; a nonzero day always gets at least
the smallest bar. The screen prints the key numbers as words next to it.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets import Static

_EIGHTHS = " ▁▂▃▄▅▆▇█"


def bar_chart_lines(
    values: Sequence[int], *, height: int = 4, labels: tuple[str, str, str] = ("", "", "")
) -> list[str]:
    """The chart as lines of text: `height` rows of bars, an axis, and three axis labels
    (left, middle, right) under the first, middle and last bar."""
    n = len(values)
    top = max(values, default=0)
    gutter = max(len(str(top)), 1) + 1
    levels = []
    for v in values:
        if v <= 0 or top == 0:
            levels.append(0)
        else:
            levels.append(max(1, round(v / top * height * 8)))
    lines = []
    for row in range(height, 0, -1):
        floor = (row - 1) * 8
        cells = []
        for level in levels:
            part = min(8, max(0, level - floor))
            cells.append(_EIGHTHS[part] + " ")
        scale = str(top) if row == height and top > 0 else ""
        lines.append(f"{scale:>{gutter - 1}} │" + "".join(cells).rstrip())
    width = 2 * n
    lines.append(f"{'0':>{gutter - 1}} └" + "─" * width)
    left, middle, right = labels
    axis = [" "] * (width + 1)

    def put(text: str, start: int) -> None:
        start = max(0, min(start, len(axis) - len(text)))
        for i, ch in enumerate(text):
            axis[start + i] = ch

    put(left, 0)
    put(middle, n - len(middle) // 2)
    put(right, 2 * (n - 1) + 1 - len(right))
    lines.append(" " * (gutter + 1) + "".join(axis).rstrip())
    return lines


class BarChart(Static):
    """A `bar_chart_lines` chart as a widget."""

    def __init__(
        self,
        values: Sequence[int],
        *,
        height: int = 4,
        labels: tuple[str, str, str] = ("", "", ""),
        id: str | None = None,
    ) -> None:
        super().__init__(
            Content("\n".join(bar_chart_lines(values, height=height, labels=labels))),
            id=id,
            classes="bar-chart",
        )
