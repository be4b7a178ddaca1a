"""The stats screen, as a user opens it from the task list with `t`."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from textual.color import Color

from tests.ui.conftest import TODAY, add_demo_tasks, log_in, make_app, settle
from tui_tasks.domain import TaskDraft
from tui_tasks.ui.screens.stats import LOADING_DELAY_S, StatsScreen
from tui_tasks.errors import StorageError
from tui_tasks.ui.screens.help import HelpScreen
from tui_tasks.ui.screens.list_screens import STATS_WAIT_S
from tui_tasks.ui.screens.task_list import TaskListScreen
from tui_tasks.ui.widgets.stats_panel import ActivityChart, CompletionBar, RankedBars, StatsPanel


def shown(screen, selector: str) -> str:
    """The plain text a widget shows."""
    return str(screen.query_one(selector).render())


def tiles(screen) -> dict[str, str]:
    return {key: shown(screen, f"#stat-{key}") for key in ("total", "done", "pending", "overdue", "due_today")}


def ranked(screen, selector: str) -> list[tuple[str, int]]:
    return [(label, count) for label, count, _style in screen.query_one(selector, RankedBars).rows]


@pytest.fixture
def release(ui_services):
    """Stats reads wait until the test sets this event (a slow database, on demand)."""
    event = threading.Event()
    summary = ui_services.stats.summary
    ui_services.stats.summary = lambda user: event.wait(5) and summary(user)
    yield event
    event.set()


async def open_stats(pilot) -> StatsScreen:
    await pilot.press("t")
    await settle(pilot)
    assert isinstance(pilot.app.screen, StatsScreen), pilot.app.screen
    return pilot.app.screen


async def test_stats_show_the_numbers_of_the_demo_tasks(ui_settings, ui_services, demo_user, fixed_clock):
    add_demo_tasks(ui_services, demo_user, fixed_clock)
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        screen = await open_stats(pilot)
        assert tiles(screen) == {"total": "5", "done": "1", "pending": "4", "overdue": "1", "due_today": "1"}
        colors = app.get_css_variables()  # overdue in red, due today in amber (each its own: text and border)
        overdue, due_today = screen.query_one("#stat-overdue").styles, screen.query_one("#stat-due_today").styles
        assert overdue.color.hex == overdue.border_top[1].hex == Color.parse(colors["error"]).hex
        assert due_today.color.hex == due_today.border_top[1].hex == Color.parse(colors["warning"]).hex
        assert screen.query_one(CompletionBar).rate == 0.2
        assert shown(screen, "#completion-text") == "20%  1 of 5 done · 1 in the last 7 days"
        assert ranked(screen, "#by-priority") == [("high", 2), ("medium", 1), ("low", 1), ("none", 1)]
        assert ranked(screen, "#top-projects") == [("admin", 1), ("health", 1), ("home", 1), ("work", 1)]
        tags = [("#books", 1), ("#errand", 1), ("#fun", 1), ("#report", 1), ("#travel", 1)]
        assert ranked(screen, "#top-tags") == tags
        assert "health" in shown(screen, "#top-projects") and "#travel" in shown(screen, "#top-tags")
        chart = screen.query_one(ActivityChart)
        assert len(chart.done) == len(chart.created) == 30 and chart.done[-1].day == TODAY
        assert {d.day: d.count for d in chart.done if d.count} == {TODAY - timedelta(days=1): 1}
        created = {TODAY - timedelta(days=n): 1 for n in range(6, 11)}  # one a day, ten to six days ago
        assert {d.day: d.count for d in chart.created if d.count} == created
        assert "Done" in str(chart.render()) and "5 total" in str(chart.render())
        assert "Ada Lovelace" in shown(screen, "#stats-title")


async def test_a_user_without_tasks_sees_zeros_and_what_is_missing(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        screen = await open_stats(pilot)
        assert set(tiles(screen).values()) == {"0"}
        assert not screen.query_one("#stat-overdue").has_class("-overdue")
        assert shown(screen, "#completion-text").startswith("0%  0 of 0 done")
        assert shown(screen, "#top-projects") == "No projects yet"
        assert shown(screen, "#top-tags") == "No tags yet"


async def test_escape_and_q_go_back_to_the_task_list(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        for key in ("escape", "q"):
            await open_stats(pilot)
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, TaskListScreen), key


async def test_toggling_a_task_shows_in_the_stats_next_time(ui_settings, ui_services, demo_user, fixed_clock):
    add_demo_tasks(ui_services, demo_user, fixed_clock)
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await open_stats(pilot)
        await pilot.press("escape")
        await pilot.press("space")  # the cursor is on "Renew passport", the newest task
        await settle(pilot)
        screen = await open_stats(pilot)
        assert tiles(screen)["done"] == "2" and tiles(screen)["pending"] == "3"
        assert shown(screen, "#completion-text") == "40%  2 of 5 done · 2 in the last 7 days"
        assert screen.query_one(ActivityChart).done[-1].count == 1  # done today, by the app's clock


async def test_r_loads_the_stats_again(ui_settings, ui_services, demo_user, fixed_clock):
    add_demo_tasks(ui_services, demo_user, fixed_clock)
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        screen = await open_stats(pilot)
        ui_services.tasks.create(demo_user, TaskDraft("Water the plants", project="home", tags=("errand",)))
        assert tiles(screen)["total"] == "5"
        await pilot.press("r")
        await settle(pilot)
        assert tiles(screen)["total"] == "6"
        assert ranked(screen, "#top-projects")[0] == ("home", 2)
        assert ranked(screen, "#top-tags")[0] == ("#errand", 2)


async def test_slow_stats_show_a_loading_indicator_until_they_arrive(ui_settings, ui_services, demo_user, fixed_clock,
                                                                     release):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await pilot.press("t")
        await pilot.pause(STATS_WAIT_S + 0.05)  # not read by then: the screen opens without them
        panel = app.screen.query_one(StatsPanel)
        await pilot.pause(LOADING_DELAY_S + 0.1)  # (quicker loads never show it: no flash on every open)
        assert panel.loading and panel.stats is None and tiles(app.screen)["total"] == "–"
        release.set()
        await settle(pilot)
        assert not panel.loading and tiles(app.screen)["total"] == "0"
        assert sum(isinstance(s, StatsScreen) for s in app.screen_stack) == 1  # the list's late answer opened none


async def test_the_stats_screen_opens_with_its_numbers_already_in(ui_settings, ui_services, demo_user, fixed_clock,
                                                                  monkeypatch):
    """Read first, then shown: the first frame of the screen has the numbers, from one read."""
    from tui_tasks.ui.screens import list_screens as task_list

    monkeypatch.setattr(task_list, "STATS_WAIT_S", 10)  # however slow the machine: never the screen's own read
    add_demo_tasks(ui_services, demo_user, fixed_clock)
    calls = []
    summary = ui_services.stats.summary
    ui_services.stats.summary = lambda user: calls.append(user.id) or summary(user)
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await pilot.press("t")
        while not isinstance(app.screen, StatsScreen):
            await pilot.pause(0.005)
        assert app.screen.query_one(StatsPanel).stats is not None  # set while mounting, before any paint
        assert app.screen.query_one(StatsPanel).stats.counts.total == 5
        await settle(pilot)
        assert tiles(app.screen)["total"] == "5" and calls == [demo_user.id]


async def test_stats_that_cannot_be_read_say_why_and_open_nothing(ui_settings, ui_services, demo_user, fixed_clock):
    def failing_summary(user):
        raise StorageError("database is locked")

    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot)
        ui_services.stats.summary = failing_summary
        await pilot.press("t")
        await settle(pilot)
        await pilot.pause(STATS_WAIT_S + 0.1)
        assert isinstance(app.screen, TaskListScreen)  # no screen of dashes, and no second try behind it
        assert [n.message for n in app._notifications] == ["database is locked"]


async def test_stats_that_arrive_after_the_user_went_elsewhere_open_nothing(ui_settings, ui_services, demo_user,
                                                                           fixed_clock, release):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await pilot.press("t", "question_mark")  # help, before the stats are read
        await pilot.pause(STATS_WAIT_S + 0.1)
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert not any(isinstance(screen, StatsScreen) for screen in app.screen_stack)


async def test_a_slow_stats_read_asked_for_twice_or_escaped_from_opens_one_screen_at_most(
    ui_settings, ui_services, demo_user, fixed_clock, release
):
    """t twice opens one stats screen; escape from it while it loads: the list's own late answer must
    not open another."""
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await pilot.press("t", "t")
        await pilot.pause(STATS_WAIT_S + 0.1)
        assert sum(isinstance(s, StatsScreen) for s in app.screen_stack) == 1
        await pilot.press("escape")
        release.set()
        await settle(pilot)
        await pilot.pause(0.1)
        assert isinstance(app.screen, TaskListScreen), app.screen_stack


async def test_stats_asked_for_then_left_for_another_screen_do_not_pop_up_on_return(
    ui_settings, ui_services, demo_user, fixed_clock, monkeypatch, release
):
    from tui_tasks.ui.screens import list_screens as task_list

    monkeypatch.setattr(task_list, "STATS_WAIT_S", 10)  # the read is still "on its way" throughout
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await pilot.press("t", "question_mark")  # a read on its way, then help; then back to the list
        await pilot.press("escape")
        assert isinstance(app.screen, TaskListScreen)
        release.set()
        await settle(pilot)
        await pilot.pause(0.1)
        assert isinstance(app.screen, TaskListScreen), app.screen_stack
