"""Snapshots of the task list with subtasks, quick add with its preview, and the detail pane."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time

import pytest

from tests.snapshots.conftest import logged_in
from tests.ui.conftest import NOW, settle
from tui_tasks.quickadd import parse_quick_add

ALL_SIZES = [(40, 15), (80, 24), (120, 40), (200, 60)]


def add(app, line: str, **changes) -> int:
    """Save a task typed as a quick-add line (with `changes` to its draft); its id."""
    draft = replace(parse_quick_add(line, NOW).draft, **changes)
    return app.services.tasks.create(app.user, draft).id


async def with_tree(pilot) -> None:
    """run_before: the demo tasks, a trip with subtasks two levels deep (one done, one folded nowhere), a
    repeating task due today, a timed due already past today, and a task blocked by another."""
    await logged_in(pilot)
    app = pilot.app
    trip = add(app, "Plan the trip to Lisbon project:travel !medium due:2026-03-20")
    flights = add(app, "Book flights", parent_id=trip)
    app.services.tasks.complete(app.user, flights)
    add(app, "Reserve the hotel due:2026-03-14", parent_id=trip)
    pack = add(app, "Pack", parent_id=trip)
    add(app, "Buy travel adapters #errand", parent_id=pack)
    add(app, "Charge the camera", parent_id=pack)
    add(app, "Water plants every 3 days due:today #home !high")
    add(app, "Call the bank", due=datetime.combine(NOW.astimezone().date(), time(9)).astimezone())
    receipts = add(app, "Collect the receipts project:admin")
    add(app, "File the tax return project:admin !high", depends=(receipts,))
    app.screen.reload()
    await settle(pilot)


async def typed(pilot, line: str) -> None:
    """run_before: the tree, then `a` and `line` in the quick-add line (put in whole: typing it key by key
    is what tests/ui/test_quick_add.py does, and takes seconds here)."""
    await with_tree(pilot)
    await pilot.press("a")
    field = pilot.app.screen.query_one("#quick-line")
    field.value = line
    field.action_end()
    await settle(pilot)


@pytest.mark.parametrize("size", ALL_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
class TestListWithSubtasks:
    def test_subtasks_under_their_parents(self, snap_compare, snapshot_app, size):
        """'▾ Plan the trip to Lisbon 1/3' with 'Book flights' (done, struck), 'Reserve the hotel' and
        '▾ Pack 0/2' indented under it and Pack's two subtasks further in; 'Call the bank' 'today 09:00'
        in red (past), 'Water plants' 'today' in amber; '⊘ File the tax return'; dues relative ('in 4 d',
        '2 d overdue'). At 40 columns only done, title and due show; at 80 priority, project and tags too."""
        assert snap_compare(snapshot_app(), run_before=with_tree, terminal_size=size)


@pytest.mark.parametrize("size", ALL_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
class TestEverySize:
    def test_columns_fit_the_width_with_selected_rows(self, snap_compare, snapshot_app, size):
        """The tree and a long-titled task with five tags, 'Book flights' and 'Buy milk' selected ('●' in
        the first column, the selection's background). 200x60: tags whole ('#quarterly #finance #board
        #deadline #report'), the title column widest. 120x40 and 80x24: every column, none cut mid-word
        beyond its own ellipsis. 40x15: done, title and due only, priority as '!'..'!!!' before titles. No
        horizontal scrollbar at any size."""

        async def run_before(pilot) -> None:
            await with_tree(pilot)
            app = pilot.app
            add(app, "Prepare the quarterly report for the board with every department's figures "
                     "#quarterly #finance #board #deadline #report project:work")  # fmt: skip
            app.screen.reload()
            await settle(pilot)
            table = app.screen.query_one("TaskTable")
            table.set_selected({t.id for t in table.tasks.values() if t.title in ("Book flights", "Buy milk")})
            await settle(pilot)

        assert snap_compare(snapshot_app(), run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
class TestQuickAdd:
    def test_quick_add_line_highlights_and_previews(self, snap_compare, snapshot_app, size):
        """Under the list: 'New task › Water the fern every 2 weeks due:fri #home !low' with 'every 2 weeks'
        green, 'due:fri' amber, '#home' and '!low' coloured; under it in green
        '→ “Water the fern” · due Fri 13 Mar · every 2 weeks · #home · !low'."""

        async def run_before(pilot) -> None:
            await typed(pilot, "Water the fern every 2 weeks due:fri #home !low")

        assert snap_compare(snapshot_app(), run_before=run_before, terminal_size=size)

    def test_quick_add_error_in_the_error_colour(self, snap_compare, snapshot_app, size):
        """'New task › #home !high' and under it, in red, the one-line reason: a task needs a title."""

        async def run_before(pilot) -> None:
            await typed(pilot, "#home !high")

        assert snap_compare(snapshot_app(), run_before=run_before, terminal_size=size)


class TestDetailPane:
    def test_beside_the_list_at_120_columns(self, snap_compare, snapshot_app):
        """The list on the left, the pane on the right for 'Water plants': due 'Tue 10 Mar 2026', repeats
        'every 3 days, next Tue 10 Mar', priority, tags, 'Notes none', and 'Urgency' with its parts."""

        async def run_before(pilot) -> None:
            await with_tree(pilot)
            table = pilot.app.screen.query_one("TaskTable")
            table.move_cursor(row=[t.title for t in table.tasks.values()].index("Water plants"))
            await pilot.press("i")
            await pilot.pause(0.2)
            await settle(pilot)

        assert snap_compare(snapshot_app(), run_before=run_before, terminal_size=(120, 40))

    def test_in_place_of_the_list_at_80_columns(self, snap_compare, snapshot_app):
        """Only the pane, for 'Plan the trip to Lisbon': due, priority, project, 'Subtasks (1/3 done)' with
        ✓ Book flights, · Reserve the hotel, · Pack; a note added; 'Urgency' parts; 'n add a note · i close'."""

        async def run_before(pilot) -> None:
            await with_tree(pilot)
            app = pilot.app
            table = app.screen.query_one("TaskTable")
            trip = next(t for t in table.tasks.values() if t.title.startswith("Plan the trip"))
            app.services.tasks.annotate(app.user, trip.id, "Ask Rui about the tram pass")
            table.move_cursor(row=[t.id for t in table.tasks.values()].index(trip.id))
            await pilot.press("i")
            await pilot.pause(0.2)
            await settle(pilot)

        assert snap_compare(snapshot_app(), run_before=run_before, terminal_size=(80, 24))
