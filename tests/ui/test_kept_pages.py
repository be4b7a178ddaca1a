"""Home, End and `f` show a page kept in memory at once (read ahead while the user looks at the rows), and
read it again right after: a page kept past a change made elsewhere is put right within one read."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tests.ui.conftest import settle
from tests.ui.test_task_list import task_list, titles
from tui_tasks.domain import TaskDraft, TaskFilter, TaskQuery
from tui_tasks.services.transfer import import_tasks
from tui_tasks.ui.list_model import FILTERS
from tui_tasks.ui.messages import CountsLoaded
from tui_tasks.services.facade import open_services
from tui_tasks.ui.screens.list_paging import PAGE_SIZE, READ_AGAIN_S, READ_AHEAD_S, ROWS_AFTER_S
from tui_tasks.ui.widgets.filter_bar import FilterBar
from tui_tasks.ui.widgets.task_table import TaskTable

COUNT = PAGE_SIZE * 3


@pytest.fixture
def elsewhere(ui_settings, fixed_clock):
    """Another process's services on the same database file."""
    services = open_services(ui_settings, fixed_clock)
    yield services
    services.close()


@pytest.fixture
def many(ui_services, demo_user, tmp_path):
    """COUNT tasks, "task 000" the oldest; made by one import (one transaction, not COUNT)."""
    source = tmp_path / "many.json"
    source.write_text(json.dumps({"format": "tui-tasks", "version": 1, "tasks": [{"title": f"task {n:03}"} for n in range(COUNT)]}))
    import_tasks(ui_services, demo_user, source)
    tasks = ui_services.tasks.page(demo_user, TaskQuery(), limit=COUNT).tasks
    return sorted(tasks, key=lambda task: task.id)


async def read_ahead(pilot) -> None:
    await pilot.pause(READ_AHEAD_S + 0.1)
    await settle(pilot)


async def read_again(pilot) -> None:
    await pilot.pause(READ_AGAIN_S + 0.1)
    await settle(pilot)


async def test_end_home_and_f_show_their_pages_before_any_read(ui_settings, ui_services, demo_user, fixed_clock, many):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        screen, table = app.screen, app.screen.query_one(TaskTable)
        await read_ahead(pilot)
        assert screen.model.kept(screen.model.query, "last") is not None
        screen.reload(edge="last", kept=True)  # what End beyond the rows held does; no await: no read has run
        assert titles(app)[-1] == "task 000" and table.cursor_row == table.row_count - 1
        assert table.scroll_y == table.max_scroll_y > 0  # sized at once: its end shows in the first paint
        await read_again(pilot)
        screen.reload(edge="first", kept=True)
        assert titles(app)[0] == f"task {COUNT - 1:03}" and table.cursor_row == 0
        await read_ahead(pilot)
        ui_services.tasks.toggle(demo_user, many[-1].id, many[-1].version)
        screen.reload_window()  # a change: every page kept goes, and is read ahead again
        assert screen.model.kept(screen.model.query, "first") is None
        await settle(pilot)
        await read_ahead(pilot)
        upcoming = screen.model.cycled()
        assert upcoming.filter == TaskFilter.PENDING and screen.model.kept(upcoming, "first") is not None
        screen.action_cycle_filter()
        assert screen.model.query.filter == TaskFilter.PENDING
        assert screen.query_one(FilterBar).matching is None  # not the old filter's count beside its rows
        await pilot.pause(ROWS_AFTER_S + 0.05)  # the name is painted first, its rows just after (no read: READ_AGAIN_S)
        assert titles(app)[0] == f"task {COUNT - 2:03}"  # the one done is not in it
        await settle(pilot)
        assert screen.query_one(FilterBar).matching == COUNT - 1


async def test_a_page_kept_past_changes_made_elsewhere_is_put_right_within_one_read(
    ui_settings, ui_services, demo_user, fixed_clock, many, elsewhere
):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        await read_ahead(pilot)  # the last page is kept; no poll will see what follows (the app is not live)
        elsewhere.tasks.update(demo_user, many[0].id, TaskDraft("task 000, renamed elsewhere"))
        elsewhere.tasks.delete(demo_user, many[1].id)
        await pilot.press("end")
        await settle(pilot)
        await read_again(pilot)
        shown = titles(app)
        assert shown[-1] == "task 000, renamed elsewhere" and "task 001" not in shown
        assert app.screen.query_one(TaskTable).cursor_row == len(shown) - 1
        await pilot.press("home")
        await settle(pilot)
        await read_again(pilot)
        assert titles(app)[0] == f"task {COUNT - 1:03}"


