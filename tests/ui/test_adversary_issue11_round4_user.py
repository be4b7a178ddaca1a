"""Adversarial checks of issue 11, round 4, as a careless new user (Pilot): each test is a bug found by hand
in a real terminal (tmux), marked xfail until it was fixed (it is, now)."""

from __future__ import annotations

from tests.ui.conftest import make_app, settle
from tests.ui.test_views_screen import log_in
from tui_tasks.ui.screens.views import ViewsScreen


async def test_at_40_columns_the_views_dialog_still_says_how_to_delete_a_view(ui_settings, ui_services, demo_user, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(40, 15)) as pilot:
        await log_in(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, ViewsScreen)
        drawn = app.export_screenshot()
        assert "Delete" in drawn or "delete" in drawn, "no word on the screen says d deletes a view"

