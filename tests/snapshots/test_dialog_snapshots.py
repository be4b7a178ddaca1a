"""Snapshots of the dialogs and the other screens over the task list."""

from __future__ import annotations

import pytest

from tests.snapshots.conftest import SIZES, logged_in
from tests.ui.conftest import settle
from tui_tasks.ui.screens.problem import ProblemScreen


def pressing(*keys: str):
    """run_before: log in, then press keys and let the workers finish."""

    async def run_before(pilot) -> None:
        await logged_in(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
class TestDialogs:
    def test_new_task_form(self, snap_compare, snapshot_app, size):
        """'New task' dialog: Title, Description, Priority/Due side by side, Project, Tags, Save/Cancel."""
        assert snap_compare(snapshot_app(), run_before=pressing("A"), terminal_size=size)

    def test_edit_form_with_an_inline_error(self, snap_compare, snapshot_app, size):
        """'Edit task' for 'Renew passport' with the due field's error under it after typing 'someday'."""

        async def run_before(pilot) -> None:
            await pressing("e")(pilot)
            pilot.app.screen.query_one("#due").value = "someday"
            await pilot.press("ctrl+s")
            await settle(pilot)

        assert snap_compare(snapshot_app(), run_before=run_before, terminal_size=size)

    def test_changed_elsewhere_dialog(self, snap_compare, snapshot_app, size):
        """'Changed elsewhere' over the edit form: the title and due date changed in another window."""
        from tui_tasks.domain import TaskDraft

        async def run_before(pilot) -> None:
            await pressing("e")(pilot)
            app = pilot.app
            task = app.screen.task_view
            app.services.tasks.update(app.user, task.id, TaskDraft("Renew passport before June", priority=task.priority))
            app.screen.query_one("#title").value = "Renew passport (book photo first)"
            await pilot.press("ctrl+s")
            await settle(pilot)

        assert snap_compare(snapshot_app(), run_before=run_before, terminal_size=size)

    def test_delete_confirmation(self, snap_compare, snapshot_app, size):
        """'Delete task?' with the task's title, 'Delete (y)' and 'Cancel (n)' (focused). The footer under
        it says the dialog's keys, 'y Yes n No', never the list's."""
        assert snap_compare(snapshot_app(), run_before=pressing("d"), terminal_size=size)

    def test_sort_choices(self, snap_compare, snapshot_app, size):
        """'Sort tasks by' with ten choices, 'created newest first' highlighted; the footer 'esc Cancel'."""
        assert snap_compare(snapshot_app(), run_before=pressing("s"), terminal_size=size)

    def test_help_lists_every_key(self, snap_compare, snapshot_app, size):
        """'Keys' table: a Add, enter/e Edit, space Done, ... q Quit."""
        assert snap_compare(snapshot_app(), run_before=pressing("question_mark"), terminal_size=size)

    def test_idle_lock(self, snap_compare, snapshot_app, size):
        """'Locked after a while without input' over the dimmed list, password field, hint line."""

        async def run_before(pilot) -> None:
            await logged_in(pilot)
            pilot.app.lock()
            await settle(pilot)

        assert snap_compare(snapshot_app(), run_before=run_before, terminal_size=size)

    def test_database_problem(self, snap_compare, snapshot_app, size):
        """'The database cannot be used', the path, the reason, and the --check hint, in a red frame."""

        async def run_before(pilot) -> None:
            await pilot.pause()
            pilot.app.push_screen(ProblemScreen("/tmp/tui-tasks-snapshots/tasks.db", "the file is not an SQLite database"))
            await settle(pilot)

        assert snap_compare(snapshot_app(), run_before=run_before, terminal_size=size)

    def test_import_dialog(self, snap_compare, snapshot_app, size):
        """'Import tasks from': File field (focused, placeholder ~/tasks.json), Format 'auto', Import/Cancel."""

        async def run_before(pilot) -> None:
            await logged_in(pilot)
            await pilot.app.screen.run_action("transfer(False)")
            await settle(pilot)

        assert snap_compare(snapshot_app(), run_before=run_before, terminal_size=size)
