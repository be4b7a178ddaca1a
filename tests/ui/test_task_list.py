"""The task list: add, edit, toggle, delete, undo, search, filter, sort, palette, help, health, idle lock."""

from __future__ import annotations

import os
from contextlib import asynccontextmanager

import pytest

from tests.ui.conftest import TODAY, add_demo_tasks, log_in, make_app, settle
from tui_tasks.domain import Priority, SortField, TaskDraft, TaskFilter, TaskQuery
from tui_tasks.ui.screens.confirm import ConfirmScreen
from tui_tasks.ui.screens.help import HelpScreen
from tui_tasks.ui.screens.login import LoginScreen
from tui_tasks.ui.screens.task_form import TaskFormScreen
from tui_tasks.ui.screens.task_list import TaskListScreen
from tui_tasks.ui.screens.unlock import UnlockScreen
from tui_tasks.ui.widgets.filter_bar import FilterBar
from tui_tasks.ui.widgets.status_bar import StatusBar
from tui_tasks.ui.widgets.task_table import TaskTable


@asynccontextmanager
async def task_list(ui_settings, ui_services, demo_user, clock, *, demo: bool = True, **app_kwargs):
    if demo:
        add_demo_tasks(ui_services, demo_user, clock)
    app = make_app(ui_settings, ui_services, clock, **app_kwargs)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await log_in(pilot)
        yield app, pilot


def titles(app) -> list[str]:
    table = app.screen.query_one(TaskTable)
    return [table.tasks[int(key.value)].title for key in table.rows]


def header(app) -> str:
    return str(app.screen.query_one("#list-header").render())


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


async def select(pilot, title: str) -> None:
    table = pilot.app.screen.query_one(TaskTable)
    row = titles(pilot.app).index(title)
    table.move_cursor(row=row)
    await pilot.pause()


