"""Selecting many tasks and acting once (v, ctrl+a, escape; space, d, e with a selection), and undo/redo
of any change from the operation log (u, ctrl+r), through the real app on a real SQLite file."""

from __future__ import annotations

from tests.ui.conftest import settle
from tests.ui.test_task_list import header, messages, select, task_list, titles
from tui_tasks.domain import Priority, TaskQuery
from tui_tasks.ui.screens.bulk_edit import BulkEditScreen
from tui_tasks.ui.screens.confirm import ConfirmScreen
from tui_tasks.ui.widgets.task_table import TaskTable


def done_titles(services, user) -> set[str]:
    return {t.title for t in services.tasks.page(user, TaskQuery(filter="done"), limit=100).tasks}


async def test_v_selects_rows_and_space_marks_them_all_done_in_one_undo_step(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        before = done_titles(ui_services, demo_user)
        await select(pilot, "Renew passport")
        await pilot.press("v", "v")  # the first two rows, the cursor moving down
        table = app.screen.query_one(TaskTable)
        assert table.selected == {t.id for t in table.tasks.values() if t.title in ("Renew passport", "Read “Dune”")}
        assert "2 selected" in header(app)
        await pilot.press("space")
        await settle(pilot)
        assert done_titles(ui_services, demo_user) == before | {"Renew passport", "Read “Dune”"}
        assert "selected" not in header(app) and not table.selected
        await pilot.press("u")
        await settle(pilot)
        assert done_titles(ui_services, demo_user) == before
        assert any(m.startswith("Undone: ") for m in messages(app)), messages(app)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert done_titles(ui_services, demo_user) == before | {"Renew passport", "Read “Dune”"}


async def test_ctrl_a_selects_every_task_the_list_shows_and_escape_clears(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await pilot.press("ctrl+a")
        assert "5 selected" in header(app)
        await pilot.press("escape")
        assert "selected" not in header(app)
        await pilot.press("slash", *"passport", "enter")
        await pilot.pause(0.2)
        await settle(pilot)
        await pilot.press("ctrl+a", "d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert [t.title for t in ui_services.tasks.page(demo_user, limit=50).tasks if "passport" in t.title] == []
        assert ui_services.tasks.count(demo_user) == 4  # only what the search showed went


async def test_the_bulk_edit_dialog_changes_every_selected_task(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        pair = ("Book dentist appointment", "Buy milk")
        state = lambda: {t.title: (t.tags, t.project) for t in ui_services.tasks.page(demo_user, limit=50).tasks if t.title in pair}  # noqa: E731
        before = state()
        await select(pilot, "Book dentist appointment")
        await pilot.press("v", "v", "e")
        assert isinstance(app.screen, BulkEditScreen)
        app.screen.query_one("#add_tags").value = "errand"
        app.screen.query_one("#project").value = "-"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert all("errand" in tags and project is None for tags, project in state().values()) and len(state()) == 2
        await pilot.press("u")
        await settle(pilot)
        assert state() == before
        assert any(m.startswith("Undone: ") for m in messages(app)), messages(app)


async def test_the_dialog_refuses_an_empty_edit_in_one_line(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await pilot.press("v", "e")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, BulkEditScreen)
        assert "Nothing to change" in str(app.screen.query_one("#bulk-error").render())
        await pilot.press("escape")
        assert not isinstance(app.screen, BulkEditScreen)


async def test_undo_of_a_change_an_unlogged_writer_touched_since_says_why_and_changes_nothing(
    ui_settings, ui_services, demo_user, fixed_clock
):
    """The log is per user, so every change made through tui-tasks is in it, newest last; what it cannot
    know is a write that bypassed it (a client of an older version on a team server). Undo compares the
    fields the step changed: the writer marked the task pending again, so undoing "done" would overwrite
    that; it refuses (a field the step did not touch, such as priority, would not stop it)."""
    from sqlalchemy import text

    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await select(pilot, "Buy milk")
        await pilot.press("space")
        await settle(pilot)
        milk = next(t for t in ui_services.tasks.page(demo_user, TaskQuery(filter="all"), limit=50).tasks if t.title == "Buy milk")
        with ui_services.db.engine.begin() as conn:
            conn.execute(text("UPDATE task SET completed = false, completed_at = NULL, priority = 3,"
                              " title = 'Buy oat milk', version = version + 1 WHERE id = :id"), {"id": milk.id})
        await pilot.press("u")
        await settle(pilot)
        now = ui_services.tasks.get(demo_user, milk.id)
        assert (now.completed, now.priority, now.title) == (False, Priority.HIGH, "Buy oat milk")  # nothing overwritten
        assert any("changed after" in m for m in messages(app)), messages(app)


async def test_the_detail_pane_shows_the_tasks_history_from_the_log(ui_settings, ui_services, demo_user, fixed_clock):
    from tui_tasks.ui.widgets.detail_pane import LOAD_DELAY_S, DetailPane

    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await select(pilot, "Buy milk")
        await pilot.press("space")
        await settle(pilot)
        await pilot.press("i")
        await pilot.pause(LOAD_DELAY_S + 0.1)
        await settle(pilot)
        pane = app.screen.query_one(DetailPane)
        assert len(pane.history) == 2, pane.history  # made (by the demo), then done
        text = pane.describe().plain
        assert "History" in text and pane.history[0] in text and "done" in pane.history[0].lower(), text


async def test_the_undo_offer_goes_once_the_undo_is_done(ui_settings, ui_services, demo_user, fixed_clock):
    """One notice replaces the one it supersedes: after u, "press u to undo" is no longer on screen."""
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await select(pilot, "Buy milk")
        await pilot.press("d", "y")
        await settle(pilot)
        assert any("press u to undo" in m for m in messages(app))
        await pilot.press("u")
        await settle(pilot)
        await pilot.pause()
        shown = messages(app)
        assert not any("press u to undo" in m for m in shown) and any(m.startswith("Undone: ") for m in shown), shown
