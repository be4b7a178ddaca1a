"""Two clients on one database: what the app does when a task changed or went away behind its back.

"Elsewhere" is a second set of services on its own engine and connections, as another tui-tasks
process would be.
"""

from __future__ import annotations

import threading

import pytest

from tests.ui.conftest import settle
from tests.ui.test_task_list import messages, select, task_list, titles
from tui_tasks.domain import Priority, TaskDraft
from tui_tasks.services.facade import open_services
from tui_tasks.ui.screens.confirm import ConfirmScreen
from tui_tasks.ui.screens.conflict import ConflictScreen
from tui_tasks.ui.screens.task_list import TaskListScreen
from tui_tasks.ui.widgets.task_table import TaskTable


@pytest.fixture
def elsewhere(ui_settings, fixed_clock):
    services = open_services(ui_settings, fixed_clock)
    yield services
    services.close()


def current(app):
    return app.screen.query_one(TaskTable).current_task()


async def save_over_a_change_elsewhere(pilot, elsewhere, user, changed: TaskDraft, typed_title: str):
    """Open "Buy milk" in the form, have another client save `changed` over it, type a title, save."""
    app = pilot.app
    await select(pilot, "Buy milk")
    task = current(app)
    await pilot.press("e")
    form = app.screen
    elsewhere.tasks.update(user, task.id, changed)
    form.query_one("#title").value = typed_title
    await pilot.press("ctrl+s")
    await settle(pilot)
    return task, form


async def test_saving_over_a_newer_version_shows_what_changed_and_overwrite_saves_mine(
    ui_settings, ui_services, demo_user, fixed_clock, elsewhere
):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        changed = TaskDraft("Buy oat milk", priority=Priority.LOW, due=None)
        task, _form = await save_over_a_change_elsewhere(pilot, elsewhere, demo_user, changed, "Buy milk and eggs")
        assert isinstance(app.screen, ConflictScreen)
        shown = str(app.screen.query(".dialog-detail").first().render())
        assert "title: “Buy milk” → “Buy oat milk”" in shown and "due:" in shown
        assert ui_services.tasks.get(demo_user, task.id).title == "Buy oat milk"  # nothing overwritten yet
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, TaskListScreen)
        stored = ui_services.tasks.get(demo_user, task.id)
        assert stored.title == "Buy milk and eggs" and stored.due == task.due  # all of my form, not a mix
        assert current(app).title == "Buy milk and eggs" and current(app).version == stored.version


async def test_reload_shows_the_newer_version_and_keep_editing_loses_nothing(
    ui_settings, ui_services, demo_user, fixed_clock, elsewhere
):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        changed = TaskDraft("Buy oat milk", project="shop")
        task, form = await save_over_a_change_elsewhere(pilot, elsewhere, demo_user, changed, "Mine")
        await pilot.press("escape")  # keep editing: the form is as I left it, and says why nothing was saved
        await settle(pilot)
        assert app.screen is form and form.query_one("#title").value == "Mine"
        assert "changed elsewhere" in str(form.query_one("#form-error").render())
        await pilot.press("ctrl+s")  # asking again shows the choice again
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#title").value == "Buy oat milk" and form.query_one("#project").value == "shop"
        form.query_one("#title").value = "Buy oat milk, 2 litres"  # edits on the newer version save cleanly
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TaskListScreen)
        stored = ui_services.tasks.get(demo_user, task.id)
        assert stored.title == "Buy oat milk, 2 litres" and stored.project == "shop"


async def test_a_task_deleted_while_edited_can_be_saved_as_a_new_one(
    ui_settings, ui_services, demo_user, fixed_clock, elsewhere
):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await select(pilot, "Buy milk")
        task = current(app)
        await pilot.press("e")
        elsewhere.tasks.delete(demo_user, task.id)
        app.screen.query_one("#title").value = "Buy milk, really"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, TaskListScreen)
        assert "Buy milk, really" in titles(app) and "Buy milk" not in titles(app)
        assert ui_services.tasks.count(demo_user) == 5


