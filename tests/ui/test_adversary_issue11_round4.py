"""Adversary, issue 11, round 4: drawing kept by the task table and pages/counts kept by the list."""

from __future__ import annotations


from tests.ui.conftest import settle
from tests.ui.test_table_drawing import painted
from tests.ui.test_task_list import task_list
from tui_tasks.domain import Priority, TaskDraft
from tui_tasks.ui.widgets.task_table import TaskTable


def marks(table: TaskTable, text: str) -> set[str]:
    """The foreground colours `text` is painted in, on the lines the table paints now."""
    return {
        segment.style.color.get_truecolor().hex.lower()
        for line in painted(table)
        for segment in line
        if segment.text.strip() == text and segment.style and segment.style.color
    }


async def test_done_marks_and_high_priorities_follow_a_theme_changed_in_the_app(ui_settings, ui_services, demo_user, fixed_clock):
    done = ui_services.tasks.create(demo_user, TaskDraft("finished"))
    ui_services.tasks.toggle(demo_user, done.id, done.version)
    ui_services.tasks.create(demo_user, TaskDraft("urgent", priority=Priority.HIGH))
    ui_services.tasks.create(demo_user, TaskDraft("plain"))  # the newest: the cursor's row, in the cursor's colours
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        table = app.screen.query_one(TaskTable)
        await settle(pilot)
        assert app.theme == "textual-dark"
        assert marks(table, "✓") == {app.theme_variables["text-success"].lower()}
        app.theme = "nord"  # what the command palette's Change theme does
        await settle(pilot)
        await pilot.pause(0.2)
        success, error = app.theme_variables["text-success"].lower(), app.theme_variables["text-error"].lower()
        assert success != "#8ad4a1"  # nord's is not textual-dark's
        assert marks(table, "✓") == {success}  # a fresh start with theme nord paints this
        assert error in marks(table, "high")
