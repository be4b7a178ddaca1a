"""Snapshots of the stats screen."""

from __future__ import annotations

import pytest

from tests.snapshots.conftest import SIZES, logged_in


async def stats_opened(pilot) -> None:
    """run_before: log in as the demo user, press t, and wait until the stats have arrived."""
    from tests.ui.conftest import settle

    from tui_tasks.ui.screens.stats import StatsScreen

    await logged_in(pilot)
    await pilot.press("t")
    for _ in range(500):  # the stats are read before their screen opens
        if isinstance(pilot.app.screen, StatsScreen):
            break
        await pilot.pause(0.01)
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
class TestStats:
    def test_stats_show_counts_activity_and_rankings(self, snap_compare, snapshot_app, size):
        """Header 'Stats · Ada Lovelace' … 'as of Tue 10 Mar 2026'. Five tiles: Total 5, Done 1 (green),
        Pending 4, Overdue 1 (red border), Due today 1 (amber border). Completion: a fifth of the bar green,
        '20%  1 of 5 done · 1 in the last 7 days'. 'Last 30 days': 'Done / 1 total' with one green column
        yesterday, 'Created / 5 total' with five blue columns ten to six days ago, each on a faint zero
        line, '9 Feb' under the first day and '10 Mar' under the last. Three cards: By priority high 2
        (red, longest), medium 1, low 1, none 1; Top projects admin, health, home, work; Top tags #books …
        #travel. Status bar '● ok 0.4 ms'; footer 'esc Back  r Refresh'. Nothing cut off or overlapping."""
        assert snap_compare(snapshot_app(), run_before=stats_opened, terminal_size=size)
