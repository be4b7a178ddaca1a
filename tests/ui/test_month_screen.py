"""The month screen, opened over the task list (as the list's key will open it)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.ui.conftest import TODAY, add_demo_tasks, log_in, make_app, settle
from tui_tasks.domain import TaskDraft
from tui_tasks.ui.screens.month import MonthScreen
from tui_tasks.ui.screens.task_list import TaskListScreen
from tui_tasks.ui.widgets.agenda_list import AgendaList
from tui_tasks.ui.widgets.month_grid import MonthGrid


def grid_text(screen) -> str:
    return str(screen.query_one(MonthGrid).render())


def listed(screen) -> list[str]:
    return [str(option.prompt).strip() for option in screen.query_one(AgendaList).options]


def label(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def open_month(pilot, results: list) -> MonthScreen:
    pilot.app.push_screen(MonthScreen(), results.append)
    await settle(pilot)
    assert isinstance(pilot.app.screen, MonthScreen)
    return pilot.app.screen


async def settle_until(pilot, done, tries: int = 30) -> None:
    """Wait for workers and messages until `done()`: a poll starts reads whose answers start others,
    more rounds than `settle` waits for on a busy machine."""
    for _ in range(tries):
        if done():
            return
        await settle(pilot)
    assert done()


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def test_the_month_shows_counts_per_day_and_moves_by_keys(ui_settings, ui_services, demo_user, fixed_clock):
    add_demo_tasks(ui_services, demo_user, fixed_clock)  # TODAY is Tue 10 Mar 2026
    ui_services.tasks.create(demo_user, TaskDraft("Also today", due=TODAY))
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        screen = await open_month(pilot, [])
        state = screen.state
        assert state.selected == TODAY and state.counts == {TODAY - timedelta(days=2): 1, TODAY: 2}
        assert "March 2026" in label(screen, "#month-title") and label(screen, "#month-total") == "3 tasks due"
        lines = grid_text(screen).splitlines()
        week = next(n for n, line in enumerate(lines) if line.split()[:2] == ["9", "10"])
        assert lines[week + 1].split() == ["2", "tasks"]  # under the day: the weeks have room for it
        await press(pilot, "l", "j")  # a day on, a week on
        assert state.selected == date(2026, 3, 18)
        await press(pilot, "h", "k", "left", "up", "right", "down")
        assert state.selected == TODAY
        await press(pilot, "right_square_bracket")
        assert state.selected == date(2026, 4, 10) and state.counts == {} and "April 2026" in label(screen, "#month-title")
        await press(pilot, "pagedown", "pagedown")
        assert state.selected == date(2026, 6, 10) and state.counts == {date(2026, 6, 1): 1}
        assert label(screen, "#month-total") == "1 task due"
        await press(pilot, "t")
        assert state.selected == TODAY and state.counts[TODAY] == 2
        await press(pilot, "pageup")
        assert state.selected == date(2026, 2, 10)
        for _ in range(10):  # walking back across the month's first day shows the month before
            await pilot.press("h")
        await settle(pilot)
        assert state.selected == date(2026, 1, 31) and "January 2026" in label(screen, "#month-title")


async def test_enter_on_a_day_lists_its_tasks_and_enter_on_a_task_closes_with_it(ui_settings, ui_services, demo_user, fixed_clock):
    add_demo_tasks(ui_services, demo_user, fixed_clock)
    milk = next(t for t in ui_services.tasks.page(demo_user).tasks if t.title == "Buy milk")
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        results: list = []
        screen = await open_month(pilot, results)
        await press(pilot, "enter")
        assert screen.day_shown == TODAY and screen.query_one(AgendaList).has_focus
        assert label(screen, "#day-title") == "Tue 10 Mar 2026 · 1 task"
        assert len(listed(screen)) == 1 and "Buy milk" in listed(screen)[0]
        await press(pilot, "escape")  # back to the grid, the list stays open and follows the day
        assert screen.query_one(MonthGrid).has_focus and app.screen is screen
        await press(pilot, "l")
        assert label(screen, "#day-title") == "Wed 11 Mar 2026 · 0 tasks"
        assert "No pending task is due that day" in listed(screen)[0]
        await press(pilot, "h", "enter", "enter")
        assert results == [milk.id] and isinstance(app.screen, TaskListScreen)


async def test_a_task_deleted_elsewhere_leaves_the_counts_and_the_day_list(ui_settings, ui_services, demo_user, fixed_clock):
    keep = ui_services.tasks.create(demo_user, TaskDraft("keep me", due=TODAY))
    gone = ui_services.tasks.create(demo_user, TaskDraft("delete me", due=TODAY))
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        screen = await open_month(pilot, [])
        await press(pilot, "enter")
        assert len(listed(screen)) == 2
        ui_services.tasks.delete(demo_user, gone.id)  # another window
        screen.poll_changes()
        await settle_until(pilot, lambda: screen.state.counts == {TODAY: 1} and "keep me" in listed(screen)[0])
        # The day's own read says how many it holds, whichever of the two reads arrives first.
        assert label(screen, "#day-title") == "Tue 10 Mar 2026 · 1 task"
        assert len(listed(screen)) == 1 and "keep me" in listed(screen)[0]
        assert screen.query_one(AgendaList).current_task_id() == keep.id


async def test_escape_closes_the_month_without_a_task(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(40, 15)) as pilot:
        await log_in(pilot)
        results: list = []
        screen = await open_month(pilot, results)
        assert screen.state.counts == {} and label(screen, "#month-total") == "0 due"
        await press(pilot, "escape")
        assert results == [None] and isinstance(app.screen, TaskListScreen)


async def test_the_calendar_stops_at_its_last_month(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        screen = await open_month(pilot, [])
        screen.query_one(MonthGrid).select(date(9999, 12, 30))
        await settle(pilot)
        await press(pilot, "l", "l", "l", "j", "pagedown", "right_square_bracket")
        assert screen.state.selected == date(9999, 12, 31) and "December 9999" in label(screen, "#month-title")
        assert any(line.rstrip().endswith("31") for line in grid_text(screen).splitlines())  # nothing after it


async def test_a_day_longer_than_the_list_says_how_many_more(ui_settings, ui_services, demo_user, fixed_clock, monkeypatch):
    import tui_tasks.ui.screens.month as month_screen

    monkeypatch.setattr(month_screen, "DAY_LIMIT", 3)
    for n in range(5):
        ui_services.tasks.create(demo_user, TaskDraft(f"chore {n}", due=TODAY))
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        screen = await open_month(pilot, [])
        await press(pilot, "enter")
        assert label(screen, "#day-title") == "Tue 10 Mar 2026 · 5 tasks"
        assert len(listed(screen)) == 4 and "and 2 more" in listed(screen)[-1]


async def test_past_midnight_today_moves_on(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        screen = await open_month(pilot, [])
        fixed_clock.advance(days=1)
        screen.poll_changes()
        await settle_until(pilot, lambda: screen.state.today != TODAY)
        assert screen.state.today == TODAY + timedelta(days=1) and screen.state.selected == TODAY


async def test_question_mark_lists_the_month_keys(ui_settings, ui_services, demo_user, fixed_clock):
    from tui_tasks.ui.screens.help import HelpScreen

    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        screen = await open_month(pilot, [])
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        actions = {action for _keys, action in app.screen.rows}
        assert {"Back", "Month", "Next month", "Today", "Day", "Day before", "Week after"} <= actions
        await press(pilot, "escape")
        assert app.screen is screen


async def test_a_click_selects_a_day_and_a_second_click_lists_it(ui_settings, ui_services, demo_user, fixed_clock):
    ui_services.tasks.create(demo_user, TaskDraft("on the 12th", due=date(2026, 3, 12)))
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        screen = await open_month(pilot, [])
        grid = screen.query_one(MonthGrid)
        # Weeks of four and three lines at this height, 11 columns a day: Thu 12 Mar is the third week's
        # fourth day; a click on its last line counts.
        first, second, third, *_ = grid.week_heights()
        assert (first, second, third) == (4, 4, 3)
        await pilot.click(MonthGrid, offset=(3 * 11 + 2, 1 + first + second + third - 1))
        await settle(pilot)
        assert screen.state.selected == date(2026, 3, 12) and screen.day_shown is None
        await pilot.click(MonthGrid, offset=(3 * 11 + 2, 1 + first + second))
        await settle(pilot)
        assert screen.day_shown == date(2026, 3, 12) and "on the 12th" in listed(screen)[0]
        await pilot.click(MonthGrid, offset=(3, 0))  # the weekday names: nothing
        await settle(pilot)
        assert screen.state.selected == date(2026, 3, 12) and grid.region.height == 1 + 6 * 2  # a day listed: two lines a week


@pytest.mark.parametrize("size", [(40, 15), (80, 24), (120, 40), (200, 60)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_grid_takes_the_height_it_has_and_a_listed_day_a_third(ui_settings, ui_services, demo_user, fixed_clock, size):
    """No empty rows above the status bar: the weeks share the height (a rule ends each once they have
    three lines); with a day listed, its list has a third of the room (four rows at the least)."""
    from tui_tasks.ui.widgets.status_bar import StatusBar

    add_demo_tasks(ui_services, demo_user, fixed_clock)
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=size) as pilot:
        await log_in(pilot)
        screen = await open_month(pilot, [])
        grid, bar = screen.query_one(MonthGrid), screen.query_one(StatusBar)
        weeks = grid.week_heights()  # March 2026: six weeks
        assert grid.region.bottom == bar.region.y and grid.region.height == 1 + sum(weeks)
        assert max(weeks) - min(weeks) <= 1 and sorted(weeks, reverse=True) == weeks
        assert ("─" in grid_text(screen)) == (min(weeks) >= 3)
        await press(pilot, "enter")
        day_list = screen.query_one(AgendaList)
        room = size[1] - 3
        assert day_list.region.bottom == bar.region.y and day_list.region.height >= max(4, room // 3)
        assert len(set(grid.week_heights())) == 1 and grid.region.height == 1 + sum(grid.week_heights())
        assert grid.region.height >= day_list.region.height or size[1] < 24
