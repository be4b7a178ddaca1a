"""A one-line footer of key hints drawn by one widget: it looks and acts as the compact footer (whole
hints only, the palette's key at the right, a click presses the key, the hint under the mouse lit), for
the first screen, where Textual's `Footer` costs a second frame (it mounts a widget per key once the
screen's bindings are known) and its CSS; start-up is measured against a bare Textual app.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widget import Widget

Hint = tuple[Binding, bool, str]  # the binding, enabled, its key as shown


class KeyHints(Widget):
    """`KeyHints()`: docked at the bottom; shows the keys of its screen's active bindings that have a
    description, in the order they are declared, as many whole ones as fit."""

    DEFAULT_CSS = """
    KeyHints {
        dock: bottom; height: 1; color: $footer-foreground; background: $footer-background;
        & > .key-hints--key {
            color: $footer-key-foreground; background: $footer-key-background; text-style: bold;
        }
        & > .key-hints--description {
            color: $footer-description-foreground; background: $footer-description-background;
        }
        & > .key-hints--hover { color: $footer-key-foreground; background: $block-hover-background; }
        & > .key-hints--edge { color: $foreground 20%; }
    }
    """
    COMPONENT_CLASSES = {"key-hints--key", "key-hints--description", "key-hints--hover", "key-hints--edge"}

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[tuple[int, int, Hint]] = []  # cells [start, end) of each hint drawn
        self._hover: int | None = None  # the x under the mouse

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, lambda _screen: self.refresh())

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _hints(self) -> tuple[list[Hint], Hint | None]:
        """The hints to show, and the palette's (drawn at the right)."""
        hints: list[Hint] = []
        actions: set[str] = set()
        palette: Hint | None = None
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            shown = (binding, enabled, self.app.get_key_display(binding))
            if binding.key == self.app.COMMAND_PALETTE_BINDING and self.app.ENABLE_COMMAND_PALETTE:
                palette = shown
            elif binding.show and binding.description and binding.action not in actions:
                actions.add(binding.action)
                hints.append(shown)
        return hints, palette

    def render(self) -> Text:
        width = self.size.width
        hints, palette = self._hints()
        key_style = self.get_component_rich_style("key-hints--key", partial=True)
        text_style = self.get_component_rich_style("key-hints--description", partial=True)
        hover_style = self.get_component_rich_style("key-hints--hover", partial=True)
        # The palette's hint: its edge, the hint, and a cell after it (where the compact footer leaves one).
        palette_width = 1 + cell_len(palette[2]) + 1 + cell_len(palette[0].description) + 1 if palette else 0
        if palette_width > width:
            palette, palette_width = None, 0
        line, spans, x = Text(no_wrap=True, overflow="crop"), [], 0

        def draw(hint: Hint) -> None:
            nonlocal x
            binding, enabled, key = hint
            hint_width = cell_len(key) + 1 + cell_len(binding.description)
            lit = self._hover is not None and x <= self._hover < x + hint_width
            dim = Style(dim=True) if not enabled else Style()
            line.append(key, (hover_style if lit else key_style) + dim)
            line.append(" " + binding.description, (hover_style if lit else text_style) + dim)
            spans.append((x, x + hint_width, hint))
            x += hint_width

        for hint in hints:
            if x + cell_len(hint[2]) + 1 + cell_len(hint[0].description) > width - palette_width:
                break
            draw(hint)
            line.append(" ")
            x += 1
        if palette is not None:
            line.append(" " * (width - palette_width - x))
            x = width - palette_width
            line.append("▏", self.get_component_rich_style("key-hints--edge"))  # not partial: 20% of the text
            x += 1
            draw(palette)
            line.append(" ")
        self._spans = spans
        return line

    def _hint_at(self, x: int) -> Hint | None:
        return next((hint for start, end, hint in self._spans if start <= x < end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hover = event.x if self._hint_at(event.x) is not None else None
        if hover != self._hover:
            self._hover = hover
            self.refresh()

    def on_leave(self) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def on_click(self, event: events.Click) -> None:
        hint = self._hint_at(event.x)
        if hint is None:
            return
        event.stop()
        if hint[1]:
            self.app.simulate_key(hint[0].key)
        else:
            self.app.bell()
