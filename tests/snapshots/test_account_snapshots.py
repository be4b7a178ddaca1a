"""Snapshots of the account screen."""

from __future__ import annotations

import pytest

from tests.snapshots.conftest import SIZES, logged_in
from tests.ui.conftest import PASSWORD, settle


async def account_open(pilot) -> None:
    """run_before: log in, then open the account screen with p and wait for its counts."""
    await logged_in(pilot)
    await pilot.press("p")
    await settle(pilot)


ALL_SIZES = [(40, 15), *SIZES, (200, 60)]


class TestAccount:
    @pytest.mark.parametrize("size", ALL_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
    def test_account_screen_shows_profile_password_and_delete(self, snap_compare, snapshot_app, size):
        """Header 'Account'; a 'Profile' box with ada@example.com, Ada Lovelace, member since 2026-03-10 and
        '4 pending · 1 done · 5 total'; a 'Change password' box with three masked fields (Current password
        focused) and its button; a red-bordered 'Delete account' box saying 'Confirm with your password', with a
        'Your password' field (masked, empty) and a red button;
        status bar '● ok' with the fixed path; footer with esc Back. Nothing cut off at 80x24. At 40x15 each
        label sits above its field, full width, and the body scrolls (Profile and the password fields show)."""
        assert snap_compare(snapshot_app(), run_before=account_open, terminal_size=size)

    @pytest.mark.parametrize("size", [(40, 15), *SIZES], ids=lambda s: f"{s[0]}x{s[1]}")
    def test_errors_appear_by_their_fields(self, snap_compare, snapshot_app, size):
        """'Passwords do not match' in red under Confirm new (focused), and 'The password is not correct' under
        the delete box's password field (masked dots, never the text); every box still whole at 80x24, nothing
        scrolled away; at 40x15 the focused Confirm new field and its error in view."""

        async def run_before(pilot) -> None:
            await account_open(pilot)
            screen = pilot.app.screen
            screen.query_one("#delete_password").value = "not-my-password"
            screen.delete_account()
            await settle(pilot)
            screen.query_one("#old_password").value = PASSWORD
            screen.query_one("#new_password").value = "new-password"
            screen.query_one("#confirm_password").value = "other-password"
            screen.change_password()
            await settle(pilot)

        assert snap_compare(snapshot_app(), run_before=run_before, terminal_size=size)
