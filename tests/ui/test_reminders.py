"""Reminders in the app: a timed due is told once when the clock reaches it, ctrl+o snoozes it, a snooze tells
it again; a change seen by the list's poll is read; the terminal notification's exact bytes; never over the lock."""

from __future__ import annotations

import dataclasses
from contextlib import asynccontextmanager
from datetime import timedelta

from tests.ui.conftest import NOW, log_in, make_app, settle
from tui_tasks.domain import TaskDraft
from tui_tasks.ui.messages import ChangesPolled
from tui_tasks.ui.screens.snooze import SnoozeScreen
from tui_tasks.ui.screens.task_list import TaskListScreen

DUE = NOW + timedelta(minutes=30)


@asynccontextmanager
async def running(ui_settings, ui_services, demo_user, clock, **settings):
    app = make_app(dataclasses.replace(ui_settings, **settings), ui_services, clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await log_in(pilot)
        written: list[str] = []
        write = app._driver.write
        app._driver.write = lambda data: (written.append(data), write(data))[1]
        yield app, pilot, written


def told(app) -> list[str]:
    return [n.message for n in app._notifications if n.message.startswith("Due now")]


async def tick(pilot, clock, **delta: float) -> None:
    clock.advance(**delta)
    pilot.app.check_reminders()
    await settle(pilot)


async def test_a_timed_due_is_told_once_when_it_comes_and_a_snooze_of_10_minutes_tells_it_again(
    ui_settings, ui_services, demo_user, fixed_clock
):
    ui_services.tasks.create(demo_user, TaskDraft("Call the bank", due=DUE))
    ui_services.tasks.create(demo_user, TaskDraft("Buy milk", due=DUE.date()))  # a day alone: no reminder
    async with running(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot, written):
        await tick(pilot, fixed_clock, minutes=29, seconds=59)
        assert told(app) == []
        await tick(pilot, fixed_clock, seconds=10)
        assert told(app) == ["Due now: Call the bank"]
        assert not any("\x1b]9;" in data for data in written)  # notify = "off"
        await tick(pilot, fixed_clock, minutes=5)
        assert told(app) == ["Due now: Call the bank"]

        await pilot.press("ctrl+o")
        assert isinstance(app.screen, SnoozeScreen)
        await pilot.press("1")  # 10 min
        await settle(pilot)
        assert isinstance(app.screen, TaskListScreen)
        again = (fixed_clock.now + timedelta(minutes=10)).astimezone()
        assert f"Snoozed until {again:%a %H:%M}" in [n.message for n in app._notifications]
        assert told(app) == []  # its toast went as the choices opened
        await tick(pilot, fixed_clock, minutes=9, seconds=50)
        assert told(app) == []
        await tick(pilot, fixed_clock, seconds=10)
        assert told(app) == ["Due now: Call the bank"]
        await tick(pilot, fixed_clock, hours=3)
        assert told(app) == ["Due now: Call the bank"]


async def test_a_due_changed_elsewhere_is_read_at_the_next_change_poll(ui_settings, ui_services, demo_user, fixed_clock):
    async with running(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot, _):
        await pilot.press("ctrl+o")
        assert "No reminder to snooze" in [n.message for n in app._notifications]
        ui_services.tasks.create(demo_user, TaskDraft("Stand-up", due=NOW + timedelta(minutes=5)))
        app.screen.post_message(ChangesPolled(ui_services.tasks.changes(demo_user)))  # as the list's poll does
        await settle(pilot)
        await tick(pilot, fixed_clock, minutes=5)
        assert told(app) == ["Due now: Stand-up"]


async def test_terminal_notifications_write_osc_9_and_osc_777_through_the_driver(
    ui_settings, ui_services, demo_user, fixed_clock
):
    ui_services.tasks.create(demo_user, TaskDraft("Call the bank", due=DUE))
    async with running(ui_settings, ui_services, demo_user, fixed_clock, notify="terminal") as (app, pilot, written):
        await tick(pilot, fixed_clock, minutes=30)
        sent = [data for data in written if data.startswith("\x1b]9;")]
        assert sent == ["\x1b]9;Due now: Call the bank\x07\x1b]777;notify;tui-tasks;Due now: Call the bank\x07"]


async def test_nothing_is_told_over_the_idle_lock_and_what_came_is_told_after_it(
    ui_settings, ui_services, demo_user, fixed_clock
):
    ui_services.tasks.create(demo_user, TaskDraft("Call the bank", due=DUE))
    async with running(ui_settings, ui_services, demo_user, fixed_clock, notify="terminal") as (app, pilot, written):
        app.lock()
        await settle(pilot)
        await tick(pilot, fixed_clock, minutes=31)
        assert told(app) == [] and not any("\x1b]9;" in data for data in written)
        app.pop_screen()  # as a right password does
        await tick(pilot, fixed_clock, seconds=15)
        assert told(app) == ["Due now: Call the bank"]
