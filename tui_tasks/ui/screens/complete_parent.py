"""Completing a task with open subtasks: all of them too, only this one, or not at all."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui_tasks.domain import TaskView
from tui_tasks.ui.screens.choice import WholeButtons


class CompleteParentScreen(WholeButtons, ModalScreen[str | None]):
    """Completing a task with open subtasks: dismissed with "all", "this", or None (cancel)."""

    BINDINGS = [
        Binding("a", "answer('all')", "Complete all", id="complete.all"),
        Binding("o", "answer('this')", "Only this one", id="complete.this"),
        Binding("escape,n", "answer(None)", "Cancel", id="complete.cancel"),
    ]

    def __init__(self, task: TaskView) -> None:
        super().__init__()
        self.task_view = task

    def compose(self) -> ComposeResult:
        done, total = self.task_view.children
        with Vertical(classes="dialog"):
            yield Static("Complete a task with open subtasks?", classes="dialog-title")
            yield Static(f"“{self.task_view.title}” has {total - done} of {total} subtasks still open.",
                         classes="dialog-detail", markup=False)  # fmt: skip
            with Horizontal(classes="dialog-buttons"):
                yield Button("Complete all (a)", id="all", variant="primary", compact=True)
                yield Button("Only this one (o)", id="this", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#all", Button).focus()

    def action_answer(self, choice: str | None) -> None:
        self.dismiss(choice)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "cancel" else event.button.id)
