"""The month: a calendar of how many pending tasks are due each day; Enter lists a day's tasks below it.

Enter on a listed task closes the screen with its id (the list selects it); escape closes it with None
(from the day list, escape goes back to the grid first).
"""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Label, OptionList

from tui_tasks.domain import TaskView, local_date
from tui_tasks.ui.agenda_rows import NARROW, day_title
from tui_tasks.ui.month_state import MonthState, month_label
from tui_tasks.ui.screens.following import FollowsChanges
from tui_tasks.ui.widgets.agenda_list import AgendaList
from tui_tasks.ui.widgets.month_grid import MonthGrid
from tui_tasks.ui.widgets.status_bar import StatusBar
from tui_tasks.ui.widgets.key_footer import KeyFooter

DAY_LIMIT = 200  # a day's tasks listed (the heading counts them all)
CHROME_LINES = 3  # header, status bar, footer
DAY_ROWS = 4  # a listed day's tasks shown at the least (at 40x15 the weeks then have one line each)


class MonthLoaded(Message):
    def __init__(self, year: int, month: int, counts: dict[date, int]) -> None:
        super().__init__()
        self.year, self.month, self.counts = year, month, counts


class DayLoaded(Message):
    def __init__(self, day: date, tasks: list[TaskView]) -> None:
        super().__init__()
        self.day, self.tasks = day, tuple(tasks)


