"""Subtasks in the list (indented, folded, with progress), completing a parent, blocked and repeating tasks,
and the "next" order."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import timedelta

from tests.ui.conftest import TODAY, log_in, make_app, settle
from tui_tasks.domain import Priority, Recurrence, SortField, TaskDraft, TaskQuery
from tui_tasks.ui.screens.complete_parent import CompleteParentScreen
from tui_tasks.ui.screens.task_list import TaskListScreen
from tui_tasks.ui.widgets.task_table import TaskTable


def tree(services, user) -> dict[str, int]:
    """Trip (Flights done, Hotel, Pack (Adapters, Camera)), a repeating Water plants, Taxes blocked by Receipts."""
    made: dict[str, int] = {}

    def add(name: str, **fields) -> None:
        made[name] = services.tasks.create(user, TaskDraft(name, **fields)).id

    add("Trip", priority=Priority.MEDIUM)
    add("Flights", parent_id=made["Trip"])
    services.tasks.complete(user, made["Flights"])
    add("Hotel", parent_id=made["Trip"])
    add("Pack", parent_id=made["Trip"])
    add("Adapters", parent_id=made["Pack"])
    add("Camera", parent_id=made["Pack"])
    add("Water plants", due=TODAY, recurrence=Recurrence("FREQ=DAILY;INTERVAL=3"))
    add("Receipts")
    add("Taxes", depends=(made["Receipts"],), priority=Priority.HIGH)
    return made


@asynccontextmanager
async def listed(ui_settings, ui_services, demo_user, clock, size=(120, 40)):
    made = tree(ui_services, demo_user)
    app = make_app(ui_settings, ui_services, clock)
    async with app.run_test(size=size, notifications=True) as pilot:
        await log_in(pilot)
        yield app, pilot, made


def rows(app) -> list[str]:
    """Each row's title cell as drawn (indent, fold marker, ancestry, blocked mark, progress)."""
    table = app.screen.query_one(TaskTable)
    return [str(table.get_cell(key, "title")) for key in table.rows]


async def select(pilot, task_id: int) -> None:
    table = pilot.app.screen.query_one(TaskTable)
    table.move_cursor(row=table.get_row_index(str(task_id)))
    await pilot.pause()


async def test_subtasks_sit_under_their_parent_indented_with_progress(ui_settings, ui_services, demo_user, fixed_clock):
    async with listed(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot, made):
        assert rows(app) == [
            "⊘ Taxes", "Receipts", "Water plants",
            "▾ Trip 1/3", "  ▾ Pack 0/2", "      Camera", "      Adapters", "    Hotel", "    Flights",
        ]  # fmt: skip


async def test_left_folds_a_parent_right_unfolds_and_left_on_a_subtask_goes_to_its_parent(
    ui_settings, ui_services, demo_user, fixed_clock
):
    async with listed(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot, made):
        table = app.screen.query_one(TaskTable)
        await select(pilot, made["Pack"])
        await pilot.press("left")
        assert rows(app)[3:] == ["▾ Trip 1/3", "  ▸ Pack 0/2", "    Hotel", "    Flights"]
        assert table.current_task().id == made["Pack"]
        await pilot.press("left")  # folded already: up to its parent
        assert table.current_task().id == made["Trip"]
        await pilot.press("h")
        assert rows(app)[3:] == ["▸ Trip 1/3"]
        app.screen.reload_window()  # the fold outlives a re-read of the list
        await settle(pilot)
        assert rows(app)[3:] == ["▸ Trip 1/3"]
        await pilot.press("right")
        assert rows(app)[3:] == ["▾ Trip 1/3", "  ▸ Pack 0/2", "    Hotel", "    Flights"]
        await pilot.press("j", "l")
        assert "      Camera" in rows(app) and table.current_task().id == made["Pack"]


async def test_a_search_is_flat_and_shows_each_tasks_parents(ui_settings, ui_services, demo_user, fixed_clock):
    async with listed(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot, made):
        await pilot.press("slash", *"camera")
        await pilot.pause(0.2)
        await settle(pilot)
        assert rows(app) == ["Trip › Pack › Camera"]


async def test_completing_a_parent_with_open_subtasks_asks_first(ui_settings, ui_services, demo_user, fixed_clock):
    async with listed(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot, made):
        await select(pilot, made["Pack"])
        await pilot.press("space")
        assert isinstance(app.screen, CompleteParentScreen)
        await pilot.press("escape")  # cancel: nothing changes
        await settle(pilot)
        assert isinstance(app.screen, TaskListScreen) and not ui_services.tasks.get(demo_user, made["Pack"]).completed
        await pilot.press("space", "o")  # only this one
        await settle(pilot)
        assert ui_services.tasks.get(demo_user, made["Pack"]).completed
        assert not ui_services.tasks.get(demo_user, made["Camera"]).completed
        await select(pilot, made["Trip"])
        await pilot.press("space", "a")  # all of them, down the tree
        await settle(pilot)
        get = lambda name: ui_services.tasks.get(demo_user, made[name])  # noqa: E731
        assert all(get(name).completed for name in ("Trip", "Hotel", "Camera", "Adapters"))
        assert rows(app)[3] == "▾ Trip 3/3"
        assert str(app.screen.query_one(TaskTable).get_cell(str(made["Camera"]), "done")) == "✓"


