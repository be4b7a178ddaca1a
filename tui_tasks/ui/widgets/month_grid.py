"""The month as a calendar grid: weeks as rows (Monday first), each day with its count of tasks."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.message import Message
from textual.widget import Widget

from tui_tasks.agenda_model import month_weeks
from tui_tasks.ui.month_state import MonthState, cell_width, grid_lines, week_heights


class MonthGrid(Widget, can_focus=True):
    """Draws a MonthState; keys move the selected day or change the month, and say so in messages
    (the screen reads counts for a new month and a day's tasks)."""

    DEFAULT_CSS = """
    MonthGrid { height: auto; width: 1fr; background: $surface; }
    """
    BINDINGS = [
        Binding("left,h", "move(-1)", "Day before", show=False, id="month.left"),
        Binding("right,l", "move(1)", "Day after", show=False, id="month.right"),
        Binding("up,k", "move(-7)", "Week before", show=False, id="month.up"),
        Binding("down,j", "move(7)", "Week after", show=False, id="month.down"),
        Binding("enter", "open", "Day", id="month.open", key_display="⏎"),
    ]

    class MonthChanged(Message):
        """Another month shows: its counts are wanted."""

    class DayMoved(Message):
        """The selected day moved (within the month or not)."""

    class DayOpened(Message):
        """Enter on the selected day: list its tasks."""

    def __init__(self, state: MonthState, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state = state
        self.max_lines = 40  # the height the screen can give the grid; it sets this on resize
        self.fill = True  # take all of max_lines (False: the same lines for every week, the rest left to the day)
        self._clicked: tuple[tuple[int, int], date] | None = None  # the cell the last click was on, and the day it chose

    def week_heights(self) -> list[int]:
        return week_heights(self.max_lines, len(month_weeks(*self.state.month)), self.fill)

    def get_content_height(self, container, viewport, width: int) -> int:
        return 1 + sum(self.week_heights())

    def render(self) -> Text:
        colors = self.app.theme_variables
        styles = {
            "weekday": f"bold {colors['text-primary']}", "day": "", "weekend": "", "outside": "dim",
            "today": f"bold underline {colors['text-accent']}",
            "selected": f"bold reverse {colors['text-primary']}",
            "selected-today": f"bold underline reverse {colors['text-accent']}",
            "rule": "dim",
        }  # fmt: skip
        text = Text(no_wrap=True, overflow="crop", end="")
        lines = grid_lines(self.state, self.size.width or 80, self.max_lines, self.fill)
        for n, line in enumerate(lines):
            if n:
                text.append("\n")
            for piece, role in line:
                text.append(piece, style=styles[role])
        return text

    def redraw(self) -> None:
        self.refresh(layout=True)

    def action_move(self, days: int) -> None:
        self._changed(self.state.move(days))

    def shift_month(self, months: int) -> None:
        self._changed(self.state.shift_month(months))

    def go_today(self) -> None:
        self._changed(self.state.go_today())

    def select(self, day: date) -> None:
        self._changed(self.state.select(day))

    def _changed(self, month_changed: bool) -> None:
        self._clicked = None  # a key moved the selection: a click is a click on what it shows
        self.redraw()
        if month_changed:
            self.post_message(self.MonthChanged())
        self.post_message(self.DayMoved())

    def action_open(self) -> None:
        self.post_message(self.DayOpened())

    def on_click(self, event: Click) -> None:
        """A click on a day selects it; a second click on it lists it."""
        weeks, column = month_weeks(*self.state.month), event.x // cell_width(self.size.width or 80)
        row, top = 0, 1  # the weekday names take the first line
        for row, lines in enumerate(self.week_heights()):
            if event.y < top + lines:
                break
            top += lines
        else:
            return
        if event.y < 1 or not 0 <= column < 7 or weeks[row][column] is None:
            return
        day, cell = weeks[row][column], (row, column)
        if day == self.state.selected or (cell, self.state.selected) == self._clicked:
            self.action_open()  # the second click on a day of the month before or after, which turned the month
        else:  # and put another day under the pointer: it lists the day the first click chose
            self.select(day)
            self._clicked = (cell, day)