class MonthScreen(FollowsChanges, Screen[int | None]):
    """The logged-in user's month, read in workers; the counts are read again when the tasks change."""

    DEFAULT_CSS = """
    MonthScreen #month-header { height: 1; padding: 0 1; background: $primary-muted; color: $text; text-style: bold; }
    MonthScreen #month-title { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    MonthScreen #month-total { width: auto; }
    MonthScreen #day-title { height: 1; padding: 0 1; color: $text-primary; text-style: bold; display: none; }
    MonthScreen #day-list { display: none; }
    MonthScreen.-day-open #day-title, MonthScreen.-day-open #day-list { display: block; }
    """
    COMMAND_CATEGORY = "Month"
    BINDINGS = [
        Binding("escape,q", "back", "Back", id="month.back"),
        # The footer shows the pair as one entry ("[ ] Month"): it fits in 40 columns.
        Binding("pageup,left_square_bracket", "shift_month(-1)", "Month", id="month.previous", key_display="[ ]"),
        Binding("pagedown,right_square_bracket", "shift_month(1)", "Next month", id="month.next", show=False),
        Binding("t", "today", "Today", id="month.today", show=False),
        Binding("r", "reload", "Refresh", id="month.refresh", show=False),
        Binding("question_mark", "help", "Keys", id="month.help"),
    ]

    POLL_GROUP = "month-poll"

    def __init__(self) -> None:
        super().__init__()
        self.state: MonthState | None = None
        self.day_shown: date | None = None  # the day whose tasks are listed (None: no list open)
        self.day_tasks: tuple[TaskView, ...] = ()  # as last read

    def compose(self) -> ComposeResult:
        self.state = MonthState.at(local_date(self.app.clock()))
        with Horizontal(id="month-header"):
            yield Label(id="month-title")
            yield Label(id="month-total")
        yield MonthGrid(self.state, id="month-grid")
        yield Label(id="day-title")
        yield AgendaList(empty="No pending task is due that day", id="day-list")
        yield StatusBar()
        yield KeyFooter()

    @property
    def grid(self) -> MonthGrid:
        return self.query_one(MonthGrid)

    def on_mount(self) -> None:
        self.grid.focus()
        self._show_title()
        self.action_reload()
        self.follow_changes()

    def on_resize(self) -> None:
        """The grid takes the height the header, status bar and footer leave; with a day listed, the list
        takes a third of it (DAY_ROWS at least) under the day's title, and the weeks what remains."""
        room = self.size.height - CHROME_LINES
        if self.day_shown is not None:
            room -= 1 + max(DAY_ROWS, room // 3)
        self.grid.max_lines, self.grid.fill = max(7, room), self.day_shown is None
        self.grid.redraw()
        self._show_title()

    # --- reading ---------------------------------------------------------------------------------
    def action_reload(self) -> None:
        """Read the month's counts (and the listed day's tasks) again."""
        user, (year, month) = self.app.user, self.state.month
        self.app.run_service(
            self, lambda s: s.agenda.month(user, year, month), lambda counts: MonthLoaded(year, month, counts),
            exclusive=True, group="month",
        )  # fmt: skip
        if self.day_shown is not None:
            self._read_day(self.day_shown)

    def _read_day(self, day: date) -> None:
        user = self.app.user
        self.app.run_service(
            self, lambda s: s.agenda.day(user, day, limit=DAY_LIMIT), lambda tasks: DayLoaded(day, tasks),
            exclusive=True, group="month-day",
        )  # fmt: skip

    def day_passed(self, today: date) -> None:
        if today != self.state.today:
            self.state.today = today  # past midnight: today's mark moves
            self.grid.redraw()

    @on(MonthLoaded)
    def _month_loaded(self, event: MonthLoaded) -> None:
        if self.state.counts_loaded(event.year, event.month, event.counts):
            self.grid.redraw()
            self._show_title()
            if self.day_shown is not None and len(self.day_tasks) >= DAY_LIMIT:
                self._show_day()  # the list was cut: its count comes from the month

    @on(DayLoaded)
    def _day_loaded(self, event: DayLoaded) -> None:
        if event.day != self.day_shown:
            return  # the selection moved on meanwhile
        self.day_tasks = event.tasks
        self._show_day()

    def _show_day(self) -> None:
        count = len(self.day_tasks)
        if count >= DAY_LIMIT:  # cut at the limit: the month's count says how many (once read)
            count = max(count, self.state.counts.get(self.day_shown, 0) if self.state.loaded else 0)
        self.query_one("#day-title", Label).update(day_title(self.day_shown, count, self.size.width))
        self.query_one(AgendaList).show_tasks(self.day_tasks, self.app.clock(), total=count)

    def _show_title(self) -> None:
        narrow = self.size.width < NARROW
        year, month = self.state.month
        self.query_one("#month-title", Label).update(Content(month_label(year, month, narrow) + ("" if narrow else f"  ·  {self.app.user.display_name}")))
        total = self.state.total() if self.state.loaded else None
        self.query_one("#month-total", Label).update("" if total is None else f"{total} due" if narrow else f"{total} task{'' if total == 1 else 's'} due")

    # --- keys ------------------------------------------------------------------------------------
    @on(MonthGrid.MonthChanged)
    def _month_changed(self) -> None:
        self._show_title()
        self.action_reload()

    @on(MonthGrid.DayMoved)
    def _day_moved(self) -> None:
        if self.day_shown is not None and self.day_shown != self.state.selected:
            self._open_day(focus=False)  # an open list follows the selection

    @on(MonthGrid.DayOpened)
    def _day_opened(self) -> None:
        self._open_day(focus=True)

    def _open_day(self, *, focus: bool) -> None:
        self.day_shown, self.day_tasks = self.state.selected, ()
        self.add_class("-day-open")
        self.on_resize()
        self.query_one("#day-title", Label).update(day_title(self.day_shown, None, self.size.width))
        self._read_day(self.day_shown)
        if focus:
            self.query_one(AgendaList).focus()

    def action_shift_month(self, months: int) -> None:
        self.grid.shift_month(months)

    def action_today(self) -> None:
        self.grid.go_today()

    def action_help(self) -> None:
        from tui_tasks.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self))

    def action_back(self) -> None:
        """From the day list back to the grid; from the grid, close the screen."""
        if self.query_one(AgendaList).has_focus:
            self.grid.focus()
            return
        self.dismiss(None)

    @on(OptionList.OptionHighlighted, "#day-list")
    def _task_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """On the last task of a day cut at DAY_LIMIT, the "… and N more" line under it shows too: it is
        never highlighted (nothing to choose), so the list would not scroll to it of itself (End)."""
        day = event.option_list
        last = day.option_count - 1
        if event.option_index == last - 1 and day.get_option_at_index(last).disabled:
            self.call_after_refresh(day.scroll_end, animate=False, immediate=True)

    @on(AgendaList.TaskChosen)
    def _chosen(self, event: AgendaList.TaskChosen) -> None:
        self.dismiss(event.task_id)