async def test_toggle_of_a_task_changed_elsewhere_is_refused_and_the_row_shows_the_latest(
    ui_settings, ui_services, demo_user, fixed_clock, elsewhere
):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await select(pilot, "Buy milk")
        task = current(app)
        elsewhere.tasks.update(demo_user, task.id, TaskDraft("Buy oat milk"))
        await pilot.press("space")
        await settle(pilot)
        stored = ui_services.tasks.get(demo_user, task.id)
        assert not stored.completed  # not applied to what the user could not see
        assert current(app).title == "Buy oat milk" and current(app).version == stored.version
        assert any("changed elsewhere" in m for m in messages(app))
        await pilot.press("space")  # now it is what the user sees, and it goes through
        await settle(pilot)
        assert ui_services.tasks.get(demo_user, task.id).completed


async def test_toggle_or_delete_of_a_task_deleted_elsewhere_removes_its_row(
    ui_settings, ui_services, demo_user, fixed_clock, elsewhere
):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await select(pilot, "Buy milk")
        elsewhere.tasks.delete(demo_user, current(app).id)
        await pilot.press("space")
        await settle(pilot)
        assert "Buy milk" not in titles(app) and any("deleted elsewhere" in m for m in messages(app))
        await select(pilot, "Read “Dune”")
        elsewhere.tasks.delete(demo_user, current(app).id)
        await pilot.press("d", "y")
        await settle(pilot)
        assert "Read “Dune”" not in titles(app)
        assert sum("deleted elsewhere" in m for m in messages(app)) == 2
        assert ui_services.tasks.count(demo_user) == 3


