"""The task list's selection, bulk actions, and undo/redo from the operation log (issue 11): a part of
`TaskListScreen`, kept in its own module. The state is the screen's `ListModel`; every write goes to
the services in a worker, as one transaction and one undo step.

With a selection, `space` marks the selected tasks done (or not done, when all of them already are),
`d` deletes them after asking, and `e`/Enter opens the bulk-edit dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from tui_tasks.changes import BulkResult, Replayed
from tui_tasks.ui.screens.bulk_edit import BulkEditScreen
from tui_tasks.ui.screens.confirm import ConfirmScreen

if TYPE_CHECKING:
    from tui_tasks.services.facade import Services


class BulkDone(Message):
    """A bulk write went through."""

    def __init__(self, result: BulkResult) -> None:
        super().__init__()
        self.result = result


class HistoryReplayed(Message):
    """An undo or redo went through."""

    def __init__(self, replayed: Replayed) -> None:
        super().__init__()
        self.replayed = replayed


def _selected_ids(services: Services, user, query, selection) -> list[int]:
    """The ids a selection means, read in the worker: `everything` is every task the query matches now
    (less those picked out again)."""
    if not selection.everything:
        return sorted(selection.ids)
    from tui_tasks.services.selection import matching_ids

    return [task_id for task_id in matching_ids(services.tasks, user, query) if task_id not in selection.ids]


class SelectionActions:
    """Mixed into TaskListScreen (which has `model`, `table`, `user`, `app`)."""

    def _show_selection(self) -> None:
        """Mark the selected rows and say how many are selected in the header."""
        self.table.set_selected(self.model.selection.shown_ids(self.table.tasks))
        self._show_header()

    def _mark_selected(self) -> None:
        """Rows that came in (a page, a re-read) are marked as the selection says."""
        if self.model.selection or self.table.selected:
            self.table.set_selected(self.model.selection.shown_ids(self.table.tasks))

    def selected_count(self) -> int | None:
        from tui_tasks.ui.widgets.filter_bar import FilterBar

        return self.model.selection.count(self.query_one(FilterBar).matching)

    def action_select(self) -> None:
        """`v`: select or unselect the row under the cursor, and go down a row."""
        task = self.table.current_task()
        if task is None:
            return
        self.model.toggle_selected(task.id)
        self._show_selection()
        self.table.action_cursor_down()

    def action_select_all(self) -> None:
        """`ctrl+a`: every task the list shows, also those not loaded yet."""
        self.model.select_everything()
        self._show_selection()

    def _taken(self):
        """The selection and the query it was made in, as a bulk key is pressed (a dialog may follow, and
        the selection may change or go meanwhile: the action is on what was selected at the key)."""
        return self.model.selection, self.model.held_query

    def _bulk(self, write, what: str, taken, retry=None) -> None:
        """Send one bulk write of the selection `taken`; the selection goes once it went through (a
        refused write gives it back, and `retry(message)` opens its dialog again)."""
        user, (selection, query) = self.user, taken
        self._bulk_pending = (taken, retry)
        self.model.clear_selection()
        self._show_selection()
        self.app.run_service(self, lambda s: write(s, _selected_ids(s, user, query, selection)), BulkDone,
                             write=True, tag="bulk")  # fmt: skip
        self.app.say(f"{what}…", key="undo", timeout=4)

    def bulk_failed(self, message: str) -> bool:
        """A bulk write was refused: the selection comes back (if the list still shows that query and no
        other selection was made), and a dialog that led to it opens again with what was typed."""
        (selection, query), retry = getattr(self, "_bulk_pending", ((None, None), None))
        self._bulk_pending = ((None, None), None)
        if selection is not None and query == self.model.held_query and not self.model.selection:
            self.model.selection = selection
            self._show_selection()
        if retry is not None:
            retry(message)
            return True
        return False

    def bulk_toggle(self) -> None:
        """All selected tasks done; or not done, when every one of them already is (decided in the worker
        for a selection of everything, whose tasks are not all loaded)."""
        taken, user, count = self._taken(), self.user, self.selected_count()
        words = f"{count} task{'s' if count != 1 else ''}" if count is not None else "the selected tasks"

        def write(s, ids):
            from tui_tasks.services.selection import all_done

            return s.tasks.bulk_complete(user, ids, not all_done(s.tasks, user, ids))

        self._bulk(write, f"Marking {words}", taken)

    def bulk_delete(self) -> None:
        taken, user, count = self._taken(), self.user, self.selected_count()
        words = f"{count} task{'s' if count != 1 else ''}" if count is not None else "every selected task"

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._bulk(lambda s, ids: s.tasks.bulk_delete(user, ids), f"Deleting {words}", taken)

        self.app.push_screen(ConfirmScreen(f"Delete {words}?", "u undoes it.", "Delete"), confirmed)

    def bulk_edit(self, text=None, error: str = "") -> None:
        taken, user, count = self._taken(), self.user, self.selected_count()

        def chosen(result) -> None:
            if result is not None:
                edit, typed = result
                retry = lambda message: self.bulk_edit(typed, message)  # noqa: E731
                self._bulk(lambda s, ids: s.tasks.bulk_edit(user, ids, edit), f"Changing {count or 'the selected'} tasks", taken, retry)

        self.app.push_screen(BulkEditScreen(count or 0, text, error), chosen)

    def on_bulk_done(self, event: BulkDone) -> None:  # (by name: @on in a mixin is not seen by Textual)
        self._bulk_pending = ((None, None), None)
        result = event.result
        if result.changed or result.removed or result.created:
            self.app.say(f"{result.summary} — u undoes it", key="undo", timeout=4)
        else:
            self.app.say("Nothing to change: every selected task already was so", key="undo", timeout=4)
        self.reload_window()

    # --- undo and redo ----------------------------------------------------------------------------------
    def action_undo(self) -> None:
        user = self.user
        self.app.run_service(self, lambda s: s.history.undo(user), HistoryReplayed, write=True, tag="history")

    def action_redo(self) -> None:
        user = self.user
        self.app.run_service(self, lambda s: s.history.redo(user), HistoryReplayed, write=True, tag="history")

    def on_history_replayed(self, event: HistoryReplayed) -> None:
        replayed = event.replayed
        self.app.say(f"{'Redone' if replayed.redo else 'Undone'}: {replayed.summary}", key="undo", timeout=4)
        for task_id in (*replayed.changed, *replayed.removed):
            self.model.forget(task_id)
        if replayed.many:
            self.reload()
        else:
            self.reload_window()
