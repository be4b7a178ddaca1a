"""Snapshots of the task form (due with a time, wait, repeat, parent, depends, live previews) and of the
reminder's snooze choices, at the smallest size the form must work in and at the usual one."""

from __future__ import annotations

import pytest

from tests.snapshots.conftest import logged_in
from tests.ui.conftest import settle
from tui_tasks.ui.screens.task_form import TaskFormScreen

SIZES = [(40, 15), (80, 24)]


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

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
class TestTaskForm:
    def test_new_task_form(self, snap_compare, snapshot_app, size):
        """'New task', the title focused; the hints of Due, Wait, Repeat; Repeat's preview says 'does not
        repeat'. At 40x15 the fields scroll and Save/Cancel stay at the bottom."""
        assert snap_compare(snapshot_app(), run_before=typing(), terminal_size=size)

    def test_previews_say_what_the_text_means(self, snap_compare, snapshot_app, size):
        """Due 'fri 5pm' previews 'Fri 13 Mar 2026 17:00 UTC', Wait 'mon' 'Mon 16 Mar 2026', Repeat 'every 2
        weeks' 'every 2 weeks, next Fri 27 Mar 17:00'; at 40x15 the focused Depends field is scrolled into
        view with Save below it."""
        fields = dict(title="Water the plants", due="fri 5pm", wait="mon", repeat="every 2 weeks", parent="1", depends="2, 3")
        assert snap_compare(snapshot_app(), run_before=typing(focus="depends", **fields), terminal_size=size)

    def test_a_bad_date_is_said_under_its_field(self, snap_compare, snapshot_app, size):
        """Due '1899-12-31' refused in red under the field ('Dates must be between 1900 and 9999'), the due
        field focused, the form still open."""
        assert snap_compare(snapshot_app(), run_before=typing(("ctrl+s",), title="Old", due="1899-12-31"), terminal_size=size)
