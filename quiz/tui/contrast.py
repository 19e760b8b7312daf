"""Colour contrast of what the app paints, measured as WCAG 2 defines it.

WCAG 2.2 asks for a contrast ratio of at least 4.5:1 between text and its background
(1.4.3) and 3:1 for the graphics that identify a component or a state: borders,
scrollbar thumbs, bar charts (1.4.11). The ratios here are computed from the colours
Textual resolved from the theme and the CSS, in two ways:

- `measure_painted`: every cell the current screen paints (the same strips a screenshot
  is made of), each non-blank cell's foreground against its background; box-drawing and
  block characters (borders, bars, scrollbar ends) count as graphics, the rest as text;
- `measure_styles`: every displayed widget's own resolved styles, whether or not it shows
  text at the moment: its text colour, each border edge and its border title against the
  backgrounds behind them, and each scrollbar's thumb against its track (normal, hover
  and dragged).

The tests run both over every screen of the app in every theme it offers
(tests/tui/test_contrast.py). Nothing here is needed to run the app.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from rich.style import Style
from textual._compositor import LayoutUpdate
from textual.app import App
from textual.color import Color
from textual.errors import NoWidget
from textual.scrollbar import ScrollBar
from textual.widget import Widget

#: WCAG 2 minimum contrast for normal-size text (1.4.3)
TEXT_MINIMUM = 4.5
#: WCAG 2 minimum contrast for graphics and component boundaries (1.4.11)
GRAPHIC_MINIMUM = 3.0

Kind = Literal["text", "graphic"]

#: the colour of a cell left to the terminal's defaults: its contrast cannot be known
UNKNOWN = Color(0, 0, 0, 0)

#: border types that draw nothing
_NO_BORDER = ("", "none", "hidden", "blank")


def relative_luminance(color: Color) -> float:
    """WCAG 2 relative luminance of an opaque sRGB colour (0 black … 1 white)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast_ratio(first: Color, second: Color) -> float:
    """WCAG 2 contrast ratio of two opaque colours, from 1 (same) to 21 (black on white)."""
    a, b = relative_luminance(first), relative_luminance(second)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


def is_graphic(char: str) -> bool:
    """Box-drawing and block characters: borders, bars, scrollbar ends."""
    return "\u2500" <= char <= "\u259f"


@dataclass(frozen=True)
class Measurement:
    """One foreground against one background, where it was seen."""

    kind: Kind
    #: what was measured, for example "Static#fb-verdict text" or "border-top"
    where: str
    foreground: Color
    background: Color
    #: a few characters of what was painted ("" for a style that paints nothing now)
    sample: str = ""

    @property
    def ratio(self) -> float:
        """The contrast ratio."""
        return contrast_ratio(self.foreground, self.background)

    @property
    def minimum(self) -> float:
        """The ratio WCAG asks for this kind of thing."""
        return TEXT_MINIMUM if self.kind == "text" else GRAPHIC_MINIMUM

    @property
    def passes(self) -> bool:
        """At least the minimum (compared at two decimals, as ratios are quoted)."""
        return round(self.ratio, 2) >= self.minimum

    def describe(self) -> str:
        """One line for a test failure or a report."""
        sample = f" {self.sample!r}" if self.sample else ""
        return (
            f"{self.ratio:5.2f}:1 (needs {self.minimum}) {self.kind:7} {self.where}: "
            f"{self.foreground.hex} on {self.background.hex}{sample}"
        )


def _name(widget: Widget) -> str:
    """ "Static#fb-verdict", or with its classes when it has no id ("Static.fb-chosen")."""
    name = type(widget).__name__
    if widget.id:
        return f"{name}#{widget.id}"
    return name + "".join(f".{c}" for c in sorted(widget.classes))


def _painted_segments(app: App[object]) -> Iterator[tuple[int, int, str, Color, Color]]:
    """(x, y, text, foreground, background) of each non-blank segment the current screen
    paints, as a screenshot would show it (reverse video undone)."""
    screen = app.screen
    update = screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    assert isinstance(update, LayoutUpdate)  # what a full update is
    for y, line in enumerate(update.strips):
        x = 0
        for strip in line:
            for segment in strip:
                style = segment.style or Style()
                if segment.text.strip() and not segment.control:
                    fg = Color.from_rich_color(style.color) if style.color else UNKNOWN
                    bg = Color.from_rich_color(style.bgcolor) if style.bgcolor else UNKNOWN
                    if style.reverse:
                        fg, bg = bg, fg
                    yield x, y, segment.text, fg, bg
                x += segment.cell_length


