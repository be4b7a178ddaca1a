"""Snapshots of the agenda and month screens, from 40x15 to 200x60."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from tests.snapshots.conftest import logged_in
from tests.ui.conftest import TODAY
from tui_tasks.domain import Priority, TaskDraft

SIZES = [(40, 15), (80, 24), (120, 40), (200, 60)]


def at(days: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(TODAY + timedelta(days=days), time(hour, minute)).astimezone()


async def more_tasks(pilot) -> None:
    """Beside the demo tasks: timed ones today and this week, one with a long title, one far ahead."""
    services, user = pilot.app.services, pilot.app.user
    for title, due, priority, project, tags in (
        ("Stand-up with the platform team", at(0, 17, 30), Priority.MEDIUM, "work", ("call",)),
        ("Send the signed lease back to the letting agency before the office closes", at(1, 9), Priority.HIGH, "home", ("errand", "post")),
        ("Water the plants", TODAY + timedelta(days=3), Priority.NONE, "home", ()),
        ("Pay the electricity bill", TODAY + timedelta(days=3), Priority.LOW, "admin", ("bills",)),
        ("Dinner with Sam", at(4, 19, 45), Priority.NONE, None, ("fun",)),
    ):
        services.tasks.create(user, TaskDraft(title, due=due, priority=priority, project=project, tags=tags))


async def agenda_opened(pilot) -> None:
    from tests.ui.conftest import settle

    from tui_tasks.ui.screens.agenda import AgendaScreen

    await logged_in(pilot)
    await more_tasks(pilot)
    pilot.app.push_screen(AgendaScreen())
    await settle(pilot)


async def month_shown(pilot) -> None:
    from tests.ui.conftest import settle

    from tui_tasks.ui.screens.month import MonthScreen

    await logged_in(pilot)
    await more_tasks(pilot)
    pilot.app.push_screen(MonthScreen())
    await settle(pilot)


async def month_opened(pilot) -> None:
    from tests.ui.conftest import settle

    await month_shown(pilot)
    await pilot.press("enter")  # today's tasks under the grid
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
class TestAgenda:
    def test_agenda_shows_sections_with_their_tasks(self, snap_compare, snapshot_app, size):
        """Header 'Agenda · Ada Lovelace' and '9 pending · Tue 10 Mar' (below 60 columns 'Agenda' and
        '9 · Tue 10 Mar'). Headings in the primary colour, each with its count at the right ('1 task',
        '2 tasks'; a bare number below 60 columns): Overdue (the quarterly report, '2 d overdue' in red,
        '!!!' red, the cursor's row), Today · 10 Mar (17:30 stand-up '!!' amber, then Buy milk without a
        time), Tomorrow · 11 Mar (09:00, the lease, cut with '…' where the width ends), Friday · 13 Mar
        (the low-priority bill before the plants), Saturday · 14 Mar (19:45 dinner), Later (Renew passport
        'Mon 1 Jun'), No date (Read “Dune”). Project and tags dim at the right from 60 columns up; below
        that one-character marks, 'Fri'/'Sat', and the last sections below the fold. Footer '⏎ Open esc
        Back ? Keys' with no word cut."""
        assert snap_compare(snapshot_app(), run_before=agenda_opened, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
class TestMonth:
    def test_month_shows_counts_and_the_days_tasks(self, snap_compare, snapshot_app, size):
        """Header 'March 2026 · Ada Lovelace' and '7 tasks due' (below 60 columns 'Mar 2026' and '7 due').
        Weekday names Mo/Mon/Monday by width, Monday first; weeks from 23 Feb to 5 Apr, the days of February
        and April dim. Tue 10 selected (reverse, accent: it is today) with 2, Sun 8 with 1, Wed 11 with 1,
        Fri 13 with 2, Sat 14 with 1: beside the day in one-line weeks, under it when the height allows,
        and 'N task(s)' only when every count can have its word. Below the grid 'Tue 10 Mar 2026 · 2 tasks'
        and the day's tasks, the timed stand-up (17:30, cursor) before the floating Buy milk, in a third of
        the room (four rows at 40x15); the weeks share the rest evenly (one line each at 40x15, two at
        80x24, three with a dim rule under each week from 120x40). Footer 'esc Back [ ] Month ? Keys' with
        no word cut."""
        assert snap_compare(snapshot_app(), run_before=month_opened, terminal_size=size)

    def test_month_fills_the_height_it_has(self, snap_compare, snapshot_app, size):
        """The month with no day listed: its six weeks take every line between the header and the status
        bar, no empty rows above it. At 40x15 a blank line under each week but the last (counts beside the
        day); from 80x24 the counts under the day and a dim rule closing each week, the first weeks a line
        taller when the height does not divide evenly."""
        assert snap_compare(snapshot_app(), run_before=month_shown, terminal_size=size)
