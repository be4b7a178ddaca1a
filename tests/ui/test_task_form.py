"""The task form: dates with a time, live previews, bad dates refused in one line, wait, repeat, parent and
dependencies saved, a cycle refused in the form, the series question, and a form filled from a draft."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import date, datetime, time, timedelta

import pytest

from tests.ui.conftest import TODAY, log_in, make_app, settle
from tui_tasks.dates import format_when, localize
from tui_tasks.domain import Recurrence, TaskDraft
from tui_tasks.ui.screens.choice import ChoiceScreen
from tui_tasks.ui.screens.task_form import TaskFormScreen

TOMORROW_5PM = localize(datetime.combine(TODAY + timedelta(days=1), time(17)))


@asynccontextmanager
async def form(ui_settings, ui_services, demo_user, clock, task=None, draft=None):
    """The app logged in, with the task form open (on `task`, or new, or filled from `draft`)."""
    app = make_app(ui_settings, ui_services, clock)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await log_in(pilot)
        closed: list = []
        app.push_screen(TaskFormScreen(task, draft=draft), closed.append)
        await settle(pilot)
        yield app, pilot, closed


def fill(app, **fields: str) -> None:
    for name, value in fields.items():
        app.screen.query_one(f"#{name}").value = value


def shown(app, widget_id: str) -> str:
    widget = app.screen.query_one(f"#{widget_id}")
    return str(widget.render()) if widget.display else ""


async def save(pilot) -> None:
    await pilot.pause()  # the fields' Changed messages first, as when typing
    await pilot.press("ctrl+s")
    await settle(pilot)


def only_task(ui_services, user):
    tasks = ui_services.tasks.page(user).tasks
    assert len(tasks) == 1, tasks
    return tasks[0]


async def test_a_due_with_a_time_is_saved_as_that_instant_and_shown_again_as_text_that_reads_back(
    ui_settings, ui_services, demo_user, fixed_clock
):
    async with form(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot, closed):
        fill(app, title="Call the bank", due="tomorrow 5pm")
        await save(pilot)
        task = only_task(ui_services, demo_user)
        assert task.due == TOMORROW_5PM and closed == [task]
        app.push_screen(TaskFormScreen(task))
        await settle(pilot)
        assert app.screen.query_one("#due").value == format_when(TOMORROW_5PM) == "2026-03-11 17:00"
        assert shown(app, "due-preview") == "Wed 11 Mar 2026 17:00 UTC"


async def test_the_preview_says_what_the_due_means_at_every_keystroke(ui_settings, ui_services, demo_user, fixed_clock):
    async with form(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot, _):
        app.screen.query_one("#due").focus()
        await pilot.press("f")
        assert shown(app, "due-preview").startswith("Try today, tomorrow")
        assert app.screen.query_one("#due-preview").has_class("-invalid")
        await pilot.press("r", "i")
        assert shown(app, "due-preview") == "Fri 13 Mar 2026"
        assert not app.screen.query_one("#due-preview").has_class("-invalid")
        await pilot.press(*" 5pm")
        assert shown(app, "due-preview") == "Fri 13 Mar 2026 17:00 UTC"
        app.screen.query_one("#repeat").focus()
        await pilot.press(*"weekly")
        assert shown(app, "repeat-preview") == "every week, next Fri 20 Mar 17:00"


BAD_TEXT = [  # (field, typed, the one line shown under it)
    ("due", "1899-12-31", "Dates must be between 1900 and 9999"),
    ("due", "2026-02-30", "There is no date 2026-02-30"),
    ("due", "whenever it suits", "Try today, tomorrow, fri, +3d, in 2 weeks, eom, 2026-12-04 or tomorrow 5pm"),
    ("wait", "2026-13-01", "There is no date 2026-13-01"),
    ("repeat", "every blue moon", "Try daily, every 3 days, every weekday, every mon,wed, every month on the 1st or 3 days after done"),
    ("parent", "twelve", "Parent must be a task number, like 12"),
    ("depends", "3 x", "Depends on takes task numbers, like 12, 15 (not 'x')"),
]


async def test_bad_text_is_refused_in_one_line_under_its_field_and_nothing_is_saved(
    ui_settings, ui_services, demo_user, fixed_clock
):
    async with form(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot, closed):
        for field, typed, message in BAD_TEXT:
            fill(app, title="Anything", **{field: typed})
            await save(pilot)
            assert isinstance(app.screen, TaskFormScreen) and closed == []
            assert shown(app, f"{field}-error") == message, field
            if field in ("due", "wait", "repeat"):
                assert shown(app, f"{field}-preview") == ""  # the error says it once
            assert app.screen.focused.id == field
            fill(app, **{field: ""})
        assert ui_services.tasks.page(demo_user).tasks == ()


async def test_wait_repeat_parent_and_dependencies_are_saved(ui_settings, ui_services, demo_user, fixed_clock):
    parent = ui_services.tasks.create(demo_user, TaskDraft("Move house"))
    blocker = ui_services.tasks.create(demo_user, TaskDraft("Get boxes"))
    async with form(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot, closed):
        fill(app, title="Pack books", due="fri", wait="thu", repeat="every 2 weeks", parent=f"#{parent.id}",
             depends=f"{blocker.id}, {blocker.id}")  # fmt: skip
        await save(pilot)
        task = closed[0]
        assert (task.due, task.wait) == (date(2026, 3, 13), date(2026, 3, 12))
        assert task.recurrence == Recurrence("FREQ=WEEKLY;INTERVAL=2")
        assert (task.parent_id, task.depends, task.blocked) == (parent.id, (blocker.id,), True)


async def test_a_dependency_cycle_is_refused_in_the_form_with_the_services_words(
    ui_settings, ui_services, demo_user, fixed_clock
):
    first = ui_services.tasks.create(demo_user, TaskDraft("Pour the foundation"))
    second = ui_services.tasks.create(demo_user, TaskDraft("Build the walls", depends=(first.id,)))
    async with form(ui_settings, ui_services, demo_user, fixed_clock, task=first) as (app, pilot, closed):
        fill(app, depends=str(second.id))
        await save(pilot)
        assert closed == [] and isinstance(app.screen, TaskFormScreen)
        assert shown(app, "depends-error") == "That would make a cycle: a task it depends on already depends on it"
        assert not app._notifications  # said under the field, nowhere else
        assert ui_services.tasks.get(demo_user, first.id).depends == ()


@pytest.mark.parametrize(("key", "next_title"), [("o", "Water plants"), ("w", "Water the plants")])
async def test_editing_a_repeating_task_asks_this_one_or_the_whole_series(
    key, next_title, ui_settings, ui_services, demo_user, fixed_clock
):
    task = ui_services.tasks.create(demo_user, TaskDraft("Water plants", due=TODAY, recurrence=Recurrence("FREQ=WEEKLY")))
    async with form(ui_settings, ui_services, demo_user, fixed_clock, task=task) as (app, pilot, closed):
        fill(app, title="Water the plants")
        await save(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("escape")  # Cancel: nothing saved, the form as it was typed
        await settle(pilot)
        assert isinstance(app.screen, TaskFormScreen) and closed == []
        assert app.screen.query_one("#title").value == "Water the plants"
        assert ui_services.tasks.get(demo_user, task.id).version == task.version
        await save(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert closed[0].title == "Water the plants"
    ui_services.tasks.toggle(demo_user, task.id)
    following = ui_services.tasks.page(demo_user).tasks[0]
    assert (following.title, following.due) == (next_title, TODAY + timedelta(days=7))


async def test_a_form_filled_from_a_quick_add_draft_saves_it_and_asks_before_dropping_it(
    ui_settings, ui_services, demo_user, fixed_clock
):
    draft = TaskDraft("Call mum", due=TOMORROW_5PM, tags=("family",), recurrence=Recurrence("FREQ=WEEKLY;BYDAY=SU"))
    async with form(ui_settings, ui_services, demo_user, fixed_clock, draft=draft) as (app, pilot, closed):
        assert app.screen.query_one("#title").value == "Call mum"
        assert app.screen.query_one("#repeat").value == "every Sun"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.title_text == "Discard changes?"
        await pilot.press("n")
        await save(pilot)
        task = closed[0]
        assert (task.title, task.due, task.tags, task.recurrence) == ("Call mum", TOMORROW_5PM, ("family",), draft.recurrence)
