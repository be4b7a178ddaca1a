"""Keys typed in one burst (autotype, a paste of keystrokes, a fast typist) are handled as if typed slowly.

`pilot.press` waits for the app to go idle after every key, so it cannot show the problem: these tests
post every key of a burst to the app in one go, as the terminal driver does when it reads them together,
and only then wait.
"""

from __future__ import annotations

import time

from textual import events
from textual.keys import _character_to_key
from textual.widgets import Input

from tests.ui.conftest import PASSWORD, add_demo_tasks, log_in, make_app, settle
from tui_tasks.domain import TaskQuery
from tui_tasks.ui.screens.login import LoginScreen
from tui_tasks.ui.screens.task_form import TaskFormScreen
from tui_tasks.ui.screens.task_list import TaskListScreen
from tui_tasks.ui.typeahead import SETTLE_LIMIT_S
from tui_tasks.ui.widgets.task_table import TaskTable

NAMED = {"tab": "\t", "enter": "\r", "escape": "\x1b", "ctrl+u": "\x15", "ctrl+s": "\x13", "ctrl+p": "\x10",
         "ctrl+q": "\x11", "down": None, "end": None}  # fmt: skip


def burst(app, *parts: str) -> None:
    """Post the keys of `parts` (a named key, or text typed character by character) all at once."""
    keys = []
    for part in parts:
        if part in NAMED:
            keys.append(events.Key(part, NAMED[part]))
        else:
            keys.extend(events.Key(c if c.isalnum() else _character_to_key(c), c) for c in part)
    for key in keys:
        app.post_message(key)


