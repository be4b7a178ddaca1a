"""The footer shows whole key hints only, as many as fit, at every width (no 'palettel')."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from tui_tasks.ui.widgets.key_footer import KeyFooter, fitting, hint_width

HINTS = [("a", "Add"), ("space", "Done"), ("d", "Delete"), ("i", "Details"), ("slash", "Search"), ("f", "Filter"),
         ("s", "Sort"), ("t", "Stats"), ("question_mark", "Help"), ("q", "Quit")]  # fmt: skip


class Keys(App):
    BINDINGS = [Binding(key, key.replace(" ", "_"), text, id=f"t.{n}") for n, (key, text) in enumerate(HINTS)]

    def compose(self) -> ComposeResult:
        yield Static("list")
        yield KeyFooter()


def test_fitting_keeps_the_first_hints_that_fit_whole():
    assert fitting([5, 6, 8], 20) == 3
    assert fitting([5, 6, 8], 18) == 2  # 19 needed for the third
    assert fitting([5, 6, 8], 30, reserved=20) == 1
    assert fitting([5, 6, 8], 3) == 0
    assert hint_width("a", "Add") == 6 and hint_width("^p", "") == 3


@pytest.mark.parametrize("width", [40, 52, 60, 80, 120])
async def test_every_hint_shown_is_whole_and_none_overlaps_the_palette_key(width):
    app = Keys()
    async with app.run_test(size=(width, 10)) as pilot:
        await pilot.pause()
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        keys = list(footer.query(FooterKey))
        palette = [k for k in keys if k.has_class("-command-palette")]
        plain = [k for k in keys if not k.has_class("-command-palette")]
        assert palette, "the palette key stays"
        right_edge = palette[0].region.x
        for key in plain:
            assert key.region.width == len(str(key.render()).rstrip()) or key.region.width >= len(key.description)
            assert key.region.right <= right_edge, f"{key.description} runs under the palette key"
        shown = [k.description for k in plain]
        assert shown == [text for _key, text in HINTS[: len(shown)]]  # the first ones, in order
        assert len(shown) >= 3
        if width >= 120:
            assert len(shown) == len(HINTS)


async def test_a_narrower_terminal_drops_hints_and_a_wider_one_brings_them_back():
    app = Keys()
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        wide = len(app.query(FooterKey))
        await pilot.resize_terminal(44, 10)
        await pilot.pause()
        await pilot.pause()
        narrow = len(app.query(FooterKey))
        await pilot.resize_terminal(120, 10)
        await pilot.pause()
        await pilot.pause()
        assert narrow < wide == len(app.query(FooterKey))


def footer_hints(app) -> list[str]:
    """What the footer in sight says (the one of the topmost screen that has one), palette key aside."""
    footer = next(s.query_one(KeyFooter) for s in reversed(app.screen_stack) if s.query(KeyFooter))
    return [key.description for key in footer.query(FooterKey) if not key.has_class("-command-palette")]


async def test_a_dialog_over_the_list_has_its_own_keys_in_the_footer_and_the_list_gets_them_back():
    from tui_tasks.ui.screens.confirm import ConfirmScreen

    app = Keys()
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        assert footer_hints(app)[:3] == ["Add", "Done", "Delete"]
        answers = []
        app.push_screen(ConfirmScreen("Delete task?", "Buy milk", "Delete"), answers.append)
        await pilot.pause()
        await pilot.pause()
        assert footer_hints(app) == ["Yes", "No"]  # the list's keys are not in force under the dialog
        await pilot.press("n")
        await pilot.pause()
        await pilot.pause()
        assert answers == [False] and footer_hints(app)[:3] == ["Add", "Done", "Delete"]


async def test_the_footer_under_a_dialog_follows_the_dialogs_keys_as_they_change(ui_settings, ui_services, demo_user, fixed_clock):
    """The views dialog: its keys, then none of s/r/d while the name box takes letters."""
    from tests.ui.conftest import log_in, make_app, settle
    from tui_tasks.ui.screens.views import ViewsScreen

    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(120, 30)) as pilot:
        await log_in(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, ViewsScreen)
        assert footer_hints(app)[:4] == ["Close", "Save current as…", "Rename", "Delete"]
        await pilot.press("s")
        await settle(pilot)
        shown = footer_hints(app)
        assert "Close" in shown and not {"Save current as…", "Rename", "Delete"} & set(shown)
        assert "Add" not in shown
        await pilot.press("escape", "d")  # a question over the dialog: the footer two screens down says its keys
        await settle(pilot)
        assert footer_hints(app) == ["Yes", "No"]
        drawn = app.export_screenshot()
        assert "Yes" in drawn and "Save current as" not in drawn, "the footer is drawn as it was under the first dialog"


async def test_a_choice_dialog_says_its_answers_keys_and_escapes_word_in_the_footer():
    """The snooze question: '1 10 min 2 1 hour 3 Tomorrow 09:00 esc Dismiss', as its buttons say; a key answers."""
    from tui_tasks.ui.screens.choice import ChoiceScreen

    app = Keys()
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        answers = []
        choices = [("10min", "10 min", "1"), ("1hour", "1 hour", "2"), ("tomorrow", "Tomorrow 09:00", "3")]
        app.push_screen(ChoiceScreen("Due now: Call the bank", "Remind me again:", choices, cancel="Dismiss"), answers.append)
        await pilot.pause()
        await pilot.pause()
        assert footer_hints(app) == ["10 min", "1 hour", "Tomorrow 09:00", "Dismiss"]
        await pilot.press("2")
        await pilot.pause()
        assert answers == ["1hour"]
