"""The task list: a DataTable that holds only the pages fetched so far and asks for more near either end."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from tui_tasks.domain import Priority, TaskView

NEAR_END = 15  # rows from the end at which the next page is asked for
PRIORITY_LABELS = {Priority.NONE: "", Priority.LOW: "low", Priority.MEDIUM: "medium", Priority.HIGH: "high"}
COLUMNS = (("done", " ", 1), ("title", "Title", None), ("priority", "Priority", 8), ("due", "Due", 10),
           ("project", "Project", 12), ("tags", "Tags", 14))  # fmt: skip


class TaskTable(DataTable):
    """Rows are tasks (key: the task id). The parent feeds pages in; the table asks for more."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("home,g", "scroll_top", "First task", show=False, id="table.first"),  # DataTable: leftmost column
        Binding("end,G", "scroll_bottom", "Last task", show=False, id="table.last"),
    ]

    class MoreWanted(Message):
        """The cursor is near the first (`before`) or last row fetched, and the list goes on that way."""

        def __init__(self, before: bool = False) -> None:
            super().__init__()
            self.before = before

    class EdgeWanted(Message):
        """Home or End was pressed and that end of the list is not fetched: show its first or last page."""

        def __init__(self, last: bool) -> None:
            super().__init__()
            self.last = last

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.tasks: dict[int, TaskView] = {}
        self.has_more = False  # tasks after the last row held
        self.has_before = False  # tasks before the first row held (after End)
        self._quiet = False
        self.today = date.today()

    def on_mount(self) -> None:
        for key, label, width in COLUMNS:
            self.add_column(label, key=key, width=width or 20)

    def on_resize(self) -> None:
        """The title takes whatever width the other columns leave."""
        fixed = sum(width + 2 * self.cell_padding for _key, _label, width in COLUMNS if width)
        title = self.columns["title"]
        title.width = max(12, self.scrollable_content_region.width - fixed - 2 * self.cell_padding)
        title.auto_width = False
        self.refresh()

    def _cells(self, task: TaskView) -> tuple[Text, ...]:
        colors = self.app.current_theme
        done_style = "dim strike" if task.completed else ""
        due = Text(task.due.isoformat() if task.due else "")
        if task.is_overdue(self.today):
            due.stylize(f"bold {colors.error}")
        elif task.due == self.today and not task.completed:
            due.stylize(f"bold {colors.warning}")
        priority = Text(PRIORITY_LABELS[task.priority])
        if task.priority is Priority.HIGH and not task.completed:
            priority.stylize(f"bold {colors.error}")
        return (
            Text("✓" if task.completed else "·", style=f"bold {colors.success}" if task.completed else "dim"),
            Text(task.title, style=done_style, no_wrap=True, overflow="ellipsis"),
            priority,
            due,
            Text(task.project or "", overflow="ellipsis"),
            Text(" ".join(f"#{tag}" for tag in task.tags), overflow="ellipsis"),
        )

    def show_page(
        self, tasks: tuple[TaskView, ...], *, reset: bool, today: date, focus_id: int | None = None, before: bool = False
    ) -> None:
        """Start the list afresh with `tasks` (the cursor goes to `focus_id`, or stays on the same task if it
        is there), or add them after the rows held, or `before` them."""
        self.today = today
        if reset:
            current = self.current_task()
            focus_id = focus_id if focus_id is not None else current.id if current else None
            self.clear()
            self.tasks.clear()
        elif before:
            self._prepend(tasks)
            return
        self._add(tasks)
        if reset and focus_id in self.tasks:
            self.move_cursor(row=self.get_row_index(str(focus_id)), animate=False, scroll=True)

    def replace_rows(self, tasks: tuple[TaskView, ...]) -> None:
        """The same window of the list, read again: the cursor stays on its task (or its row, if the
        task went) and the view does not move."""
        current, ids = self.current_task(), [task.id for task in tasks]
        row = ids.index(current.id) if current is not None and current.id in ids else self.cursor_row
        self._rebuild(tasks, row=row, scroll_y=self.scroll_y)

    def _add(self, tasks: tuple[TaskView, ...]) -> None:
        for task in tasks:
            if task.id not in self.tasks:
                self.tasks[task.id] = task
                self.add_row(*self._cells(task), key=str(task.id))

    def _prepend(self, tasks: tuple[TaskView, ...]) -> None:
        """A DataTable only appends: rebuild the rows with the new ones first, the cursor and view unmoved."""
        added = tuple(task for task in tasks if task.id not in self.tasks)
        moved = len(added)
        self._rebuild(added + tuple(self.tasks.values()), row=self.cursor_row + moved, scroll_y=self.scroll_y + moved)

    def _rebuild(self, tasks: tuple[TaskView, ...], *, row: int, scroll_y: float) -> None:
        """Put `tasks` in place of the rows held, the view at `scroll_y` and the cursor on `row`. While the
        rows go in the cursor passes row 0: that must not ask for pages."""
        self._quiet = True
        try:
            self.clear()
            self.tasks.clear()
            self._add(tasks)
            self.scroll_to(y=scroll_y, animate=False, immediate=True)
            if self.row_count:
                self.move_cursor(row=min(row, self.row_count - 1), animate=False)
        finally:
            self._quiet = False

    def update_task(self, task: TaskView) -> None:
        """Redraw one task's row, and only that row.

        DataTable.update_cell drops the rendering of every row (its caches are keyed by an update
        count), so a toggle re-rendered the whole visible page: ~30 ms of a 45 ms toggle at 120×40.
        Here the new cells replace the old ones and only this row's cached rendering is dropped.
        """
        if task.id not in self.tasks or task.version < self.tasks[task.id].version:
            return  # not held, or older than what is shown
        self.tasks[task.id] = task
        row_key = RowKey(str(task.id))
        row = self._data[row_key]
        for (key, _label, _width), cell in zip(COLUMNS, self._cells(task)):
            row[ColumnKey(key)] = cell
        row_index = self._row_locations.get(row_key)
        for cache, is_row in (
            (self._cell_render_cache, lambda k: k[0] == row_key),
            (self._row_render_cache, lambda k: k[0] == row_key),
            (self._row_renderable_cache, lambda k: k[1] == row_index),
        ):
            for cache_key in [k for k in cache.keys() if is_row(k)]:
                cache.discard(cache_key)
        self._line_cache.clear()  # lines are cheap to put together again from the rows' renderings
        self.refresh()

    def remove_task(self, task_id: int) -> None:
        if self.tasks.pop(task_id, None) is not None:
            self.remove_row(str(task_id))

    def current_task(self) -> TaskView | None:
        if not self.row_count:
            return None
        row_key = self.coordinate_to_cell_key((self.cursor_row, 0)).row_key
        return self.tasks.get(int(row_key.value)) if row_key.value else None

    def watch_cursor_coordinate(self, old, new) -> None:
        super().watch_cursor_coordinate(old, new)
        if self._quiet:
            return
        if self.has_more and new.row >= self.row_count - NEAR_END:
            self.post_message(self.MoreWanted())
        if self.has_before and new.row < NEAR_END:
            self.post_message(self.MoreWanted(before=True))

    def action_scroll_top(self) -> None:
        if self.has_before:
            self.post_message(self.EdgeWanted(last=False))
        else:
            super().action_scroll_top()

    def action_scroll_bottom(self) -> None:
        if self.has_more:
            self.post_message(self.EdgeWanted(last=True))
        else:
            super().action_scroll_bottom()
