"""A list of tasks under section headings (the agenda), or of one day's tasks (the month's day list)."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui_tasks.agenda_model import AgendaSection, AgendaView
from tui_tasks.domain import TaskView
from tui_tasks.ui.agenda_rows import ONE_DAY, Piece, heading, more_row, task_row

TASK_PREFIX = "task-"


class AgendaList(OptionList):
    """Headings and tasks; the cursor moves over tasks only, and Enter says which task was chosen."""

    DEFAULT_CSS = """
    AgendaList { height: 1fr; border: none; padding: 0; background: $surface; scrollbar-gutter: stable; }
    AgendaList:focus { border: none; }
    """
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="agenda.down"),
        Binding("k", "cursor_up", "Up", show=False, id="agenda.up"),
    ]

    class TaskChosen(Message):
        """Enter on a task row."""

        def __init__(self, task_id: int) -> None:
            super().__init__()
            self.task_id = task_id

    def __init__(self, empty: str = "Nothing due", **kwargs) -> None:
        super().__init__(**kwargs)
        self.empty = empty
        self._showing: tuple[AgendaView | None, tuple[TaskView, ...], datetime | None] = (None, (), None)
        self._built_width = 0
        self._more = 0  # a day's tasks left out

    def show_agenda(self, view: AgendaView) -> None:
        """The agenda's sections that hold tasks, each under its heading."""
        self._showing = (view, (), view.now)
        self._more = 0
        self._rebuild()

    def show_tasks(self, tasks: tuple[TaskView, ...], now: datetime, total: int | None = None) -> None:
        """One day's tasks, without headings (`total`: how many there are, if more than those given)."""
        self._showing = (None, tuple(tasks), now)
        self._more = max(0, (total or 0) - len(tasks))
        self._rebuild()

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._rebuild())  # the lines hold its colours

    def on_resize(self) -> None:
        if self._line_width() != self._built_width:
            self._rebuild()

    def _line_width(self) -> int:
        """The cells a line has: the list's width less the options' padding (a longer line would wrap)."""
        padding = self.get_component_styles("option-list--option").padding.width
        return max(20, (self.scrollable_content_region.width or self.size.width or 80) - padding)

    def _rebuild(self) -> None:
        """Options for what is shown, at this width; the cursor stays on its task if it is still there."""
        view, tasks, now = self._showing
        self._built_width = width = self._line_width()
        current = self.highlighted_option.id if self.highlighted_option is not None else None
        options: list[Option] = []
        if view is not None:
            for section in (s for s in view.sections if s.total):
                options.append(Option(self._styled(heading(section, width)), disabled=True))
                options += [self._task_option(task, section.key in ONE_DAY, view.now, width) for task in section.tasks]
                if section.more:
                    options.append(Option(self._styled(more_row(section, width)), disabled=True))
        elif now is not None:
            options = [self._task_option(task, True, now, width) for task in tasks]
            if self._more:
                day = AgendaSection("day", "", None, None, tasks, len(tasks) + self._more)
                options.append(Option(self._styled(more_row(day, width)), disabled=True))
        if not options and now is not None:
            options = [Option(Text("  " + self.empty, style="dim"), disabled=True)]
        self.set_options(options)
        ids = [option.id for option in options]
        if current is not None and current in ids:
            self.highlighted = ids.index(current)
        else:
            self.highlighted = next((i for i, option in enumerate(options) if not option.disabled), None)

    def _task_option(self, task: TaskView, one_day: bool, now: datetime, width: int) -> Option:
        return Option(self._styled(task_row(task, one_day, now, width)), id=f"{TASK_PREFIX}{task.id}")

    def _styled(self, pieces: list[Piece]) -> Text:
        colors = self.app.theme_variables
        styles = {
            "heading": f"bold {colors['text-primary']}", "count": "dim", "more": "dim italic",
            "when": "dim", "overdue": f"bold {colors['text-error']}", "title": "", "extra": "dim",
            "priority-high": f"bold {colors['text-error']}", "priority-medium": colors["text-warning"],
            "priority-low": "dim", "priority-none": "",
        }  # fmt: skip
        text = Text(no_wrap=True, overflow="ellipsis")
        for piece, role in pieces:
            text.append(piece, style=styles[role])
        return text

    def current_task_id(self) -> int | None:
        option = self.highlighted_option
        if option is None or option.id is None or not option.id.startswith(TASK_PREFIX):
            return None
        return int(option.id.removeprefix(TASK_PREFIX))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        task_id = self.current_task_id()
        if task_id is not None:
            self.post_message(self.TaskChosen(task_id))
