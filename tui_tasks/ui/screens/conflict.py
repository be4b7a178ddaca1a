"""A save that met a newer version of the task: say what changed elsewhere, and let the user choose."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui_tasks.domain import TaskView


class ConflictScreen(ModalScreen[str | None]):
    """Dismissed with "overwrite" (save what was typed over the newer task), "reload" (show the newer
    task in the form, dropping what was typed) or None (back to the form, nothing lost)."""

    BINDINGS = [
        Binding("o", "choose('overwrite')", "Overwrite", id="conflict.overwrite"),
        Binding("r", "choose('reload')", "Reload", id="conflict.reload"),
        Binding("escape", "choose(None)", "Keep editing", id="conflict.back"),
    ]

    def __init__(self, opened: TaskView, current: TaskView) -> None:
        super().__init__()
        self.opened, self.current = opened, current

    def compose(self) -> ComposeResult:
        changes = self.opened.changes_to(self.current) or ["nothing you can see (it was saved again unchanged)"]
        with Vertical(classes="dialog"):
            yield Static("Changed elsewhere", classes="dialog-title")
            yield Static(
                "Since you opened this task, it was changed in another window or by another client:\n\n"
                + "\n".join(f"  {line}" for line in changes),
                classes="dialog-detail", markup=False,
            )  # fmt: skip
            yield Static("Overwrite saves your version over theirs; Reload shows theirs and drops your edits.",
                         classes="dialog-hint")  # fmt: skip
            with Horizontal(classes="dialog-buttons"):
                yield Button("Overwrite (o)", id="overwrite", variant="warning", compact=True)
                yield Button("Reload (r)", id="reload", compact=True)
                yield Button("Keep editing (esc)", id="back", compact=True)

    def on_mount(self) -> None:
        self.query_one("#back", Button).focus()

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "back" else event.button.id)
