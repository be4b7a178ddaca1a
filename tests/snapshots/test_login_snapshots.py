"""Snapshots of the log-in screen and the task list."""

from __future__ import annotations

import pytest

from tests.snapshots.conftest import SIZES, logged_in


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
class TestLogin:
    def test_log_in_screen_shows_email_and_password(self, snap_compare, snapshot_app, size):
        """Centred box: title, 'Log in', Email (focused) and Password fields, two buttons; footer with ^n."""
        assert snap_compare(snapshot_app(), terminal_size=size)

    def test_create_account_adds_confirmation_and_name(self, snap_compare, snapshot_app, size):
        """After ctrl+n: 'Create account', four fields, buttons 'Create account' / 'Log in instead'."""
        assert snap_compare(snapshot_app(), press=["ctrl+n"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
class TestTaskList:
    def test_task_list_shows_states_and_counts(self, snap_compare, snapshot_app, size):
        """Header 'Ada Lovelace · 4 pending · 1 done · 1 overdue · 1 due today'; overdue due date in red,
        today's highlighted, the done task struck through; status bar '● ok' with the fixed path."""
        assert snap_compare(snapshot_app(), run_before=logged_in, terminal_size=size)

    def test_empty_list_says_what_to_press(self, snap_compare, snapshot_app, size):
        """No tasks: 'No tasks yet. Press a to add your first task.' in the middle."""
        assert snap_compare(snapshot_app(tasks=False), run_before=logged_in, terminal_size=size)


class TestLoginNarrow:
    """At 40x15 (the smallest size the app supports) the box's buttons stack, and the box scrolls to the focus."""

    def test_log_in_buttons_stack_at_40_columns(self, snap_compare, snapshot_app):
        """'Log in' and 'Create account instead' one above the other, each whole, full width; the footer below."""
        assert snap_compare(snapshot_app(), terminal_size=(40, 15))

    def test_tab_to_the_create_account_button_scrolls_it_into_view(self, snap_compare, snapshot_app):
        """Create account, Tab to its button: the box scrolled up (its top border gone, a scrollbar at the right)
        so 'Create account' (focused) shows on the line above the footer, 'Log in instead' below it."""
        keys = ["ctrl+n", "tab", "tab", "tab", "tab"]
        assert snap_compare(snapshot_app(), press=keys, terminal_size=(40, 15))
