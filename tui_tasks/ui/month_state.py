"""The month view's state and drawing, without Textual: which month shows, which day is selected, and
the grid's lines (pieces of (text, role)) for a width and height. The widget renders what this decides."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from rich.cells import set_cell_size

from tui_tasks.agenda_model import DAY_NAMES, WEEK_START, add_months, month_weeks
from tui_tasks.dates import MONTH_ABBR

Piece = tuple[str, str]  # (text, role)
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")  # fmt: skip
MIN_CELL = 5  # "31 99": the narrowest cell (40 columns)


@dataclass
class MonthState:
    """The month shown and the day selected (always in that month), and the counts read for it."""

    today: date
    selected: date
    counts: dict[date, int] = field(default_factory=dict)
    loaded: tuple[int, int] | None = None  # the month whose counts are held
    day_wanted: int | None = None  # the day of the month `[`/`]` keep to, past shorter months

    @classmethod
    def at(cls, today: date) -> MonthState:
        return cls(today, today)

    @property
    def month(self) -> tuple[int, int]:
        return self.selected.year, self.selected.month

    def move(self, days: int) -> bool:
        """Select the day `days` away (into the month before or after if need be); whether the month changed."""
        try:
            return self.select(self.selected + timedelta(days=days))
        except OverflowError:
            return False

    def shift_month(self, months: int) -> bool:
        """The same day of another month (its last day if that month is shorter), and the day asked for is
        kept while only months change: Jan 31, Feb 28, Mar 31 (not Mar 28)."""
        wanted = self.day_wanted or self.selected.day
        year, month = add_months(*self.month, months)
        changed = self.select(date(year, month, 1) + relativedelta(day=wanted))  # (day= stops at the month's end)
        self.day_wanted = wanted
        return changed

    def go_today(self) -> bool:
        return self.select(self.today)

    def select(self, day: date) -> bool:
        """Select `day`; whether the month changed (its counts are then dropped until read)."""
        changed = (day.year, day.month) != self.month
        self.selected, self.day_wanted = day, None
        if changed:
            self.counts, self.loaded = {}, None
        return changed

    def counts_loaded(self, year: int, month: int, counts: dict[date, int]) -> bool:
        """Take counts read for a month; False (and nothing kept) if another month shows by now."""
        if (year, month) != self.month:
            return False
        self.counts, self.loaded = dict(counts), (year, month)
        return True

    def title(self) -> str:
        year, month = self.month
        return f"{MONTH_NAMES[month - 1]} {year}"

    def total(self) -> int:
        return sum(self.counts.values())



def cell_width(width: int) -> int:
    return max(MIN_CELL, width // 7)


def week_heights(height: int, weeks: int, fill: bool = True) -> list[int]:
    """Lines each week gets in `height` lines (the weekday names take one more): the same for every week,
    at least one; with `fill` the lines left over go one each to the first weeks, so that the grid takes
    all of its height and leaves no empty rows under it."""
    base = max(1, (height - 1) // max(1, weeks))
    extra = max(0, height - 1 - base * weeks) if fill else 0
    return [base + (n < extra) for n in range(weeks)]


def header(width: int) -> list[Piece]:
    cell = cell_width(width)
    names = [DAY_NAMES[(WEEK_START + n) % 7] for n in range(7)]
    label = (lambda name: name) if cell >= 11 else (lambda name: name[:3]) if cell >= 6 else (lambda name: name[:2])
    pad = " " if cell >= 8 else ""
    return [(set_cell_size(pad + label(name), cell), "weekday") for name in names]


def count_text(count: int, room: int) -> str:
    """A day's count in `room` cells: the number, with "task(s)" when there is room; "9+" style when the
    number itself does not fit."""
    if count <= 0:
        return ""
    if room >= len("99 tasks"):  # words for every count or for none: "2" beside "1 task" reads oddly
        return f"{count} task{'s' if count != 1 else ''}"
    if len(str(count)) <= room:
        return str(count)
    return "9" * max(1, room - 1) + "+" if room >= 2 else "+"


def grid_lines(state: MonthState, width: int, height: int, fill: bool = True) -> list[list[Piece]]:
    """The weekday names, then each week (see `week_heights`): day numbers, and counts beside them when a
    week has one line, else under them; a week of three lines or more ends in a dim rule."""
    year, month = state.month
    weeks = month_weeks(year, month)
    cell, heights = cell_width(width), week_heights(height, len(weeks), fill)
    beside, ruled = min(heights) == 1, min(heights) >= 3
    out = [header(width)]
    for week, lines in zip(weeks, heights, strict=True):
        rows: list[list[Piece]] = [[] for _ in range(lines)]
        for day in week:
            role = _role(state, day, month)
            count = state.counts.get(day, 0) if day is not None and day.month == month else 0
            number = "" if day is None else f"{day.day:>2}"
            if beside:
                pad = " " if cell >= 8 else ""  # a cell ends in a space: counts never touch the next day
                room = cell - 4 - len(pad)
                rows[0].append((set_cell_size(f"{pad}{number:>2} {count_text(count, room):<{room}} ", cell), role))
            else:
                rows[0].append((set_cell_size(f" {number}", cell), role))
                rows[1].append((set_cell_size(f" {count_text(count, cell - 2)}", cell), role))
            for extra in rows[1 if beside else 2 : -1 if ruled else None]:
                extra.append((" " * cell, role))
            if ruled:
                rows[-1].append(("─" * cell, "rule"))
        out += rows
    return out


def _role(state: MonthState, day: date | None, month: int) -> str:
    """How a day's cell is styled: selected (and today), today, a day of another month, weekend, day."""
    if day is None or (day.month != month and day != state.selected):
        return "outside"
    if day == state.selected:
        return "selected-today" if day == state.today else "selected"
    if day == state.today:
        return "today"
    return "weekend" if day.weekday() >= 5 else "day"


def month_label(year: int, month: int, narrow: bool) -> str:
    return f"{MONTH_ABBR[month - 1] if narrow else MONTH_NAMES[month - 1]} {year}"
