"""The selected task in full: notes with their times, subtasks, what blocks it, its repeat in words, the
exact due and wait, and the parts of its urgency, so that the score is never a mystery."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static

from tui_tasks.dates import describe_exact
from tui_tasks.domain import TaskView, urgency_parts, visible
from tui_tasks.recurrence import describe_recurrence
from tui_tasks.ui.dispatch import ServiceFailed
from tui_tasks.ui.messages import TaskChanged

HISTORY_SHOWN = 8  # the task's latest changes, from the operation log
LOAD_DELAY_S = 0.12  # the cursor rests this long before the pane reads the task's notes and relations:
# j held down reads nothing until it stops


@dataclass(frozen=True, slots=True)
class Details:
    """What the pane reads besides the row: notes (oldest first), subtasks, and the tasks that block it."""

    task_id: int
    notes: tuple[tuple[datetime, str], ...]
    children: tuple[TaskView, ...]
    blockers: tuple[TaskView, ...]


class NoteInput(Input):
    BINDINGS = [Binding("escape", "cancel", "Cancel note", id="note.cancel", show=False)]

    def action_cancel(self) -> None:
        self.value = ""
        self.post_message(DetailPane.NoteClosed())


class DetailPane(VerticalScroll, can_focus=True):
    """Shows `show(task)`'s task at once from the row, then its notes and relations once read."""

    DEFAULT_CSS = """
    DetailPane { width: 52; height: 1fr; border-left: tall $primary; padding: 0 1; background: $surface; }
    DetailPane:focus { background-tint: $foreground 3%; }
    DetailPane #detail-body { height: auto; }
    DetailPane NoteInput { display: none; margin-top: 1; background: $panel; }
    DetailPane.-noting NoteInput { display: block; }
    DetailPane #note-error { height: auto; color: $text-error; display: none; }
    DetailPane.-note-error #note-error { display: block; }
    """

    class Loaded(Message):
        def __init__(self, details: Details, history: list[str]) -> None:
            super().__init__()
            self.details = details
            self.history = history

    class NoteClosed(Message):
        """The note line was left (escape, or a note saved)."""

    def __init__(self, clock: Callable[[], datetime], **kwargs) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.task_view: TaskView | None = None
        self.details: Details | None = None
        self.history: list[str] = []  # the task's changes, newest first, as the list read them from the log
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="detail-body")
        yield NoteInput(placeholder="a note for this task; enter saves, esc cancels", id="note", compact=True)
        yield Static(id="note-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(NoteInput).cursor_blink = self.app.live
        self._render_body()

    def show(self, task: TaskView | None) -> None:
        """Show `task` (None: nothing selected); its notes and relations are read once the cursor rests."""
        same = task is not None and self.task_view is not None and task.id == self.task_view.id
        self.task_view = task
        if not same:
            self.details = None
            self.history = []
        self._render_body()
        if self._timer is not None:
            self._timer.stop()
        if task is not None:  # the screen shows a task here only while the pane is open
            self._timer = self.set_timer(LOAD_DELAY_S, self._load)

    def _load(self) -> None:
        task, user = self.task_view, self.app.user
        if task is None or user is None:
            return

        now = self.app.clock()

        def read(services) -> DetailPane.Loaded:
            tasks = services.tasks
            notes = tuple(tasks.annotations(user, task.id))
            children = tuple(tasks.children(user, task.id)) if task.children[1] else ()
            blockers = tuple(tasks.related(user, task.depends)) if task.depends else ()
            changes = services.history.entries(user, task.uuid, limit=HISTORY_SHOWN) if task.uuid else []
            return DetailPane.Loaded(Details(task.id, notes, children, blockers), [entry.text(now) for entry in changes])

        self.app.run_service(self, read, lambda message: message, exclusive=True, group="detail", tag="detail")

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        event.stop()
        if self.task_view is not None and event.details.task_id == self.task_view.id:
            self.details = event.details
            self.show_history(event.history)  # (draws the body)

    def show_history(self, lines: list[str]) -> None:
        """The shown task's changes, newest first ("priority medium → high · 2 h ago"); an empty list
        hides the section. Kept while the same task is shown again; `show` of another task clears it."""
        self.history = list(lines)
        self._render_body()

    # --- notes ----------------------------------------------------------------------------------
    def start_note(self) -> None:
        if self.task_view is None:
            return
        self.add_class("-noting")
        self.set_class(False, "-note-error")
        self.query_one(NoteInput).focus()
        self.scroll_end(animate=False)

    @on(Input.Submitted, "#note")
    def _note_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        task, user, text = self.task_view, self.app.user, event.value
        if task is None or user is None:
            return

        def save(services) -> TaskChanged:
            return TaskChanged(services.tasks.annotate(user, task.id, text))  # its version moved: the row follows

        self.app.run_service(self, save, lambda message: message, write=True, tag="note")
        event.input.value = ""
        self.remove_class("-noting")
        self.post_message(self.NoteClosed())

    @on(NoteClosed)
    def _note_closed(self) -> None:
        self.remove_class("-noting")

    @on(ServiceFailed)
    def _failed(self, event: ServiceFailed) -> None:
        if event.tag == "note":
            event.stop()
            self.query_one("#note-error", Static).update(f"Note not saved: {event.error.message}")
            self.add_class("-note-error")
        elif event.tag == "detail":
            event.stop()  # the row is still shown; the list says if the task went
            self.query_one("#note-error", Static).update(event.error.message)
            self.add_class("-note-error")

    # --- drawing --------------------------------------------------------------------------------
    def _render_body(self) -> None:
        self.query_one("#detail-body", Static).update(self.describe())

    def describe(self) -> Text:
        """The pane's text for the task shown (plain Rich text: stored text is never read as markup)."""
        task, details, now = self.task_view, self.details, self.clock()
        out = Text()
        if task is None:
            out.append("No task selected", style="dim")
            return out
        muted = "dim"
        out.append(visible(task.title) + "\n", style="bold")
        fields: list[tuple[str, str]] = []
        fields.append(("status", "done" if task.completed else "blocked" if task.blocked else "waiting" if task.is_waiting(now) else "open"))
        fields.append(("number", str(task.id)))  # what parent:, depends: and "Move under" ask for
        if task.due is not None:
            fields.append(("due", describe_exact(task.due)))
        if task.wait is not None:
            fields.append(("wait", describe_exact(task.wait)))
        if task.recurrence is not None:
            fields.append(("repeats", describe_recurrence(task.recurrence, None if task.completed else task.due)))
        if task.priority:
            fields.append(("priority", task.priority.label))
        if task.project:
            fields.append(("project", visible(task.project)))
        if task.tags:
            fields.append(("tags", " ".join(f"#{visible(tag)}" for tag in task.tags)))
        for name, value in fields:
            out.append(f"{name:<9}", style=muted)
            out.append(value + "\n")
        if task.description:
            out.append("\n" + visible(task.description, lines=True).rstrip() + "\n")
        if task.children[1]:
            done, total = task.children
            self._section(out, f"Subtasks ({done}/{total} done)", details and [
                (("✓ " if c.completed else "· ") + visible(c.title), muted if c.completed else "") for c in details.children])  # fmt: skip
        if task.depends:
            self._section(out, "Blocked by" if task.blocked else "After (done)", details and [
                (("✓ " if b.completed else "⊘ ") + visible(b.title), muted if b.completed else "") for b in details.blockers])  # fmt: skip
        if task.blocking:
            out.append(f"\nBlocks {task.blocking} open task{'s' * (task.blocking != 1)}\n", style=muted)
        self._section(out, "Notes", details and [
            (f"{entry.astimezone():%a %d %b %H:%M}  {visible(text, lines=True)}", "") for entry, text in details.notes])  # fmt: skip
        if self.history:
            self._section(out, "History", [(visible(line), muted) for line in self.history])
        parts = urgency_parts(task, now)
        if parts:
            total = sum(points for _, points in parts)
            out.append(f"\nUrgency {total:.1f}\n", style="bold")
            for label, points in parts:
                if abs(points) < 0.05:  # a task made today: "+0.0 0 d old" says nothing
                    continue
                out.append(f"  {points:+5.1f}  ", style=muted)
                out.append(label + "\n")
        out.append("\nn add a note · i close", style=muted)
        return out

    @staticmethod
    def _section(out: Text, title: str, lines: list[tuple[str, str]] | None) -> None:
        """A heading and its lines, each (text, style); "…" while being read, "none" when empty."""
        out.append(f"\n{title}\n", style="bold")
        if not lines:
            out.append("  …\n" if lines is None else "  none\n", style="dim")
        for line, style in lines or ():
            out.append(f"  {line}\n", style=style)
