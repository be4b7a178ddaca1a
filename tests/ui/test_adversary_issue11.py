"""Adversarial pilot tests of issue 11 in the real app (real services on a temp SQLite file): selection and
bulk actions that go wrong, undo messages, the search box with hostile text, saved views, sizes."""

from __future__ import annotations

import pytest

from tests.ui.conftest import settle
from tests.ui.test_task_list import header, messages, select, task_list, titles
from tui_tasks.domain import TaskDraft, TaskQuery
from tui_tasks.ui.screens.bulk_edit import BulkEditScreen
from tui_tasks.ui.widgets.filter_bar import FilterBar


def done_titles(services, user) -> set[str]:
    return {t.title for t in services.tasks.page(user, TaskQuery(filter="done"), limit=100).tasks}


async def search(pilot, text: str) -> None:
    await pilot.press("slash")
    pilot.app.screen.query_one("#search").value = text
    await pilot.pause(0.3)
    await pilot.press("enter")
    await settle(pilot)


async def test_ctrl_a_on_a_list_of_done_tasks_then_space_marks_them_not_done(ui_settings, ui_services, demo_user, fixed_clock):
    """README: space with a selection marks all of it done, "or not done, when all of it already is"."""
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await select(pilot, "Buy milk")
        await pilot.press("space")
        await settle(pilot)
        assert done_titles(ui_services, demo_user) == {"Book dentist appointment", "Buy milk"}
        await search(pilot, "is:done")
        assert sorted(titles(app)) == ["Book dentist appointment", "Buy milk"]
        await pilot.press("ctrl+a")
        assert "2 selected" in header(app)
        await pilot.press("space")
        await settle(pilot)
        assert done_titles(ui_services, demo_user) == set(), messages(app)


async def test_a_bulk_action_that_changes_nothing_does_not_offer_an_undo_of_something_else(
    ui_settings, ui_services, demo_user, fixed_clock
):
    """ctrl+a on `is:done` then space: every task already is done, nothing changes and nothing is logged;
    the toast must not say "u undoes it", for u then undoes an older, unrelated change."""
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await select(pilot, "Buy milk")
        await pilot.press("space")  # the change that an unwary u would take back
        await settle(pilot)
        await search(pilot, "is:done")
        await pilot.press("ctrl+a", "space")
        await settle(pilot)
        said = [m for m in messages(app) if "u undoes it" in m]
        assert not any(m.startswith("0 tasks") for m in said), said


async def test_a_bulk_edit_the_service_refuses_keeps_the_selection(ui_settings, ui_services, demo_user, fixed_clock):
    """A tag of 500 characters passes the dialog, which closes; the service refuses it; the selection is
    already gone, so the user must pick every task again (and type the edit again)."""
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await select(pilot, "Renew passport")
        await pilot.press("v", "v", "v", "e")
        assert isinstance(app.screen, BulkEditScreen)
        app.screen.query_one("#add_tags").value = "x" * 500
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BulkEditScreen) or "3 selected" in header(app), (header(app), messages(app))


