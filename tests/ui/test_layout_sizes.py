"""The list at every terminal size: the columns shown and their widths follow the width and what the rows
hold; selected rows are marked and only changed rows are drawn again; the detail pane's history."""

from __future__ import annotations

from tests.ui.conftest import settle
from tests.ui.test_subtasks_ui import listed, select
from tui_tasks.domain import TaskDraft
from tui_tasks.ui.columns import plan_columns
from tui_tasks.ui.widgets.detail_pane import DetailPane
from tui_tasks.ui.widgets.task_table import SELECTED_MARK, TaskTable


def columns(app) -> dict[str, int]:
    table = app.screen.query_one(TaskTable)
    return {str(key.value): column.width for key, column in table.columns.items()}


def fits(table: TaskTable) -> bool:
    """No horizontal scrolling: every column's cells inside the table's width."""
    return table.virtual_size.width <= table.scrollable_content_region.width


async def test_columns_drop_in_order_as_the_terminal_narrows_and_come_back(ui_settings, ui_services, demo_user, fixed_clock):
    ui_services.tasks.create(demo_user, TaskDraft("Write the quarterly report for the board", project="garden", tags=("home", "outdoor", "weekend")))
    async with listed(ui_settings, ui_services, demo_user, fixed_clock, size=(200, 30)) as (app, pilot, _made):
        table = app.screen.query_one(TaskTable)
        seen, steps, last = [], [], None
        for width in range(200, 39, -1):  # the widths where the plan changes, then back to 120
            plan = [key for key, *_ in plan_columns(width - 2, table.needs)]  # the table: the width less its scrollbar
            if plan != last:
                steps.append(width)
                last = plan
        for width in (*steps, 40, 120):
            await pilot.resize_terminal(width, 30)
            await settle(pilot)
            shown = list(columns(app))
            if not seen or seen[-1] != shown:
                seen.append(shown)
            assert fits(table), f"horizontal scrolling at {width}"
            assert columns(app)["title"] >= min(24, table.needs["title"])  # the longest title whole, or 24
        assert seen == [
            ["done", "title", "priority", "due", "project", "tags"],
            ["done", "title", "priority", "due", "tags"],
            ["done", "title", "priority", "due"],
            ["done", "title", "due"],
            ["done", "title", "priority", "due", "project", "tags"],
        ]
        assert str(table.get_cell(str(table.current_task().id), "title"))  # rows redrawn in the new columns


async def test_tags_are_not_cut_while_room_is_left(ui_settings, ui_services, demo_user, fixed_clock):
    tags = tuple(f"tag{n:02}" for n in range(9))  # 53 characters as "#tag00 #tag01 …"
    ui_services.tasks.create(demo_user, TaskDraft("Many tags", tags=tags))
    async with listed(ui_settings, ui_services, demo_user, fixed_clock, size=(200, 30)) as (app, pilot, _made):
        assert columns(app)["tags"] == len(" ".join(f"#{t}" for t in tags))
        assert columns(app)["title"] > 50


async def test_a_page_bringing_a_longer_cell_widens_its_column(ui_settings, ui_services, demo_user, fixed_clock):
    async with listed(ui_settings, ui_services, demo_user, fixed_clock, size=(160, 30)) as (app, pilot, _made):
        table = app.screen.query_one(TaskTable)
        assert "project" not in columns(app)
        task = ui_services.tasks.create(demo_user, TaskDraft("Later", project="a-rather-long-project"))
        table.show_page((task,), reset=False, now=fixed_clock())
        await settle(pilot)
        assert columns(app)["project"] == len("a-rather-long-project") and fits(table)


async def test_selected_rows_are_marked_and_only_changed_rows_are_drawn_again(ui_settings, ui_services, demo_user, fixed_clock):
    async with listed(ui_settings, ui_services, demo_user, fixed_clock, size=(120, 30)) as (app, pilot, made):
        table = app.screen.query_one(TaskTable)
        redrawn = []
        original = table._redraw
        table._redraw = lambda task, cells=None: (redrawn.append(task.id), original(task, cells))
        table.set_selected({made["Hotel"], made["Pack"], 10**9})  # an id not held is kept, not drawn
        await settle(pilot)
        assert sorted(redrawn) == sorted([made["Hotel"], made["Pack"]])
        assert str(table.get_cell(str(made["Hotel"]), "done")) == SELECTED_MARK
        redrawn.clear()
        table.set_selected({made["Hotel"], made["Camera"]})
        await settle(pilot)
        assert sorted(redrawn) == sorted([made["Pack"], made["Camera"]])
        assert str(table.get_cell(str(made["Pack"]), "done")) == "·"
        table.set_selected(range(1, 200_000))  # every task of a big list: only rows held are walked
        await settle(pilot)
        assert all(str(table.get_cell(key, "done")) == SELECTED_MARK for key in table.rows)
        table.set_selected(())
        await settle(pilot)
        assert str(table.get_cell(str(made["Flights"]), "done")) == "✓"


async def test_history_shows_for_its_task_and_goes_with_another(ui_settings, ui_services, demo_user, fixed_clock):
    async with listed(ui_settings, ui_services, demo_user, fixed_clock, size=(120, 40)) as (app, pilot, made):
        await select(pilot, made["Trip"])
        await pilot.press("i")
        await settle(pilot)
        pane = app.screen.query_one(DetailPane)
        await pilot.pause(0.2)  # the pane reads the task's notes and history once the cursor rests
        await settle(pilot)
        assert "History\n  created" in str(pane.describe())  # from the operation log
        pane.show_history([])
        assert "History" not in str(pane.describe())  # empty: no section
        pane.show_history(["priority medium → high · 2 h ago", "[b]title[/b] set · 3 d ago"])
        text = str(pane.describe())
        assert "History\n  priority medium → high · 2 h ago\n  [b]title[/b] set · 3 d ago" in text  # never markup
        pane.show(app.screen.query_one(TaskTable).current_task())  # the same task again: kept
        assert "History" in str(pane.describe())
        await pilot.press("j")
        assert pane.history == []  # another task: cleared at once (its own history follows from the log)