def measure_painted(app: App[object]) -> list[Measurement]:
    """Every distinct (widget, kind, foreground, background) among the non-blank cells the
    current screen paints. Cells without a colour of their own (the terminal's default
    colours, as in an ANSI theme) get the colour `UNKNOWN`, which fails, so a test sees
    them. Left out: the screen underneath a dialog, dimmed (inactive, which WCAG 1.4.3
    exempts), and emoji (drawn in their own colours whatever the style says)."""
    screen = app.screen
    seen: dict[tuple[str, Kind, str, str], Measurement] = {}
    for x, y, text, fg, bg in _painted_segments(app):
        try:
            widget, _ = screen.get_widget_at(x, y)
        except NoWidget:
            widget = screen
        if widget is screen and screen.is_modal:
            continue
        where = _name(widget)
        chars = [c for c in text.strip() if c < "\U0001f000"]
        parts: tuple[tuple[Kind, str], ...] = (
            ("graphic", "".join(c for c in chars if is_graphic(c))),
            ("text", "".join(c for c in chars if not is_graphic(c))),
        )
        for kind, part in parts:
            if not part or (kind == "graphic" and fg == bg):
                continue  # a glyph in its background's colour shows nothing
            key = (where, kind, fg.hex, bg.hex)
            if key not in seen:
                seen[key] = Measurement(kind, where, fg, bg, part[:30])
    return list(seen.values())


def _widget_measurements(widget: Widget) -> Iterator[Measurement]:
    _, background = widget.background_colors
    _, _, _, color = widget.colors
    styles = widget.styles
    name = _name(widget)
    if background.a < 1:
        return  # see-through (a dialog's screen): what shows through is measured as painted
    yield Measurement("text", f"{name} text", background + color, background)
    for edge, (border_type, border_color) in (
        ("top", styles.border_top),
        ("right", styles.border_right),
        ("bottom", styles.border_bottom),
        ("left", styles.border_left),
    ):
        if border_type in _NO_BORDER:
            continue
        # Measured against the widget's own background, where border glyphs are drawn;
        # the cells that half-block kinds (tall, outer) paint are in `measure_painted`.
        painted = background + border_color
        if painted != background:  # a border in the background's colour shows nothing
            yield Measurement("graphic", f"{name} border-{edge}", painted, background)
    has_border = any(t not in _NO_BORDER for t, _ in styles.border)
    title_color = styles.border_title_color
    # A title without a colour of its own takes the border's and the widget's colours in
    # ways that depend on the border kind: the painted cells measure those.
    if has_border and widget.border_title and title_color.a > 0:
        title_background = background + styles.border_title_background
        yield Measurement(
            "text",
            f"{name} border title",
            title_background + title_color,
            title_background,
            str(widget.border_title),
        )


def _scrollbar_measurements(widget: Widget) -> Iterator[Measurement]:
    styles = widget.styles
    base_background, _ = widget.background_colors
    shown = [
        which
        for which, show in (
            ("vertical", widget.show_vertical_scrollbar),
            ("horizontal", widget.show_horizontal_scrollbar),
        )
        if show
    ]
    for which in shown:
        for state, track, thumb in (
            ("", styles.scrollbar_background, styles.scrollbar_color),
            (" hover", styles.scrollbar_background_hover, styles.scrollbar_color_hover),
            (" dragged", styles.scrollbar_background_active, styles.scrollbar_color_active),
        ):
            behind = base_background + track if track.a < 1 else track
            yield Measurement(
                "graphic",
                f"{_name(widget)} {which} scrollbar thumb{state}",
                behind + thumb,
                behind,
            )


def measure_styles(app: App[object]) -> list[Measurement]:
    """The resolved styles of every displayed widget on the current screen: text colour,
    borders, border titles, and the thumbs of the scrollbars that show."""
    found: list[Measurement] = []
    for widget in app.screen.walk_children(Widget, with_self=True):
        if not widget.display or not widget.visible or isinstance(widget, ScrollBar):
            continue
        found.extend(_widget_measurements(widget))
        found.extend(_scrollbar_measurements(widget))
    return found


def failures(measurements: list[Measurement]) -> list[Measurement]:
    """The measurements below their WCAG minimum."""
    return [m for m in measurements if not m.passes]