async def test_list_shows_the_users_tasks_newest_first_with_counts(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        assert titles(app) == [
            "Renew passport", "Read “Dune”", "Book dentist appointment", "Buy milk", "Write the quarterly report",
        ]  # fmt: skip
        assert header(app) == "Ada Lovelace  ·  4 pending · 1 done · 1 overdue · 1 due today"


async def test_adding_a_task_with_the_form_saves_it_and_selects_it(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        await pilot.press("A")  # a is quick add (tests/ui/test_quick_add.py); A the full form
        assert isinstance(app.screen, TaskFormScreen)
        form = app.screen
        form.query_one("#title").value = "Water the plants"
        form.query_one("#due").value = "tomorrow"
        form.query_one("#project").value = "home"
        form.query_one("#tags").value = "green, weekly"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TaskListScreen)
        assert titles(app) == ["Water the plants"]
        task = ui_services.tasks.page(demo_user).tasks[0]
        assert (task.title, task.project, task.tags) == ("Water the plants", "home", ("green", "weekly"))
        assert task.due == TODAY.fromordinal(TODAY.toordinal() + 1)
        assert app.screen.query_one(TaskTable).current_task().id == task.id
        assert "1 pending" in header(app)


async def test_invalid_input_keeps_the_form_open_with_everything_typed(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        await pilot.press("A")
        form = app.screen
        form.query_one("#title").value = "x" * 201
        form.query_one("#tags").value = "ok, not valid!"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "at most 200 characters" in str(form.query_one("#title-error").render())
        assert form.query_one("#title").value == "x" * 201
        assert form.query_one("#tags").value == "ok, not valid!"
        form.query_one("#title").value = "Fixed title"
        form.query_one("#due").value = "someday"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert str(form.query_one("#due-error").render())  # the form's own wording (tests/ui/test_task_form*)
        assert ui_services.tasks.count(demo_user) == 0


async def test_editing_changes_the_row_and_the_database(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await select(pilot, "Buy milk")
        await pilot.press("e")
        form = app.screen
        assert form.query_one("#title").value == "Buy milk"
        form.query_one("#title").value = "Buy oat milk"
        form.query_one("#priority").value = Priority.HIGH
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Buy oat milk" in titles(app)
        stored = [t for t in ui_services.tasks.page(demo_user).tasks if t.title == "Buy oat milk"][0]
        assert stored.priority is Priority.HIGH and stored.version == 2


async def test_escape_on_a_changed_form_asks_before_discarding(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        await pilot.press("A")
        app.screen.query_one("#title").value = "Half typed"
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert isinstance(app.screen, TaskFormScreen)
        assert app.screen.query_one("#title").value == "Half typed"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, TaskListScreen)
        assert ui_services.tasks.count(demo_user) == 0


async def test_toggle_updates_the_row_the_counts_and_the_database(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await select(pilot, "Buy milk")
        await pilot.press("space")
        await settle(pilot)
        table = app.screen.query_one(TaskTable)
        assert table.current_task().title == "Buy milk" and table.current_task().completed
        assert str(table.get_cell(str(table.current_task().id), "done")) == "✓"
        assert header(app) == "Ada Lovelace  ·  3 pending · 2 done · 1 overdue"
        drawn = lambda row: table.render_line(row + 1).text  # noqa: E731  (below the header row)
        assert drawn(table.cursor_row).startswith(" ✓  Buy milk")  # the row is drawn anew, not only stored
        assert all("✓" not in drawn(row) for row in range(table.row_count) if titles(app)[row] != "Book dentist appointment" and row != table.cursor_row)
        stored = ui_services.tasks.get(demo_user, table.current_task().id)
        assert stored.completed and stored.completed_at == fixed_clock.now
        await pilot.press("space", "space")  # two more toggles, applied in order: pending, then done
        await settle(pilot)
        assert ui_services.tasks.get(demo_user, stored.id).completed


@pytest.mark.parametrize("task_filter", [TaskFilter.ALL, TaskFilter.PENDING, TaskFilter.OVERDUE, TaskFilter.TODAY])
async def test_counts_after_toggles_equal_a_fresh_count(ui_settings, ui_services, demo_user, fixed_clock, task_filter):
    """A toggle works the counts out from the change, without counting: they must equal what SQL counts."""
    from tui_tasks.ui.widgets.filter_bar import FilterBar

    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        while app.screen.query_options.filter is not task_filter:
            await pilot.press("f")
            await settle(pilot)
        for title in titles(app) * 2:  # every task listed, done and undone
            await select(pilot, title)
            await pilot.press("space")
            await settle(pilot)
            c = ui_services.stats.counts(demo_user)
            expected = f"Ada Lovelace  ·  {c.pending} pending · {c.done} done"
            expected += f" · {c.overdue} overdue" * bool(c.overdue) + f" · {c.due_today} due today" * bool(c.due_today)
            assert header(app) == expected, title
            assert app.screen.query_one(FilterBar).matching == ui_services.tasks.count(demo_user, app.screen.query_options)


async def test_delete_asks_first_and_undo_brings_the_task_back(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await select(pilot, "Renew passport")
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert "Renew passport" in titles(app)
        await pilot.press("d", "y")
        await settle(pilot)
        assert "Renew passport" not in titles(app)
        assert ui_services.tasks.count(demo_user) == 4
        assert any("press u to undo" in m for m in messages(app))
        await pilot.press("u")
        await settle(pilot)
        assert "Renew passport" in titles(app)
        restored = ui_services.tasks.page(demo_user).tasks[0]
        assert (restored.title, restored.tags, restored.priority) == ("Renew passport", ("travel",), Priority.HIGH)
        # Every change is a step of the user's log, the demo tasks' creation too: undo goes on back to it.
        await pilot.press("u")
        await settle(pilot)
        assert "Renew passport" not in titles(app) and ui_services.tasks.count(demo_user) == 4
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "Renew passport" in titles(app)


async def test_search_filters_as_you_type_and_escape_clears(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await pilot.press("slash", *"#trav")
        await pilot.pause(0.3)
        await settle(pilot)
        assert titles(app) == ["Renew passport"]
        await pilot.press("escape")
        await pilot.pause(0.3)
        await settle(pilot)
        assert len(titles(app)) == 5
        assert app.focused is app.screen.query_one(TaskTable)


@pytest.fixture
def page_calls(ui_services, monkeypatch):
    """The searches the list asks the services for, and a debounce long enough to look in between."""
    from tui_tasks.ui.screens import task_list as task_list_module

    monkeypatch.setattr(task_list_module, "SEARCH_DELAY_S", 0.5)
    calls: list[str] = []
    page = ui_services.tasks.page
    monkeypatch.setattr(ui_services.tasks, "page", lambda user, query=TaskQuery(), *a, **k: calls.append(query.search) or page(user, query, *a, **k))
    return calls


async def test_typing_on_narrows_a_list_held_whole_at_once_and_the_query_confirms(
    ui_settings, ui_services, demo_user, fixed_clock, page_calls, monkeypatch
):
    from tui_tasks.ui.screens import task_list as screen_module
    from tui_tasks.ui.screens.list_paging import READ_AHEAD_S

    # A debounce longer than a key's handling on a loaded machine (CI ran a query before the assert once)
    monkeypatch.setattr(screen_module, "SEARCH_DELAY_S", 0.4)
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        with_b = [t.title for t in ui_services.tasks.page(demo_user, TaskQuery(search="b")).tasks]  # (a tag #books)
        assert with_b == ["Read “Dune”", "Book dentist appointment", "Buy milk"]
        await pilot.pause(READ_AHEAD_S + 0.1)  # the pages kept for `f` and End are read first
        await settle(pilot)
        page_calls.clear()
        await pilot.press("slash", "b")
        assert titles(app) == with_b and page_calls == []  # no query yet
        assert app.screen.query_one(FilterBar).matching == 3
        await pilot.press("u")
        assert titles(app) == ["Buy milk"] and page_calls == []
        await pilot.press("q")
        assert titles(app) == [] and app.screen.query_one("#empty").display  # "No tasks match"
        assert "No tasks match" in str(app.screen.query_one("#empty").render())
        await pilot.pause(0.6)
        await settle(pilot)
        assert page_calls == ["buq"] and titles(app) == []  # one query, for what was typed last
        await pilot.press("backspace")  # wider: the rows held cannot answer it, the query does
        assert titles(app) == [] and page_calls == ["buq"]
        await pilot.pause(0.6)
        await settle(pilot)
        assert titles(app) == ["Buy milk"] and page_calls == ["buq", "bu"]


async def test_a_poll_or_counts_during_narrowing_keep_the_narrowed_rows(
    ui_settings, ui_services, demo_user, fixed_clock, page_calls
):
    """The search box runs ahead of the query: a re-read of the window (the change poll) and the
    counts read what the rows held answer, not the wider search still in the query."""
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        screen = app.screen
        await pilot.press("slash", "b", "u")
        assert titles(app) == ["Buy milk"]
        screen.reload_window()  # what the poll does when another window changed something
        await settle(pilot)
        assert titles(app) == ["Buy milk"] and screen.query_one(FilterBar).matching == 1
        await pilot.pause(0.6)
        await settle(pilot)
        assert titles(app) == ["Buy milk"] and page_calls[-1] == "bu"


async def test_a_list_not_held_whole_waits_for_the_query(ui_settings, ui_services, demo_user, fixed_clock, page_calls):
    from tui_tasks.ui.screens.list_paging import PAGE_SIZE, READ_AHEAD_S

    for n in range(PAGE_SIZE + 5):
        ui_services.tasks.create(demo_user, TaskDraft(f"Task {n:03}"))
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        await pilot.pause(READ_AHEAD_S + 0.1)  # the pages kept for End and `f` are read
        await settle(pilot)
        page_calls.clear()
        shown = titles(app)
        await pilot.press("slash", "0", "4")  # Task 004, 040-049 and 104 are not all held
        assert titles(app) == shown and page_calls == []
        await pilot.pause(0.6)
        await settle(pilot)
        assert titles(app) == [f"Task {n:03}" for n in (104, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 4)]
        await pilot.press("2")  # now the list is held whole: this key narrows it at once
        assert titles(app) == ["Task 042"] and page_calls == ["04"]


async def test_filter_cycles_through_all_pending_done_overdue_today_waiting(ui_settings, ui_services, demo_user, fixed_clock):
    from datetime import timedelta

    from tests.ui.conftest import NOW

    ui_services.tasks.create(demo_user, TaskDraft("Call the bank back", wait=NOW + timedelta(days=2)))
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        assert "Call the bank back" not in titles(app)  # waiting: hidden from the default list
        seen = {}
        for _ in range(6):
            await pilot.press("f")
            await settle(pilot)
            seen[app.screen.query_options.filter] = titles(app)
        assert seen[TaskFilter.PENDING] == ["Renew passport", "Read “Dune”", "Buy milk", "Write the quarterly report"]
        assert seen[TaskFilter.DONE] == ["Book dentist appointment"]
        assert seen[TaskFilter.OVERDUE] == ["Write the quarterly report"]
        assert seen[TaskFilter.TODAY] == ["Buy milk"]
        assert seen[TaskFilter.WAITING] == ["Call the bank back"]
        assert app.screen.query_options.filter is TaskFilter.ALL


async def test_sort_dialog_orders_by_the_chosen_field(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await pilot.press("s")
        options = app.screen.query_one("OptionList")
        options.highlighted = [o.id for o in options.options].index("title:0")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_options == TaskQuery(sort=SortField.TITLE, descending=False)
        assert titles(app) == sorted(titles(app))


async def test_palette_runs_the_screens_actions(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await pilot.press("ctrl+p", *"add with form")
        await pilot.pause(0.4)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TaskFormScreen)


async def test_help_lists_the_real_bindings(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = dict(app.screen.rows)
        for binding in TaskListScreen.BINDINGS:
            assert binding.description in rows.values(), binding
        await pilot.press("escape")
        assert isinstance(app.screen, TaskListScreen)


async def test_status_bar_goes_down_when_the_file_goes_and_recovers(ui_settings, ui_services, demo_user, fixed_clock):
    path = ui_settings.db.path
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        bar = app.screen.query_one(StatusBar)
        app.check_health()
        await settle(pilot)
        assert bar.has_class("-ok")
        os.rename(path, path.with_name("moved.db"))
        try:
            app.check_health()
            await settle(pilot)
            assert bar.has_class("-down")
            assert "is missing" in str(bar.query_one("#status-health").render())
            await select(pilot, "Buy milk")
            await pilot.press("space")
            await settle(pilot)
            assert any(m.startswith("Not saved:") for m in messages(app))
            assert not app.screen.query_one(TaskTable).current_task().completed
        finally:
            os.rename(path.with_name("moved.db"), path)
        app.check_health()
        await settle(pilot)
        assert bar.has_class("-ok")
        await pilot.press("space")
        await settle(pilot)
        assert app.screen.query_one(TaskTable).current_task().completed


async def test_a_read_only_database_file_turns_the_bar_down(ui_settings, ui_services, demo_user, fixed_clock):
    path = ui_settings.db.path
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        bar = app.screen.query_one(StatusBar)
        path.chmod(0o400)
        try:
            app.check_health()
            await settle(pilot)
            assert bar.has_class("-down")
            assert "read-only" in str(bar.query_one("#status-health").render())
        finally:
            path.chmod(0o600)
        app.check_health()
        await settle(pilot)
        assert bar.has_class("-ok")


async def test_idle_lock_asks_for_the_password_and_keeps_the_screen(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await pilot.press("f")
        await settle(pilot)
        app.lock()
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        await pilot.press(*"wrong-password", "enter")
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen)
        assert str(app.screen.query_one("#unlock-error").render()) == "Wrong password"
        app.screen.query_one("#unlock-password").value = "demo-password"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TaskListScreen)
        assert app.screen.query_options.filter is TaskFilter.PENDING


async def test_idle_time_triggers_the_lock(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        app._last_input -= 61 * 60  # an hour and a minute ago (idle_lock_minutes defaults to 60)
        app._check_idle()
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and app.user is None


async def test_enter_and_a_click_on_the_selected_row_open_the_task(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await select(pilot, "Buy milk")
        await pilot.press("enter")
        assert isinstance(app.screen, TaskFormScreen)
        assert len(app.screen_stack) == 3  # one form, not one per handler
        assert app.screen.query_one("#title").value == "Buy milk"
        await pilot.press("escape")
        await pilot.pause()
        table = app.screen.query_one(TaskTable)
        row = titles(app).index("Read “Dune”")
        await pilot.click(TaskTable, offset=(10, row + 1))
        await pilot.click(TaskTable, offset=(10, row + 1))
        await pilot.pause()
        assert isinstance(app.screen, TaskFormScreen)
        assert app.screen.query_one("#title").value == "Read “Dune”"
        assert table.current_task().title == "Read “Dune”"


async def test_the_list_fetches_pages_as_the_cursor_nears_the_end(ui_settings, ui_services, demo_user, fixed_clock):
    from tui_tasks.domain import TaskDraft
    from tui_tasks.ui.screens.list_paging import PAGE_SIZE

    for n in range(PAGE_SIZE * 2 + 30):
        ui_services.tasks.create(demo_user, TaskDraft(f"task {n:03}"))
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        table = app.screen.query_one(TaskTable)
        assert table.row_count == PAGE_SIZE  # only the first page is held
        for _ in range(20):
            await pilot.press("pagedown")
            await settle(pilot)
        assert table.row_count == PAGE_SIZE * 2 + 30
        assert titles(app) == [f"task {n:03}" for n in reversed(range(PAGE_SIZE * 2 + 30))]


async def test_end_shows_the_last_page_directly_and_the_list_pages_back_from_there(
    ui_settings, ui_services, demo_user, fixed_clock
):
    from tui_tasks.domain import TaskDraft
    from tui_tasks.ui.screens.list_paging import PAGE_SIZE

    total = PAGE_SIZE * 3 + 30
    for n in range(total):
        ui_services.tasks.create(demo_user, TaskDraft(f"task {n:03}"))
    everything = [f"task {n:03}" for n in reversed(range(total))]  # newest first
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        table = app.screen.query_one(TaskTable)
        await pilot.press("end")
        await settle(pilot)
        assert titles(app) == everything[-PAGE_SIZE:]  # the last page, nothing between
        assert table.current_task().title == "task 000" and table.cursor_row == PAGE_SIZE - 1
        await pilot.press("end")  # already at the end: stays
        await settle(pilot)
        assert table.current_task().title == "task 000" and table.row_count == PAGE_SIZE
        held = PAGE_SIZE
        for _ in range(3):  # up through the list: earlier pages go in above, one at a time, the cursor stays put
            before, row = table.current_task(), table.cursor_row
            step = min(row, table.scrollable_content_region.height - table.header_height)  # a page, or to the top
            await pilot.press("pageup")
            await settle(pilot)
            assert table.row_count in (held, held + PAGE_SIZE)  # a page when near the top, never a cascade
            held = table.row_count
            assert titles(app) == everything[-held:]
            assert table.current_task().title == everything[everything.index(before.title) - step]
        for _ in range(20):
            await pilot.press("pageup")
            await settle(pilot)
        assert titles(app) == everything and table.current_task().title == everything[0]
        await pilot.press("end", "home")  # the whole list is held: both keys move within it
        await settle(pilot)
        assert table.current_task().title == everything[0] and table.row_count == total


async def test_home_after_end_goes_back_to_the_first_page(ui_settings, ui_services, demo_user, fixed_clock):
    from tui_tasks.domain import TaskDraft
    from tui_tasks.ui.screens.list_paging import PAGE_SIZE

    for n in range(PAGE_SIZE * 3):
        ui_services.tasks.create(demo_user, TaskDraft(f"task {n:03}"))
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        table = app.screen.query_one(TaskTable)
        await pilot.press("G")
        await settle(pilot)
        assert table.current_task().title == "task 000"
        await pilot.press("g")
        await settle(pilot)
        assert table.row_count == PAGE_SIZE and table.cursor_row == 0
        assert table.current_task().title == f"task {PAGE_SIZE * 3 - 1:03}"


async def test_enter_in_search_goes_to_the_results_and_escape_there_clears(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await pilot.press("slash", *"milk")
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter")
        assert app.focused is app.screen.query_one(TaskTable)
        assert titles(app) == ["Buy milk"] and app.screen.query_one("#search").value == "milk"
        await pilot.press("escape")
        await pilot.pause(0.3)
        await settle(pilot)
        assert len(titles(app)) == 5 and app.screen.query_one("#search").value == ""


async def test_the_filter_and_order_are_kept_for_the_next_start(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await pilot.press("f")
        await settle(pilot)
    again = make_app(ui_settings, ui_services, fixed_clock)
    async with again.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        assert again.screen.query_options == TaskQuery(filter=TaskFilter.PENDING)
        assert "Book dentist appointment" not in titles(again)
