"""The task list: a DataTable that holds only the pages fetched so far and asks for more near either end."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from tui_tasks.dates import describe_due
from tui_tasks.domain import Priority, TaskView, due_day, local_date, utcnow
from tui_tasks.ui.list_tree import Folding, has_children, parent_of, title_parts

NEAR_END = 15  # rows from the end at which the next page is asked for
PRIORITY_LABELS = {Priority.NONE: "", Priority.LOW: "low", Priority.MEDIUM: "medium", Priority.HIGH: "high"}
Column = tuple[str, str, int | None]  # key, label, width (None: the title, which takes what is left)
# The columns for the table's width: the due says most after the title, so it stays longest; a due of
# describe_due is at most 16 characters ("Fri 12 Dec 17:00"), shortened with an ellipsis below that.
LAYOUTS: tuple[tuple[int, tuple[Column, ...]], ...] = (
    (110, (("done", " ", 1), ("title", "Title", None), ("priority", "Priority", 8), ("due", "Due", 16),
           ("project", "Project", 12), ("tags", "Tags", 14))),
    (70, (("done", " ", 1), ("title", "Title", None), ("priority", "Priority", 8), ("due", "Due", 16),
          ("project", "Project", 10), ("tags", "Tags", 12))),
    (50, (("done", " ", 1), ("title", "Title", None), ("priority", "Pri", 6), ("due", "Due", 14))),
    (0, (("done", " ", 1), ("title", "Title", None), ("due", "Due", 14))),
)  # fmt: skip
COLUMNS = LAYOUTS[0][1]


def layout_for(width: int) -> tuple[Column, ...]:
    return next(columns for least, columns in LAYOUTS if width >= least)


class TaskTable(DataTable):
    """Rows are tasks (key: the task id). The parent feeds pages in; the table asks for more. In a tree
    page subtasks follow their parent, indented; left folds a parent away, right unfolds it."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("home,g", "scroll_top", "First task", show=False, id="table.first"),  # DataTable: leftmost column
        Binding("end,G", "scroll_bottom", "Last task", show=False, id="table.last"),
        Binding("left,h", "fold", "Fold subtasks", show=False, id="table.fold"),
        Binding("right,l", "unfold", "Unfold subtasks", show=False, id="table.unfold"),
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
        self.tasks: dict[int, TaskView] = {}  # every task held, in list order, folded away or not
        self.folding = Folding()
        self.has_more = False  # tasks after the last row held
        self.has_before = False  # tasks before the first row held (after End)
        self._quiet = False
        self.now = utcnow()  # what "overdue" and "today" are measured against; the parent sets its clock's
        self.column_layout: tuple[Column, ...] = COLUMNS

    def on_mount(self) -> None:
        for key, label, width in self.column_layout:
            self.add_column(label, key=key, width=width or 20)

    def on_resize(self) -> None:
        """The columns that fit; the title takes whatever width the others leave."""
        width = self.scrollable_content_region.width
        layout = layout_for(width)
        if layout != self.column_layout:
            self.column_layout = layout
            current = self.current_task()
            self.clear(columns=True)
            for key, label, column_width in layout:
                self.add_column(label, key=key, width=column_width or 20)
            tasks = tuple(self.tasks.values())
            self.tasks.clear()
            self._add(tasks)
            if current is not None and str(current.id) in self.rows:
                self.move_cursor(row=self.get_row_index(str(current.id)), animate=False)
        fixed = sum(w + 2 * self.cell_padding for _key, _label, w in self.column_layout if w)
        title = self.columns[ColumnKey("title")]
        title.width = max(12, width - fixed - 2 * self.cell_padding)
        title.auto_width = False
        self.refresh()

    def _cells(self, task: TaskView) -> tuple[Text, ...]:
        colors = self.app.theme_variables
        cells = {
            "done": Text("✓" if task.completed else "·", style=f"bold {colors['text-success']}" if task.completed else "dim"),
            "title": self._title(task),
            "priority": self._priority(task),
            "due": self._due(task),
            "project": Text(task.project or "", overflow="ellipsis", no_wrap=True),
            "tags": Text(" ".join(f"#{tag}" for tag in task.tags), overflow="ellipsis", no_wrap=True),
        }
        return tuple(cells[key] for key, _label, _width in self.column_layout)

    def _title(self, task: TaskView) -> Text:
        colors = self.app.theme_variables
        styles = {"marker": colors["text-primary"], "ancestry": "dim", "blocked": f"{colors['text-warning']}",
                  "progress": "dim", "": "dim strike" if task.completed else ""}  # fmt: skip
        text = Text(no_wrap=True, overflow="ellipsis")
        for piece, role in title_parts(task, self.folding.is_folded(task)):
            text.append(piece, style=styles[role])
        return text

    def _priority(self, task: TaskView) -> Text:
        priority = Text(PRIORITY_LABELS[task.priority], overflow="ellipsis", no_wrap=True)
        if task.priority is Priority.HIGH and not task.completed:
            priority.stylize(f"bold {self.app.theme_variables['text-error']}")
        return priority

    def _due(self, task: TaskView) -> Text:
        """Relative and short ("today 17:00", "2 d overdue"); overdue in the error colour (a time earlier
        today is overdue), due later today in the warning colour."""
        if task.due is None:
            return Text("")
        due = Text(describe_due(task.due, self.now), overflow="ellipsis", no_wrap=True)
        colors = self.app.theme_variables
        if task.is_overdue(self.now):
            due.stylize(f"bold {colors['text-error']}")
        elif not task.completed and due_day(task.due) == local_date(self.now):
            due.stylize(f"bold {colors['text-warning']}")
        elif task.completed:
            due.stylize("dim")
        return due

    def show_page(
        self, tasks: tuple[TaskView, ...], *, reset: bool, now: datetime, focus_id: int | None = None, before: bool = False
    ) -> None:
        """Start the list afresh with `tasks` (the cursor goes to `focus_id`, or stays on the same task if it
        is there), or add them after the rows held, or `before` them."""
        self.now = now
        if reset:
            current = self.current_task()
            focus_id = focus_id if focus_id is not None else current.id if current else None
            self.clear()
            self.tasks.clear()
        elif before:
            self._prepend(tasks)
            return
        self._add(tasks)
        if reset and focus_id is not None and str(focus_id) in self.rows:
            self.move_cursor(row=self.get_row_index(str(focus_id)), animate=False, scroll=True)

    def replace_rows(self, tasks: tuple[TaskView, ...]) -> None:
        """The same window of the list, read again: the cursor stays on its task (or its row, if the
        task went) and the view does not move."""
        current, ids = self.current_task(), [task.id for task in self.folding.visible(tasks)]
        row = ids.index(current.id) if current is not None and current.id in ids else self.cursor_row
        self._rebuild(tasks, row=row, scroll_y=self.scroll_y)

    def _add(self, tasks: tuple[TaskView, ...]) -> None:
        """Hold `tasks` after those held; a row for each one not under a folded parent."""
        fresh = [task for task in tasks if task.id not in self.tasks]
        for task in fresh:
            self.tasks[task.id] = task
        for task in self.folding.visible(self.tasks.values()) if self.folding.folded else fresh:
            if str(task.id) not in self.rows:
                self.add_row(*self._cells(task), key=str(task.id))

    def _prepend(self, tasks: tuple[TaskView, ...]) -> None:
        """A DataTable only appends: rebuild the rows with the new ones first, the cursor and view unmoved."""
        added = tuple(task for task in tasks if task.id not in self.tasks)
        moved = len(self.folding.visible(added))
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

    # --- folding --------------------------------------------------------------------------------
    def action_fold(self) -> None:
        """Fold the selected parent's subtasks away; on a subtask (or a folded parent), go to its parent."""
        task = self.current_task()
        if task is None:
            return
        if self.folding.fold(task):
            self._refold(task.id)
            return
        held = tuple(self.folding.visible(self.tasks.values()))
        parent = parent_of(held, self.cursor_row) if task.depth else None
        if parent is not None:
            self.move_cursor(row=parent)

    def action_unfold(self) -> None:
        task = self.current_task()
        if task is not None and self.folding.unfold(task):
            self._refold(task.id)
        elif task is not None and has_children(task) and self.cursor_row + 1 < self.row_count:
            self.move_cursor(row=self.cursor_row + 1)  # open already: into its first subtask

    def _refold(self, task_id: int) -> None:
        """Rows again after a fold or unfold, the cursor staying on `task_id`."""
        ids = [task.id for task in self.folding.visible(self.tasks.values())]
        self._rebuild(tuple(self.tasks.values()), row=ids.index(task_id), scroll_y=self.scroll_y)

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
        if row_key not in self._data:
            return  # folded away: drawn when it shows
        row = self._data[row_key]
        for (key, _label, _width), cell in zip(self.column_layout, self._cells(task)):
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
        if self.tasks.pop(task_id, None) is not None and str(task_id) in self.rows:
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
