"""The account screen: what it shows, changing the password, deleting the account, going back."""

from __future__ import annotations

import pytest

from tests.ui.conftest import PASSWORD, add_demo_tasks, log_in, make_app, settle
from tui_tasks.state import load_state
from tui_tasks.errors import AuthError
from tui_tasks.ui.screens.account import AccountScreen
from tui_tasks.ui.screens.login import LoginScreen
from tui_tasks.ui.screens.task_list import TaskListScreen

NEW_PASSWORD = "brand-new-password"


def remembered_email(services) -> str | None:
    return load_state(services.db.target).get("last_email")


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def open_account(pilot) -> AccountScreen:
    """Log in as the demo user and press p."""
    await log_in(pilot)
    await pilot.press("p")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AccountScreen), pilot.app.screen
    return pilot.app.screen


async def change_password(pilot, old: str, new: str, confirm: str) -> None:
    screen = pilot.app.screen
    for name, value in (("old_password", old), ("new_password", new), ("confirm_password", confirm)):
        screen.query_one(f"#{name}").value = value
    screen.query_one("#confirm_password").focus()
    await pilot.press("enter")
    await settle(pilot)


async def delete_account(pilot, typed: str) -> None:
    pilot.app.screen.query_one("#delete_password").value = typed
    await pilot.click("#delete-account")
    await settle(pilot)


@pytest.fixture
def app(ui_settings, ui_services, demo_user, fixed_clock):
    add_demo_tasks(ui_services, demo_user, fixed_clock)
    return make_app(ui_settings, ui_services, fixed_clock)


async def test_account_shows_who_and_the_task_counts(app, demo_user):
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_account(pilot)
        assert text(screen, "#account-email") == "ada@example.com"
        assert text(screen, "#account-name") == "Ada Lovelace"
        assert text(screen, "#account-since") == demo_user.created_at.astimezone().date().isoformat()
        assert text(screen, "#account-counts") == "4 pending · 1 done · 5 total"
        assert screen.query_one("#old_password").has_focus


async def test_wrong_current_password_is_shown_by_the_field_and_changes_nothing(app, ui_services):
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_account(pilot)
        await change_password(pilot, "not-my-password", NEW_PASSWORD, NEW_PASSWORD)
        assert text(screen, "#old_password-error") == "The current password is not correct"
        assert screen.query_one("#old_password").has_focus
        assert screen.query_one("#new_password").value == NEW_PASSWORD  # nothing typed is lost
        assert not screen.busy and not screen.query_one("#old_password").disabled
    ui_services.accounts.log_in("ada@example.com", PASSWORD)
    with pytest.raises(AuthError):
        ui_services.accounts.log_in("ada@example.com", NEW_PASSWORD)


async def test_mismatched_new_password_is_caught_before_any_hashing(app):
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_account(pilot)
        await change_password(pilot, PASSWORD, NEW_PASSWORD, "something-else")
        assert text(screen, "#confirm_password-error") == "Passwords do not match"
        assert not screen.query_one("#old_password-error").display
        assert screen.query_one("#confirm_password").has_focus


async def test_too_long_new_password_says_bytes_by_the_new_field(app):
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_account(pilot)
        await change_password(pilot, PASSWORD, "é" * 40, "é" * 40)
        assert "at most 72 bytes" in text(screen, "#new_password-error")
        assert screen.query_one("#new_password").has_focus


async def test_changing_the_password_clears_the_fields_and_the_new_one_logs_in(app, ui_services):
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_account(pilot)
        await change_password(pilot, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
        assert [screen.query_one(f"#{n}").value for n in ("old_password", "new_password", "confirm_password")] == [
            "", "", ""
        ]  # fmt: skip
        assert not any(label.display for label in screen.query("ErrorLabel"))
        assert any(n.message == "Password changed" for n in app._notifications)
        assert isinstance(app.screen, AccountScreen) and app.user is not None
    assert ui_services.accounts.log_in("ada@example.com", NEW_PASSWORD).email == "ada@example.com"
    with pytest.raises(AuthError):
        ui_services.accounts.log_in("ada@example.com", PASSWORD)


async def test_the_password_section_is_busy_while_hashing(app):
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_account(pilot)
        for name, value in (("old_password", PASSWORD), ("new_password", NEW_PASSWORD)):
            screen.query_one(f"#{name}").value = value
        screen.query_one("#confirm_password").value = NEW_PASSWORD
        screen.change_password()
        assert screen.busy == "password"
        assert screen.query_one("#account-password").loading
        assert screen.query_one("#new_password").disabled
        assert screen.check_action("back", ()) is None  # leaving would drop the answer
        await settle(pilot)
        assert not screen.busy and not screen.query_one("#account-password").loading
        assert screen.check_action("back", ())


async def test_wrong_password_refuses_to_delete(app, ui_services):
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_account(pilot)
        field = screen.query_one("#delete_password")
        assert field.password  # masked like every password field
        await delete_account(pilot, "ada@example.com")  # the email the screen shows is no longer enough
        assert text(screen, "#delete_password-error") == "The password is not correct"
        assert field.has_focus and not field.disabled
        assert app.screen is screen and app.user is not None
    assert ui_services.accounts.log_in("ada@example.com", PASSWORD).email == "ada@example.com"


async def test_guessing_through_the_delete_form_meets_the_lock(app, ui_services):
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_account(pilot)
        for guess in range(5):
            await delete_account(pilot, f"guess-number-{guess}")
        assert text(screen, "#delete_password-error") == "Account locked — try again in 30 s"
        await delete_account(pilot, PASSWORD)  # even the right one, while locked
        assert text(screen, "#delete_password-error") == "Account locked — try again in 30 s"
        assert app.screen is screen and app.user is not None
    assert ui_services.accounts.me(app.user).email == "ada@example.com"


async def test_deleting_the_account_logs_out_and_removes_it(app, ui_services, demo_user):
    async with app.run_test(size=(100, 30)) as pilot:
        await open_account(pilot)
        assert remembered_email(ui_services) == "ada@example.com"
        await delete_account(pilot, PASSWORD)
        assert isinstance(app.screen, LoginScreen)
        assert app.user is None
        assert any("deleted" in n.message for n in app._notifications)
        assert app.screen.query_one("#email").value == ""  # a deleted account is not offered again
    with pytest.raises(AuthError):
        ui_services.accounts.log_in("ada@example.com", PASSWORD)
    assert ui_services.stats.counts(demo_user).total == 0


async def test_escape_goes_back_to_the_task_list(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await open_account(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TaskListScreen)
