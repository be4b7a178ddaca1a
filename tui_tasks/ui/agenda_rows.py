"""How the agenda and the month's day list draw their lines, without Textual: each line is a list of
(text, role) pieces fitted to a width; the screens give each role its style."""

from __future__ import annotations

from datetime import date, datetime

from rich.cells import cell_len, set_cell_size

from tui_tasks.agenda_model import AgendaSection
from tui_tasks.dates import MONTH_ABBR, describe_due
from tui_tasks.domain import Priority, TaskView

Piece = tuple[str, str]  # (text, role)
ONE_DAY = ("today", "tomorrow", "day")  # sections of one day: a row shows the time alone
MARKS = {Priority.HIGH: "!!!", Priority.MEDIUM: "!! ", Priority.LOW: "!  ", Priority.NONE: "   "}
NARROW = 60  # below this many columns: one-character priority marks, no project or tags column


def fit(text: str, width: int) -> str:
    """`text` in exactly `width` cells: padded, or cut with an ellipsis."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


def when(task: TaskView, one_day: bool, now: datetime) -> str:
    """The due as a row shows it: the time in a one-day section ("" for a day without one), else
    relative ("2 d overdue", "Fri 12 Dec 17:00") as the list says it."""
    if task.due is None:
        return ""
    if one_day:
        return f"{task.due.astimezone():%H:%M}" if isinstance(task.due, datetime) else ""
    return describe_due(task.due, now)


def task_row(task: TaskView, one_day: bool, now: datetime, width: int) -> list[Piece]:
    """One task: due, priority mark, title, then project and tags if there is room."""
    narrow = width < NARROW
    due = when(task, one_day, now)
    due_width = 5 if one_day else (11 if narrow else 16)
    if not one_day and cell_len(due) > due_width and isinstance(task.due, datetime):
        due = due.rsplit(" ", 1)[0]  # the day says more than the time
    mark = MARKS[task.priority][:1] if narrow else MARKS[task.priority]
    extra = " ".join(([task.project] if task.project else []) + [f"#{tag}" for tag in task.tags])
    extra_width = 0 if narrow or not extra else min(cell_len(extra), max(12, width // 4))
    title_width = width - due_width - len(mark) - 4 - (extra_width + 1 if extra_width else 0)
    pieces = [("  " + fit(due, due_width) + " ", "overdue" if task.is_overdue(now) else "when"),
              (mark, f"priority-{task.priority.name.lower()}"), (" " + fit(task.title, max(1, title_width)), "title")]  # fmt: skip
    if extra_width:
        pieces.append((" " + fit(extra, extra_width), "extra"))
    return pieces


def heading(section: AgendaSection, width: int) -> list[Piece]:
    """A section's heading: its name, its day when it has one, and how many tasks it holds."""
    narrow = width < NARROW
    name = section.title
    day = section.first if section.first is not None and section.first == section.last else None
    if day is not None:
        shown = f"{day.day} {MONTH_ABBR[day.month - 1]}"
        name = f"{name[:3] if narrow and section.key == 'day' else name} · {shown}"
    count = str(section.total) if narrow else f"{section.total} task{'s' if section.total != 1 else ''}"
    room = max(1, width - cell_len(count) - 2)
    return [(" " + fit(name, room), "heading"), (count + " ", "count")]


def more_row(section: AgendaSection, width: int) -> list[Piece]:
    """The line under a section cut at the limit."""
    text = f"and {section.more} more" if width < NARROW else f"… and {section.more} more: search the list to see them all"
    return [(" " * 7 + fit(text, max(1, width - 7)), "more")]


def day_title(day: date, count: int | None, width: int) -> str:
    """The heading of the month's day list: "Tue 10 Mar 2026 · 3 tasks"."""
    text = f"{day:%a} {day.day} {MONTH_ABBR[day.month - 1]} {day.year}"
    if count is not None:
        text += f" · {count}" if width < NARROW else f" · {count} task{'s' if count != 1 else ''}"
    return text
