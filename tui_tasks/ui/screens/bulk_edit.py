"""One change to every selected task: set or clear priority, due, wait, project; add or remove tags; move
under a parent. Dismissed with the `BulkEdit` (the list applies it in one transaction, one undo step), or
None."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from tui_tasks.changes import BulkEdit
from tui_tasks.ui.bulk_fields import PRIORITY_CHOICES, BulkText, read_bulk
from tui_tasks.ui.form_fields import FieldError

TALL = 32  # rows of terminal the whole dialog needs, with the line above and below it: fewer, and its fields scroll
FIELDS = (  # id, label, placeholder
    ("due", "Due", "keep · fri, 2026-12-24, tomorrow 17:00 · - clears"),
    ("wait", "Wait until", "keep · mon, in 2 weeks · - clears"),
    ("project", "Project", "keep · a name · - clears"),
    ("add_tags", "Add tags", "work errand"),
    ("remove_tags", "Remove tags", "someday"),
    ("parent", "Move under", "keep · a task number · - to the top"),
)


class BulkEditScreen(ModalScreen[tuple[BulkEdit, BulkText] | None]):
    """The bulk-edit dialog for `count` selected tasks, dismissed with the edit and what was typed (so that
    a refused edit can open the dialog again as it was, with `error` under its fields), or None."""

    DEFAULT_CSS = """
    BulkEditScreen { align: center middle; }
    BulkEditScreen > Vertical { width: 64; max-width: 100%; height: auto; max-height: 100%; margin: 1 0; border: round $accent;
        background: $surface; padding: 0 1; }
    BulkEditScreen VerticalScroll { height: auto; }
    BulkEditScreen.-short > Vertical { height: 100%; }
    BulkEditScreen.-short VerticalScroll { height: 1fr; }
    BulkEditScreen Label { margin-top: 1; }
    BulkEditScreen #bulk-error { color: $error; height: auto; }
    BulkEditScreen Horizontal { height: auto; margin-top: 1; }
    """
    VERTICAL_BREAKPOINTS = [(0, "-short"), (TALL, "-tall")]
    BINDINGS = [
        Binding("ctrl+s", "apply", "Apply", id="bulk.apply"),
        Binding("escape", "cancel", "Cancel", id="bulk.cancel"),
    ]

    def __init__(self, count: int, text: BulkText | None = None, error: str = "") -> None:
        super().__init__()
        self.count = count
        self.text = text or BulkText()
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Change {self.count} task{'s' if self.count != 1 else ''}", classes="dialog-title", markup=False)
            with VerticalScroll():
                yield Label("Priority")
                yield Select([(name, name) for name, _ in PRIORITY_CHOICES], value=self.text.priority, allow_blank=False,
                             id="priority", compact=True)  # fmt: skip
                for field_id, label, placeholder in FIELDS:
                    yield Label(label)
                    yield Input(getattr(self.text, field_id), placeholder=placeholder, id=field_id, compact=True)
            yield Static(self.error, id="bulk-error", markup=False)
            with Horizontal():
                yield Button("Apply (ctrl+s)", id="apply", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#priority", Select).focus()

    def action_apply(self) -> None:
        values = {field_id: self.query_one(f"#{field_id}", Input).value for field_id, _, _ in FIELDS}
        text = BulkText(priority=str(self.query_one("#priority", Select).value), **values)
        try:
            edit = read_bulk(text, self.app.clock())
        except FieldError as error:
            self.query_one("#bulk-error", Static).update(error.message)
            self.query_one(f"#{error.field}").focus()
            return
        self.dismiss((edit, text))

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_apply() if event.button.id == "apply" else self.action_cancel()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_apply()
