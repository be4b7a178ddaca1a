"""The main screen: the user's tasks, paged from SQL, with search, filter, sort and every task action."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static

from tui_tasks.dates import describe_due
from tui_tasks.domain import (
    SavedViewView, SortField, TaskCounts, TaskDraft, TaskFilter, TaskQuery, TaskView, search_accepts,
)
from tui_tasks.errors import NotFound, OutcomeUnknown, StaleTask, TasksError
from tui_tasks.state import load_state, save_state
from tui_tasks.ui.dispatch import ServiceFailed
from tui_tasks.ui.keys_in_force import empty_list_text
from tui_tasks.ui.screens.confirm import ConfirmScreen
from tui_tasks.ui.screens.complete_parent import CompleteParentScreen
from tui_tasks.ui.screens.list_bulk import SelectionActions
from tui_tasks.ui.screens.list_paging import Paging
from tui_tasks.ui.screens.list_quick_add import QuickAdding
from tui_tasks.ui.screens.list_screens import OtherScreens
from tui_tasks.ui.screens.views import ViewsScreen
from tui_tasks.ui.screens.sort import SortScreen
from tui_tasks.ui.screens.task_form import TaskFormScreen
from tui_tasks.filter_language import too_long
from tui_tasks.filter_rule import query_accepts
from tui_tasks.ui.list_model import ListModel
from tui_tasks.ui.list_tree import flattened
from tui_tasks.ui.messages import TaskChanged, TaskDeleted
from tui_tasks.ui.widgets.detail_pane import DetailPane
from tui_tasks.ui.widgets.filter_bar import FilterBar
from tui_tasks.ui.widgets.key_footer import KeyFooter
from tui_tasks.ui.widgets.quick_add import QuickAddBar
from tui_tasks.ui.widgets.status_bar import StatusBar
from tui_tasks.ui.widgets.task_table import TaskTable

if TYPE_CHECKING:
    from tui_tasks.config import DatabaseTarget
    from tui_tasks.services.facade import Services

T = TypeVar("T")
MESSAGE_MAX = 160  # a service's message quotes what was typed: a 500-character tag must not fill the screen
POLL_S = 2.0  # how often to ask whether the tasks changed elsewhere: one primary-key read
SEARCH_DELAY_S = 0.04  # a burst of keys (a paste, a run of letters) is one query; slower typing queries per key,
# which the indexes keep cheap (a page: 5-17 ms at 100k tasks). At 0.08 the wait alone was most of a first search.
BESIDE_MIN = 120  # columns from which the detail pane sits beside the list; narrower, it takes its place


def shortened(message: str) -> str:
    return message if len(message) <= MESSAGE_MAX else message[: MESSAGE_MAX - 1] + "…"


def remembered_query(database: DatabaseTarget) -> TaskQuery:
    """The filter and order the list had when the app last closed."""
    saved = load_state(database).get("list", {})
    try:
        return TaskQuery(
            filter=TaskFilter(saved["filter"]), sort=SortField(saved["sort"]), descending=bool(saved["descending"])
        )
    except (KeyError, TypeError, ValueError):
        return TaskQuery()


class TaskListScreen(Paging, QuickAdding, SelectionActions, OtherScreens, Screen[None]):
    """The logged-in user's tasks."""

    DEFAULT_CSS = """
    TaskListScreen #body { height: 1fr; }
    TaskListScreen #list-pane { width: 1fr; height: 1fr; }
    TaskListScreen DetailPane { display: none; }
    TaskListScreen.-detail DetailPane { display: block; }
    TaskListScreen.-detail.-narrow #list-pane { display: none; }
    TaskListScreen.-detail.-narrow DetailPane { width: 1fr; border-left: none; }
    """
    AUTO_FOCUS = "#tasks"
    COMMAND_CATEGORY = "Tasks"
    HELP_HINT = ("Quick add (a): words are the title; #tag  !high  due:fri  due:2026-12-24  every 3 days  "
                 "wait:mon  project:home  parent:12  depends:3,4  \"quoted words\" stay in the title.")  # fmt: skip
    PALETTE_ONLY = [("Skip this occurrence", "skip"), ("Stop repeating", "stop_repeating"),
                    ("Import…", "transfer(False)"), ("Export…", "transfer(True)"), ("Back up now", "back_up")]  # no key  # fmt: skip
    BINDINGS = [
        Binding("a", "quick_add", "Add", id="tasks.add"),
        Binding("A", "add", "Add with form", id="tasks.add_form", show=False),
        Binding("enter,e", "edit", "Edit", id="tasks.edit", show=False),  # enter is what people try first
        Binding("space", "toggle", "Done", id="tasks.toggle", key_display="␣"),
        Binding("d", "delete", "Delete", id="tasks.delete"),
        Binding("v", "select", "Select", id="tasks.select", show=False),
        Binding("ctrl+a", "select_all", "Select all shown", id="tasks.select_all", show=False),
        Binding("u", "undo", "Undo", id="tasks.undo"),
        Binding("ctrl+r", "redo", "Redo", id="tasks.redo", show=False),
        Binding("i", "details", "Details", id="tasks.details"),
        Binding("n", "note", "Add note", id="tasks.note", show=False),
        Binding("slash", "search", "Search", id="tasks.search"),
        Binding("escape", "back", "Clear selection / close details / clear search", id="tasks.clear_search", show=False),
        Binding("w", "views", "Views", id="tasks.views"),
        Binding("c", "agenda", "Agenda", id="tasks.agenda"),  # "coming up" (g is the first task)
        Binding("m", "month", "Month", id="tasks.month", show=False),
        Binding("f", "cycle_filter", "Filter", id="tasks.filter", show=False),
        Binding("s", "sort", "Sort", id="tasks.sort"),
        Binding("t", "stats", "Stats", id="tasks.stats"),
        Binding("p", "account", "Account", id="tasks.account", show=False),
        Binding("question_mark", "help", "Help", id="tasks.help"),
        Binding("ctrl+l", "app.log_out", "Log out", id="tasks.log_out", show=False),
        Binding("q", "app.quit", "Quit", id="tasks.quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.model = ListModel(query=remembered_query(self.app.settings.db))
        self.view: SavedViewView | None = None  # the saved view last chosen (the header names it while shown)
        self.focus_id: int | None = None
        self.counts: TaskCounts | None = None  # as the header shows them
        self._header_shown: str | None = None  # the header's text as last put in it
        self.seen_changes: int | None = None  # the user's change counter when last polled
        self._search_timer: Timer | None = None
        self._quick_serial = 0
        self._quick_pending: dict[str, str] = {}  # a quick add's worker tag -> the line it was saved from
        self._quick_holds: dict[str, Callable[[], None]] = {}  # and what lets the keys typed after it go
        self._shown_holds: list[Callable[[], None]] = []  # and those of tasks saved, until the list shows them
        self._stats_wait: Timer | None = None  # a stats read on its way, and when to stop waiting for it
        self._ahead_timer: Timer | None = None  # pages to read ahead, once the rows shown are painted

    def compose(self) -> ComposeResult:
        yield Static(id="list-header", markup=False)
        yield FilterBar(self.query_options)
        with Horizontal(id="body"):
            with Vertical(id="list-pane"):
                yield TaskTable(id="tasks")
                yield Static(empty_list_text(self), id="empty")
                yield QuickAddBar(self.app.clock)
            yield DetailPane(self.app.clock)
        yield StatusBar()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.user = self.app.user  # kept: after log-out the app has none, and late messages may still come
        self._show_header()
        self.reload()
        self.poll_changes()
        if self.app.live:
            self.set_interval(POLL_S, self.poll_changes)

    @property
    def query_options(self) -> TaskQuery:
        """The query the list answers (the model's)."""
        return self.model.query

    @property
    def table(self) -> TaskTable:
        return self.query_one(TaskTable)

    # --- search, filter, sort -------------------------------------------------------------------
    def set_query(self, **changes) -> None:
        counted = self.model.counted_as(self.model.query)
        if self.model.set_query(**changes):
            self._show_selection()
        bar = self.query_one(FilterBar)
        bar.query_options = self.query_options
        if set(changes) != {"search"} and self.model.counted_as(self.model.query) != counted:
            bar.matching = self.model.kept_count(self.model.query)  # not the old query's count beside
            # the new rows (a page kept shows at once): its own when counted before, else none until counted
        self.reload(kept=True)
        if "search" not in changes:  # the filter and order are kept for the next start; searches are not
            options = self.query_options
            remember = {"filter": options.filter.value, "sort": options.sort.value, "descending": options.descending}
            self.run_worker(lambda db=self.app.settings.db: save_state(db, list=remember), thread=True, group="state")

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        value = event.value
        if too_long(value):  # the search box says why; no query, and no rows of the search before
            self.model.narrow(value)
            self.workers.cancel_group(self, "counts")
            self.table.replace_rows(())
            self.query_one(FilterBar).matching = 0
            self._show_empty()
            return
        if self.model.can_narrow(value):
            self._narrow(value)
        self._search_timer = self.set_timer(SEARCH_DELAY_S, lambda: self.set_query(search=value))

    def _narrow(self, search: str) -> None:
        """Typing on in the search box when the whole list is held: its tasks that match are all there
        is to show, at once, without waiting for the debounce and a query (which still follows, and
        has the last word: on PostgreSQL, say, case is ignored beyond ASCII)."""
        self.model.narrow(search)  # a re-read of the window still on its way answers the wider search: dropped
        self.workers.cancel_group(self, "counts")  # and so do counts on their way
        tasks = tuple(task for task in flattened(self.table.tasks.values()) if search_accepts(task, search))
        self.table.replace_rows(tasks)
        self.query_one(FilterBar).matching = len(tasks)
        self._show_empty()

    @on(FilterBar.SearchLeft)
    def _search_left(self) -> None:
        self.table.focus()

    def action_back(self) -> None:
        """Escape: clear the selection if there is one, else close the detail pane if it is open, else
        clear the search."""
        if self.model.clear_selection():
            self._show_selection()
            return
        if self.has_class("-detail"):
            self.action_details()
            return
        search = self.query_one("#search", Input)
        if search.value:
            search.value = ""  # Input.Changed reloads the list

    def action_views(self) -> None:
        """`w`: the saved views; Enter shows one (its filter in the search box, its order)."""
        q = self.model.query
        self.app.push_screen(ViewsScreen(self.user, q.search, q.sort, q.descending, current=self.view.id if self.view else None),
                             self._view_chosen)  # fmt: skip
        self.read_views_ahead()

    def _view_chosen(self, view: SavedViewView | None) -> None:
        if view is None:
            self.read_view_again()  # it may have been renamed or deleted in there: the header follows
            return
        self.view = view
        search = self.query_one("#search", Input)
        if self._search_timer is not None:
            self._search_timer.stop()
        with self.prevent(Input.Changed):
            search.value = view.filter
        query = view.query()
        self.set_query(filter=query.filter, search=query.search, sort=query.sort, descending=query.descending)
        self._show_header()

    def read_view_again(self) -> None:
        """The view the header names, read again (renamed or deleted here or in another window)."""
        if self.view is not None:
            user, shown = self.user, self.view.id
            self.app.run_service(self, lambda s: next((v for v in s.views.list(user) if v.id == shown), None),
                                 self.ViewRead)  # fmt: skip

    class ViewRead(Message):
        """The view the list shows, read again (None: deleted)."""

        def __init__(self, view: SavedViewView | None) -> None:
            super().__init__()
            self.view = view

    @on(ViewRead)
    def _view_read(self, event: ViewRead) -> None:
        if event.view is None or event.view.query() != self.model.query:
            self.view = None
        else:
            self.view = event.view
        self._show_header()

    def action_cycle_filter(self) -> None:
        self.set_query(filter=self.model.cycled().filter)

    def action_sort(self) -> None:
        def chosen(choice) -> None:
            if choice is not None:
                self.set_query(sort=choice[0], descending=choice[1])

        self.app.push_screen(SortScreen(self.query_options.sort, self.query_options.descending), chosen)

    # --- task actions ---------------------------------------------------------------------------
    def _current(self) -> TaskView | None:
        task = self.table.current_task()
        if task is None:
            self.notify("No task selected", severity="warning")
        return task

    def action_add(self, draft: TaskDraft | None = None) -> None:
        """The full form for a new task, filled in with `draft` (what quick add held) when given."""
        self.app.push_screen(TaskFormScreen(None, draft=draft), self._form_closed)

    # --- detail pane ----------------------------------------------------------------------------
    @property
    def detail(self) -> DetailPane:
        return self.query_one(DetailPane)

    def action_details(self) -> None:
        """Open or close the detail pane: beside the list when there is room, else in its place."""
        opening = not self.has_class("-detail")
        self.set_class(opening, "-detail")
        if opening:
            self._show_detail()
            if self.has_class("-narrow"):
                self.detail.focus()
        else:
            self.detail.remove_class("-noting")
            self.table.focus()

    def action_note(self) -> None:
        if self._current() is None:
            return
        if not self.has_class("-detail"):
            self.action_details()
        self.detail.start_note()

    @on(DetailPane.NoteClosed)
    def _note_closed(self) -> None:
        (self.detail if self.has_class("-narrow") else self.table).focus()

    def _show_detail(self) -> None:
        if self.has_class("-detail"):
            self.detail.show(self.table.current_task())

    @on(DataTable.RowHighlighted, "#tasks")
    def _row_highlighted(self) -> None:
        self._show_detail()

    def on_resize(self) -> None:
        self.set_class(self.size.width < BESIDE_MIN, "-narrow")
        self.call_after_refresh(self._show_header)  # once the header has its new width

    def action_edit(self) -> None:
        if self.model.selection:
            self.bulk_edit()
            return
        if (task := self._current()) is None:
            return
        if self.model.writing(task.id):  # the form would open on a version about to change
            self.notify("Saving the last change to this task… try again in a moment", severity="warning")
            return
        self.app.push_screen(TaskFormScreen(task), self._form_closed)

    @on(TaskTable.RowSelected)
    def _row_selected(self) -> None:
        """Enter on a row, or a click on the selected row, edits it."""
        self.action_edit()

    def _form_closed(self, task: TaskView | None) -> None:
        if task is None:
            return
        self.model.settled(task)  # a write of ours: the pages kept may hold the task as it was
        if task.id in self.table.tasks:
            self.table.update_task(task)
            self.refresh_counts()
        else:
            self.reload(focus_id=task.id)

    def _expect_write(self, task: TaskView) -> tuple[int, bool]:
        return self.model.expect_write(task)

    def _guarded(self, task_id: int, version: int, guess: bool, write: Callable[[Services], T]) -> Callable[[Services], T]:
        """`write` as its worker runs it (see `ListModel.may_send`: write workers run one at a time, in
        order, so the model's `confirmed` needs no lock)."""
        model = self.model

        def run(services: Services) -> T:
            if not model.may_send(task_id, version, guess):
                raise TasksError("Not sent: an earlier change to this task was not saved")
            result = write(services)
            model.sent(task_id, version)
            return result

        return run

    def action_toggle(self) -> None:
        """One write and nothing else: the row is redrawn and the counts follow from the change itself.
        Completing a task with open subtasks asks first: all of them too, only this one, or not at all.
        With a selection: every selected task, in one write."""
        if self.model.selection:
            self.bulk_toggle()
            return
        if (task := self._current()) is None:
            return
        if not task.completed and task.children[0] < task.children[1]:
            self.app.push_screen(CompleteParentScreen(task), lambda choice: self._complete_parent(task, choice))
            return
        self._toggle(task)

    def _toggle(self, task: TaskView) -> None:
        user, (version, guess) = self.user, self._expect_write(task)
        toggle = self._guarded(task.id, version, guess, lambda s: s.tasks.toggle(user, task.id, version))
        self.app.run_service(
            self, toggle, lambda changed: TaskChanged(changed, before=task), write=True, tag=f"task:{task.id}:{version}"
        )  # fmt: skip

    def _complete_parent(self, task: TaskView, choice: str | None) -> None:
        if choice == "this":
            self._toggle(task)
        elif choice == "all":
            user, (version, guess) = self.user, self._expect_write(task)

            def complete_all(services: Services) -> TaskView:
                """Every open task under it and the task itself, in one transaction."""
                return services.tasks.complete_tree(user, task.id, version)

            run = self._guarded(task.id, version, guess, complete_all)
            self.app.run_service(self, run, self.SubtreeCompleted, write=True, tag=f"task:{task.id}:{version}")

    class SubtreeCompleted(Message):
        """A task and every subtask under it were completed."""

        def __init__(self, task: TaskView) -> None:
            super().__init__()
            self.task = task

    @on(SubtreeCompleted)
    def _subtree_completed(self, event: SubtreeCompleted) -> None:
        self.model.settled(event.task)
        self.table.update_task(event.task)
        self.reload_window()  # the subtasks' rows, and the counts
        self._show_detail()

    def action_skip(self) -> None:
        """A repeating task: this occurrence goes, the next one comes (and is selected)."""
        if (task := self._repeating()) is None:
            return
        user, (version, guess) = self.user, self._expect_write(task)
        skip = self._guarded(task.id, version, guess, lambda s: s.tasks.skip(user, task.id, version))
        self.app.run_service(self, skip, lambda made: self.Skipped(task, made), write=True, tag=f"task:{task.id}:{version}")

    class Skipped(Message):
        def __init__(self, skipped: TaskView, next_one: TaskView | None) -> None:
            super().__init__()
            self.skipped = skipped
            self.next_one = next_one

    @on(Skipped)
    def _skipped(self, event: Skipped) -> None:
        self.model.forget(event.skipped.id)
        if event.next_one is None:
            self.notify(f"Skipped “{event.skipped.title}”; that was the last one of its series", markup=False)
        else:
            self.notify(f"Skipped; the next one is due {describe_due(event.next_one.due, self.app.clock())}"
                        if event.next_one.due is not None else "Skipped; the next one is in the list", markup=False)  # fmt: skip
        self.reload(focus_id=event.next_one.id if event.next_one else None)

    def action_stop_repeating(self) -> None:
        if (task := self._repeating()) is None:
            return
        user = self.user
        self.app.run_service(self, lambda s: s.tasks.stop_repeating(user, task.id), TaskChanged, write=True)
        self.notify(f"“{task.title}” will not repeat any more; this one stays", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Skip and stop repeating apply to a repeating task only (the palette offers them there)."""
        if action in ("skip", "stop_repeating") and self.is_mounted:
            task = self.table.current_task()
            return task is not None and (task.series_id is not None or task.recurrence is not None)
        return True

    def _repeating(self) -> TaskView | None:
        task = self._current()
        if task is not None and task.series_id is None and task.recurrence is None:
            self.notify("This task does not repeat", severity="warning")
            return None
        return task

    @on(TaskChanged)
    def _task_changed(self, event: TaskChanged) -> None:
        if event.created:
            self.reload(focus_id=event.task.id)
            return
        self.model.settled(event.task)  # no write of ours is still on its way once this version is seen
        if event.before is not None and event.task.completed and not event.before.completed and event.task.series_id:
            self.reload_window()  # a repeating task's next one was made: it joins the rows
        self.table.update_task(event.task)
        self._show_detail()
        before, counts, matching = event.before, self.counts, self.query_one(FilterBar).matching
        if before is not None and counts is not None and matching is not None and event.task.version == before.version + 1:
            now = self.app.clock()
            query = self.model.query
            matching += query_accepts(query, event.task, now) - query_accepts(query, before, now)
            self._show_counts(counts.after_toggle(before, now), matching)
        else:  # the counts are not known yet, or the task also changed elsewhere: count again
            self.refresh_counts()

    def action_delete(self) -> None:
        if self.model.selection:
            self.bulk_delete()
            return
        if (task := self._current()) is None:
            return
        user = self.user

        def confirmed(yes: bool | None) -> None:
            if yes:
                version, guess = self._expect_write(task)
                delete = self._guarded(task.id, version, guess, lambda s: s.tasks.delete(user, task.id, version))
                self.app.run_service(self, delete, TaskDeleted, write=True, tag=f"task:{task.id}:{version}")

        self.app.push_screen(ConfirmScreen("Delete task?", task.title, "Delete"), confirmed)

    @on(TaskDeleted)
    def _task_deleted(self, event: TaskDeleted) -> None:
        self.model.forget(event.task.id)
        self.table.remove_task(event.task.id)
        self.refresh_counts()
        self.app.say(f"Deleted “{event.task.title}” — press u to undo", key="undo", timeout=4)

    @on(ServiceFailed)
    def _failed(self, event: ServiceFailed) -> None:
        if event.tag == "poll":
            event.stop()  # a poll that fails says nothing: the status bar already says what is wrong...
            if isinstance(event.error, NotFound) and self.app.user is not None:  # ...but the account is gone
                self.app.notify(event.error.message + ": it was deleted elsewhere", title="Logged out",
                                severity="error", timeout=10, markup=False)  # fmt: skip
                self.app.action_log_out()
        elif event.tag.startswith("quick:"):
            self.quick_failed(event)
        elif event.tag.startswith("task:"):
            self._task_failed(*map(int, event.tag[5:].split(":")), event)
        elif event.tag == "stats":
            self._drop_stats()  # the app says why; no screen of dashes
        elif event.tag == "more":
            self.model.more_failed()
        elif event.tag == "ahead":
            event.stop()  # only a page not kept: the key that wants it reads it
        elif event.tag in ("history", "bulk"):
            if isinstance(event.error, OutcomeUnknown):
                self._outcome_unknown(event)  # not offered again: it may be done already, and twice is worse
                return
            event.stop()
            message = shortened(event.error.message)
            if event.tag == "bulk" and self.bulk_failed(message):
                self.app.forget("undo")  # its dialog is back, with the reason under its fields
            else:
                title = "Not changed" if event.tag == "bulk" else "Could not undo or redo"
                self.app.say(message, key="undo", title=title, severity="warning", timeout=8)
            self.reload_window()

    def _outcome_unknown(self, event: ServiceFailed) -> None:
        """A change whose saving failed half-way, when even reading it back failed: no "try again",
        which could do it twice; the list is read afresh, and shows what was saved once it can."""
        event.stop()
        self.notify(f"{event.error.message}. The list is read again to show what was saved.",
                    title="Not sure it was saved", severity="error", timeout=10, markup=False)  # fmt: skip
        self.reload_window()

    def _task_failed(self, task_id: int, version: int, event: ServiceFailed) -> None:
        """A toggle or delete (sent expecting `version`) was refused: a task changed or deleted elsewhere
        is shown as it now is."""
        self.model.refused(task_id, version)
        task, user = self.table.tasks.get(task_id), self.user
        title = f"“{task.title}”" if task else "This task"
        if isinstance(event.error, StaleTask):
            event.stop()
            self.app.say(f"{title} was changed elsewhere; it now shows the latest. Nothing was changed here.", key=f"task:{task_id}",
                        title="Changed elsewhere", severity="warning", timeout=6, markup=False)  # fmt: skip
            self.app.run_service(self, lambda s: s.tasks.get(user, task_id), TaskChanged)
        elif isinstance(event.error, OutcomeUnknown):
            self._outcome_unknown(event)
        elif isinstance(event.error, NotFound):
            event.stop()
            self.table.remove_task(task_id)
            self.refresh_counts()
            self.app.say(f"{title} was deleted elsewhere.", key=f"task:{task_id}", title="Deleted elsewhere", severity="warning", timeout=6)