async def test_quick_toggles_of_ones_own_never_count_as_changed_elsewhere(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await select(pilot, "Buy milk")
        task = current(app)
        answer = threading.Event()
        toggle = ui_services.tasks.toggle
        ui_services.tasks.toggle = lambda *args: (answer.wait(5), toggle(*args))[1]
        await pilot.press(*["space"] * 5)  # all sent before the first write has answered
        answer.set()
        await settle(pilot)
        stored = ui_services.tasks.get(demo_user, task.id)
        assert stored.completed and stored.version == task.version + 5
        assert not any("elsewhere" in m for m in messages(app))
        assert current(app).completed and current(app).version == stored.version


# --- the list follows changes made elsewhere -------------------------------------------------------


async def poll(pilot) -> None:
    """What the list's timer does every few seconds (timers are off in tests)."""
    pilot.app.screen.poll_changes()
    await settle(pilot)


async def test_the_list_picks_up_tasks_added_changed_and_deleted_elsewhere_keeping_the_cursor(
    ui_settings, ui_services, demo_user, fixed_clock, elsewhere
):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await select(pilot, "Read “Dune”")
        fixed_clock.advance(seconds=1)
        elsewhere.tasks.create(demo_user, TaskDraft("Added elsewhere"))
        renamed = next(t for t in app.screen.query_one(TaskTable).tasks.values() if t.title == "Buy milk")
        elsewhere.tasks.update(demo_user, renamed.id, TaskDraft("Buy oat milk"))
        await poll(pilot)
        assert titles(app)[0] == "Added elsewhere" and "Buy oat milk" in titles(app) and "Buy milk" not in titles(app)
        assert current(app).title == "Read “Dune”"  # the cursor stayed on its task, one row lower
        assert "5 pending · 1 done" in str(app.screen.query_one("#list-header").render())  # was 4 pending
        row = app.screen.query_one(TaskTable).cursor_row
        elsewhere.tasks.delete(demo_user, current(app).id)
        await poll(pilot)
        assert "Read “Dune”" not in titles(app) and app.screen.query_one(TaskTable).cursor_row == row  # same place


async def test_ones_own_changes_do_not_redraw_the_list_when_polled(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        table = app.screen.query_one(TaskTable)
        redrawn = []
        replace_rows = table.replace_rows
        table.replace_rows = lambda tasks: (redrawn.append(len(tasks)), replace_rows(tasks))
        await poll(pilot)
        await select(pilot, "Buy milk")
        await pilot.press("space")
        await settle(pilot)
        await poll(pilot)
        assert redrawn == []  # the counter moved, the rows read again equal those shown
        await poll(pilot)
        assert redrawn == []
        ui_services.tasks.create(demo_user, TaskDraft("From another window"))
        await poll(pilot)
        assert redrawn == [6]


async def test_after_end_the_list_follows_changes_in_its_tail_window(
    ui_settings, ui_services, demo_user, fixed_clock, elsewhere
):
    from tui_tasks.ui.screens.list_paging import PAGE_SIZE

    for n in range(PAGE_SIZE * 3):
        ui_services.tasks.create(demo_user, TaskDraft(f"task {n:03}"))
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        await poll(pilot)
        await pilot.press("end")
        await settle(pilot)
        oldest = current(app)
        elsewhere.tasks.update(demo_user, oldest.id, TaskDraft("task 000, renamed"))
        await poll(pilot)
        assert titles(app)[-1] == "task 000, renamed" and current(app).id == oldest.id
        assert len(titles(app)) == PAGE_SIZE and titles(app)[0] == f"task {PAGE_SIZE - 1:03}"


async def test_a_save_blocked_by_another_writer_keeps_the_form_and_goes_through_once_it_lets_go(
    ui_settings, ui_services, demo_user, fixed_clock
):
    """Another process holds the write lock beyond the busy timeout: the save is refused with the
    reason, what was typed stays in the form, nothing claims to be saved; saving again works later."""
    import sqlite3

    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await select(pilot, "Buy milk")
        task = current(app)
        await pilot.press("e")
        form = app.screen
        form.query_one("#title").value = "Buy milk, typed while locked"
        holder = sqlite3.connect(ui_settings.db.path)
        holder.execute("BEGIN IMMEDIATE")  # another writer, in the middle of a long transaction
        try:
            await pilot.press("ctrl+s")
            await settle(pilot)  # the busy timeout (5 s) runs out
            assert app.screen is form and form.query_one("#title").value == "Buy milk, typed while locked"
            assert "locked by another process" in str(form.query_one("#form-error").render())
        finally:
            holder.rollback()
            holder.close()
        assert ui_services.tasks.get(demo_user, task.id).title == "Buy milk"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TaskListScreen)
        assert ui_services.tasks.get(demo_user, task.id).title == "Buy milk, typed while locked"


# --- races between answers, polls and queued writes (found in review; each failed before its fix) -------


async def test_a_window_read_from_before_our_own_toggle_does_not_undo_it_on_screen(
    ui_settings, ui_services, demo_user, fixed_clock
):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        screen = app.screen
        await poll(pilot)
        await select(pilot, "Buy milk")
        await pilot.press("space")  # our write moves the counter: the next poll reads the window again
        await settle(pilot)
        await select(pilot, "Renew passport")
        read, release = threading.Event(), threading.Event()
        page = ui_services.tasks.page
        ui_services.tasks.page = lambda *a, **k: (page(*a, **k), read.set(), release.wait(5))[0]
        screen.poll_changes()
        while not read.is_set():
            await pilot.pause(0.01)
        ui_services.tasks.page = page
        await pilot.press("space")  # toggled while the window read is on its way back
        await pilot.pause(0.1)
        release.set()
        await settle(pilot)
        stored = ui_services.tasks.get(demo_user, current(app).id)
        assert (current(app).completed, current(app).version) == (stored.completed, stored.version)
        await pilot.press("space")
        await settle(pilot)
        assert not any("elsewhere" in m for m in messages(app))
        assert ui_services.tasks.get(demo_user, stored.id).completed is not stored.completed


async def test_answers_of_queued_writes_arrive_in_the_order_of_the_writes(
    ui_settings, ui_services, demo_user, fixed_clock, monkeypatch
):
    import time

    import tui_tasks.ui.screens.task_list as task_list_module

    class SlowFirst(task_list_module.TaskChanged):  # the first answer's worker is descheduled before posting
        def __init__(self, task, *args, **kwargs):
            if kwargs.get("before") is not None and task.version == 2:
                time.sleep(0.3)
            super().__init__(task, *args, **kwargs)

    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        monkeypatch.setattr(task_list_module, "TaskChanged", SlowFirst)
        await select(pilot, "Renew passport")
        await pilot.press("space", "space")
        await settle(pilot)
        stored = ui_services.tasks.get(demo_user, current(app).id)
        assert (current(app).completed, current(app).version) == (stored.completed, stored.version) == (False, 3)
        c = ui_services.stats.counts(demo_user)
        assert f"{c.pending} pending · {c.done} done" in str(app.screen.query_one("#list-header").render())


async def test_a_write_queued_behind_a_refused_one_is_not_sent_on_a_guessed_version(
    ui_settings, ui_services, demo_user, fixed_clock, elsewhere
):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await select(pilot, "Renew passport")
        task = current(app)
        answer = threading.Event()
        toggle = ui_services.tasks.toggle
        ui_services.tasks.toggle = lambda *args: (answer.wait(5), toggle(*args))[1]
        await pilot.press("space")  # held in the queue (a busy database)
        await pilot.press("d")
        await pilot.press("y")  # queued behind it, expecting the version the toggle would make
        elsewhere.tasks.update(demo_user, task.id, TaskDraft("Renew passport, edited by a colleague"))
        answer.set()
        await settle(pilot)
        kept = ui_services.tasks.get(demo_user, task.id)  # not deleted: the user never saw that edit
        assert kept.title == "Renew passport, edited by a colleague" and not kept.completed
        assert current(app).title == kept.title
        assert any("elsewhere" in m for m in messages(app))  # the toggle, refused
        assert "Not sent: an earlier change to this task was not saved" in messages(app)  # the delete


async def test_a_change_polled_while_a_page_loads_is_shown_by_a_later_poll(
    ui_settings, ui_services, demo_user, fixed_clock, elsewhere
):
    from tui_tasks.ui.screens.list_paging import PAGE_SIZE

    for n in range(PAGE_SIZE * 3):
        ui_services.tasks.create(demo_user, TaskDraft(f"task {n:03}"))
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        screen, table = app.screen, app.screen.query_one(TaskTable)
        await poll(pilot)
        first_id = next(iter(table.tasks))
        more = threading.Event()
        page = ui_services.tasks.page
        ui_services.tasks.page = lambda *a, **k: (a[2] is not None and more.wait(5), page(*a, **k))[1]
        table.move_cursor(row=PAGE_SIZE - 5)  # asks for the next page, which is slow to come
        await pilot.pause()
        elsewhere.tasks.update(demo_user, first_id, TaskDraft("renamed elsewhere"))
        screen.poll_changes()
        await pilot.pause(0.2)
        more.set()
        await settle(pilot)
        ui_services.tasks.page = page
        await poll(pilot)
        assert titles(app)[0] == "renamed elsewhere"


async def test_markup_in_titles_and_names_is_shown_as_typed(ui_settings, ui_services, fixed_clock):
    from tests.ui.conftest import PASSWORD, log_in, make_app
    from tui_tasks.ui.widgets.status_bar import StatusBar

    user = ui_services.accounts.register("ada@example.com", PASSWORD, "Ada [/] Lovelace")
    ui_services.tasks.create(user, TaskDraft("[red]Pay[/red] rent [link=https://x.example]x[/link] [/]"))
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await log_in(pilot)  # (the name in the status bar once crashed the app here)
        assert "Ada [/] Lovelace" in str(app.screen.query_one(StatusBar).query_one("#status-user").render())
        await pilot.press("d", "y")
        await settle(pilot)
        assert "Deleted “[red]Pay[/red] rent [link=https://x.example]x[/link] [/]” — press u to undo" in messages(app)


async def test_the_edit_form_opens_with_the_cursor_after_the_title(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await select(pilot, "Buy milk")
        await pilot.press("e", *" and eggs")
        assert app.screen.query_one("#title").value == "Buy milk and eggs"  # added to, not replaced
