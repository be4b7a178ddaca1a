"""Snapshots of the task form (due with a time, wait, repeat, parent, depends, live previews) and of the
reminder's snooze choices, at the smallest size the form must work in and at the usual one."""

from __future__ import annotations

import pytest

from tests.snapshots.conftest import logged_in
from tests.ui.conftest import settle
from tui_tasks.ui.screens.task_form import TaskFormScreen

SIZES = [(40, 15), (80, 24)]
ALL_SIZES = [(40, 15), (80, 24), (120, 40), (200, 60)]


def typing(keys: tuple[str, ...] = (), focus: str = "", **fields: str):
    """run_before: log in, open a new task form, fill `fields`, focus the field `focus` and press `keys`."""

    async def run_before(pilot) -> None:
        await logged_in(pilot)
        pilot.app.push_screen(TaskFormScreen(None))  # not through a key of the list: that is the list's to choose
        await settle(pilot)
        for name, value in fields.items():
            pilot.app.screen.query_one(f"#{name}").value = value
        if focus:
            pilot.app.screen.query_one(f"#{focus}").focus()
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
        await settle(pilot)
        await pilot.pause(0.2)  # the previews and the scroll to the focused field come in later frames:
        await settle(pilot)  # their picture was one or the other, run to run, at 40x15

    return run_before


class TestTaskForm:
    @pytest.mark.parametrize("size", ALL_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
    def test_new_task_form(self, snap_compare, snapshot_app, size):
        """'New task', the title focused; the hints of Due, Wait, Repeat; Repeat's preview says 'does not
        repeat'. At 40x15 the fields scroll and Save/Cancel stay at the bottom; from 80x24 up every field
        shows in a box 80 wide, centred."""
        assert snap_compare(snapshot_app(), run_before=typing(), terminal_size=size)

    @pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")

    def test_previews_say_what_the_text_means(self, snap_compare, snapshot_app, size):
        """Due 'fri 5pm' previews 'Fri 13 Mar 2026 17:00 UTC', Wait 'mon' 'Mon 16 Mar 2026', Repeat 'every 2
        weeks' 'every 2 weeks, next Fri 27 Mar 17:00'; at 40x15 the focused Depends field is scrolled into
        view with Save below it."""
        fields = dict(title="Water the plants", due="fri 5pm", wait="mon", repeat="every 2 weeks", parent="1", depends="2, 3")
        assert snap_compare(snapshot_app(), run_before=typing(focus="depends", **fields), terminal_size=size)


class TestSmallScreen:
    def test_a_bad_date_is_said_under_its_field(self, snap_compare, snapshot_app):
        """At 40x15: Due '1899-12-31' refused in red under the field ('Dates must be between 1900 and 9999'), the due
        field focused, the form still open."""
        assert snap_compare(snapshot_app(), run_before=typing(("ctrl+s",), title="Old", due="1899-12-31"), terminal_size=(40, 15))


class TestQuestions:
    def test_the_series_question(self, snap_compare, snapshot_app):
        """Saving an edit of a repeating task asks 'Edit a repeating task': 'This one only (o)' focused, 'The
        whole series (w)', 'Cancel (esc)', over the form."""

        async def run_before(pilot) -> None:
            from tui_tasks.domain import Recurrence, TaskDraft

            await logged_in(pilot)
            app = pilot.app
            task = app.services.tasks.create(app.user, TaskDraft("Water plants", recurrence=Recurrence("FREQ=WEEKLY")))
            app.push_screen(TaskFormScreen(task))
            await settle(pilot)
            app.screen.query_one("#title").value = "Water the plants"
            await pilot.pause()
            await pilot.press("ctrl+s")
            await settle(pilot)

        assert snap_compare(snapshot_app(), run_before=run_before, terminal_size=(80, 24))

    def test_the_snooze_choices_fit_a_small_terminal(self, snap_compare, snapshot_app):
        """ctrl+o after 'Due now: Call the bank' was told: '10 min (1)' focused, '1 hour (2)', 'Tomorrow
        09:00 (3)', 'Dismiss (esc)' stacked at 40x15; the reminder's notification in the corner."""

        async def run_before(pilot) -> None:
            from datetime import timedelta

            from tui_tasks.domain import TaskDraft

            await logged_in(pilot)
            app = pilot.app
            app.services.tasks.create(app.user, TaskDraft("Call the bank", due=app.clock() + timedelta(minutes=1)))
            app.reminder_bell.fetch()
            await settle(pilot)
            app.clock.advance(minutes=1)
            app.check_reminders()
            await pilot.press("ctrl+o")
            await settle(pilot)

        assert snap_compare(snapshot_app(), run_before=run_before, terminal_size=(40, 15))
