"""A save that met a newer version of the task: say what changed elsewhere, and let the user choose."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui_tasks.domain import TaskView
from tui_tasks.ui.screens.choice import WholeButtons


class ConflictScreen(WholeButtons, ModalScreen[str | None]):
    """Dismissed with "overwrite" (save what was typed over the newer task), "reload" (show the newer
    task in the form, dropping what was typed) or None (back to the form, nothing lost)."""

    DEFAULT_CSS = """
    ConflictScreen .dialog-body { height: auto; scrollbar-size-vertical: 1; }
    """
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
            with VerticalScroll(classes="dialog-body", can_focus=False):  # the buttons stay in view: this scrolls
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

    def fit_buttons(self) -> None:
        """Stack the buttons if need be, and let the text take the lines they and the title leave."""
        super().fit_buttons()
        if not self.is_attached:
            return
        dialog = self.query_one(".dialog")
        buttons = len(self.query(Button)) if self.has_class("-stacked") else 1
        fixed = dialog.styles.margin.height + dialog.styles.gutter.height + 2 + 1 + buttons  # the title, the buttons, their margins
        self.query_one(".dialog-body").styles.max_height = max(2, self.size.height - fixed)

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "back" else event.button.id)
