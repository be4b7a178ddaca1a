"""A yes/no question in a dialog."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui_tasks.ui.keys_in_force import key_in_force


class ConfirmScreen(ModalScreen[bool]):
    """Dismissed with True (y, or the confirm button) or False (n, escape, or Cancel)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, title: str | Content, detail: str, confirm_label: str = "Yes") -> None:
        """`title`: markup, or Content to show as it is; the buttons name the keys in force ([keys] may move them)."""
        super().__init__()
        self.title_text = title
        self.detail = detail
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield Static(self.detail, classes="dialog-detail", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.confirm_label} ({key_in_force(self, 'confirm.yes')})", id="yes", variant="error", compact=True)
                yield Button(f"Cancel ({key_in_force(self, 'confirm.no')})", id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")
