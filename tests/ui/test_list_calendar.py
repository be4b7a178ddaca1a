"""The agenda (c) and the month (m) open from the list; Enter on a task there opens it in the form."""

from __future__ import annotations

from tests.ui.conftest import settle
from tests.ui.test_task_list import task_list
from tui_tasks.ui.screens.agenda import AgendaScreen
from tui_tasks.ui.screens.month import MonthScreen
from tui_tasks.ui.screens.task_form import TaskFormScreen
from tui_tasks.ui.screens.task_list import TaskListScreen


async def test_c_opens_the_agenda_and_enter_on_a_task_edits_it(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TaskFormScreen)
        assert app.screen.task_view is not None and not app.screen.task_view.completed  # the first in the agenda
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TaskListScreen)


async def test_m_opens_the_month_and_escape_comes_back(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MonthScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TaskListScreen)
