"""What the list says about a write is what the database holds: a refused write turns the bar down with
the reason until a write goes through; a write saved although its commit reported an error shows as
saved; a change whose outcome cannot be known offers no retry or undo that could make it twice."""

from __future__ import annotations

from tests.faults import commit_fails
from tests.ui.test_task_list import messages, select, task_list
from tui_tasks.ui.widgets.status_bar import StatusBar
from tui_tasks.ui.widgets.task_table import TaskTable


def _bar(app) -> tuple[bool, str]:
    bar = app.screen.query_one(StatusBar)
    return bar.has_class("-down"), str(bar.query_one("#status-health").render())


async def test_writes_the_database_refuses_turn_the_bar_down_until_one_goes_through(
    ui_settings, ui_services, demo_user, fixed_clock
):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        from tests.ui.conftest import settle

        app.check_health()
        await settle(pilot)
        await select(pilot, "Buy milk")
        with commit_fails("before", times=2):
            await pilot.press("space")
            await settle(pilot)
            assert "Not saved: disk I/O error while using the database" in messages(app)
            assert not app.screen.query_one(TaskTable).current_task().completed
            down, text = _bar(app)
            assert down and "a change was not saved: disk I/O error" in text
            app.check_health()  # a read-only check passes, and must not hide the refused write
            await settle(pilot)
            assert _bar(app)[0]
        await pilot.press("space")  # the database takes writes again
        await settle(pilot)
        assert app.screen.query_one(TaskTable).current_task().completed
        assert not _bar(app)[0]
    assert next(t for t in ui_services.tasks.page(demo_user).tasks if t.title == "Buy milk").completed


async def test_a_toggle_saved_although_its_commit_failed_shows_as_saved(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        from tests.ui.conftest import settle

        await select(pilot, "Buy milk")
        with commit_fails("after") as fault:
            await pilot.press("space")
            await settle(pilot)
        assert not fault["armed"]
        assert app.screen.query_one(TaskTable).current_task().completed
        assert not any("Not saved" in m or "Could not" in m for m in messages(app))
        assert not _bar(app)[0]


async def test_a_delete_of_unknown_outcome_shows_the_truth_and_its_undo_comes_from_the_log(
    ui_settings, ui_services, demo_user, fixed_clock
):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        from tests.ui.conftest import settle

        await select(pilot, "Buy milk")
        with commit_fails("after", reads_fail=True, services=ui_services) as fault:
            await pilot.press("d", "y")
            await settle(pilot)
            assert any("may or may not have been saved" in m for m in messages(app))
            assert not any("press u to undo" in m for m in messages(app))
            assert _bar(app)[0]
            fault["broken"] = False  # readable again: the list shows what was saved
            app.screen.reload_window()
            await settle(pilot)
        table = app.screen.query_one(TaskTable)
        assert "Buy milk" not in [task.title for task in table.tasks.values()]
        # The delete was saved, and so was its step in the operation log, in the same transaction: undo
        # brings the task back exactly once (the in-memory undo of old could have made it twice).
        await pilot.press("u")
        await settle(pilot)
        assert [t.title for t in ui_services.tasks.page(demo_user, limit=50).tasks].count("Buy milk") == 1
        assert any(m == "Undone: delete “Buy milk”" for m in messages(app)), messages(app)
