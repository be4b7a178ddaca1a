"""A compact footer that shows only whole key hints: as many as fit, in the order the bindings are
declared (the first is the most wanted), the rest left out, so a narrow terminal never shows a cut word
such as "palettel". The command palette's key keeps its place at the right while anything fits.

Under a dialog (a modal screen over the footer's own screen, which stays visible around it) the footer
shows the dialog's keys: the keys of the screen below are not in force while the dialog is open. The dialog,
in front, takes the mouse: a click on its backdrop where the footer shows one of its keys runs that key."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult, ScreenStackError
from textual.errors import NoWidget
from textual.message import Message
from textual.screen import Screen
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
        self._dialog: Screen | None = None  # the dialog whose keys changes are followed

    @property
    def keys_screen(self) -> Screen:
        """The screen whose keys are in force: a dialog open over the footer's screen, else that screen."""
        try:
            top = self.app.screen
        except ScreenStackError:  # the app is closing
            return self.screen
        if top is not self.screen and top.is_modal and self.screen in self.app.screen_stack:
            return top
        return self.screen

    def on_mount(self) -> None:  # Footer's own on_mount runs too (Textual calls each class's handler)
        self.app.screen_change_signal.subscribe(self, self._screen_changed)

    def on_unmount(self) -> None:
        self.app.screen_change_signal.unsubscribe(self)
        if self._dialog is not None:
            self._dialog.bindings_updated_signal.unsubscribe(self)
            self._dialog.message_signal.unsubscribe(self)

    def _dialog_message(self, message: Message) -> None:
        """A press on the dialog's own backdrop (not on one of its widgets) over one of the keys shown here
        runs that key, as a press on the footer does when no dialog is open."""
        dialog = self._dialog
        if not isinstance(message, events.MouseDown) or dialog is None or not self.is_attached:
            return
        where = message.screen_offset
        try:
            if dialog.get_widget_at(*where)[0] is not dialog:
                return
        except NoWidget:
            return
        key = next((key for key in self.query(FooterKey) if key.region.contains_point(where)), None)
        if key is not None:
            key.on_mouse_down()

    def _screen_changed(self, _top: Screen) -> None:
        """A dialog opened or closed over the footer's screen: follow the keys of the one in front."""
        if not self.is_attached:  # its screen was closed (a log-out)
            return
        dialog = self.keys_screen if self.keys_screen is not self.screen else None
        if dialog is self._dialog:
            return
        if self._dialog is not None:
            self._dialog.bindings_updated_signal.unsubscribe(self)
            self._dialog.message_signal.unsubscribe(self)
        self._dialog = dialog
        if dialog is not None:
            dialog.bindings_updated_signal.subscribe(self, self.bindings_changed)
            dialog.message_signal.subscribe(self, self._dialog_message)
        if self._bindings_ready and self.is_attached:
            self.call_after_refresh(self.recompose)

    def bindings_changed(self, screen: Screen) -> None:
        """The keys of the footer's screen or of the dialog over it changed: shown again."""
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.keys_screen:
            self.call_after_refresh(self.recompose)

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        width = self.size.width
        self._fitted_width = width
        active = self.keys_screen.active_bindings
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

    async def recompose(self) -> None:
        await super().recompose()
        if self.is_attached and self._dialog is not None:
            self.screen.call_after_refresh(self._repaint_dialogs)

    def _repaint_dialogs(self) -> None:
        """Each dialog draws the screen under it as its background, and Textual caches that drawing: a
        second dialog (views, then its question) would show the footer as it was without this."""
        stack = self.app.screen_stack
        if self.screen in stack:
            for screen in stack[stack.index(self.screen) + 1 :]:
                screen.refresh()

    def on_resize(self) -> None:
        """The hints that fit depend on the width: chosen again when it changes."""
        if self._bindings_ready and self.size.width != self._fitted_width:
            self.call_after_refresh(self.recompose)