async def test_a_bulk_move_under_one_of_the_selected_tasks_keeps_the_selection(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await select(pilot, "Renew passport")
        first = app.screen.query_one("TaskTable").current_task()
        await pilot.press("v", "v", "e")
        app.screen.query_one("#parent").value = str(first.id)
        await pilot.press("ctrl+s")
        await settle(pilot)
        # the dialog opens again as it was, the reason under its fields; the selection is back behind it
        assert isinstance(app.screen, BulkEditScreen), (header(app), messages(app))
        assert "cannot be under itself" in str(app.screen.query_one("#bulk-error").render())
        assert app.screen.query_one("#parent").value == str(first.id)
        await pilot.press("escape")
        assert "2 selected" in header(app), header(app)


async def test_a_search_longer_than_the_limit_is_said_in_place_of_the_counts(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await pilot.press("slash")
        app.screen.query_one("#search").value = "milk " * 40 + "x"
        for _ in range(3):  # past the search's debounce, and its worker
            await pilot.pause(0.3)
            await settle(pilot)
        assert not any("Search must be at most" in m for m in messages(app)), messages(app)
        assert app.screen.query_one(FilterBar).problem is not None


async def test_a_search_longer_than_the_limit_does_not_leave_the_old_rows_under_it(ui_settings, ui_services, demo_user, fixed_clock):
    for n in range(150):
        ui_services.tasks.create(demo_user, TaskDraft(f"Item {n:03d}"))
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock, demo=False) as (app, pilot):
        assert "150 shown" in str(app.screen.query_one("#filter-state").render())
        await pilot.press("slash")
        app.screen.query_one("#search").value = "item " * 40 + "x"  # matches nothing
        for _ in range(3):
            await pilot.pause(0.3)
            await settle(pilot)
        state = str(app.screen.query_one("#filter-state").render())
        assert "150 shown" not in state and not titles(app), (state, titles(app)[:3], messages(app))


@pytest.mark.parametrize("text", ['"', '"unclosed', "-", "--", "!", "#", "due<=", "due:", "is:", "is:dne", "🎉🎉",
                                  "-#", "due>9999-12-31", "x" * 200, "‮"])  # fmt: skip
async def test_hostile_search_text_never_crashes_the_list(ui_settings, ui_services, demo_user, fixed_clock, text):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await pilot.press("slash")
        for n in range(1, len(text) + 1, max(1, len(text) // 5)):  # as typed, a few keys at a time
            app.screen.query_one("#search").value = text[:n]
            await pilot.pause(0.05)
        app.screen.query_one("#search").value = text
        await pilot.pause(0.3)
        await settle(pilot)
        assert app.is_running and app.screen.query_one("TaskTable") is not None
        assert not any("Traceback" in m or "Error" in m.split()[0] for m in messages(app)), messages(app)


@pytest.mark.parametrize("keys", [(), ("c",), ("m",), ("slash",)])
async def test_ctrl_q_quits_from_the_list_and_its_full_screens(ui_settings, ui_services, demo_user, fixed_clock, keys):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await pilot.press(*keys)
        await pilot.pause(0.2)
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause(0.2)
        assert not app.is_running


@pytest.mark.parametrize("keys", [("w",), ("w", "s"), ("v", "e"), ("d",), ("question_mark",), ("A",)])
async def test_ctrl_q_quits_over_a_dialog(ui_settings, ui_services, demo_user, fixed_clock, keys):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await pilot.press(*keys)
        await pilot.pause(0.2)
        await settle(pilot)
        dialog = type(app.screen).__name__
        await pilot.press("ctrl+q")
        await pilot.pause(0.2)
        assert not app.is_running, f"still running over {dialog}"


async def _open_view(pilot, name: str) -> None:
    from tui_tasks.ui.screens.views import ViewsScreen

    await pilot.press("w")
    await pilot.pause(0.2)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ViewsScreen)
    screen.query_one("#views").highlighted = [v.name for v in screen.views].index(name)
    await pilot.press("enter")
    await pilot.pause(0.2)
    await settle(pilot)


async def test_deleting_the_view_in_use_stops_the_header_naming_it(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await _open_view(pilot, "Inbox")
        assert header(app).startswith("Inbox")
        await pilot.press("w")
        await pilot.pause(0.2)
        await settle(pilot)
        app.screen.query_one("#views").highlighted = 0
        await pilot.press("d", "y")
        await pilot.pause(0.2)
        await settle(pilot)
        assert "Inbox" not in [v.name for v in ui_services.views.list(demo_user)]
        await pilot.press("escape")
        await pilot.pause(0.2)
        await settle(pilot)
        assert not header(app).startswith("Inbox"), header(app)


async def test_a_refused_view_name_keeps_the_name_box_open(ui_settings, ui_services, demo_user, fixed_clock):
    from tui_tasks.ui.screens.views import ViewsScreen

    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        await pilot.press("w")
        await pilot.pause(0.2)
        await settle(pilot)
        await pilot.press("s", "enter")  # an empty name
        await pilot.pause(0.2)
        await settle(pilot)
        assert isinstance(app.screen, ViewsScreen)
        assert "required" in str(app.screen.query_one("#views-error").render())
        assert app.screen.focused is app.screen.query_one("#view-name"), app.screen.focused
