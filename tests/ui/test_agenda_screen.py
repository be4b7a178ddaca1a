"""The agenda screen, opened over the task list (as the list's key will open it)."""

from __future__ import annotations

from datetime import timedelta

from tests.ui.conftest import TODAY, add_demo_tasks, log_in, make_app, settle
from tui_tasks.domain import Priority, TaskDraft
from tui_tasks.ui.screens.agenda import SCREEN_LIMIT, AgendaScreen
from tui_tasks.ui.screens.task_list import TaskListScreen
from tui_tasks.ui.widgets.agenda_list import AgendaList


def lines(screen) -> list[str]:
    """The agenda's lines as plain text, trailing spaces cut."""
    options = screen.query_one(AgendaList).options
    return [str(option.prompt).rstrip() for option in options]


async def settle_until(pilot, done, tries: int = 30) -> None:
    """Wait for workers and messages until `done()`: a poll starts reads whose answers start others,
    more rounds than `settle` waits for on a busy machine."""
    for _ in range(tries):
        if done():
            return
        await settle(pilot)
    assert done()


async def open_agenda(pilot, results: list) -> AgendaScreen:
    pilot.app.push_screen(AgendaScreen(), results.append)
    await settle(pilot)
    assert isinstance(pilot.app.screen, AgendaScreen)
    return pilot.app.screen


async def test_the_demo_tasks_show_under_their_sections(ui_settings, ui_services, demo_user, fixed_clock):
    add_demo_tasks(ui_services, demo_user, fixed_clock)
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot)
        screen = await open_agenda(pilot, [])
        shown = lines(screen)
        headings = [line.split("  ")[0].strip() for line in shown if not line.startswith("  ")]
        assert headings[:2] == ["Overdue", "Today · 10 Mar"]
        assert headings[-2:] == ["Later", "No date"]
        assert any("Write the quarterly report" in line and "2 d overdue" in line for line in shown)
        assert any("Buy milk" in line and "home #errand" in line for line in shown)
        assert any("Renew passport" in line and "Mon 1 Jun" in line for line in shown)
        assert not any("Dune" in line and "✓" in line for line in shown)
        assert "4 pending" in str(screen.query_one("#agenda-date").render())
        assert screen.query_one(AgendaList).current_task_id() is not None  # the cursor starts on a task


async def test_enter_closes_the_agenda_with_the_task_and_escape_without(ui_settings, ui_services, demo_user, fixed_clock):
    add_demo_tasks(ui_services, demo_user, fixed_clock)
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        results: list = []
        screen = await open_agenda(pilot, results)
        await pilot.press("j")
        chosen = screen.query_one(AgendaList).current_task_id()
        assert chosen is not None
        await pilot.press("enter")
        await settle(pilot)
        assert results == [chosen] and isinstance(app.screen, TaskListScreen)
        await open_agenda(pilot, results)
        await pilot.press("escape")
        await settle(pilot)
        assert results == [chosen, None] and isinstance(app.screen, TaskListScreen)


async def test_a_long_section_says_how_many_more(ui_settings, ui_services, demo_user, fixed_clock):
    for n in range(SCREEN_LIMIT + 7):
        ui_services.tasks.create(demo_user, TaskDraft(f"chore {n:03}", due=TODAY, priority=Priority(n % 4)))
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        screen = await open_agenda(pilot, [])
        shown = lines(screen)
        assert shown[0].split("  ")[0].strip() == "Today · 10 Mar" and shown[0].endswith(f"{SCREEN_LIMIT + 7} tasks")
        assert "and 7 more" in shown[-1]
        assert len(shown) == SCREEN_LIMIT + 2
        assert "!!!" in shown[1]  # high priority first among tasks due the same day


async def test_a_task_deleted_elsewhere_leaves_the_agenda_at_the_next_poll(ui_settings, ui_services, demo_user, fixed_clock):
    keep = ui_services.tasks.create(demo_user, TaskDraft("keep me", due=TODAY))
    gone = ui_services.tasks.create(demo_user, TaskDraft("delete me", due=TODAY + timedelta(days=1)))
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        screen = await open_agenda(pilot, [])
        assert any("delete me" in line for line in lines(screen))
        ui_services.tasks.delete(demo_user, gone.id)  # another window
        screen.poll_changes()
        await settle_until(pilot, lambda: not any("delete me" in line for line in lines(screen)))
        assert not any("delete me" in line for line in lines(screen))
        assert screen.query_one(AgendaList).current_task_id() == keep.id


async def test_an_empty_agenda_says_so(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(40, 15)) as pilot:
        await log_in(pilot)
        screen = await open_agenda(pilot, [])
        assert len(lines(screen)) == 1 and "Nothing pending" in lines(screen)[0]
        assert screen.query_one(AgendaList).current_task_id() is None
        await pilot.press("enter")  # nothing to go to: stays
        await settle(pilot)
        assert app.screen is screen


async def test_past_midnight_the_agenda_reads_its_days_again(ui_settings, ui_services, demo_user, fixed_clock):
    ui_services.tasks.create(demo_user, TaskDraft("tomorrow's", due=TODAY + timedelta(days=1)))
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        screen = await open_agenda(pilot, [])
        assert lines(screen)[0].split("  ")[0].strip() == "Tomorrow · 11 Mar"
        fixed_clock.advance(days=1)
        screen.poll_changes()
        await settle_until(pilot, lambda: screen.view.today != TODAY)
        assert screen.view.today == TODAY + timedelta(days=1)
        assert lines(screen)[0].split("  ")[0].strip() == "Today · 11 Mar"


async def test_a_failed_poll_says_nothing(ui_settings, ui_services, demo_user, fixed_clock):
    """The account is deleted from another window: the poll fails quietly (the list says so when it is
    back), and the agenda stays as it was."""
    ui_services.tasks.create(demo_user, TaskDraft("still shown", due=TODAY))
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot)
        screen = await open_agenda(pilot, [])
        ui_services.accounts.delete_account(demo_user, "demo-password")
        screen.poll_changes()
        await settle(pilot)
        assert list(app._notifications) == []
        assert any("still shown" in line for line in lines(screen))


async def test_question_mark_lists_the_agenda_keys(ui_settings, ui_services, demo_user, fixed_clock):
    from tui_tasks.ui.screens.help import HelpScreen

    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        screen = await open_agenda(pilot, [])
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert {"Back", "Open", "Refresh", "Keys"} <= {action for _keys, action in app.screen.rows}
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_the_agenda_lines_take_a_theme_chosen_while_they_show(ui_settings, ui_services, demo_user, fixed_clock):
    add_demo_tasks(ui_services, demo_user, fixed_clock)
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot)
        screen = await open_agenda(pilot, [])

        def heading_colour() -> str:
            prompt = screen.query_one(AgendaList).options[0].prompt  # "Overdue", in the theme's primary text colour
            return str(prompt.get_style_at_offset(app.console, 0).color.get_truecolor().hex).lower()

        before = heading_colour()
        assert before == app.theme_variables["text-primary"].lower()
        app.theme = "nord"
        await settle(pilot)
        assert heading_colour() == app.theme_variables["text-primary"].lower() != before
