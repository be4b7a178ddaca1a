"""A compact button for the log-in form: it looks and acts as Textual's compact `Button` (focus, enter,
click, hover, the brief pressed look, disabled), at a fraction of its start-up cost.

Textual's `Button` brings ~7,000 characters of CSS for its variants and flat and ANSI styles, which the
first screen parses and matches before its first paint; start-up is measured against a bare Textual app.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

ACTIVE_S = 0.2  # how long a press shows, as Button's active_effect_duration


class FormButton(Static, can_focus=True):
    """`FormButton("Log in", id="submit", variant="primary")`; posts `FormButton.Pressed` on enter or click."""

    DEFAULT_CSS = """
    FormButton {
        width: auto; min-width: 16; height: 1; line-pad: 1; text-align: center; content-align: center middle;
        pointer: pointer; text-style: bold; color: $button-foreground; background: $surface;
        &:focus { text-style: $button-focus-text-style; background-tint: $foreground 5%; }
        &:hover { background: $surface-darken-1; }
        &.-active { background: $surface; tint: $background 30%; }
        &.-primary { color: $button-color-foreground; background: $primary; }
        &.-primary:hover { background: $primary-darken-2; }
        &.-primary.-active { background: $primary; }
        &:disabled { text-opacity: 0.6; pointer: not-allowed; }
    }
    """
    BINDINGS = [Binding("enter", "press", "Press button", show=False)]

    class Pressed(Message):
        """The button was pressed (enter, or a click)."""

        def __init__(self, button: FormButton) -> None:
            super().__init__()
            self.button = button

        @property
        def control(self) -> FormButton:
            """The button (what `@on(FormButton.Pressed, "#id")` matches)."""
            return self.button

    def __init__(self, label: str, *, id: str | None = None, variant: str = "default") -> None:
        super().__init__(Content(label), id=id, classes=f"-{variant}")
        self._label = label

    @property
    def label(self) -> str:
        """The button's text (plain, never markup)."""
        return self._label

    @label.setter
    def label(self, label: str) -> None:
        self._label = label
        self.update(Content(label))

    def press(self) -> None:
        """Show the press and post `Pressed`, unless disabled or hidden. A press while the last one still
        shows counts too, as with Textual's Button (it was dropped: a quick second press did nothing)."""
        if self.disabled or not self.display:
            return
        self.add_class("-active")
        self.set_timer(ACTIVE_S, lambda: self.remove_class("-active"))
        self.post_message(self.Pressed(self))

    def action_press(self) -> None:
        self.press()

    def _on_click(self, event: events.Click) -> None:
        event.stop()
        self.press()
