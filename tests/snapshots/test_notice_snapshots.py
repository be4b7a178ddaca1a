"""Snapshots of notifications: a toast sits above the status bar, never over the database health."""

from __future__ import annotations

from tests.snapshots.test_stats_snapshots import stats_opened


async def toast_shown(pilot) -> None:
    """run_before: the stats screen (status bar and footer at the bottom), then two notices with one key."""
    await stats_opened(pilot)
    pilot.app.say("Deleted “Buy milk” — press u to undo", key="undo", timeout=60)
    pilot.app.say("Deleted “Book dentist appointment” — press u to undo", key="undo", timeout=60)
    await pilot.pause()


def test_a_toast_sits_above_the_status_bar(snap_compare, snapshot_app):
    """80x24 stats screen. One toast only (the second replaced the first): 'Deleted “Book dentist
    appointment” — press u to undo', bottom right, its last line on row 21, so that row 22 (status bar
    '● ok 0.4 ms' and the database path) and row 23 (footer 'esc Back  r Refresh') are whole."""
    assert snap_compare(snapshot_app(), run_before=toast_shown, terminal_size=(80, 24))
