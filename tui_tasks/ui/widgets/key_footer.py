"""A compact footer that shows only whole key hints: as many as fit, in the order the bindings are
declared (the first is the most wanted), the rest left out, so a narrow terminal never shows a cut word
such as "palettel". The command palette's key keeps its place at the right while anything fits."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

GAP = 1  # a compact FooterKey's margin-right
PALETTE_EDGE = 1  # the palette key's left border


def hint_width(key_display: str, description: str) -> int:
    """Cells a compact hint takes: the key, a space, its description, and the gap after it."""
    return cell_len(key_display) + (1 + cell_len(description) if description else 0) + GAP


def fitting(widths: Sequence[int], width: int, reserved: int = 0) -> int:
    """How many of the first hints (`widths` in order) fit in `width` beside `reserved` cells."""
    room, count = width - reserved, 0
    for w in widths:
        if w > room:
            break
        room -= w
        count += 1
    return count


class KeyFooter(Footer):
    """`KeyFooter()`: Textual's compact footer, showing whole hints only (see the module docstring)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(**kwargs)
        self._fitted_width = -1

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        width = self.size.width
        self._fitted_width = width
        active = self.screen.active_bindings
        hints, actions = [], set()
        for _node, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in actions:  # one hint per action, as Footer shows it
                actions.add(binding.action)
                hints.append((binding, enabled, tooltip, self.app.get_key_display(binding)))
        palette = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        reserved = 0
        if palette is not None:
            reserved = PALETTE_EDGE + hint_width(self.app.get_key_display(palette[1]), palette[1].description) - GAP
            if reserved > width:
                palette, reserved = None, 0
        shown = fitting([hint_width(display, b.description) for b, _e, _t, display in hints], width, reserved)
        for binding, enabled, tooltip, display in hints[:shown]:
            yield FooterKey(
                binding.key, display, binding.description, binding.action, disabled=not enabled, tooltip=tooltip
            ).data_bind(compact=Footer.compact)
        if palette is not None:
            _node, binding, enabled, tooltip = palette
            yield FooterKey(
                binding.key, self.app.get_key_display(binding), binding.description, binding.action,
                classes="-command-palette", disabled=not enabled, tooltip=binding.tooltip or binding.description,
            )  # fmt: skip

    def on_resize(self) -> None:
        """The hints that fit depend on the width: chosen again when it changes."""
        if self._bindings_ready and self.size.width != self._fitted_width:
            self.call_after_refresh(self.recompose)
