"""At 40x15 every field of the task form and of the account screen can be reached with Tab and shows
when focused, and Save stays on screen."""

from __future__ import annotations

from tests.snapshots.conftest import logged_in
from tests.ui.conftest import make_app, settle
from tui_tasks.ui.screens.task_form import TaskFormScreen


def on_screen(widget) -> bool:
    """The widget's whole region inside its scrolling parent's visible part and the screen."""
    screen = widget.screen.region
    region = widget.region
    return bool(region) and screen.contains_region(region) and all(
        ancestor.region.contains_region(region) for ancestor in widget.ancestors if getattr(ancestor, "is_scrollable", False) and ancestor.region
    )


async def test_tab_through_the_task_form_at_40x15_shows_every_field_and_save(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(40, 15)) as pilot:
        await logged_in(pilot)
        app.push_screen(TaskFormScreen(None))
        await settle(pilot)
        seen = []
        for _ in range(14):
            focused = app.focused
            await pilot.pause()
            assert on_screen(focused), f"{focused.id} is focused but not shown"
            assert on_screen(app.screen.query_one("#save")), f"Save not shown while {focused.id} is focused"
            seen.append(focused.id)
            await pilot.press("tab")
            await settle(pilot)
        assert {"title", "tags", "depends", "save", "cancel"} <= set(seen)


async def test_tab_through_the_account_screen_at_40x15_shows_every_field_and_button(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(40, 15)) as pilot:
        await logged_in(pilot)
        await pilot.press("p")
        await settle(pilot)
        seen = []
        for _ in range(8):
            focused = app.focused
            assert on_screen(focused), f"{focused.id} is focused but not shown"
            seen.append(focused.id)
            await pilot.press("tab")
            await settle(pilot)
        assert {"old_password", "confirm_password", "change-password", "delete_password", "delete-account"} <= set(seen)
