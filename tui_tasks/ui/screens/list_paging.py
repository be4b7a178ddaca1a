"""The task list's paging: the pages it reads from SQL and when, the changes it follows, its counts and
header; a part of `TaskListScreen`, kept in its own module. The state is the screen's `ListModel`.

The list holds only the pages read so far and asks for more near either end. Home, End and `f` show a
page kept in memory at once (`ListModel.kept`: read ahead once the rows shown are painted) and read it
again just after; any change forgets the pages kept. A poll of the user's change counter (one
primary-key read) re-reads the rows held when another window or process changed something.

Handlers here are named for their messages (`on_page_loaded`): Textual does not see `@on` in a mixin."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.widgets import Static

from tui_tasks.domain import TaskCounts, TaskPage, TaskQuery, TaskView
from tui_tasks.ui.header_text import header_text
from tui_tasks.ui.keys_in_force import empty_list_text
from tui_tasks.ui.messages import ChangesPolled, CountsLoaded, EndsRead, KeptStale, PageLoaded, WindowReloaded
from tui_tasks.ui.widgets.filter_bar import FilterBar
from tui_tasks.ui.widgets.task_table import TaskTable

if TYPE_CHECKING:
    from tui_tasks.services.facade import Services

PAGE_SIZE = 100
READ_AHEAD_S = 0.25  # after the rows shown are painted, read the pages Home, End and `f` would want
READ_AGAIN_S = 0.2  # rows shown from a page kept (and a count kept) are read again once keys stop this long
ROWS_AFTER_S = 0.02  # another query from a page kept: its name paints, and is written out, before its rows
VIEWS_READ_AHEAD = 8  # saved views whose first page is read when the views screen opens


class Paging:
    """Reading the list's pages, following changes made elsewhere, the counts and the header."""

    # --- loading --------------------------------------------------------------------------------
    def reload(self, focus_id: int | None = None, *, edge: str | None = None, kept: bool = False) -> None:
        """Fetch the first page of the current query, or its last with edge="last" (the cursor then goes to
        that end); the counts follow. With `kept`, a page kept of it is shown at once and read again just
        after; without, the tasks may have changed and no page kept is shown any more."""
        if not kept:
            self.model.forget_ends()
        generation = self.model.begin_load()  # pages on their way belong to the old list and are dropped
        self.table.has_more = self.table.has_before = False
        self.focus_id = focus_id
        page = self.model.kept(self.model.query, edge or "first") if kept else None
        if page is not None:
            loaded = PageLoaded(page, True, generation, edge=edge)
            if edge is None:  # another query (`f`, a view): what was asked for (the filter, the view's name)
                self.set_timer(ROWS_AFTER_S, lambda: self.on_page_loaded(loaded))  # its rows once that is out
            else:
                self.on_page_loaded(loaded)
            self.after_keys(lambda: self._read_kept_again(page, edge, generation), generation)
            return
        user, query = self.user, self.model.paged(self.model.query)

        def read() -> None:
            if generation == self.model.generation:  # (a later reload's read is not cancelled by this one)
                self.app.run_service(
                    self, lambda s: s.tasks.page(user, query, None, PAGE_SIZE, backward=edge == "last"),
                    lambda page: PageLoaded(page, True, generation, edge=edge), exclusive=True, group="list",
                )  # fmt: skip

        if edge is None:  # another query: its name paints first (the read, begun at once, takes the GIL from it)
            self.call_after_refresh(read)
        else:
            read()

    def after_keys(self, callback: Callable[[], None], generation: int) -> None:
        """Call `callback` once keys have stopped for READ_AGAIN_S, unless the list is read afresh meanwhile:
        a read begun as a key comes takes the GIL from drawing it (a page read again, or a count, met the
        next `f` 1 time in 6 and doubled its time)."""

        def attempt() -> None:
            if generation != self.model.generation:
                return
            wait = READ_AGAIN_S - self.app.since_input()
            if wait > 0:
                self.set_timer(wait, attempt)
            else:
                callback()

        self.set_timer(READ_AGAIN_S, attempt)

    def _read_kept_again(self, kept: TaskPage, edge: str | None, generation: int) -> None:
        """Rows shown from a page kept: read that page again; if it differs, the list is read afresh."""
        user, query = self.user, self.model.paged(self.model.query)

        def read(services: Services) -> KeptStale | None:
            fresh = services.tasks.page(user, query, None, PAGE_SIZE, backward=edge == "last")
            same = fresh.tasks == kept.tasks and fresh.next_cursor == kept.next_cursor  # whole rows, as above
            return None if same else KeptStale(generation, edge)

        self.app.run_service(self, read, lambda message: message, exclusive=True, group="again", tag="ahead")

    def on_kept_stale(self, event: KeptStale) -> None:
        if event.generation == self.model.generation:
            current = self.table.current_task()
            self.reload(current.id if current else None, edge=event.edge)  # not kept: every page kept goes

    def read_ahead(self) -> None:
        """Read the pages worth keeping (ListModel.ends_wanted) while the user looks at the rows."""
        wanted, epoch, user = self.model.ends_wanted(), self.model.ends_epoch, self.user
        if not wanted:
            return
        paged = [(query, self.model.paged(query), edge) for query, edge in wanted]

        def read(services: Services) -> EndsRead:
            return EndsRead(epoch, [(query, edge, services.tasks.page(user, as_paged, None, PAGE_SIZE, backward=edge == "last"))
                                    for query, as_paged, edge in paged])  # fmt: skip

        self.app.run_service(self, read, lambda message: message, exclusive=True, group="ahead", tag="ahead")

    def read_views_ahead(self) -> None:
        """The views screen is open: read the first page of each saved view, so that the one chosen
        shows at once (and is read again just after, as any page kept)."""
        user, epoch, paged = self.user, self.model.ends_epoch, self.model.paged

        def read(services: Services) -> EndsRead:
            queries = [view.query() for view in services.views.list(user)[:VIEWS_READ_AHEAD]]
            return EndsRead(epoch, [(query, "first", services.tasks.page(user, paged(query), None, PAGE_SIZE)) for query in queries])

        self.app.run_service(self, read, lambda message: message, exclusive=True, group="views-ahead", tag="ahead")

    def _read_ahead_soon(self) -> None:
        """Once the rows shown are painted (a read now would take the GIL from drawing them)."""
        if self._ahead_timer is not None:
            self._ahead_timer.stop()
        self._ahead_timer = self.set_timer(READ_AHEAD_S, self.read_ahead)

    def on_ends_read(self, event: EndsRead) -> None:
        for query, edge, page in event.pages:
            self.model.keep(event.epoch, query, edge, page)

    # --- changes made elsewhere -----------------------------------------------------------------
    def poll_changes(self) -> None:
        """Ask how many changes the user's tasks have had; when that moved, the list looks again."""
        user = self.user
        self.app.run_service(self, lambda s: s.tasks.changes(user), ChangesPolled, exclusive=True, group="poll", tag="poll")

    def on_changes_polled(self, event: ChangesPolled) -> None:
        seen, self.seen_changes = self.seen_changes, event.changes
        if seen is not None and event.changes != seen:
            self.reload_window()
            self.read_view_again()

    def reload_window(self) -> None:
        """Read the rows held again (our own writes moved the counter too: if nothing differs, nothing
        is redrawn), and then the counts. The tasks may have changed: no page kept is shown any more."""
        self.model.forget_ends()
        held, tail = len(self.table.tasks), self.model.prev_cursor is not None
        generation, user, query = self.model.generation, self.user, self.model.paged(self.model.held_query)

        def read(services) -> WindowReloaded:
            tasks: list[TaskView] = []
            cursor = None
            while True:
                page = services.tasks.page(user, query, cursor, max(PAGE_SIZE, held - len(tasks)), backward=tail)
                tasks = [*page.tasks, *tasks] if tail else [*tasks, *page.tasks]
                cursor = page.next_cursor
                if cursor is None or len(tasks) >= held:
                    return WindowReloaded(tuple(tasks), cursor, tail, generation)

        self.app.run_service(self, read, lambda message: message, exclusive=True, group="window", tag="poll")

    def on_window_reloaded(self, event: WindowReloaded) -> None:
        model = self.model
        if event.generation != model.generation or model.loading:
            self.seen_changes = -1  # the list changed meanwhile, or is growing: the next poll looks again
            return
        self.refresh_counts()  # after the rows, not beside them: the header never says what the rows don't yet
        table = self.table
        # A row our own writes moved past the version read (they ran after the read) stays as it is.
        held = table.tasks
        tasks = tuple(held[t.id] if t.id in held and held[t.id].version > t.version else t for t in event.tasks)
        if list(tasks) == list(held.values()):  # whole rows: a blocker done, a subtask toggled or a parent
            # deleted change other tasks' rows (blocked, progress, indent) without changing their versions
            self._read_ahead_soon()
            return
        model.window_arrived(event.generation, event.tail, event.cursor)
        table.now = self.app.clock()
        table.replace_rows(tasks)
        table.has_more, table.has_before = model.next_cursor is not None, model.prev_cursor is not None
        self._mark_selected()
        self.query_one("#empty", Static).display = table.row_count == 0
        self._show_detail()
        self._read_ahead_soon()

    def refresh_counts(self) -> None:
        user, query, epoch = self.user, self.model.held_query, self.model.ends_epoch
        self.app.run_service(
            self, lambda s: (s.stats.counts(user), s.tasks.count(user, query)),
            lambda result: CountsLoaded(*result, query, epoch), exclusive=True, group="counts",
        )  # fmt: skip

    def on_task_table_more_wanted(self, event: TaskTable.MoreWanted) -> None:
        before = event.before
        cursor = self.model.begin_more(before)
        if cursor is None:
            return
        generation, user, query = self.model.generation, self.user, self.model.paged(self.model.query)
        self.app.run_service(
            self, lambda s: s.tasks.page(user, query, cursor, PAGE_SIZE, backward=before),
            lambda page: PageLoaded(page, False, generation, before=before), group="more", tag="more",
        )  # fmt: skip

    def on_task_table_edge_wanted(self, event: TaskTable.EdgeWanted) -> None:
        """Home or End beyond the rows held: read that end of the list directly, not everything between."""
        self.reload(edge="last" if event.last else "first", kept=True)

    def on_page_loaded(self, event: PageLoaded) -> None:
        page, focus_id, model = event.page, self.focus_id, self.model
        if not model.page_arrived(event.generation, event.reset, event.before, event.edge, page.next_cursor):
            return  # a page of a query that has since changed
        if event.reset:
            if event.edge is None and model.kept_count(model.held_query) is not None:  # shown: read again
                self.after_keys(self.refresh_counts, event.generation)  # once the keys stop
            elif event.edge is None:  # Home/End read the same list from an end: its counts stand (and a count
                self.refresh_counts()  # read beside the rows took the GIL from drawing them: End 160 -> ms)
            if event.edge and page.tasks and (focus_id is None or all(t.id != focus_id for t in page.tasks)):
                focus_id = page.tasks[-1 if event.edge == "last" else 0].id  # End/Home (a page kept read again
                # stays on the task the cursor had moved to since)
            model.keep(model.load_epoch, model.query, event.edge or "first", page)
        table = self.table
        table.show_page(page.tasks, reset=event.reset, now=self.app.clock(), focus_id=focus_id, before=event.before)
        table.has_more, table.has_before = model.next_cursor is not None, model.prev_cursor is not None  # after: the
        # cursor moves while the rows go in, and must not ask for pages on the way
        self.focus_id = None
        self._mark_selected()
        self._show_empty()
        self._show_detail()
        if event.reset:  # a task quick-added is in the rows, the cursor on it (or a later load superseded that)
            shown, self._shown_holds = self._shown_holds, []
            for release in shown:
                release()
            self._read_ahead_soon()

    def _show_empty(self) -> None:
        empty = self.table.row_count == 0
        self.query_one("#empty", Static).display = empty
        if empty and (self.model.held_search or self.query_options != TaskQuery()):
            self.query_one("#empty", Static).update("No tasks match. Press [b]escape[/] in search or [b]f[/] to change the filter.")
        elif empty:
            self.query_one("#empty", Static).update(empty_list_text(self))

    def on_counts_loaded(self, event: CountsLoaded) -> None:
        model = self.model
        model.keep_count(event.epoch, event.query, event.matching)
        counted = model.counted_as(event.query)
        if counted != model.counted_as(model.held_query) or counted != model.counted_as(model.query):  # a list left
            # (or one asked for whose rows are not in yet; or a search typed on, whose rows count themselves)
            self.counts = event.counts
            self._show_header()
            return
        self._show_counts(event.counts, event.matching)

    def _show_counts(self, c: TaskCounts, matching: int) -> None:
        self.counts = c
        self.query_one(FilterBar).matching = matching
        self._show_header()

    def _show_header(self) -> None:
        """Who, the counts, the view and the selection, in whole parts that fit the width."""
        header = self.query_one("#list-header", Static)
        selected = (self.selected_count() or 0) if self.model.selection else 0
        width = header.content_region.width or self.size.width
        view = self.view.name if self.view is not None and self.view.query() == self.model.query else None
        text = header_text(self.user.display_name, self.counts, width, view, selected)
        if text != self._header_shown:  # (an update paints a frame: counts read again, the same, need none)
            self._header_shown = text
            header.update(text, layout=False)
