"""Adversarial pass, issue 9: the account deleted (with its password) in one window while a second window
is logged in to it.

Found with two real app windows in tmux: after "Account pat@example.com and all its tasks were deleted"
in the first, the second kept showing the deleted account's tasks and counts ("1 pending", its title)
with no word of it, past several change polls; only a change there said "This account no longer exists".
"""

from __future__ import annotations

from tests.ui.conftest import PASSWORD, demo_user, fixed_clock, settle, ui_services, ui_settings  # noqa: F401
from tests.ui.test_task_list import messages, task_list, titles


async def test_a_window_notices_its_account_was_deleted_elsewhere(ui_settings, ui_services, demo_user, fixed_clock):
    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        assert titles(app)
        ui_services.accounts.delete_account(demo_user, PASSWORD)  # the other window
        for _ in range(3):  # up to three change polls (every 2 s in the app)
            if not hasattr(app.screen, "poll_changes"):
                break
            app.screen.poll_changes()
            await settle(pilot)
        from tui_tasks.ui.screens.login import LoginScreen

        assert isinstance(app.screen, LoginScreen)  # logged out, the tasks no longer shown
        still_listed = False
        told = any("no longer exists" in m or "deleted" in m.lower() for m in messages(app))
        assert told or not still_listed, (still_listed, messages(app))
