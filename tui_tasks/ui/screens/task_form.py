"""Add or edit a task. Saving happens here, so a failed save keeps the form open with what was typed.

Three ways in: `TaskFormScreen(None)` a blank new task, `TaskFormScreen(task)` an edit, and
`TaskFormScreen(None, draft=draft)` a new task prefilled from a draft (the quick-add line's ctrl+e opens the
full form with what was typed); escape on a prefilled form asks before dropping it. The text of the fields and
the draft they make live in `ui/form_fields.py`, without Textual."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from tui_tasks.domain import Priority, TaskDraft, TaskView
from tui_tasks.errors import NotFound, OutcomeUnknown, StaleTask, ValidationError
from tui_tasks.ui.dispatch import ServiceFailed
from tui_tasks.ui.form_fields import LINE_FIELDS, SERVICE_FIELDS, FieldError, FormText, preview_repeat, preview_when, read_form, text_of
from tui_tasks.ui.messages import SaveConflicted, TaskChanged
from tui_tasks.ui.screens.choice import ChoiceScreen
from tui_tasks.ui.screens.conflict import ConflictScreen
from tui_tasks.ui.widgets.error_label import ErrorLabel

PREVIEWED = ("due", "wait", "repeat")
HINTS = {"due": "fri 5pm, in 2 weeks, eom", "wait": "mon, +3d", "repeat": "every 2 weeks, weekdays",
         "tags": "space or comma separated", "parent": "task number", "depends": "12, 15"}  # fmt: skip
SERIES_CHOICES = [("one", "This one only", "o"), ("series", "The whole series", "w")]


class TaskFormScreen(ModalScreen[TaskView | None]):
    """Dismissed with the saved task, or None when cancelled."""

    DEFAULT_CSS = """
    TaskFormScreen .preview { color: $text-muted; height: auto; }
    TaskFormScreen .preview.-invalid { color: $text-warning; }
    TaskFormScreen .preview.-hidden { display: none; }
    TaskFormScreen .form-row { height: auto; }
    TaskFormScreen .form-row > .field { width: 1fr; }
    TaskFormScreen .form-row > .field:first-of-type { margin-right: 2; }
    TaskFormScreen.-narrow .form-row { layout: vertical; }
    TaskFormScreen.-narrow .form-row > .field:first-of-type { margin-right: 0; }
    """
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (60, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(self, task: TaskView | None, *, draft: TaskDraft | None = None) -> None:
        """Edit `task`, or add a new task (blank, or filled from `draft`, e.g. a quick-add line's)."""
        super().__init__()
        self.task_view = task
        self.draft = task.draft() if task is not None else draft
        self.saving = False
        self.whole_series = True
        self.refused: dict[str, str] = {}  # field -> the value its error is about

    def compose(self) -> ComposeResult:
        text = text_of(self.draft) if self.draft is not None else FormText()
        with Vertical(id="form-box", classes="dialog"):
            yield Static("Edit task" if self.task_view else "New task", classes="dialog-title")
            with VerticalScroll(id="form-fields"):
                # The title opens with the cursor at its end, not all selected: 'e' then typing adds to it.
                yield from self._field("title", "Title", Input(text.title, id="title", compact=True, select_on_focus=False))
                yield from self._field("description", "Description", TextArea(text.description, id="description", compact=True))
                with Horizontal(id="form-row", classes="form-row"):
                    yield from self._field("priority", "Priority", Select(
                        [(p.label, p) for p in Priority], value=text.priority, allow_blank=False, compact=True, id="priority"
                    ))  # fmt: skip
                    yield from self._line("due", "Due", text)
                for pair in (("wait", "repeat"), ("project", "tags"), ("parent", "depends")):
                    with Horizontal(classes="form-row"):
                        for name in pair:
                            yield from self._line(name, name.capitalize() if name != "depends" else "Depends on", text)
            yield ErrorLabel(id="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def _line(self, name: str, label: str, text: FormText) -> ComposeResult:
        field = Input(getattr(text, name), placeholder=HINTS.get(name, ""), id=name, compact=True)
        yield from self._field(name, label, field, preview=name in PREVIEWED)

    def _field(self, name: str, label: str, widget, *, preview: bool = False) -> ComposeResult:
        with Vertical(classes=f"field field-{name}"):
            yield Label(label)
            yield widget
            if preview:
                yield Static(id=f"{name}-preview", classes="preview", markup=False)
            yield ErrorLabel(id=f"{name}-error")

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = self.app.live
        self.query_one(TextArea).cursor_blink = self.app.live
        # A prefilled new task counts as typed: escape asks before dropping it.
        self.initial = self._values() if self.task_view is not None or self.draft is None else FormText()
        for name in PREVIEWED:
            self._preview(name)
        self.query_one("#title", Input).focus()

    def set_focus(self, widget, scroll_visible: bool = True, from_app_focus: bool = False) -> None:
        """The form scrolls a focused field into view itself (below); Textual's own centring of it, run
        at another moment, raced that: the 40x15 form stopped at one place or the other, run to run."""
        super().set_focus(widget, scroll_visible=False, from_app_focus=from_app_focus)

    def on_descendant_focus(self, event) -> None:
        """Scroll the focused field (label, input, preview, error) into view once laid out: a preview or an
        error that appears above it moves it, and at 40x15 only a few fields show at once."""
        field = next((node for node in event.widget.ancestors_with_self if node.has_class("field")), event.widget)
        self.call_after_refresh(field.scroll_visible, animate=False)

    def _values(self) -> FormText:
        lines = {name: self.query_one(f"#{name}", Input).value for name in LINE_FIELDS}
        return FormText(description=self.query_one(TextArea).text, priority=self.query_one(Select).value, **lines)

    def _preview(self, name: str) -> None:
        """Say beside a date or repeat field what its text means, as it is typed."""
        now, value = self.app.clock(), self.query_one(f"#{name}", Input).value
        if name == "repeat":
            shown, ok = preview_repeat(value, self.query_one("#due", Input).value, now)
        else:
            shown, ok = preview_when(value, now)
        preview = self.query_one(f"#{name}-preview", Static)
        preview.update(shown)
        preview.set_class(not ok, "-invalid")
        preview.set_class(not shown or bool(self.query_one(f"#{name}-error", ErrorLabel).display), "-hidden")

    def _clear_errors(self) -> None:
        for label in self.query(ErrorLabel):
            label.show("")
        for name in PREVIEWED:
            self._preview(name)

    def show_error(self, field: str, message: str) -> None:
        field = SERVICE_FIELDS.get(field, field)
        if field in LINE_FIELDS:
            self.refused[field] = self.query_one(f"#{field}", Input).value
        target = self.query(f"#{field}-error")
        (target.first(ErrorLabel) if target else self.query_one("#form-error", ErrorLabel)).show(message)
        if field in PREVIEWED:
            self._preview(field)  # the error says it: the preview steps aside
        if field in (*LINE_FIELDS, "description"):
            self.query_one(f"#{field}").focus()

    def action_save(self) -> None:
        if self.saving:
            return
        self._clear_errors()
        try:
            draft = read_form(self._values(), self.app.clock(), self.draft)
        except FieldError as error:
            self.show_error(error.field, error.message)
            return
        task = self.task_view
        if task is None or task.recurrence is None or draft.recurrence is None or draft.recurrence != task.recurrence:
            # Not repeating, repeating no more, or a new rule: a rule belongs to the whole series.
            self._save(draft, task.version if task else None)
            return

        def chosen(answer: str | None) -> None:
            if answer is not None:
                self._save(draft, task.version, whole_series=answer == "series")

        detail = "Change only this instance, or this one and the ones still to come?"
        self.app.push_screen(ChoiceScreen("Edit a repeating task", detail, SERIES_CHOICES), chosen)

    def _save(self, draft: TaskDraft, version: int | None, *, whole_series: bool = True) -> None:
        """Create, or update if the task is still at `version`; a newer version comes back as a conflict."""
        user, task = self.app.user, self.task_view
        self.whole_series = whole_series  # asked again as it was, should the save conflict

        def save(services) -> TaskChanged | SaveConflicted:
            if task is None:
                return TaskChanged(services.tasks.create(user, draft))
            try:
                return TaskChanged(services.tasks.update(user, task.id, draft, expected_version=version, whole_series=whole_series))
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
        series = self.whole_series

        def chosen(choice: str | None) -> None:
            if choice == "overwrite":
                self._save(event.draft, current.version, whole_series=series)
            elif choice == "reload":
                self.task_view = current
                self._fill(current)
            else:
                self.show_error("form", "Not saved: this task was changed elsewhere (save again to choose)")

        self.app.push_screen(ConflictScreen(opened, current), chosen)

    def _fill(self, task: TaskView) -> None:
        """Show `task` in the fields, as if the form had just been opened on it."""
        self.draft = task.draft()
        text = text_of(self.draft)
        for name in LINE_FIELDS:
            self.query_one(f"#{name}", Input).value = getattr(text, name)
        self.query_one(TextArea).text = text.description
        self.query_one(Select).value = text.priority
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
        name = event.input.id or ""
        if event.value != self.refused.get(name):
            for error in self.query(f"#{name}-error").results(ErrorLabel):
                error.show("")
        if name in PREVIEWED:
            self._preview(name)
        if name == "due":
            self._preview("repeat")  # its next date counts from the due

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