async def wait_until(pilot, condition, timeout: float = 10) -> None:
    """Pause until `condition()` holds (the machine may be slow); fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.02)


def field(app, selector: str) -> str:
    return app.screen.query_one(selector, Input).value


def titles(services, user) -> list[str]:
    return sorted(task.title for task in services.tasks.page(user, TaskQuery(), None, 100).tasks)


async def test_autotype_email_tab_password_enter_logs_in_and_the_email_never_holds_the_password(
    ui_settings, ui_services, demo_user, fixed_clock
):
    emails: list[str] = []

    def watch(message) -> None:
        if isinstance(message, Input.Changed) and message.input.id == "email":
            emails.append(message.value)

    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30), message_hook=watch) as pilot:
        await pilot.pause()
        burst(app, "ada@example.com", "tab", PASSWORD, "enter")
        await settle(pilot)
        assert isinstance(app.screen, TaskListScreen), app.screen
        assert app.user is not None and app.user.id == demo_user.id
    assert emails and emails[-1] == "ada@example.com"
    assert all("ada@example.com".startswith(value) for value in emails), emails


async def test_a_then_a_title_then_ctrl_s_saves_the_task_with_that_title(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot)
        burst(app, "a", "Call the plumber", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TaskListScreen), app.screen
    assert titles(ui_services, demo_user) == ["Call the plumber"]


async def test_two_tasks_added_in_one_burst_are_both_saved(ui_settings, ui_services, demo_user, fixed_clock):
    """ctrl+s starts the save in a worker; the second `a` waits until the form it closes has gone."""
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot)
        burst(app, "a", "First", "ctrl+s", "a", "Second", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TaskListScreen), app.screen
    assert titles(ui_services, demo_user) == ["First", "Second"]


async def test_slash_then_a_word_puts_exactly_that_word_in_the_search_box(ui_settings, ui_services, demo_user, fixed_clock):
    add_demo_tasks(ui_services, demo_user, fixed_clock)
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot)
        burst(app, "/", "milk")
        await settle(pilot)
        assert field(app, "#search") == "milk"
        table = app.screen.query_one(TaskTable)
        assert [task.title for task in table.tasks.values()] == ["Buy milk"]


async def test_slash_ctrl_u_then_a_word_replaces_the_search(ui_settings, ui_services, demo_user, fixed_clock):
    add_demo_tasks(ui_services, demo_user, fixed_clock)
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot)
        burst(app, "/", "report", "enter")  # searched, and back in the list
        await settle(pilot)
        assert field(app, "#search") == "report" and app.focused is app.screen.query_one(TaskTable)
        burst(app, "/", "ctrl+u", "dentist")
        await settle(pilot)
        assert field(app, "#search") == "dentist"
        table = app.screen.query_one(TaskTable)
        assert [task.title for task in table.tasks.values()] == ["Book dentist appointment"]


async def test_e_then_typing_then_enter_saves_the_edited_title(ui_settings, ui_services, demo_user, fixed_clock):
    add_demo_tasks(ui_services, demo_user, fixed_clock)
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot)
        app.screen.query_one(TaskTable).move_cursor(row=0)
        first = app.screen.query_one(TaskTable).current_task()
        burst(app, "e", " soon", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TaskListScreen), app.screen
    assert ui_services.tasks.get(demo_user, first.id).title == f"{first.title} soon"


async def test_escape_in_the_middle_of_a_burst_asks_before_discarding_what_was_typed(
    ui_settings, ui_services, demo_user, fixed_clock
):
    from tui_tasks.ui.screens.confirm import ConfirmScreen

    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot)
        burst(app, "A", "Half a thought", "escape")  # A: the full form (a is quick add)
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen), app.screen
        assert isinstance(app.screen_stack[-2], TaskFormScreen)
        assert app.screen_stack[-2].query_one("#title", Input).value == "Half a thought"


async def test_keys_typed_during_a_slow_log_in_go_to_the_task_list(ui_settings, ui_services, demo_user, fixed_clock):
    """A log-in's bcrypt runs in a thread while the form is disabled: the keys typed meanwhile wait for
    the task list instead of being lost, and none reaches a field of the log-in screen."""
    import threading

    release = threading.Event()
    log_in_for_real = ui_services.accounts.log_in

    def slow_log_in(email, password):
        release.wait(5)
        return log_in_for_real(email, password)

    ui_services.accounts.log_in = slow_log_in
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        burst(app, "ada@example.com", "tab", PASSWORD, "enter", "A", "Typed while logging in")
        await wait_until(pilot, lambda: getattr(app.screen, "busy", False))
        await pilot.pause(0.2)
        assert isinstance(app.screen, LoginScreen) and app.screen.busy
        assert field(app, "#email") == "ada@example.com" and field(app, "#password") == PASSWORD
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, TaskFormScreen), app.screen
        assert field(app, "#title") == "Typed while logging in"


async def test_keys_after_a_failed_log_in_go_to_the_password_field_it_focuses(ui_settings, ui_services, demo_user, fixed_clock):
    """As when typed slowly: the refused password is selected when its field gets the focus back, so
    the next key replaces it."""
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        burst(app, "ada@example.com", "tab", "wrong-password", "enter", "x")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert field(app, "#email") == "ada@example.com"
        assert field(app, "#password") == "x" and app.focused is app.screen.query_one("#password")
        assert app.user is None


async def test_ctrl_q_quits_at_once_while_keys_wait_for_a_slow_log_in(ui_settings, ui_services, demo_user, fixed_clock):
    import threading

    release = threading.Event()
    ui_services.accounts.log_in = lambda email, password: release.wait(5)
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        burst(app, "ada@example.com", "tab", PASSWORD, "enter", "abc")
        await wait_until(pilot, lambda: getattr(app.screen, "busy", False) and app.type_ahead.held)
        burst(app, "ctrl+q")
        await wait_until(pilot, lambda: not app.is_running, timeout=SETTLE_LIMIT_S)
    release.set()


async def test_a_then_a_pasted_title_then_ctrl_s_saves_the_pasted_title(ui_settings, ui_services, demo_user, fixed_clock):
    """A password manager or a clipboard tool may paste rather than type: a paste waits its turn too."""
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot)
        burst(app, "a")
        app.post_message(events.Paste("Pasted title"))
        burst(app, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TaskListScreen), app.screen
    assert titles(ui_services, demo_user) == ["Pasted title"]


async def test_a_click_in_a_burst_happens_after_the_keys_before_it(ui_settings, ui_services, demo_user, fixed_clock):
    """Typed, then clicked back into the Email field, then typed: the click waits for the keys before it."""
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        email = app.screen.query_one("#email", Input)
        x, y = email.region.x + 1, email.region.y
        burst(app, "ada@example.com", "tab", PASSWORD)
        for kind in (events.MouseDown, events.MouseUp):
            app.post_message(kind(None, x, y, 0, 0, 1, False, False, False, screen_x=x, screen_y=y))
        burst(app, "x")
        await settle(pilot)
        assert field(app, "#password") == PASSWORD
        assert app.focused is email and "x" in email.value and email.value.replace("x", "", 1) == "ada@example.com"


async def test_the_password_typed_as_the_idle_lock_appears_unlocks(ui_settings, ui_services, demo_user, fixed_clock):
    """The lock is opened by a timer, not a key: keys that arrive while it mounts wait for its field."""
    from tui_tasks.ui.screens.unlock import UnlockScreen

    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot)
        app.lock()
        burst(app, PASSWORD, "enter")
        await settle(pilot)
        assert isinstance(app.screen, TaskListScreen), app.screen
        assert not any(isinstance(screen, UnlockScreen) for screen in app.screen_stack)


async def test_the_palette_opened_and_used_in_one_burst_runs_the_command(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await log_in(pilot)
        burst(app, "ctrl+p", "back up now", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TaskListScreen), app.screen
        assert [n.title for n in app._notifications] == ["Backed up"]


async def test_keys_held_for_a_save_that_does_not_end_are_let_through_in_order(
    ui_settings, ui_services, demo_user, fixed_clock, monkeypatch
):
    """Never a deadlock: when the wait gives up, what was held goes on, in order, and nothing is dropped."""
    import threading

    from tui_tasks.ui import typeahead

    release = threading.Event()
    create = ui_services.tasks.create
    ui_services.tasks.create = lambda user, draft: release.wait(5) and create(user, draft)
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot)
        burst(app, "A", "Slow")
        await settle(pilot)
        monkeypatch.setattr(typeahead, "WORKER_LIMIT_S", 0.3)  # for the save's wait only: a busy machine may
        burst(app, "ctrl+s", " and more")  # take longer than that to open the form
        await wait_until(pilot, lambda: field(app, "#title") == "Slow and more", timeout=5)
        assert isinstance(app.screen, TaskFormScreen) and not app.type_ahead.held
        release.set()
        await settle(pilot)
    assert titles(ui_services, demo_user) == ["Slow"]
