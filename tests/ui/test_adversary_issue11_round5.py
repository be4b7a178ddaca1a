"""Adversary, issue 11 round 5: the task table's drawing kept across rebuilds (ui/widgets/kept_drawing.py)."""

from __future__ import annotations

import json

import pytest

from tests.ui.conftest import settle
from tests.ui.test_kept_pages import elsewhere  # noqa: F401 (a fixture: another process's services)
from tests.ui.test_table_drawing import painted
from tests.ui.test_task_list import task_list, titles
from tui_tasks.domain import TaskDraft
from tui_tasks.services.transfer import import_tasks
from tui_tasks.ui.widgets.task_table import TaskTable


@pytest.fixture
def sixty(ui_services, demo_user, tmp_path):
    """60 plain tasks, all held in one page ("task 59" first)."""
    source = tmp_path / "sixty.json"
    source.write_text(json.dumps({"format": "tui-tasks", "version": 1, "tasks": [{"title": f"task {n:02}"} for n in range(60)]}))
    import_tasks(ui_services, demo_user, source)


async def test_a_click_after_two_deletes_and_two_tasks_added_elsewhere_lands_on_the_row_clicked(
    ui_settings, ui_services, demo_user, fixed_clock, sixty, elsewhere  # noqa: F811
):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        table = app.screen.query_one(TaskTable)
        await settle(pilot)
        for _ in range(2):  # delete the first two rows here: every row below moves up two (remove_row)
            await pilot.press("home", "d", "y")
            await settle(pilot)
        app.screen.reload_window()  # the poll after our own deletes: the same rows, nothing redrawn
        await settle(pilot)
        painted(table)  # the rows on screen are drawn at their new places
        for title in ("new one", "new two"):  # two tasks added elsewhere: newest first, they go on top
            elsewhere.tasks.create(demo_user, TaskDraft(title))
        app.screen.reload_window()  # what the poll does on a change elsewhere
        await settle(pilot)
        assert titles(app)[:2] == ["new two", "new one"]
        row = int(table.scroll_offset.y) + 3  # line 4 of the table: its header, then the fourth row shown
        await pilot.click(TaskTable, offset=(8, 4))
        await settle(pilot)
        assert (table.cursor_row, table.current_task().title) == (row, titles(app)[row])
