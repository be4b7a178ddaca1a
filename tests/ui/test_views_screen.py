"""The search box's filter language on screen (inline mistakes, coloured fields) and the views picker."""

from __future__ import annotations

from tests.ui.conftest import PASSWORD, add_demo_tasks, make_app, settle
from tui_tasks.domain import SortField
from tui_tasks.ui.screens.confirm import ConfirmScreen
from tui_tasks.ui.screens.views import ViewsScreen
from tui_tasks.ui.widgets.filter_bar import FilterBar


async def log_in(pilot) -> None:
    """Start the session as the log-in screen does once the password is checked (the log-in screen's own
    keys are its tests' business)."""
    from tui_tasks.ui.messages import LoggedIn
    from tui_tasks.ui.screens.task_list import TaskListScreen

    await pilot.pause()
    pilot.app.post_message(LoggedIn(pilot.app.services.accounts.log_in("ada@example.com", PASSWORD)))
    await settle(pilot)
    assert isinstance(pilot.app.screen, TaskListScreen), pilot.app.screen


def state(app) -> str:
    return str(app.screen.query_one("#filter-state").render())


async def test_a_mistake_is_said_inline_as_it_is_typed_and_goes_when_fixed(ui_settings, ui_services, demo_user, fixed_clock):
    add_demo_tasks(ui_services, demo_user, fixed_clock)
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await pilot.press("slash", *"prio:high")
        bar = app.screen.query_one(FilterBar)
        assert bar.problem == "unknown field 'prio' — try project:, #tag, !high, due:, is:"
        assert state(app).startswith("✗ unknown field 'prio' — try project:")
        await pilot.press(*" milk")  # typing goes on meanwhile
        assert app.screen.query_one("#search").value == "prio:high milk"
        await pilot.pause(0.3)
        await settle(pilot)
        for _ in range(len("prio:high milk")):
            await pilot.press("backspace")
        await pilot.press(*"!high")
        assert bar.problem is None and "✗" not in state(app)
        await pilot.pause(0.3)
        await settle(pilot)
        assert app.screen.query_one("#search").has_focus


