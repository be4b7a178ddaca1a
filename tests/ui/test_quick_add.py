"""Quick add: `a` opens one line under the list; what is typed is highlighted and previewed, enter saves."""

from __future__ import annotations

import time
from datetime import timedelta

from tests.ui.conftest import TODAY, log_in, make_app, settle
from tests.ui.test_typeahead import burst
from tui_tasks.domain import Priority, Recurrence, TaskDraft
from tui_tasks.ui.screens.task_form import TaskFormScreen
from tui_tasks.ui.screens.task_list import TaskListScreen
from tui_tasks.ui.widgets.quick_add import QuickAddBar
from tui_tasks.ui.widgets.task_table import TaskTable


def preview(app) -> str:
    return str(app.screen.query_one("#quick-preview").render())


async def test_the_example_line_is_highlighted_previewed_and_saved(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await pilot.press("a")
        bar = app.screen.query_one(QuickAddBar)
        assert bar.is_open and app.focused is bar.line
        bar.line.value = "Water plants every 3 days due:today #home !high"
        await pilot.pause()
        assert preview(app) == "→ “Water plants” · due today · every 3 days · #home · !high"
        drawn = bar.line.highlighter(bar.line.value)
        styled = {drawn.plain[span.start : span.end] for span in drawn.spans}
        assert styled == {"every 3 days", "due:today", "#home", "!high"}
        await pilot.press("enter")
        await settle(pilot)
        assert not bar.is_open and app.focused is app.screen.query_one(TaskTable)
        [task] = ui_services.tasks.page(demo_user).tasks
        assert (task.title, task.tags, task.priority, task.due) == ("Water plants", ("home",), Priority.HIGH, TODAY)
        assert task.recurrence == Recurrence("FREQ=DAILY;INTERVAL=3")
        assert app.screen.query_one(TaskTable).current_task().id == task.id


async def test_keys_typed_right_after_a_land_in_the_line(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot)
        burst(app, "a", "Buy milk tomorrow", "enter", "a", "Call mum #family", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TaskListScreen) and not app.screen.query_one(QuickAddBar).is_open
    saved = {t.title: t for t in ui_services.tasks.page(demo_user).tasks}
    assert set(saved) == {"Buy milk", "Call mum"}
    assert saved["Buy milk"].due == TODAY + timedelta(days=1) and saved["Call mum"].tags == ("family",)


async def test_pressed_one_key_at_a_time_too(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await pilot.press("a", *"Buy milk", "enter")
        await settle(pilot)
    assert [t.title for t in ui_services.tasks.page(demo_user).tasks] == ["Buy milk"]


async def test_a_line_that_is_no_task_shows_why_and_enter_keeps_it_open(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot)
        await pilot.press("a", *"#home !high")
        bar = app.screen.query_one(QuickAddBar)
        assert bar.has_class("-error") and "needs a title" in preview(app)
        await pilot.press("enter")
        await settle(pilot)
        assert bar.is_open and ui_services.tasks.count(demo_user) == 0
        assert "\n" not in preview(app)  # one line


async def test_a_save_the_services_refuse_reopens_the_line_with_the_reason(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await log_in(pilot)
        await pilot.press("a", *"Sub task parent:999", "enter")
        await settle(pilot)
        bar = app.screen.query_one(QuickAddBar)
        assert bar.is_open and bar.line.value == "Sub task parent:999"
        assert preview(app).startswith("Not added: ") and bar.has_class("-error")
        assert ui_services.tasks.count(demo_user) == 0 and not app._notifications  # said once, in place


async def test_escape_closes_and_keeps_the_line_and_tab_carries_it_to_the_full_form(
    ui_settings, ui_services, demo_user, fixed_clock
):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot)
        await pilot.press("a", *"Idea #x", "escape")
        bar = app.screen.query_one(QuickAddBar)
        assert not bar.is_open and app.focused is app.screen.query_one(TaskTable)
        await pilot.press("a")
        assert bar.is_open and bar.line.value == "Idea #x"
        await pilot.press("tab")
        await settle(pilot)
        assert isinstance(app.screen, TaskFormScreen)
        assert app.screen.query_one("#title").value == "Idea"
        assert "x" in app.screen.query_one("#tags").value  # the whole draft is carried, not the title alone
        await pilot.press("escape", "y")
        await settle(pilot)
        assert not bar.is_open and bar.line.value == ""


async def test_shift_a_opens_the_full_form(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot)
        await pilot.press("A")
        assert isinstance(app.screen, TaskFormScreen)
        assert app.screen.query_one("#title").value == ""


def slow_saves(services, monkeypatch, seconds: float = 0.2) -> None:
    """A database that takes a moment to save (the race is then lost every time, not now and then)."""
    create = services.tasks.create

    def slow(*args, **kwargs):
        time.sleep(seconds)
        return create(*args, **kwargs)

    monkeypatch.setattr(services.tasks, "create", slow)


async def test_space_typed_with_the_enter_completes_the_new_task_not_the_row_before(
    ui_settings, ui_services, demo_user, fixed_clock, monkeypatch
):
    """The line closes at once and the task is saved behind it: the keys typed after the Enter wait until
    the list shows the new task with the cursor on it (a fast typist or autotype sends them together)."""
    older = ui_services.tasks.create(demo_user, TaskDraft("Older task"))
    slow_saves(ui_services, monkeypatch)
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot)
        for title in ("Buy milk", "Call mum"):
            burst(app, "a", title, "enter", " ")
            await settle(pilot)
    done = {t.title: t.completed for t in ui_services.tasks.page(demo_user).tasks}
    assert done == {"Older task": False, "Buy milk": True, "Call mum": True}
    assert ui_services.tasks.get(demo_user, older.id).version == older.version


async def test_enter_typed_with_the_enter_edits_the_new_task_not_the_row_before(
    ui_settings, ui_services, demo_user, fixed_clock, monkeypatch
):
    ui_services.tasks.create(demo_user, TaskDraft("Older task"))
    slow_saves(ui_services, monkeypatch)
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot)
        burst(app, "a", "Buy milk", "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TaskFormScreen)
        assert app.screen.query_one("#title").value == "Buy milk"
