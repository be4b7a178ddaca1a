"""Adversarial checks of issue 11, round 3 (saved views' names, the footer under dialogs, the month, the
log-in screen): each test is a bug found by hand in a real terminal (tmux, two windows on one database),
marked xfail until it was fixed (the markers of those fixed are gone)."""

from __future__ import annotations

import unicodedata

import pytest
from textual.widgets import Button, Static

from tests.ui.conftest import make_app, settle
from tests.ui.test_views_screen import listed, log_in, views_screen
from tui_tasks.domain import SortField, TaskDraft
from tui_tasks.ui.screens.choice import ChoiceScreen
from tui_tasks.ui.screens.complete_parent import CompleteParentScreen
from tui_tasks.ui.screens.confirm import ConfirmScreen
from tui_tasks.ui.screens.conflict import ConflictScreen
from tui_tasks.ui.screens.views import ViewsScreen

CAFE_NFD = unicodedata.normalize("NFD", "Café")  # what a Mac, or a paste from some editors, gives
CAFE_NFC = unicodedata.normalize("NFC", "Café")  # what a keyboard on Linux gives


# --- saved views' names ---------------------------------------------------------------------------


async def test_a_name_that_differs_only_by_unicode_normalisation_is_the_same_name(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        ui_services.views.save(demo_user, CAFE_NFD, "#cafe", SortField.DUE, False)
        await views_screen(pilot)
        await pilot.press("s", *CAFE_NFC, "enter")
        await settle(pilot)
        shown = [unicodedata.normalize("NFC", name) for name in listed(app)]
        assert shown.count(CAFE_NFC) == 1, f"two views look alike: {listed(app)!r}"
        assert isinstance(app.screen, ConfirmScreen), "no replace question for a name that looks the same"


def test_the_service_refuses_a_second_view_whose_name_only_differs_by_normalisation(ui_services, demo_user):
    from tui_tasks.errors import ValidationError

    ui_services.views.save(demo_user, CAFE_NFD, "#cafe", SortField.DUE, False)
    with pytest.raises(ValidationError):
        ui_services.views.save(demo_user, CAFE_NFC, "#tea", SortField.DUE, False, replace=False)


# --- keys rebound in config.toml's [keys] --------------------------------------------------------


async def test_a_rebound_yes_key_is_the_one_the_question_names(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        app.set_keymap({"confirm.yes": "j"})  # what [keys] "confirm.yes" = "j" applies once checked
        answers = []
        app.push_screen(ConfirmScreen("Delete task?", "Pay rent", "Delete"), answers.append)
        await settle(pilot)
        label = str(app.screen.query_one("#yes", Button).label)
        await pilot.press("y")
        await settle(pilot)
        assert answers == [] and isinstance(app.screen, ConfirmScreen)  # y is no longer the key...
        assert "(y)" not in label, f"the button names a key that does nothing: {label!r}"  # ...but the button says so


async def test_the_views_hint_names_the_keys_in_force(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        app.set_keymap({"views.save": "S", "views.close": "x"})
        await views_screen(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ViewsScreen)  # escape does nothing now: x closes
        hint = str(app.screen.query_one(".dialog-hint", Static).render())
        assert "esc close" not in hint and "s save" not in hint, hint


async def test_the_idle_lock_hint_names_the_log_out_key_in_force(ui_settings, ui_services, demo_user, fixed_clock):
    from tui_tasks.ui.screens.unlock import UnlockScreen

    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        app.set_keymap({"unlock.log_out": "f2"})
        app.lock()
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen)  # ctrl+l no longer logs out here: f2 does
        hint = str(app.screen.query_one(".dialog-hint", Static).render())
        assert "ctrl+l log out" not in hint, hint


async def test_the_empty_list_names_the_add_key_in_force(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        app.set_keymap({"tasks.add": "n", "tasks.note": "ctrl+t"})
        await log_in(pilot)
        empty = str(app.screen.query_one("#empty", Static).render())
        assert "Press a " not in empty, empty


async def test_a_rebound_cancel_that_clashes_with_a_snooze_answer_is_refused(ui_settings, fixed_clock):
    from tui_tasks.ui.app import TasksApp
    from tui_tasks.ui.keymap import check_keymap, our_classes, scopes

    kept, problems = check_keymap({"choice.cancel": "1"}, scopes(our_classes(), TasksApp), "config.toml")
    assert "choice.cancel" not in kept, "a key of the snooze question's first answer given to its cancel too"


# --- dialogs at 40x15 ------------------------------------------------------------------------------


def clipped(button: Button) -> bool:
    """Part of the button lies outside what its dialog shows (cut at the right, or below)."""
    box = button.screen.query_one(".dialog").content_region
    return button.region.right > box.right or button.region.bottom > box.bottom or button.region.width < len(str(button.label))


def conflict(services, user) -> ConflictScreen:
    opened = services.tasks.create(user, TaskDraft("Buy milk"))
    current = services.tasks.update(user, opened.id, TaskDraft("Buy milk (u)"))
    return ConflictScreen(opened, current)


def complete_parent(services, user) -> CompleteParentScreen:
    parent = services.tasks.create(user, TaskDraft("Trip"))
    services.tasks.create(user, TaskDraft("Pack", parent_id=parent.id))
    return CompleteParentScreen(services.tasks.get(user, parent.id))


@pytest.mark.parametrize("dialog", [conflict, complete_parent])
async def test_every_button_of_a_question_shows_whole_at_40_columns(ui_settings, ui_services, demo_user, fixed_clock, dialog):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(40, 15)) as pilot:
        await log_in(pilot)
        app.push_screen(dialog(ui_services, demo_user))
        await settle(pilot)
        cut = [str(b.label) for b in app.screen.query(Button) if clipped(b)]
        assert not cut, f"cut at 40x15: {cut}"


@pytest.mark.parametrize(("keys", "size"), [(("A",), (80, 24)), (("v", "e"), (80, 24)), (("w",), (40, 15))],
                         ids=["form-80x24", "bulk-edit-80x24", "views-40x15"])  # fmt: skip
async def test_a_dialog_leaves_the_footer_with_its_keys_in_view(ui_settings, ui_services, demo_user, fixed_clock, keys, size):
    from tui_tasks.ui.widgets.key_footer import KeyFooter

    for n in range(3):
        ui_services.tasks.create(demo_user, TaskDraft(f"Task {n}"))
    for n in range(6):
        ui_services.views.save(demo_user, f"Extra {n}", "", SortField.DUE, False)
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=size) as pilot:
        await log_in(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        dialog = app.screen.children[0]  # the dialog's box
        footer = app.screen_stack[-2].query_one(KeyFooter)
        assert dialog.region.bottom <= footer.region.y, f"{type(app.screen).__name__} {dialog.region} covers the footer at {footer.region}"


async def test_the_bulk_edit_buttons_are_on_screen_at_80x24(ui_settings, ui_services, demo_user, fixed_clock):
    for n in range(3):
        ui_services.tasks.create(demo_user, TaskDraft(f"Task {n}"))
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await pilot.press("v", "e")
        await settle(pilot)
        box = app.screen.children[0].content_region
        off = {str(b.label): b.region.y for b in app.screen.query(Button) if b.region.bottom > box.bottom}
        assert not off, f"buttons below the dialog's last line {box.bottom - 1}: {off}"


# --- the month --------------------------------------------------------------------------------------


async def test_end_on_a_cut_day_shows_how_many_more(ui_settings, ui_services, demo_user, fixed_clock):
    from tests.ui.conftest import TODAY
    from tests.ui.test_month_screen import open_month, press
    from tui_tasks.ui.widgets.agenda_list import AgendaList

    for n in range(250):
        ui_services.tasks.create(demo_user, TaskDraft(f"Bulk {n:03}", due=TODAY))
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        screen = await open_month(pilot, [])
        await press(pilot, "enter")
        day = screen.query_one(AgendaList)
        assert "50 more" in str(day.get_option_at_index(day.option_count - 1).prompt)
        await press(pilot, "end")
        assert day.scroll_y >= day.max_scroll_y, f"the last line, '… and 50 more', is below the view ({day.scroll_y} < {day.max_scroll_y})"


# --- the log-in screen -----------------------------------------------------------------------------


async def test_the_log_in_buttons_show_whole_at_40_columns(ui_settings, ui_services, fixed_clock):
    from tui_tasks.ui.widgets.form_button import FormButton

    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(40, 15)) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#login-box").content_region
        for button in app.screen.query(FormButton):
            label = str(button.render()).strip() if hasattr(button, "render") else ""
            assert button.region.right <= box.right, f"{button.id} cut: {button.region} beyond {box} ({label!r})"


def shown_lines(widget) -> list[str]:
    """The lines the widget draws, as text."""
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


async def test_a_view_name_ending_in_a_backslash_is_shown_as_typed(ui_settings, ui_services, demo_user, fixed_clock):
    from textual.widgets import OptionList

    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        ui_services.views.list(demo_user)
        ui_services.views.save(demo_user, "C:\\", "", SortField.DUE, False)
        await views_screen(pilot)
        lines = shown_lines(app.screen.query_one(OptionList))
        await pilot.press("s", *"c:\\", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        title = str(app.screen.query_one(".dialog-title", Static).render())
        assert any(line.startswith("C:\\  ") for line in lines), [line for line in lines if "C:" in line]
        assert "“C:\\”" in title, title


@pytest.mark.parametrize("field", ["confirm", "display_name"])
async def test_switching_back_to_log_in_from_an_account_field_keeps_a_field_focused(ui_settings, ui_services, demo_user, fixed_clock, field):
    from tui_tasks.ui.screens.login import LoginScreen

    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await settle(pilot)
        app.screen.query_one(f"#{field}").focus()
        await pilot.pause()
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen) and not app.screen.creating
        assert app.focused is not None and app.focused.id in ("email", "password"), f"focus: {app.focused}"


async def test_every_snooze_button_shows_whole_at_80_columns(ui_settings, ui_services, demo_user, fixed_clock):
    from tui_tasks.ui.reminders import SNOOZES

    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        choices = [(answer, label, str(n)) for n, (answer, label) in enumerate(SNOOZES.items(), 1)]  # as SnoozeScreen
        app.push_screen(ChoiceScreen("Due now: Ping", "Remind me again:", choices, cancel="Dismiss"))
        await settle(pilot)
        cut = [str(b.label) for b in app.screen.query(Button) if clipped(b)]
        assert not cut, f"cut at 80x24: {cut}"


@pytest.mark.parametrize("keys", [("s", "enter"), ("r", *["backspace"] * 5, *"Today", "enter")], ids=["empty-save", "taken-rename"])
async def test_escape_from_the_name_box_clears_its_error(ui_settings, ui_services, demo_user, fixed_clock, keys):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await views_screen(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        assert str(app.screen.query_one("#views-error").render())  # said while the box is open: right
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ViewsScreen) and not app.screen.has_class("-naming")
        assert str(app.screen.query_one("#views-error").render()) == ""


async def test_a_second_click_on_a_day_of_the_next_or_last_month_lists_that_day(ui_settings, ui_services, demo_user, fixed_clock):
    from datetime import date

    from tests.ui.test_month_screen import open_month
    from tui_tasks.ui.widgets.month_grid import MonthGrid

    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        screen = await open_month(pilot, [])  # March 2026: its first week is Mon 23 Feb - Sun 1 Mar
        await pilot.click(MonthGrid, offset=(2, 1))
        await settle(pilot)
        assert screen.state.selected == date(2026, 2, 23)
        await pilot.click(MonthGrid, offset=(2, 1))
        await settle(pilot)
        assert screen.state.selected == date(2026, 2, 23), f"the second click went to {screen.state.selected}"
        assert screen.day_shown == date(2026, 2, 23)


# --- the footer under a dialog ----------------------------------------------------------------------


async def test_a_click_on_a_dialog_key_in_the_footer_runs_it(ui_settings, ui_services, demo_user, fixed_clock):
    from textual.widgets._footer import FooterKey

    from tui_tasks.ui.widgets.key_footer import KeyFooter

    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        answers = []
        app.push_screen(ConfirmScreen("Delete task?", "Pay rent", "Delete"), answers.append)
        await settle(pilot)
        await pilot.pause(0.1)
        footer = app.screen_stack[-2].query_one(KeyFooter)
        yes = next(key for key in footer.query(FooterKey) if key.description == "Yes")
        await pilot.click(offset=(yes.region.x + 1, yes.region.y))  # where the terminal shows "y Yes"
        await settle(pilot)
        assert answers == [True], f"the click on 'y Yes' gave {answers}; the question is still open: {isinstance(app.screen, ConfirmScreen)}"


async def test_tab_to_the_create_account_button_shows_it_at_40x15(ui_settings, ui_services, fixed_clock):
    from tui_tasks.ui.widgets.key_hints import KeyHints

    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(40, 15)) as pilot:
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("tab", "tab", "tab", "tab")  # password, confirm, display name, the button
        await settle(pilot)
        await pilot.pause(0.2)
        button = app.focused
        assert button is not None and button.id == "submit", button
        hints = app.screen.query_one(KeyHints)
        assert button.region.bottom <= hints.region.y, f"the focused button {button.region} is under the footer {hints.region}"
