"""The task table keeps what it has drawn longer than DataTable does: past pages added below (DataTable's
caches follow a count that every added row moves), and past cursor moves (a row the cursor is not on is
drawn the same wherever it is). What it paints must still be, line for line, what DataTable's own drawing
from nothing paints, whatever the keys, pages, selection and changes before."""

from __future__ import annotations

import functools

import pytest
from textual.widgets import DataTable

from tests.ui.conftest import settle
from tests.ui.test_kept_pages import many  # noqa: F401 (a fixture: COUNT tasks)
from tests.ui.test_task_list import task_list
from tui_tasks.domain import TaskDraft
from tui_tasks.ui.widgets.task_table import TaskTable


def painted(table: TaskTable) -> list:
    """The table's lines as it paints them now, from what it keeps."""
    return [list(DataTable.render_line(table, y)) for y in range(table.size.height)]


def drawn_afresh(table: TaskTable) -> list:
    """The same lines as DataTable itself draws them, nothing kept."""
    table._clear_caches()
    table._update_count += 1
    table._render_line = functools.partial(DataTable._render_line, table)
    table._render_line_in_row = functools.partial(DataTable._render_line_in_row, table)
    try:
        return [list(DataTable.render_line(table, y)) for y in range(table.size.height)]
    finally:
        del table._render_line, table._render_line_in_row
        table._clear_caches()


async def test_lines_kept_through_paging_are_what_datatable_draws(ui_settings, ui_services, demo_user, fixed_clock, many):  # noqa: F811
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        table = app.screen.query_one(TaskTable)
        await settle(pilot)
        held = len(table.tasks)
        steps = [
            ["pagedown"] * 4,  # down past the first page: the next one is added below
            ["pageup"] * 2,  # back over lines drawn before the page came
            ["j", "j", "k"],
            ["v", "v", "j"],  # two selected: their background
            ["pagedown"] * 6,
            ["pageup", "k", "pageup"],
        ]
        for keys in steps:
            await pilot.press(*keys)
            await settle(pilot)
            painted(table)  # (what is kept now is what the next step draws from)
            assert painted(table) == drawn_afresh(table), keys
        assert len(table.tasks) > held  # pages were added on the way


@pytest.mark.parametrize("keys", [["end"], ["end", "pageup", "pageup"], ["pagedown", "pagedown", "home"]])
async def test_lines_kept_at_the_ends_and_after_a_change_are_what_datatable_draws(
    ui_settings, ui_services, demo_user, fixed_clock, many, keys  # noqa: F811
):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        table = app.screen.query_one(TaskTable)
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        painted(table)
        task = table.current_task()
        ui_services.tasks.update(demo_user, task.id, TaskDraft(task.title + " renamed, a longer title"))
        app.screen.reload_window()
        await settle(pilot)
        await pilot.press("space")  # done: the row is drawn again
        await settle(pilot)
        assert any("renamed" in "".join(s.text for s in line) for line in painted(table))
        assert painted(table) == drawn_afresh(table)
