"""Add or edit a task. Saving happens here, so a failed save keeps the form open with what was typed."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from tui_tasks.domain import Priority, TaskDraft, TaskView, local_date, parse_due
from tui_tasks.errors import NotFound, OutcomeUnknown, StaleTask, ValidationError
from tui_tasks.ui.dispatch import ServiceFailed
from tui_tasks.ui.messages import SaveConflicted, TaskChanged
from tui_tasks.ui.screens.conflict import ConflictScreen
from tui_tasks.ui.widgets.error_label import ErrorLabel

LINE_FIELDS = ("title", "due", "project", "tags")


class TaskFormScreen(ModalScreen[TaskView | None]):
    """Dismissed with the saved task, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(self, task: TaskView | None) -> None:
        super().__init__()
        self.task_view = task
        self.saving = False
        self.refused: dict[str, str] = {}  # field -> the value its error is about

    def compose(self) -> ComposeResult:
        task = self.task_view
        with Vertical(id="form-box", classes="dialog"):
            yield Static("Edit task" if task else "New task", classes="dialog-title")
            with VerticalScroll(id="form-fields"):
                # The title opens with the cursor at its end, not all selected: 'e' then typing adds to it.
                title = Input(task.title if task else "", id="title", compact=True, select_on_focus=False)
                yield from self._field("title", "Title", title)
                yield from self._field(
                    "description", "Description", TextArea(task.description if task else "", id="description", compact=True)
                )
                with Horizontal(id="form-row"):
                    with Vertical(classes="field"):
                        yield Label("Priority")
                        yield Select(
                            [(p.label, p) for p in Priority],
                            value=task.priority if task else Priority.NONE,
                            allow_blank=False,
                            compact=True,
                            id="priority",
                        )
                    with Vertical(classes="field"):
                        yield Label("Due")
                        due = task.due.isoformat() if task and task.due else ""
                        yield Input(due, placeholder="2026-12-24, today, +3d, fri", id="due", compact=True)
                        yield ErrorLabel(id="due-error")
                yield from self._field("project", "Project", Input(task.project or "" if task else "", id="project", compact=True))
                tags = " ".join(task.tags) if task else ""
                yield from self._field("tags", "Tags", Input(tags, placeholder="space or comma separated", id="tags", compact=True))
            yield ErrorLabel(id="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def _field(self, name: str, label: str, widget) -> ComposeResult:
        with Vertical(classes=f"field field-{name}"):
            yield Label(label)
            yield widget
            yield ErrorLabel(id=f"{name}-error")

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = self.app.live
        self.query_one(TextArea).cursor_blink = self.app.live
        self.initial = self._values()
        self.query_one("#title", Input).focus()

    def _values(self) -> tuple:
        return (
            *(self.query_one(f"#{name}", Input).value for name in LINE_FIELDS),
            self.query_one(TextArea).text,
            self.query_one(Select).value,
        )

    def _clear_errors(self) -> None:
        for label in self.query(ErrorLabel):
            label.show("")

    def show_error(self, field: str, message: str) -> None:
        if field in LINE_FIELDS:
            self.refused[field] = self.query_one(f"#{field}", Input).value
        target = self.query(f"#{field}-error")
        (target.first(ErrorLabel) if target else self.query_one("#form-error", ErrorLabel)).show(message)
        if field in (*LINE_FIELDS, "description"):
            self.query_one(f"#{field}").focus()

    def action_save(self) -> None:
        if self.saving:
            return
        self._clear_errors()
        title, due_text, project, tags = (self.query_one(f"#{n}", Input).value for n in LINE_FIELDS)
        try:
            due = parse_due(due_text, local_date(self.app.clock()))
        except ValueError as error:
            self.show_error("due", str(error))
            return
        draft = TaskDraft(
            title=title,
            description=self.query_one(TextArea).text,
            priority=self.query_one(Select).value,
            due=due,
            project=project,
            tags=tuple(tags.replace(",", " ").split()),
        )
        self._save(draft, self.task_view.version if self.task_view else None)

    def _save(self, draft: TaskDraft, version: int | None) -> None:
        """Create, or update if the task is still at `version`; a newer version comes back as a conflict."""
        user, task = self.app.user, self.task_view

        def save(services) -> TaskChanged | SaveConflicted:
            if task is None:
                return TaskChanged(services.tasks.create(user, draft))
            try:
                return TaskChanged(services.tasks.update(user, task.id, draft, expected_version=version))
            except StaleTask:
                return SaveConflicted(services.tasks.get(user, task.id), draft)

        self.saving = True
        self.app.run_service(self, save, lambda message: message, write=True, tag="save")

    @on(TaskChanged)
    def _saved(self, event: TaskChanged) -> None:
        event.stop()
        self.dismiss(event.task)

    @on(SaveConflicted)
    def _conflicted(self, event: SaveConflicted) -> None:
        """Someone saved this task since the form opened: show what changed, and let the user choose."""
        self.saving = False
        opened, current = self.task_view, event.current

        def chosen(choice: str | None) -> None:
            if choice == "overwrite":
                self._save(event.draft, current.version)
            elif choice == "reload":
                self.task_view = current
                self._fill(current)
            else:
                self.show_error("form", "Not saved: this task was changed elsewhere (save again to choose)")

        self.app.push_screen(ConflictScreen(opened, current), chosen)

    def _fill(self, task: TaskView) -> None:
        """Show `task` in the fields, as if the form had just been opened on it."""
        for name, value in zip(LINE_FIELDS, (task.title, task.due.isoformat() if task.due else "", task.project or "",
                                             " ".join(task.tags))):  # fmt: skip
            self.query_one(f"#{name}", Input).value = value
        self.query_one(TextArea).text = task.description
        self.query_one(Select).value = task.priority
        self._clear_errors()
        self.initial = self._values()

    @on(ServiceFailed)
    def _failed(self, event: ServiceFailed) -> None:
        event.stop()
        self.saving = False
        if isinstance(event.error, NotFound) and self.task_view is not None:
            self._deleted_elsewhere()
            return
        if isinstance(event.error, OutcomeUnknown):  # saving again could make it twice
            self.show_error("form", f"{event.error.message}: look at the list before saving again")
            return
        field = event.error.field if isinstance(event.error, ValidationError) else "form"
        self.show_error(field, event.error.message)

    def _deleted_elsewhere(self) -> None:
        """The task was deleted elsewhere while being edited: what was typed can still be kept, as a new task."""
        from tui_tasks.ui.screens.confirm import ConfirmScreen

        def chosen(as_new: bool | None) -> None:
            if as_new:
                self.task_view = None
                self.action_save()
            else:
                self.show_error("form", "Not saved: this task was deleted elsewhere")

        self.app.push_screen(
            ConfirmScreen("Deleted elsewhere", "This task was deleted in another window or by another client "
                          "since you opened it. Save what you typed as a new task?", "Save as new"),
            chosen,
        )  # fmt: skip

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        """An error goes as soon as its field is edited (to something other than what was refused)."""
        if event.value != self.refused.get(event.input.id or ""):
            for error in self.query(f"#{event.input.id}-error").results(ErrorLabel):
                error.show("")

    @on(Input.Submitted)
    def _enter(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        """Close; if anything was typed, ask first. Not while saving: the save would land unseen."""
        from tui_tasks.ui.screens.confirm import ConfirmScreen

        if self.saving:
            self.notify("Saving…", timeout=2)
            return
        if self._values() == self.initial:
            self.dismiss(None)
            return
        self.app.push_screen(
            ConfirmScreen("Discard changes?", "What you typed in this form will be lost.", "Discard"),
            lambda discard: self.dismiss(None) if discard else None,
        )
