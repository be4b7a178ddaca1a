"""The detail pane: `i` opens it beside the list (wide) or in its place (narrow); it follows the cursor,
reads once the cursor rests, and `n` adds a note."""

from __future__ import annotations

from tests.ui.conftest import NOW, TODAY, log_in, make_app, settle
from tests.ui.test_subtasks_ui import listed, select
from tui_tasks.domain import TaskDraft
from tui_tasks.ui.widgets.detail_pane import LOAD_DELAY_S, DetailPane
from tui_tasks.ui.widgets.task_table import TaskTable


def pane_text(app) -> str:
    return str(app.screen.query_one(DetailPane).describe())


async def rest(pilot) -> None:
    """Let the cursor rest long enough for the pane to read, and the read arrive."""
    await pilot.pause(LOAD_DELAY_S + 0.05)
    await settle(pilot)


async def test_i_opens_the_pane_beside_a_wide_list_and_closes_it_again(ui_settings, ui_services, demo_user, fixed_clock):
    async with listed(ui_settings, ui_services, demo_user, fixed_clock, size=(120, 40)) as (app, pilot, made):
        table, pane = app.screen.query_one(TaskTable), app.screen.query_one(DetailPane)
        assert not pane.display
        await select(pilot, made["Trip"])
        await pilot.press("i")
        await rest(pilot)
        assert pane.display and table.display and app.focused is table
        text = pane_text(app)
        assert "Subtasks (1/3 done)" in text and "✓ Flights" in text and "· Hotel" in text
        assert "Urgency" in text and "priority medium" in text
        await pilot.press("j")  # the pane follows the cursor
        await rest(pilot)
        assert pane_text(app).startswith("Pack")
        await pilot.press("escape")
        assert not pane.display and app.focused is table


async def test_a_narrow_screen_shows_the_pane_in_place_of_the_list(ui_settings, ui_services, demo_user, fixed_clock):
    async with listed(ui_settings, ui_services, demo_user, fixed_clock, size=(80, 24)) as (app, pilot, made):
        table, pane = app.screen.query_one(TaskTable), app.screen.query_one(DetailPane)
        await select(pilot, made["Taxes"])
        await pilot.press("i")
        await rest(pilot)
        assert pane.display and not app.screen.query_one("#list-pane").display and app.focused is pane
        text = pane_text(app)
        assert "status   blocked" in text and "Blocked by" in text and "⊘ Receipts" in text and "-5.0" in text
        await pilot.press("i")
        assert not pane.display and app.screen.query_one("#list-pane").display and app.focused is table


async def test_the_exact_due_and_the_repeat_in_words(ui_settings, ui_services, demo_user, fixed_clock):
    async with listed(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot, made):
        await select(pilot, made["Water plants"])
        await pilot.press("i")
        await rest(pilot)
        text = pane_text(app)
        assert f"due      {TODAY:%a} {TODAY.day} {TODAY:%b %Y}" in text
        assert f"repeats  every 3 days, next {TODAY:%a} {TODAY.day} {TODAY:%b}" in text


async def test_n_adds_a_note_that_the_pane_shows_with_its_time(ui_settings, ui_services, demo_user, fixed_clock):
    async with listed(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot, made):
        await select(pilot, made["Receipts"])
        await pilot.press("n")
        assert app.screen.query_one(DetailPane).display and app.focused is app.screen.query_one("#note")
        await pilot.press(*"Shoebox in the attic", "enter")
        await settle(pilot)
        await rest(pilot)
        assert [text for _, text in ui_services.tasks.annotations(demo_user, made["Receipts"])] == ["Shoebox in the attic"]
        assert f"{NOW.astimezone():%a %d %b %H:%M}  Shoebox in the attic" in pane_text(app)  # local time
        assert app.focused is app.screen.query_one(TaskTable)
        await pilot.press("space")  # the row has the version the note made: the toggle is not refused as stale
        await settle(pilot)
        assert ui_services.tasks.get(demo_user, made["Receipts"]).completed


async def test_an_empty_note_is_refused_in_one_line(ui_settings, ui_services, demo_user, fixed_clock):
    async with listed(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot, made):
        await select(pilot, made["Receipts"])
        await pilot.press("n", "space", "enter")
        await settle(pilot)
        error = str(app.screen.query_one("#note-error").render())
        assert error == "Note not saved: A note needs some text"


async def test_moving_fast_reads_the_details_once_the_cursor_rests(ui_settings, ui_services, demo_user, fixed_clock):
    for n in range(10):
        ui_services.tasks.create(demo_user, TaskDraft(f"Task {n}"))
    reads: list[int] = []
    annotations = ui_services.tasks.annotations
    ui_services.tasks.annotations = lambda user, task_id: reads.append(task_id) or annotations(user, task_id)
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await pilot.press("i")
        await rest(pilot)
        reads.clear()
        await pilot.press(*"jjjjjj")
        await rest(pilot)
        table = app.screen.query_one(TaskTable)
        assert reads == [table.current_task().id] and pane_text(app).startswith(table.current_task().title)