async def test_a_parent_with_every_subtask_done_completes_without_asking(ui_settings, ui_services, demo_user, fixed_clock):
    async with listed(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot, made):
        for name in ("Adapters", "Camera"):
            ui_services.tasks.complete(demo_user, made[name])
        app.screen.reload()
        await settle(pilot)
        await select(pilot, made["Pack"])
        await pilot.press("space")
        await settle(pilot)
        assert isinstance(app.screen, TaskListScreen) and ui_services.tasks.get(demo_user, made["Pack"]).completed


async def test_next_sorts_the_most_urgent_first(ui_settings, ui_services, demo_user, fixed_clock):
    async with listed(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot, made):
        await pilot.press("s")
        options = app.screen.query_one("OptionList")
        assert str(options.get_option_at_index(0).prompt).startswith("next      most urgent first")
        options.highlighted = 0
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_options == TaskQuery(sort=SortField.URGENCY, descending=True)
        assert rows(app)[:2] == ["Water plants", "Receipts"]  # due today; then blocking Taxes
        assert rows(app)[-1] == "⊘ Taxes"  # blocked: last, for all its high priority
        assert "sort next ↓" in str(app.screen.query_one("#filter-state").render())


async def test_skip_brings_the_next_occurrence_and_stop_repeating_ends_the_series(
    ui_settings, ui_services, demo_user, fixed_clock
):
    async with listed(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot, made):
        await select(pilot, made["Receipts"])
        app.screen.action_skip()
        await pilot.pause()
        assert "This task does not repeat" in [n.message for n in app._notifications]
        await select(pilot, made["Water plants"])
        await pilot.press("ctrl+p", *"skip this")
        await pilot.pause(0.4)
        await pilot.press("enter")
        await settle(pilot)
        table = app.screen.query_one(TaskTable)
        current = table.current_task()
        assert current.title == "Water plants" and current.id != made["Water plants"]
        assert current.due == TODAY + timedelta(days=3)
        app.screen.action_stop_repeating()
        await settle(pilot)
        assert ui_services.tasks.get(demo_user, current.id).recurrence is None
        await pilot.press("space")
        await settle(pilot)
        assert [t.title for t in table.tasks.values()].count("Water plants") == 1  # no next one comes


# --- the tree's state without Textual (tui_tasks/ui/list_tree.py) ---------------------------------------


def _view(task_id: int, depth: int = 0, parent: int | None = None, children: tuple[int, int] = (0, 0), **fields):
    from tests.ui.conftest import NOW
    from tui_tasks.domain import TaskView

    return TaskView(task_id, f"t{task_id}", "", False, None, Priority.NONE, None, None, (), NOW, NOW, 1,
                    parent_id=parent, depth=depth, children=children, **fields)  # fmt: skip


def test_folding_hides_everything_deeper_below_a_folded_parent_and_nothing_else():
    from tui_tasks.ui.list_tree import Folding

    page = [_view(1, children=(0, 2)), _view(2, 1, 1, (0, 1)), _view(3, 2, 2), _view(4, 1, 1), _view(5)]
    folding = Folding()
    assert [t.id for t in folding.visible(page)] == [1, 2, 3, 4, 5]
    assert folding.fold(page[1]) and not folding.fold(page[2])  # a task without subtasks does not fold
    assert [t.id for t in folding.visible(page)] == [1, 2, 4, 5]
    folding.fold(page[0])
    assert [t.id for t in folding.visible(page)] == [1, 5]
    folding.unfold(page[0])
    assert [t.id for t in folding.visible(page)] == [1, 2, 4, 5]  # the inner fold is remembered


def test_a_narrowed_tree_is_flat_with_the_parents_titles():
    from tui_tasks.ui.list_tree import flattened, title_parts

    page = [_view(1, children=(1, 2)), _view(2, 1, 1), _view(3, 2, 2, blocked=True)]
    flat = flattened(page)
    assert [(t.depth, t.ancestry) for t in flat] == [(0, ()), (0, ("t1",)), (0, ("t1", "t2"))]
    assert "".join(text for text, _ in title_parts(flat[2], False)) == "t1 › t2 › ⊘ t3"
    assert "".join(text for text, _ in title_parts(page[0], True)) == "▸ t1 1/2"