async def test_recognised_fields_are_coloured_in_the_search_box(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        box = app.screen.query_one("#search")
        box.value = "milk project:home !zz"
        styled = box._value
        spans = {(s.start, s.end): str(s.style) for s in styled.spans}
        assert spans[(5, 17)] == "bold magenta" and spans[(18, 21)] == "underline red"


async def test_a_narrow_bar_says_the_mistake_without_its_hint(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(50, 20)) as pilot:
        await log_in(pilot)
        await pilot.press("slash", *"is:later")
        assert state(app).startswith("✗ unknown state 'later'") and "try" not in state(app)


async def views_screen(pilot, filter_text="project:home !high", sort=SortField.DUE, descending=False):
    chosen = []
    pilot.app.push_screen(ViewsScreen(pilot.app.user, filter_text, sort, descending), chosen.append)
    await settle(pilot)
    return chosen


def listed(app) -> list[str]:
    """The names the views screen lists, a question over it or not."""
    screen = next(screen for screen in reversed(app.screen_stack) if isinstance(screen, ViewsScreen))
    return [view.name for view in screen.views]


async def test_the_views_screen_lists_the_defaults_and_enter_chooses_one(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        chosen = await views_screen(pilot)
        assert listed(app) == ["Inbox", "Today", "Upcoming", "Overdue", "Waiting", "Done"]
        await pilot.press("down", "enter")
        await settle(pilot)
        [view] = chosen
        assert (view.name, view.filter, view.sort) == ("Today", "is:pending due<=today", SortField.DUE)
        assert not isinstance(app.screen, ViewsScreen)


async def test_save_rename_move_and_delete_from_the_screen(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        chosen = await views_screen(pilot)
        await pilot.press("s", *"Home urgent", "enter")
        await settle(pilot)
        assert listed(app)[-1] == "Home urgent"
        assert app.screen.query_one("#views").highlighted == 6  # the cursor on the view saved
        await pilot.press("r", *" now", "enter")  # the name box starts with the old name
        await settle(pilot)
        assert listed(app)[-1] == "Home urgent now"
        await pilot.press("shift+up")
        await settle(pilot)
        assert listed(app)[-2:] == ["Home urgent now", "Done"]
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert "Home urgent now" not in listed(app)
        stored = [v.name for v in ui_services.views.list(demo_user)]
        assert stored == listed(app)
        await pilot.press("escape")
        await settle(pilot)
        assert chosen == [None]


async def test_a_refused_save_is_said_in_the_screen(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await views_screen(pilot, filter_text="prio:x")
        await pilot.press("s", *"Broken", "enter")
        await settle(pilot)
        error = str(app.screen.query_one("#views-error").render())
        assert error.startswith("The filter has a mistake: unknown field 'prio'")
        box = app.screen.query_one("#view-name")
        assert box.value == "Broken" and app.screen.focused is box  # the box stays open with the name
        box.value = ""
        await pilot.press("enter")  # an empty name
        await settle(pilot)
        assert str(app.screen.query_one("#views-error").render()) == "View name is required"
        assert app.screen.focused is box
        assert isinstance(app.screen, ViewsScreen) and "Broken" not in listed(app)


async def test_a_view_deleted_elsewhere_is_said_not_found(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await views_screen(pilot)
        ui_services.views.delete(demo_user, app.screen.views[0].id)  # another window
        await pilot.press("r", *"x", "enter")
        await settle(pilot)
        assert str(app.screen.query_one("#views-error").render()) == "View not found (it may have been deleted)"


async def test_the_filter_state_is_said_whole_or_in_short_never_cut():
    """At 80 columns "35 shown · filter all · sort created ↓" did not fit its half of the bar and was cut
    ("sort created…"): the short form is used whenever the long one would not fit whole."""
    from textual.app import App

    from tui_tasks.domain import TaskQuery
    from tui_tasks.ui.widgets.filter_bar import FilterBar

    class Bar(App):
        live = False

        def compose(self):
            yield FilterBar(TaskQuery())

    for width in (40, 60, 80, 100, 140):
        app = Bar()
        async with app.run_test(size=(width, 5)) as pilot:
            bar = app.query_one(FilterBar)
            bar.matching = 12345
            await pilot.pause()
            label = app.query_one("#filter-state")
            shown = str(label.render())
            assert len(shown) <= label.content_region.width and shown.endswith(("↓", "↑")), (width, shown, label.content_region)


async def test_saving_under_a_name_in_use_asks_and_no_keeps_the_old_view_and_what_was_typed(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await views_screen(pilot)
        before = ui_services.views.list(demo_user)
        await pilot.press("s", *"today", "enter")  # names are one whatever their case
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.title_text == "A view named “Today” exists — replace it?"
        assert app.screen.detail == "It shows  is:pending due<=today · due↑\nIt would show  project:home !high · due↑"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ViewsScreen) and ui_services.views.list(demo_user) == before
        box = app.screen.query_one("#view-name")
        assert box.value == "today" and box.has_focus and not box.disabled
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert ui_services.views.list(demo_user) == before and app.screen.query_one("#view-name").value == "today"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        after = ui_services.views.list(demo_user)
        assert len(after) == len(before) and after[1].id == before[1].id
        assert (after[1].name, after[1].filter) == ("today", "project:home !high")
        assert not app.screen.has_class("-naming") and app.screen.query_one("#views").highlighted == 1


async def test_a_name_taken_in_another_window_meanwhile_is_refused_then_asked(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await views_screen(pilot)
        theirs = ui_services.views.save(demo_user, "Work", "project:work", SortField.CREATED, True)  # another window
        await pilot.press("s", *"Work", "enter")
        await settle(pilot)
        assert str(app.screen.query_one("#views-error").render()) == "A view named “Work” exists already: choose another name"
        assert ui_services.views.list(demo_user)[-1] == theirs and app.screen.query_one("#view-name").value == "Work"
        await pilot.press("enter")  # the list was read again: now it asks
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)


async def test_renaming_onto_a_name_in_use_is_refused_in_one_line(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await views_screen(pilot)
        before = ui_services.views.list(demo_user)
        await pilot.press("r", *["backspace"] * 5, *"TODAY", "enter")  # Inbox → TODAY
        await settle(pilot)
        assert str(app.screen.query_one("#views-error").render()) == "A view named “Today” exists already: choose another name"
        box = app.screen.query_one("#view-name")
        assert box.value == "TODAY" and box.has_focus and ui_services.views.list(demo_user) == before
        await pilot.press("escape")
        await settle(pilot)
        assert not app.screen.has_class("-naming") and listed(app) == [v.name for v in before]


async def test_the_header_follows_the_view_it_names_renamed_or_deleted_in_another_window(
    ui_settings, ui_services, demo_user, fixed_clock
):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 24)) as pilot:
        await log_in(pilot)
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("down", "enter")  # Today
        await settle(pilot)
        screen = app.screen
        assert "Today" in str(screen.query_one("#list-header").render())
        screen.poll_changes()  # (the app is not live in tests: its timer does not poll)
        await settle(pilot)
        today = next(v for v in ui_services.views.list(demo_user) if v.name == "Today")
        ui_services.views.rename(demo_user, today.id, "Due soon")  # another window
        screen.poll_changes()
        await settle(pilot)
        assert "Due soon" in str(screen.query_one("#list-header").render())
        ui_services.views.delete(demo_user, today.id)
        screen.poll_changes()
        await settle(pilot)
        shown = str(screen.query_one("#list-header").render())
        assert "Due soon" not in shown and "Today" not in shown, shown
