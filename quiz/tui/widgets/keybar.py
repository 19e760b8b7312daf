"""The key bar at the bottom of every screen: the keys that work now, in one line.

A light stand-in for Textual's `Footer` (which builds a widget per key and was the largest
single cost of the first paint): one widget that renders itself from the screen's active
bindings. A change of bindings (focus moving, a key being enabled) or of size only marks it
for redrawing, so the keys are worked out once per paint, not once per event. Keys that a
focused text field would type (q, ?, s) drop out by themselves, and their Ctrl/F-key
variants show instead.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget

KEY_STYLE = "bold $footer-key-foreground"


class KeyBar(Widget):
    """One line: each key (styled) and what it does, then the command palette's key."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()

    def shown_bindings(self) -> tuple[list[Binding], Binding | None]:
        """The bindings the bar shows now, one per action, and the command palette's."""
        app = self.app
        shown: dict[str, Binding] = {}
        palette: Binding | None = None
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if app.ENABLE_COMMAND_PALETTE and key == app.COMMAND_PALETTE_BINDING:
                palette = binding
                continue
            if binding.show and active.enabled and binding.action not in shown:
                shown[binding.action] = binding
        return list(shown.values()), palette

    def render(self) -> Content:
        """The keys of the screen's active bindings, the palette's key at the right."""
        app = self.app
        shown, palette = self.shown_bindings()
        parts: list[str | tuple[str, str]] = [" "]
        for binding in shown:
            parts += [(app.get_key_display(binding), KEY_STYLE), f" {binding.description}  "]
        left = Content.assemble(*parts)
        if palette is None:
            return left
        right = Content.assemble((app.get_key_display(palette), KEY_STYLE), " palette ")
        gap = max(1, self.size.width - left.cell_length - right.cell_length)
        return Content.assemble(left, " " * gap, right)
