"""An inline error message that takes no room while there is none."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Label


class ErrorLabel(Label):
    """Call `show("...")` to display a message, `show("")` to hide it."""

    DEFAULT_CSS = "ErrorLabel { color: $text-error; width: 100%; height: auto; display: none; }"

    def show(self, message: str) -> None:
        self.update(Content(message))  # messages quote paths and input: never markup
        self.display = bool(message)
