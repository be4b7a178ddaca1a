"""The task list: a DataTable that holds only the pages fetched so far and asks for more near either end.

Columns are sized by the table's width and by what the rows held contain (`ui/columns.py` decides, without
Textual): the title keeps most of the width; priority, due, project and tags are as wide as their longest
cell (within limits); tags are not cut while room is left. When narrow, columns drop in this order:
project first, then tags, then priority (its mark, "!" to "!!!", goes in front of the title); the due
and done columns stay. The widths follow the rows held: a page that brings a longer cell widens its
column (a few string lengths per row, never a pass over the list).

Selected rows (`set_selected`) show "●" in the done column and the selection's background.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from tui_tasks.dates import describe_due
from tui_tasks.domain import Priority, TaskView, due_day, local_date, utcnow
from tui_tasks.ui.columns import Column, plan_columns, priority_mark
from tui_tasks.ui.list_tree import Folding, has_children, parent_of, title_parts
from tui_tasks.ui.widgets.kept_drawing import KeptDrawing

NEAR_END = 15  # rows from the end at which the next page is asked for
PRIORITY_LABELS = {Priority.NONE: "", Priority.LOW: "low", Priority.MEDIUM: "medium", Priority.HIGH: "high"}
MEASURED = ("title", "priority", "due", "project", "tags")
SELECTED_MARK = "●"


def layout_for(width: int, needs: dict[str, int] | None = None) -> tuple[Column, ...]:
    """The columns for a table `width` cells wide (see ui/columns.py); `needs` defaults to rows that fill
    every column to its cap."""
    return plan_columns(width, needs if needs is not None else {"title": 40, "priority": 6, "due": 16, "project": 12, "tags": 14})


class TaskTable(KeptDrawing):
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

    DEFAULT_CSS = """
    TaskTable > .tasktable--selected { background: $accent 30%; }
    """
    COMPONENT_CLASSES = DataTable.COMPONENT_CLASSES | {"tasktable--selected"}

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.tasks: dict[int, TaskView] = {}  # every task held, in list order, folded away or not
        self.folding = Folding()
        self.has_more = False  # tasks after the last row held
        self.has_before = False  # tasks before the first row held (after End)
        self._quiet = False
        self.now = utcnow()  # what "overdue" and "today" are measured against; the parent sets its clock's
        self.selected: set[int] = set()  # task ids: set through set_selected, which redraws what changed
        self.needs: dict[str, int] = {}  # column key -> the widest cell among the rows held
        self.column_layout: tuple[Column, ...] = layout_for(80)

    def on_mount(self) -> None:
        self._add_columns()
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        """The cells hold the theme's colours (done mark, priorities, dues): each row is put in again."""
        if self.tasks:
            self._rebuild(tuple(self.tasks.values()), row=self.cursor_row, scroll_y=self.scroll_y)

    def _add_columns(self) -> None:
        for key, label, width in self.column_layout:
            self.add_column(label, key=key, width=width)

    def on_resize(self) -> None:
        self._fit()

    def _table_width(self) -> int:
        """The width the columns share; the vertical scrollbar's is kept free, as it comes with the rows."""
        return max(0, self.size.width - self.styles.scrollbar_size_vertical)

    def _fit(self) -> bool:
        """Plan the columns again for the width and the rows held: widths change in place, and a column
        that comes or goes puts every row held in again. Whether it did that."""
        width = self._table_width()
        layout = plan_columns(width, self.needs) if width else self.column_layout
        if layout == self.column_layout:
            return False
        same_keys = [key for key, *_ in layout] == [key for key, *_ in self.column_layout]
        self.column_layout = layout
        if not same_keys:
            self._rebuild_columns()
            return True
        for key, label, column_width in layout:
            column = self.columns[ColumnKey(key)]
            column.width, column.auto_width, column.label = column_width or 1, False, Text(label)
        self._require_update_dimensions = True  # the scrollable width follows the columns'
        self._clear_caches()  # a cell's rendering is cached without its width
        self.refresh()
        return False

    def _rebuild_columns(self) -> None:
        """New columns, and every row held drawn again in them; the cursor stays on its task."""
        current, scroll_y, quiet = self.current_task(), self.scroll_y, self._quiet
        self._quiet = True
        try:
            self.clear(columns=True)
            self._add_columns()
            for task in self.folding.visible(self.tasks.values()):
                self.add_row(*self._row(task), key=str(task.id))
            self.scroll_to(y=scroll_y, animate=False, immediate=True)
            if current is not None and str(current.id) in self.rows:
                self.move_cursor(row=self.get_row_index(str(current.id)), animate=False)
        finally:
            self._quiet = quiet

    def _measure(self, cells: Iterable[dict[str, Text]]) -> bool:
        """Widen `needs` to fit `cells`; whether any grew."""
        needs, grew = self.needs, False
        for row in cells:
            for key in MEASURED:
                width = row[key].cell_len
                if width > needs.get(key, 0):
                    needs[key] = width
                    grew = True
        return grew

    def _cells(self, task: TaskView) -> dict[str, Text]:
        """Every column's cell for `task`, shown or not (the title without a priority mark)."""
        colors = self.app.theme_variables
        if task.id in self.selected:
            done = Text(SELECTED_MARK, style=f"bold {colors['text-accent']}")
        elif task.completed:
            done = Text("✓", style=f"bold {colors['text-success']}")
        else:
            done = Text("·", style="dim")
        return {
            "done": done,
            "title": self._title(task),
            "priority": self._priority(task),
            "due": self._due(task),
            "project": Text(task.project or "", overflow="ellipsis", no_wrap=True),
            "tags": Text(" ".join(f"#{tag}" for tag in task.tags), overflow="ellipsis", no_wrap=True),
        }

    def _row(self, task: TaskView, cells: dict[str, Text] | None = None) -> tuple[Text, ...]:
        """The cells of the columns shown; without a priority column the priority marks the title."""
        cells = cells if cells is not None else self._cells(task)
        keys = [key for key, *_ in self.column_layout]
        if "priority" not in keys and task.priority:
            mark = Text(priority_mark(int(task.priority)) + " ", style=cells["priority"].style or "bold")
            cells = cells | {"title": Text.assemble(mark, cells["title"], no_wrap=True, overflow="ellipsis")}
        return tuple(cells[key] for key in keys)

    def _title(self, task: TaskView) -> Text:
        colors = self.app.theme_variables
        styles = {"marker": colors["text-primary"], "ancestry": "dim", "blocked": f"{colors['text-warning']}",
                  "progress": "dim", "": "dim strike" if task.completed else ""}  # fmt: skip
        text = Text(no_wrap=True, overflow="ellipsis")
        for piece, role in title_parts(task, self.folding.is_folded(task)):
            text.append(piece, style=styles[role])
        return text

    def _priority(self, task: TaskView) -> Text:
        high = task.priority is Priority.HIGH and not task.completed
        style = f"bold {self.app.theme_variables['text-error']}" if high else ""
        return Text(PRIORITY_LABELS[task.priority], style=style, overflow="ellipsis", no_wrap=True)

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
            self.clear_keeping_cells()
            self.tasks.clear()
            self.needs.clear()  # a new list: its columns fit what it holds
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
        """Hold `tasks` after those held; a row for each one not under a folded parent. Cells wider than
        those held widen their column first."""
        cells: dict[int, dict[str, Text]] = {}
        for task in tasks:
            if task.id not in self.tasks:
                self.tasks[task.id] = task
                cells[task.id] = self._cells(task)
        if not (self._measure(cells.values()) and self._fit()):  # else new columns: every row held is in them
            fresh = (self.tasks[task_id] for task_id in cells)
            count = self._update_count
            for task in self.folding.visible(self.tasks.values()) if self.folding.folded else fresh:
                if str(task.id) not in self.rows:
                    self.add_row(*self._row(task, cells.get(task.id)), key=str(task.id))
            self._keep_drawn_rows(count)
        self._settle()

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """DataTable measures every cell of each new row for its column's content width, which only a
        column of automatic width reads; ours have widths set (ui/columns.py) and rows one line high,
        so only the scrollable size follows the rows. (The measuring was ~600 Rich measurements a page:
        a third of the work of End at 100k tasks.)"""
        if not self.columns or any(column.auto_width for column in self.columns.values()):
            super()._update_dimensions(new_rows)
            return
        width = sum(column.get_render_width(self) for column in self.columns.values()) + self._row_label_column_width
        self.virtual_size = Size(width, self._total_row_height + (self.header_height if self.show_header else 0))

    def _settle(self) -> None:
        """Size the rows just added now, not when idle as DataTable does: the cursor and view can then
        move to them before the next paint. (Otherwise `End` painted the top of the last page, and
        a frame later its end: two full renders, the first one wrong; a rebuild's `scroll_y` was clamped
        to the old height.)"""
        if self._require_update_dimensions:
            self._require_update_dimensions = False
            new_rows = self._new_rows.copy()
            self._new_rows.clear()
            self._update_dimensions(new_rows)

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
            self.clear_keeping_cells()
            self.tasks.clear()
            self.needs.clear()
            self._add(tasks)
            if self.row_count:  # the cursor first: DataTable scrolls to it (and, the rows sized, to where it
                # was before moving it: row 0), and the list jumped by the cursor's place on its screen
                self.move_cursor(row=min(row, self.row_count - 1), animate=False, scroll=False)
            self.scroll_to(y=scroll_y, animate=False, immediate=True)
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
        """Redraw one task's row, and only that row (unless its cells widen a column)."""
        held = self.tasks.get(task.id)
        if held is None or task.version < held.version:
            return  # not held, or older than what is shown
        # A write answers with the task alone: its place in the tree (indent, ancestors) is the row's.
        task = dataclasses.replace(task, depth=held.depth, ancestry=held.ancestry)
        self.tasks[task.id] = task
        cells = self._cells(task)
        if self._measure((cells,)) and self._fit():
            return
        self._redraw(task, cells)

    def set_selected(self, ids: Iterable[int]) -> None:
        """Mark the tasks `ids` as selected (and no others); only the rows whose mark changes are drawn
        again. Ids not held are kept: their rows show selected when a page brings them."""
        new, old = set(ids), self.selected
        self.selected = new
        if len(old) + len(new) > len(self.tasks):  # e.g. every task of a 100k list: walk the rows held
            changed = [task_id for task_id in self.tasks if (task_id in old) != (task_id in new)]
        else:
            changed = [task_id for task_id in old ^ new if task_id in self.tasks]
        for task_id in changed:
            self._redraw(self.tasks[task_id])

    def _redraw(self, task: TaskView, cells: dict[str, Text] | None = None) -> None:
        """Put `task`'s cells in its row and drop only that row's cached rendering.

        DataTable.update_cell drops the rendering of every row (its caches are keyed by an update
        count), so a toggle re-rendered the whole visible page: ~30 ms of a 45 ms toggle at 120×40.
        """
        row_key = RowKey(str(task.id))
        if row_key not in self._data:
            return  # folded away: drawn when it shows
        row = self._data[row_key]
        for (key, _label, _width), cell in zip(self.column_layout, self._row(task, cells)):
            row[ColumnKey(key)] = cell
        row_index = self._row_locations.get(row_key)
        self.forget_drawn_row(row_key, row_index)
        self.note_drawn(row_key.value, row_index, tuple(row.values()))  # forgotten above: only noted
        self.refresh()

    def _get_row_style(self, row_index: int, base_style: Style) -> Style:
        """A selected row's background under the zebra stripes' (the cursor's still wins)."""
        style = super()._get_row_style(row_index, base_style)
        if self.selected and row_index >= 0:
            row_key = self._row_locations.get_key(row_index)
            if row_key is not None and row_key.value and int(row_key.value) in self.selected:
                return style + self.get_component_styles("tasktable--selected").rich_style
        return style

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
