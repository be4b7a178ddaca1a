"""Log-in and account creation, as a user would do them."""

from __future__ import annotations

import pytest

from tests.ui.conftest import PASSWORD, log_in, make_app, settle
from tui_tasks.state import load_state
from tui_tasks.ui.screens.login import LoginScreen
from tui_tasks.ui.screens.task_list import TaskListScreen
from tui_tasks.ui.widgets.form_button import FormButton
from tui_tasks.ui.widgets.key_hints import KeyHints


async def test_registering_opens_the_empty_task_list(ui_settings, ui_services, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n")
        assert app.screen.creating
        await pilot.press(*"new@example.com", "tab", *"long-password", "tab", *"long-password", "tab", *"Newt")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TaskListScreen)
        assert app.user.email == "new@example.com" and app.user.display_name == "Newt"
        assert app.screen.query_one("#empty").display
    assert load_state(ui_settings.db)["last_email"] == "new@example.com"


async def test_mismatched_confirmation_is_shown_by_the_field(ui_settings, ui_services, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n", *"new@example.com", "tab", *"long-password", "tab", *"other-password", "enter")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert str(app.screen.query_one("#confirm-error").render()) == "Passwords do not match"


async def test_a_short_password_unconfirmed_is_said_too_short_by_its_own_field(ui_settings, ui_services, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n", *"new@example.com", "tab", *"short", "tab", "enter")  # confirm left empty
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert str(app.screen.query_one("#password-error").render()) == "Password must be at least 8 bytes (it has 5)"
        assert str(app.screen.query_one("#confirm-error").render()) == ""


async def test_wrong_password_says_invalid_and_keeps_the_email(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"ada@example.com", "enter", *"wrong-password", "enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert str(app.screen.query_one("#password-error").render()) == "Invalid email or password"
        assert app.screen.query_one("#email").value == "ada@example.com"


async def test_fifth_failure_shows_the_lockout(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"ada@example.com", "enter")
        for _ in range(5):
            await pilot.press(*"wrong-password", "enter")
            await settle(pilot)
            app.screen.query_one("#password").value = ""
        assert str(app.screen.query_one("#password-error").render()) == "Account locked — try again in 30 s"


async def test_logging_in_shows_the_users_tasks(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot)
        assert app.user.id == demo_user.id
        assert "Ada Lovelace" in str(app.screen.query_one("#list-header").render())


async def test_too_long_password_says_bytes(ui_settings, ui_services, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"ada@example.com", "enter", *("é" * 40), "enter")
        await settle(pilot)
        assert "at most 72 bytes" in str(app.screen.query_one("#password-error").render())


async def test_log_out_returns_to_the_log_in_screen(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert app.user is None


async def test_each_database_offers_its_own_last_email_and_list_order(tmp_path, fixed_clock):
    """Two databases, one person with an account in each: the log-in screen of each offers the email last
    used there, and the list opens in the order last chosen there."""
    from tests.conftest import BCRYPT_TEST_ROUNDS
    from tui_tasks.config import Settings, parse_database
    from tui_tasks.domain import SortField
    from tui_tasks.services.facade import open_services

    places = {"home": "me@home.example", "work": "me@work.example"}
    settings = {name: Settings(db=parse_database(str(tmp_path / f"{name}.db")), bcrypt_rounds=BCRYPT_TEST_ROUNDS)
                for name in places}  # fmt: skip
    for name, email in places.items():
        services = open_services(settings[name], fixed_clock)
        services.accounts.register(email, "long-password")
        app = make_app(settings[name], services, fixed_clock)
        async with app.run_test(size=(100, 30)) as pilot:
            await log_in(pilot, email, "long-password")
            if name == "work":
                app.screen.set_query(sort=SortField.DUE, descending=False)
                await settle(pilot)
        services.close()
    for name, email in places.items():
        services = open_services(settings[name], fixed_clock)
        app = make_app(settings[name], services, fixed_clock)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert app.screen.query_one("#email").value == email
            assert app.screen.query_one("#password").has_focus
            await log_in(pilot, email, "long-password")
            query = app.screen.query_options
            assert (query.sort, query.descending) == ((SortField.DUE, False) if name == "work" else (SortField.CREATED, True))
        services.close()


async def test_footer_offers_quit_and_the_palette(ui_settings, ui_services, fixed_clock):
    """The app's ctrl+q (a priority binding, shown nowhere) no longer hides the screen's own from the footer."""
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        hints = str(app.screen.query_one("KeyHints").render())
        assert "^n Log in ⇄ New account" in hints and "^q Quit" in hints and hints.rstrip().endswith("▏^p palette")


async def test_footer_shows_whole_hints_only(ui_settings, ui_services, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(40, 15)) as pilot:
        await pilot.pause()
        hints = str(app.screen.query_one("KeyHints").render())
        assert "^n Log in ⇄ New account" in hints and "Quit" not in hints and "^q" not in hints and "palette" in hints


async def test_clicking_a_footer_hint_presses_its_key(ui_settings, ui_services, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.click("KeyHints", offset=(3, 0))  # on "^n Log in ⇄ New account"
        await pilot.pause()
        assert app.screen.creating


async def test_buttons_answer_enter_and_clicks(ui_settings, ui_services, fixed_clock):
    """The form's buttons: focus stops after the fields; enter or a click presses them; busy disables them."""
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("tab", "tab", "tab")
        assert app.focused.id == "switch"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.creating and str(app.screen.query_one("#switch").render()) == "Log in instead"
        await pilot.click("#switch")
        await pilot.pause()
        assert not app.screen.creating
        app.screen.busy = True
        assert app.screen.query_one("#submit").disabled and app.screen.query_one("#switch").disabled


async def test_submit_button_logs_in(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"ada@example.com", "tab", *PASSWORD, "tab")
        assert app.focused.id == "submit"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TaskListScreen)
        assert app.screen_stack[0].query_one("#password").value == ""  # the first log-in screen stays below


async def test_idle_lock_says_how_to_log_out_or_quit(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot)
        app.lock()
        await pilot.pause()
        hint = str(app.screen.query_one(".dialog-hint").render())
        assert "ctrl+l log out" in hint and "ctrl+q quit" in hint
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


@pytest.mark.parametrize("field", ["confirm", "display_name", "switch"])
@pytest.mark.parametrize("email", ["", "ada@example.com"])
async def test_back_to_log_in_the_focus_lands_in_a_shown_field(ui_settings, ui_services, fixed_clock, field, email):
    """From a field only Create account shows (or its button), ctrl+n back to Log in focuses the password when the
    email is filled, else the email: never nothing, where a Tab would put a password typed next into Email."""
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await settle(pilot)
        app.screen.query_one("#email").value = email
        app.screen.query_one(f"#{field}").focus()
        await pilot.pause()
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert not app.screen.creating
        assert app.focused is not None and app.focused.id == ("password" if email else "email"), app.focused
        await pilot.press(*"secret")
        typed_into = app.screen.query_one("#password" if email else "#email").value
        assert typed_into == "secret"  # what is typed next goes where the focus shows


async def test_back_to_log_in_from_email_or_password_keeps_the_focus_there(ui_settings, ui_services, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n", "tab")
        await settle(pilot)
        assert app.focused.id == "password"
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.focused.id == "password"


@pytest.mark.parametrize("width", [40, 49, 50, 60, 80])
@pytest.mark.parametrize("creating", [False, True], ids=["log-in", "create-account"])
async def test_the_buttons_show_whole_at_any_width(ui_settings, ui_services, fixed_clock, width, creating):
    """Below 50 columns the buttons stack: side by side, 'Create account instead' was cut at 40 ('Create account i')."""
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(width, 24)) as pilot:
        if creating:
            await pilot.press("ctrl+n")
        await settle(pilot)
        box = app.screen.query_one("#login-box").content_region
        for button in app.screen.query(FormButton):
            assert button.region.x >= box.x and button.region.right <= box.right, f"{button.label!r} {button.region} in {box}"
            assert button.region.width >= len(button.label) + 2, f"{button.label!r} in {button.region.width} cells"


@pytest.mark.parametrize("size", [(40, 15), (40, 10), (80, 12)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_each_widget_tab_focuses_is_shown_above_the_key_hints(ui_settings, ui_services, fixed_clock, size):
    """On a short terminal the box scrolls: Tab to the 'Create account' button left it under the footer at 40x15."""
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=size) as pilot:
        await pilot.press("ctrl+n")
        await settle(pilot)
        hints = app.screen.query_one(KeyHints)
        for _ in range(7):  # the four fields, the two buttons, and round to email again
            await pilot.press("tab")
            await settle(pilot)
            await pilot.pause(0.3)  # past any scroll Textual animates
            focused = app.focused
            assert focused is not None
            assert focused.region.y >= 0 and focused.region.bottom <= hints.region.y, f"{focused} {focused.region}, hints {hints.region}"
