"""Adversarial checks of issue 11, round 2 (the pages kept, undo of a delete under its own id, the light
log-in screen): each test is a bug found by hand in a real terminal (each failed before its fix)."""

from __future__ import annotations

from tests.ui.conftest import settle
from tests.ui.test_kept_pages import COUNT, elsewhere, many, read_again, read_ahead  # noqa: F401 (fixtures)
from tests.ui.test_subtasks_ui import listed, rows, select
from tests.ui.test_task_list import task_list, titles
from tui_tasks.domain import TaskDraft, TaskFilter
from tui_tasks.services.facade import open_services
from tui_tasks.ui.widgets.filter_bar import FilterBar
from tui_tasks.ui.widgets.task_table import TaskTable


async def test_toggling_a_subtask_keeps_its_indent_and_its_parents_progress_follows(ui_settings, ui_services, demo_user, fixed_clock):
    async with listed(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot, made):
        await select(pilot, made["Camera"])
        await pilot.press("space")
        await settle(pilot)
        app.screen.reload_window()  # what the poll does once it sees the change counter move
        await settle(pilot)
        assert "      Camera" in rows(app), rows(app)
        assert "  ▾ Pack 1/2" in rows(app), rows(app)


async def test_completing_the_blocker_here_clears_the_blocked_mark(ui_settings, ui_services, demo_user, fixed_clock):
    async with listed(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot, made):
        await select(pilot, made["Receipts"])
        await pilot.press("space")
        await settle(pilot)
        app.screen.reload_window()
        await settle(pilot)
        assert "Taxes" in rows(app), rows(app)


async def test_a_blocker_completed_elsewhere_clears_the_blocked_mark_once_the_poll_sees_it(
    ui_settings, ui_services, demo_user, fixed_clock
):
    async with listed(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot, made):
        await pilot.press("slash", *"Taxes")
        await pilot.pause(0.2)
        await settle(pilot)
        assert rows(app) == ["⊘ Taxes"]
        other = open_services(ui_settings, fixed_clock)
        try:
            other.tasks.complete(demo_user, made["Receipts"])
        finally:
            other.close()
        app.screen.reload_window()
        await settle(pilot)
        assert rows(app) == ["Taxes"]


async def test_keys_pressed_just_after_end_are_not_undone_when_the_page_kept_is_read_again(
    ui_settings, ui_services, demo_user, fixed_clock, many, elsewhere
):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        screen = app.screen
        table = screen.query_one(TaskTable)
        await read_ahead(pilot)
        assert screen.model.kept(screen.model.query, "last") is not None
        elsewhere.tasks.update(demo_user, many[0].id, TaskDraft("task 000, renamed elsewhere"))
        # End, up, up in one burst (as a terminal delivers them): the page kept shows, the cursor goes up two rows
        screen.reload(edge="last", kept=True)  # what End beyond the rows held does (no await: the keys come at once)
        table.action_cursor_up()
        table.action_cursor_up()
        meant = table.current_task()
        assert meant.title == "task 002"
        await settle(pilot)
        await read_again(pilot)  # the page kept is read again: it differs, and the list is read afresh
        assert titles(app)[-1] == "task 000, renamed elsewhere"
        assert table.current_task().id == meant.id, f"the cursor went back to {table.current_task().title!r}"


async def test_a_view_chosen_from_its_page_kept_does_not_show_the_old_lists_count(
    ui_settings, ui_services, demo_user, fixed_clock, many
):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        screen = app.screen
        ui_services.tasks.toggle(demo_user, many[5].id, many[5].version)
        screen.reload_window()
        await settle(pilot)
        assert screen.query_one(FilterBar).matching == COUNT
        await pilot.press("w")
        await settle(pilot)
        done = next(view for view in ui_services.views.list(demo_user) if view.name == "Done")
        assert screen.model.kept(done.query(), "first") is not None
        await pilot.press("escape")  # (the views screen closes; Enter on Done would call what follows)
        await settle(pilot)
        painted = spy_on_pages(screen)
        screen._view_chosen(done)  # as Enter on Done does
        await settle(pilot)
        first_titles, first_count = painted[0]
        assert first_titles == ["task 005"]  # the page kept showed at once...
        assert first_count in (None, 1), f"beside the Done view's rows: {first_count} (the old list's count)"


def spy_on_pages(screen) -> list[tuple[list[str], int | None]]:
    """Each new list the table is given from now on: its first titles and the count beside them then."""
    table, bar, painted = screen.query_one(TaskTable), screen.query_one(FilterBar), []
    show_page = table.show_page

    def spy(tasks, **kwargs):
        if kwargs.get("reset"):
            painted.append(([t.title for t in tasks[:2]], bar.matching))
        return show_page(tasks, **kwargs)

    table.show_page = spy
    return painted


async def test_f_after_an_edit_with_the_form_does_not_show_the_old_title(ui_settings, ui_services, demo_user, fixed_clock, many):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        screen = app.screen
        await read_ahead(pilot)
        assert screen.model.kept(screen.model.cycled(), "first") is not None
        await pilot.press("enter")  # the form, on the first row (the newest task)
        await settle(pilot)
        app.screen.query_one("#title").value = "renamed with the form"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert titles(app)[0] == "renamed with the form"
        painted = spy_on_pages(screen)
        screen.action_cycle_filter()  # f: pending, shown from its page kept (a frame later), then read again
        await settle(pilot)
        await read_again(pilot)
        assert screen.model.query.filter == TaskFilter.PENDING and painted
        assert all(shown[0][0] == "renamed with the form" for shown in painted), painted


async def test_deleting_a_parent_leaves_its_subtasks_as_top_tasks(ui_settings, ui_services, demo_user, fixed_clock):
    async with listed(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot, made):
        await select(pilot, made["Trip"])  # its subtasks come after it in the same order: none moves
        await pilot.press("d")
        await pilot.press("y")
        await settle(pilot)
        app.screen.reload_window()  # what the poll does once it sees the change counter move
        await settle(pilot)
        assert rows(app)[3:] == ["▾ Pack 0/2", "    Camera", "    Adapters", "Hotel", "Flights"], rows(app)