async def test_f_puts_right_a_page_kept_of_the_next_filter(ui_settings, ui_services, demo_user, fixed_clock, many, elsewhere):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        screen = app.screen
        await read_ahead(pilot)
        assert screen.model.kept(screen.model.cycled(), "first") is not None
        newest = many[-1]
        elsewhere.tasks.toggle(demo_user, newest.id, newest.version)  # done elsewhere: not pending any more
        await pilot.press("f")
        await settle(pilot)
        await read_again(pilot)
        assert screen.model.query.filter == TaskFilter.PENDING
        assert newest.title not in titles(app) and titles(app)[0] == f"task {COUNT - 2:03}"


async def test_pages_read_ahead_before_a_change_here_are_not_kept(ui_settings, ui_services, demo_user, fixed_clock, many):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        screen = app.screen
        epoch = screen.model.ends_epoch
        await pilot.press("space")  # a toggle of ours: the list is read again, and so is every page kept
        await settle(pilot)
        assert screen.model.ends_epoch > epoch
        await read_ahead(pilot)
        await pilot.press("end")
        await settle(pilot)
        await read_again(pilot)
        await pilot.press("home")
        await settle(pilot)
        table = screen.query_one(TaskTable)
        assert table.tasks[next(iter(table.tasks))].completed is not None  # the toggle shows on the page kept


async def test_opening_the_views_reads_each_views_first_page_so_the_one_chosen_shows_at_once(
    ui_settings, ui_services, demo_user, fixed_clock, many
):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        screen = app.screen
        ui_services.tasks.toggle(demo_user, many[5].id, many[5].version)  # one done: the Done view has a row
        screen.reload_window()
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        views = ui_services.views.list(demo_user)
        done = next(view for view in views if view.name == "Done")
        assert all(screen.model.kept(view.query(), "first") is not None for view in views)
        assert [t.title for t in screen.model.kept(done.query(), "first").tasks] == ["task 005"]
        app.screen.dismiss(done)  # what Enter on it does
        await pilot.pause()  # the list has the view: the page kept shows (a read of it waits READ_AGAIN_S)
        assert titles(app) == ["task 005"]
        await settle(pilot)
        assert titles(app) == ["task 005"] and "Done" in str(screen.query_one("#list-header").render())


@pytest.mark.parametrize("size", [(40, 15), (120, 40), (200, 60)])
async def test_the_tables_size_without_measuring_each_cell_is_what_datatable_computes(
    ui_settings, ui_services, demo_user, fixed_clock, many, size
):
    from textual.widgets import DataTable

    from tests.ui.conftest import log_in, make_app

    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=size) as pilot:
        await log_in(pilot)
        table = app.screen.query_one(TaskTable)
        await pilot.press("end")
        await settle(pilot)
        ours = table.virtual_size
        assert ours.height == table.row_count + 1 and not any(c.auto_width for c in table.columns.values())
        DataTable._update_dimensions(table, list(table.rows))  # Textual's own: measures every cell
        assert table.virtual_size == ours


async def test_a_filter_counted_before_shows_its_count_with_its_page_and_a_count_for_a_list_left_is_not_shown(
    ui_settings, ui_services, demo_user, fixed_clock, many
):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        screen, bar = app.screen, app.screen.query_one(FilterBar)
        await read_again(pilot)
        first = screen.model.query.filter
        for _ in FILTERS:  # once round: each filter is shown and counted
            await pilot.press("f")
            await settle(pilot)
            await read_again(pilot)
        assert screen.model.query.filter == first
        counted = {f: screen.model.kept_count(dataclasses.replace(screen.model.query, filter=f)) for f in FILTERS}
        assert None not in counted.values() and counted[TaskFilter.ALL] == COUNT
        screen.action_cycle_filter()  # no await: nothing has been read
        assert bar.matching == counted[screen.model.query.filter]
        await settle(pilot)
        await read_again(pilot)
        ui_services.tasks.toggle(demo_user, many[0].id, many[0].version)
        screen.reload_window()  # a change: the counts kept go with the pages
        await settle(pilot)
        await read_again(pilot)
        left, counts = screen.model.held_query, screen.counts
        screen.action_cycle_filter()
        assert bar.matching is None  # (forgotten) not the old filter's count
        screen.on_counts_loaded(CountsLoaded(counts, 7, left, screen.model.ends_epoch))  # a count of the list left
        assert bar.matching is None
        await settle(pilot)
        await read_again(pilot)
        assert bar.matching == screen.model.kept_count(screen.model.held_query) is not None
