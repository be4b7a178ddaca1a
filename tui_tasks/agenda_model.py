"""The agenda's and the month's read models, and the calendar arithmetic they share: no database, no
Textual, so the services, the screens and their tests all use the same days."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tui_tasks.domain import TaskView

WEEK_START = 0  # Monday (date.weekday()); weeks start there in the agenda and the month grid
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FIRST_MONTH = (1, 1)
LAST_MONTH = (9999, 12)


@dataclass(frozen=True, slots=True)
class AgendaSection:
    """One heading of the agenda and the tasks under it (at most the limit asked for; `total` counts all)."""

    key: str  # "overdue", "today", "tomorrow", "day" (a later day of this week), "later", "none"
    title: str  # "Overdue", "Today", "Tomorrow", "Thursday", "Later", "No date"
    first: date | None  # the first local day it covers (None: overdue, no date)
    last: date | None  # the last one (None: no end)
    tasks: tuple[TaskView, ...]
    total: int

    @property
    def more(self) -> int:
        """How many of its tasks were left out ("and N more")."""
        return max(0, self.total - len(self.tasks))


@dataclass(frozen=True, slots=True)
class AgendaView:
    """The user's pending tasks that are not waiting, by when they are due, as of `now`."""

    now: datetime
    today: date
    sections: tuple[AgendaSection, ...]

    @property
    def total(self) -> int:
        return sum(section.total for section in self.sections)

    def section(self, key: str) -> AgendaSection | None:
        return next((s for s in self.sections if s.key == key), None)


def week_end(today: date, week_start: int = WEEK_START) -> date:
    """The last day of the week `today` is in."""
    last = (week_start - 1) % 7
    ahead = (last - today.weekday()) % 7
    return _shift(today, ahead) or date.max


def agenda_days(today: date, week_start: int = WEEK_START) -> list[tuple[str, str, date]]:
    """The agenda's day sections as (key, title, day): today, tomorrow, then each day left in this week.
    On the last day of a week, tomorrow starts the next one and no other day follows."""
    days = [("today", "Today", today)]
    tomorrow = _shift(today, 1)
    if tomorrow is None:
        return days
    days.append(("tomorrow", "Tomorrow", tomorrow))
    end = week_end(today, week_start)
    day = _shift(tomorrow, 1)
    while day is not None and tomorrow < day <= end:
        days.append(("day", DAY_NAMES[day.weekday()], day))
        day = _shift(day, 1)
    return days


def month_of(day: date) -> tuple[int, int]:
    return day.year, day.month


def add_months(year: int, month: int, n: int) -> tuple[int, int]:
    """The month `n` months on (or back), kept within the calendar Python has (0001-01 to 9999-12)."""
    index = min(max(year * 12 + month - 1 + n, 12), 9999 * 12 + 11)
    return index // 12, index % 12 + 1


def month_days(year: int, month: int) -> list[date]:
    """Every day of the month, in order."""
    first = date(year, month, 1)
    return [first + timedelta(days=n) for n in range(calendar.monthrange(year, month)[1])]


def month_weeks(year: int, month: int, week_start: int = WEEK_START) -> list[list[date | None]]:
    """The month's weeks as rows of seven days, `week_start` first; the days of the months either side fill
    the first and last rows (None where the calendar has no such day: before 0001-01-01, after 9999-12-31)."""
    days = month_days(year, month)
    lead = (days[0].weekday() - week_start) % 7
    cells: list[date | None] = [_shift(days[0], -n) for n in range(lead, 0, -1)] + list(days)
    while len(cells) % 7:
        cells.append(_shift(days[-1], len(cells) - lead - len(days) + 1))
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


def _shift(day: date, n: int) -> date | None:
    """`day` moved by `n` days, or None past either end of the calendar."""
    try:
        return day + timedelta(days=n)
    except OverflowError:
        return None
