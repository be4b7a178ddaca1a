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


@pytest.mark.parametrize("keys", [["end"], ["end", "pageup", "pageup"], ["pagedown", "pagedown", "home"],
                                  ["end", "home", "end", "home"], ["end", *["pageup"] * 5], ["v", "f", "f", "f", "f", "f", "f"]])
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


@pytest.mark.parametrize("keys", [["end", "home", "end", "home", "pagedown"], ["end", "pageup", "pageup", *["up"] * 20]])
async def test_a_click_on_rows_drawn_before_lands_on_the_row_clicked(ui_settings, ui_services, demo_user, fixed_clock, many, keys):  # noqa: F811
    """Cells drawn and kept hold their row's index (a click reads it): past End and Home the same rows come
    back to the same places, and past a page put in before them (PgUp from the end) every row moves."""
    from tests.ui.test_kept_pages import read_ahead
    from tests.ui.test_task_list import titles

    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        table = app.screen.query_one(TaskTable)
        await read_ahead(pilot)
        held = len(table.tasks)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
            await read_ahead(pilot)
        assert keys[-1] != "up" or len(table.tasks) > held  # (the rows drawn moved: a page went in before them)
        row = int(table.scroll_offset.y) + 3  # line 4 of the table: its header, then the fourth row shown
        await pilot.click(TaskTable, offset=(8, 4))
        await settle(pilot)
        assert table.cursor_row == row and table.current_task().title == titles(app)[row]
        assert painted(table) == drawn_afresh(table)


async def test_a_page_put_in_before_the_rows_shown_leaves_them_where_they_were(
    ui_settings, ui_services, demo_user, fixed_clock, many  # noqa: F811
):
    """Up from the end's page near its top reads the page before it: the rows on screen stay on their lines
    (the list jumped 19 rows: DataTable scrolled to the cursor's old row, then to its new one)."""
    from tests.ui.test_kept_pages import read_ahead
    from tests.ui.test_task_list import titles

    def on_screen() -> list[str]:
        top = int(table.scroll_offset.y)
        return titles(app)[top : top + table.scrollable_content_region.height - 1]

    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        table = app.screen.query_one(TaskTable)
        await read_ahead(pilot)
        await pilot.press("end", "pageup", "pageup")
        await settle(pilot)
        held = len(table.tasks)
        while len(table.tasks) == held:
            shown, current = on_screen(), table.current_task().title
            await pilot.press("up")
            await settle(pilot)
            assert table.cursor_row > 0
        assert on_screen() == shown and titles(app).index(current) == table.cursor_row + 1
