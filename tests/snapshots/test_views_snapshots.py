"""Snapshots of the views picker and of the search box saying a mistake in the filter language."""

from __future__ import annotations

import pytest

from tests.snapshots.conftest import _health
from tests.ui.conftest import PASSWORD, settle
from tui_tasks.domain import SortField

SIZES = [(80, 24), (40, 15)]


async def session(pilot) -> None:
    """Start the session as the log-in screen does once the password is checked, with a fixed health report."""
    from tui_tasks.ui.messages import LoggedIn

    await pilot.pause()
    pilot.app.post_message(LoggedIn(pilot.app.services.accounts.log_in("ada@example.com", PASSWORD)))
    await settle(pilot)
    pilot.app.post_message(_health())
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
class TestViews:
    def test_views_screen(self, snap_compare, snapshot_app, size):
        """'Views' dialog over the list: Inbox (highlighted), Today, Upcoming, Overdue, Waiting, Done, each
        with its filter and order dimmed, and the hint of the keys under them. The footer says the dialog's
        keys (esc Close, s Save current as…, r Rename, d Delete…), not the list's."""
        from tui_tasks.ui.screens.views import ViewsScreen

        async def run_before(pilot) -> None:
            await session(pilot)
            pilot.app.push_screen(ViewsScreen(pilot.app.user, "", SortField.CREATED, True))
            await settle(pilot)

        assert snap_compare(snapshot_app(), run_before=run_before, terminal_size=size)

    def test_saving_under_a_name_in_use_asks_first(self, snap_compare, snapshot_app, size):
        """Over the views dialog (its name box holding 'today'), a question titled 'A view named “Today”
        exists — replace it?' with 'It shows  is:pending due<=today · due↑' and 'It would show
        project:home !high · due↑' on their own lines, 'Replace (y)' and 'Cancel (n)' (focused); the footer
        'y Yes n No'. At 40 columns the title wraps whole words, nothing cut."""
        from tui_tasks.ui.screens.views import ViewsScreen

        async def run_before(pilot) -> None:
            await session(pilot)
            pilot.app.push_screen(ViewsScreen(pilot.app.user, "project:home !high", SortField.DUE, False))
            await settle(pilot)
            await pilot.press("s", *"today", "enter")
            await settle(pilot)

        assert snap_compare(snapshot_app(), run_before=run_before, terminal_size=size)

    def test_search_with_a_mistake(self, snap_compare, snapshot_app, size):
        """The search box holds 'project:home prio:hi': 'project:home' coloured, 'prio:hi' underlined in red,
        and in place of the counts '✗ unknown field 'prio'' (at 80 columns with its hint, cut to fit)."""

        async def run_before(pilot) -> None:
            await session(pilot)
            await pilot.press("slash", *"project:home prio:hi")
            await pilot.pause(0.3)
            await settle(pilot)

        assert snap_compare(snapshot_app(), run_before=run_before, terminal_size=size)
