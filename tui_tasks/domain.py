"""Plain, frozen read models and query options shared by the services and the UI.

Nothing here touches the database, so the UI can import it before SQLModel is loaded.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from enum import IntEnum, StrEnum
from typing import Any


def utcnow() -> datetime:
    """Now, as an aware UTC datetime (the services' default clock)."""
    return datetime.now(timezone.utc)


def local_date(moment: datetime) -> date:
    """The calendar date of an aware moment in this machine's time zone (at the ends of the calendar,
    where that zone's day is not a date Python has, the UTC one)."""
    try:
        return moment.astimezone().date()
    except OverflowError:
        return moment.date()


Due = date | datetime
"""A due (or wait) as tasks hold it: a `date` is a whole local day, an aware `datetime` an instant with its
time. Test for `datetime` first: a datetime is also a date."""

END_OF_DAY = time(23, 59, 59)


def due_moment(due: Due) -> datetime:
    """The instant a due stands for, in UTC: a date alone is the end of that local day, so that a task due
    today is not overdue at 09:00."""
    if isinstance(due, datetime):
        return due.astimezone(timezone.utc)
    try:
        return datetime.combine(due, END_OF_DAY).astimezone().astimezone(timezone.utc)
    except (OverflowError, OSError, ValueError):  # 9999-12-31: its end may be past the last instant there is
        return datetime.max.replace(microsecond=0, tzinfo=timezone.utc)


def due_day(due: Due) -> date:
    """The local calendar day of a due."""
    return local_date(due) if isinstance(due, datetime) else due


def wait_moment(wait: Due) -> datetime:
    """The instant a wait ends, in UTC: a date alone is the start of that local day."""
    if isinstance(wait, datetime):
        return wait.astimezone(timezone.utc)
    return day_bounds(wait)[0]


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The first and last instants (UTC) whose due falls on the local `day`: [00:00:00, 23:59:59]."""
    start = datetime.combine(day, time()).astimezone().astimezone(timezone.utc)
    return start, due_moment(day)


@dataclass(frozen=True, slots=True)
class Recurrence:
    """How a task repeats: an RFC 5545 rule without its "RRULE:" prefix (FREQ=DAILY;INTERVAL=3, with
    BYDAY, BYMONTHDAY, BYSETPOS, UNTIL or COUNT as needed), by the calendar from the series' first due, or,
    with `after_completion`, counted from the day the last one was done (FREQ and INTERVAL only)."""

    rule: str
    after_completion: bool = False


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_due(text: str, today: date) -> date | None:
    """A due date as people type it: YYYY-MM-DD, today, tomorrow, +3d, +2w, or a weekday (the next one).

    Empty text means no due date; anything else raises ValueError with what is accepted.
    """
    word = text.strip().lower()
    if not word:
        return None
    if word in ("today", "tod"):
        return today
    if word in ("tomorrow", "tom"):
        return today + timedelta(days=1)
    if word[0] == "+" and word[1:-1].isdigit() and word[-1] in "dw" and len(word) <= 6:
        return today + timedelta(days=int(word[1:-1]) * (7 if word[-1] == "w" else 1))
    matches = [n for n, name in enumerate(_WEEKDAYS) if len(word) >= 3 and name.startswith(word)]
    if len(matches) == 1:
        return today + timedelta(days=(matches[0] - today.weekday() - 1) % 7 + 1)
    try:
        return date.fromisoformat(word)
    except ValueError:
        if len(word) == 10 and word[4] == word[7] == "-" and word.replace("-", "").isdigit():
            raise ValueError(f"There is no date {word}") from None
        raise ValueError("Due must be YYYY-MM-DD, today, tomorrow, +3d, +2w or a weekday") from None


class Priority(IntEnum):
    """Task priority; stored as its number so that sorting by it is a plain index scan."""

    NONE = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class TaskFilter(StrEnum):
    """Which tasks a list shows."""

    ALL = "all"
    PENDING = "pending"
    DONE = "done"
    OVERDUE = "overdue"
    TODAY = "today"
    WAITING = "waiting"

    def accepts(self, task: TaskView, now: datetime) -> bool:
        """Whether the filter lists `task` (the same rule as its SQL in the task queries). A waiting task
        is listed by WAITING alone."""
        if task.is_waiting(now):
            return self is TaskFilter.WAITING
        match self:
            case TaskFilter.ALL:
                return True
            case TaskFilter.PENDING | TaskFilter.DONE:
                return task.completed == (self is TaskFilter.DONE)
            case TaskFilter.OVERDUE:
                return task.is_overdue(now)
            case TaskFilter.TODAY:
                return not task.completed and task.due is not None and due_day(task.due) == local_date(now)
            case TaskFilter.WAITING:
                return False


class SortField(StrEnum):
    """What a list is ordered by (ties are always broken by task id)."""

    CREATED = "created"
    UPDATED = "updated"
    DUE = "due"
    PRIORITY = "priority"
    TITLE = "title"
    URGENCY = "urgency"  # "next": the most urgent first (see `urgency_parts`)


class Status(StrEnum):
    """The state of one health check, or of the whole report."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


# Control characters as the symbols Unicode has for them (ESC as ␛, DEL as ␡; C1 as �).
_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"} | dict.fromkeys(range(0x80, 0xA0), "\ufffd")
_PICTURES_KEEPING_LINES = {code: picture for code, picture in _PICTURES.items() if chr(code) not in "\n\t"}
_LINES = {ord("\n"): None, ord("\t"): None}
# Characters drawn as nothing, or that change how what is around them is drawn: format characters (Cf:
# zero-width spaces and joiners, the bidi marks, overrides and isolates that can make "txt.exe" read
# "exe.txt", the byte order mark, soft hyphens...) and line or paragraph separators.
_HIDDEN = ("Cf", "Zl", "Zp")
HIDDEN_PICTURE = "\ufffd"


def visible(text: str, *, lines: bool = False) -> str:
    """`text` with every control character shown as a symbol, so that stored text can never act as a
    terminal command (an escape sequence that retitles the window or clears the screen), and every
    invisible or direction character (Unicode Cf, Zl, Zp) as �, so that what is drawn is all there is and
    in the order stored. The services refuse these characters in what they write; this covers what they
    read, whoever wrote it. `lines` keeps newlines and tabs (a description)."""
    if text.isprintable():
        return text
    text = text.translate(_PICTURES_KEEPING_LINES if lines else _PICTURES)
    if (text.translate(_LINES) if lines else text).isprintable():  # the usual case: no Cf, no odd spaces
        return text
    return "".join(HIDDEN_PICTURE if unicodedata.category(char) in _HIDDEN else char for char in text)


@dataclass(frozen=True, slots=True)
class UserView:
    """The logged-in user: the session passed to every service call."""

    id: int
    email: str
    display_name: str
    created_at: datetime
    last_login_at: datetime | None


@dataclass(frozen=True, slots=True)
class TaskDraft:
    """The editable fields of a task, as typed by a user; services validate them."""

    title: str
    description: str = ""
    priority: Priority = Priority.NONE
    due: date | None = None
    project: str | None = None
    tags: tuple[str, ...] = ()
    wait: Due | None = None  # hidden from the default list until then
    parent_id: int | None = None
    depends: tuple[int, ...] = ()  # the tasks that block this one
    recurrence: Recurrence | None = None


@dataclass(frozen=True, slots=True)
class TaskView:
    """One task as stored."""

    id: int
    title: str
    description: str
    completed: bool
    completed_at: datetime | None
    priority: Priority
    due: Due | None
    project: str | None
    tags: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    version: int
    uuid: str = ""
    wait: Due | None = None
    parent_id: int | None = None
    depends: tuple[int, ...] = ()  # the tasks that block this one, done or not
    blocked: bool = False  # one of `depends` is still open
    blocking: int = 0  # open tasks this one blocks
    children: tuple[int, int] = (0, 0)  # (done, all) subtasks, one level down
    recurrence: Recurrence | None = None
    series_id: int | None = None
    occurrence: int | None = None  # the instance's number in its series (0 is the first)
    depth: int = 0  # in a tree page: how many parents up to the top task
    ancestry: tuple[str, ...] = ()  # in a flat page (a search): the titles of its parents, the top one first

    def draft(self) -> TaskDraft:
        """The editable fields, to change some of them with `dataclasses.replace`."""
        return TaskDraft(
            self.title, self.description, self.priority, self.due, self.project, self.tags,
            self.wait, self.parent_id, self.depends, self.recurrence,
        )  # fmt: skip

    def is_overdue(self, now: datetime | date) -> bool:
        """Past its due instant (`now` a date: the due's day is before it)."""
        if self.completed or self.due is None:
            return False
        if isinstance(now, datetime):
            return due_moment(self.due) < now
        return due_day(self.due) < now

    def is_waiting(self, now: datetime) -> bool:
        """Hidden from the default list: open, and its wait has not come yet."""
        return not self.completed and self.wait is not None and wait_moment(self.wait) > now

    def changes_to(self, newer: TaskView) -> list[str]:
        """What differs in `newer`, a line a field, for people: `title: “a” → “b”`."""
        fields = {  # name: (what is compared, how it is shown)
            "title": (lambda t: t.title, lambda t: f"“{t.title}”"),
            "description": (lambda t: t.description,
                            lambda t: f"{len(t.description.splitlines()) or 1} line(s)" if t.description else "(empty)"),
            "done": (lambda t: t.completed, lambda t: "yes" if t.completed else "no"),
            "priority": (lambda t: t.priority, lambda t: t.priority.label),
            "due": (lambda t: t.due, lambda t: t.due.isoformat() if t.due else "none"),
            "project": (lambda t: t.project, lambda t: t.project or "none"),
            "tags": (lambda t: t.tags, lambda t: " ".join(f"#{tag}" for tag in t.tags) or "none"),
        }  # fmt: skip
        lines = []
        for name, (value, show) in fields.items():
            if value(self) != value(newer):
                before, after = show(self), show(newer)
                lines.append(f"{name}: changed" if before == after else f"{name}: {before} → {after}")
        return lines


# Urgency ("next"): the parts Taskwarrior's users know, with its coefficients. The SQL that sorts by it
# (services/task_queries.urgency_sql) computes the same sum; the detail pane shows the parts.
URGENCY_DUE = 12.0  # times a factor from 0.2 (due in 14 days or more) to 1.0 (7 days overdue or more)
URGENCY_PRIORITY = {Priority.HIGH: 6.0, Priority.MEDIUM: 3.9, Priority.LOW: 1.8, Priority.NONE: 0.0}
URGENCY_AGE = 2.0  # times the age in years, at most 1
URGENCY_BLOCKING = 8.0
URGENCY_BLOCKED = -5.0
URGENCY_WAITING = -3.0


def due_factor(days_left: float) -> float:
    """0.2 for a due 14 days away or more, rising in a line to 1.0 at 7 days overdue."""
    if days_left <= -7:
        return 1.0
    if days_left >= 14:
        return 0.2
    return 0.2 + 0.8 * (14 - days_left) / 21


def urgency_parts(task: TaskView, now: datetime) -> tuple[tuple[str, float], ...]:
    """What makes up the task's urgency, each part in words with its points (none for a done task)."""
    if task.completed:
        return ()
    parts: list[tuple[str, float]] = []
    if task.due is not None:
        days = (due_moment(task.due) - now).total_seconds() / 86400
        label = f"due in {days:.0f} d" if days >= 0.5 else "due today" if days > -0.5 else f"{-days:.0f} d overdue"
        parts.append((label, URGENCY_DUE * due_factor(days)))
    if task.priority:
        parts.append((f"priority {task.priority.label}", URGENCY_PRIORITY[task.priority]))
    age = (now - task.created_at).total_seconds() / 86400
    if age > 0:
        parts.append((f"{age:.0f} d old", URGENCY_AGE * min(age / 365, 1.0)))
    if task.blocking:
        parts.append((f"blocks {task.blocking}", URGENCY_BLOCKING))
    if task.blocked:
        parts.append(("blocked", URGENCY_BLOCKED))
    if task.is_waiting(now):
        parts.append(("waiting", URGENCY_WAITING))
    return tuple(parts)


def urgency(task: TaskView, now: datetime) -> float:
    return round(sum(points for _, points in urgency_parts(task, now)), 4)


@dataclass(frozen=True, slots=True)
class TaskQuery:
    """Filter, search and order of a task list. The default is the newest first."""

    filter: TaskFilter = TaskFilter.ALL
    search: str = ""
    sort: SortField = SortField.CREATED
    descending: bool = True
    project: str | None = None
    tag: str | None = None
    tree: bool = False  # subtasks under their parents (TaskView.depth), a page being a page of top tasks


def search_words(search: str) -> list[tuple[bool, str]]:
    """The words of a search, each (is a "#tag" prefix, the text to look for)."""
    return [(True, word[1:].lower()) if word.startswith("#") and len(word) > 1 else (False, word)
            for word in search.split()]  # fmt: skip


def search_accepts(task: TaskView, search: str, now: datetime | None = None) -> bool:
    """Whether `search` (the filter language) lists `task`: the rule of its SQL in the task queries (words
    in the title, notes, project or a tag, ignoring ASCII case as SQLite's LIKE does; "#wor" a tag that
    starts so; fields such as project:, !high, due:, is:, and "-" before any of them)."""
    from tui_tasks.filter_language import parse_filter  # it builds on dates, which builds on this module
    from tui_tasks.filter_rule import filter_accepts

    now = utcnow() if now is None else now
    return filter_accepts(parse_filter(search.strip(), now), task, now)


def narrows(old: str, new: str) -> bool:
    """Whether every task that `new` lists is also listed by `old`: no words before, or the same words
    with the last one longer, or more words after them (typing on at the end of the search box). Only
    plain words and #tag prefixes narrow: a field, a "-" or a quote may list tasks `old` hid (is:waiting)."""
    from tui_tasks.filter_language import parse_filter

    now = utcnow()
    if not parse_filter(new, now).plain or not parse_filter(old, now).plain:
        return False
    before, after = search_words(old), search_words(new)
    if not before:
        return True  # everything was listed
    if len(after) < len(before) or after[: len(before) - 1] != before[:-1]:
        return False
    (old_tag, old_word), (new_tag, new_word) = before[-1], after[len(before) - 1]
    return old_tag == new_tag and (new_word.startswith(old_word) if old_tag else old_word in new_word)


@dataclass(frozen=True, slots=True)
class PageCursor:
    """Where the next page starts: the sort value and id of the last task shown."""

    value: Any
    id: int


@dataclass(frozen=True, slots=True)
class TaskPage:
    """A page of tasks, in list order, and the cursor of the next page (None at the end; for a page read
    backwards, the cursor of the page before it, None at the start)."""

    tasks: tuple[TaskView, ...]
    next_cursor: PageCursor | None


@dataclass(frozen=True, slots=True)
class TaskCounts:
    """The counts a task list header shows."""

    total: int
    pending: int
    done: int
    overdue: int
    due_today: int

    def after_toggle(self, task: TaskView, now: datetime) -> TaskCounts:
        """The counts once `task` (as it was before) is toggled: known without counting again."""
        gained = 1 if task.completed else -1  # pending gains one when a done task is reopened
        today = task.due is not None and due_day(task.due) == local_date(now)
        return TaskCounts(
            self.total, self.pending + gained, self.done - gained,
            self.overdue + (gained if task.due is not None and due_moment(task.due) < now else 0),
            self.due_today + (gained if today else 0),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    count: int


@dataclass(frozen=True, slots=True)
class TaskStats:
    """Everything the stats screen shows, computed in SQL."""

    counts: TaskCounts
    done_last_7_days: int
    done_per_day: tuple[DayCount, ...]
    created_per_day: tuple[DayCount, ...]
    by_priority: tuple[tuple[Priority, int], ...]
    top_projects: tuple[tuple[str, int], ...]
    top_tags: tuple[tuple[str, int], ...]

    @property
    def completion_rate(self) -> float:
        """Done tasks as a fraction of all tasks (0.0 when there are none)."""
        return self.counts.done / self.counts.total if self.counts.total else 0.0


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One health check."""

    name: str
    status: Status
    message: str
    latency_ms: float | None = None


@dataclass(frozen=True, slots=True)
class HealthReport:
    """All health checks; the worst status is the report's status."""

    version: str
    database: str
    checks: tuple[CheckResult, ...] = field(default_factory=tuple)

    @property
    def status(self) -> Status:
        states = {check.status for check in self.checks}
        return next((s for s in (Status.FAIL, Status.WARN) if s in states), Status.OK)

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "version": self.version,
            "database": self.database,
            "checks": [
                {"name": c.name, "status": c.status.value, "message": c.message, "latency_ms": c.latency_ms}
                for c in self.checks
            ],
        }


@dataclass(frozen=True, slots=True)
class SavedViewView:
    """A saved view: a named filter (the search box's language) and order, in the user's order of views."""

    id: int
    name: str
    filter: str
    sort: SortField
    descending: bool
    position: int

    def query(self) -> TaskQuery:
        """The list query the view shows: every task (the fixed filter stays ALL), its filter and order."""
        return TaskQuery(search=self.filter, sort=self.sort, descending=self.descending)
