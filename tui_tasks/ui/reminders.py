"""Reminders: which timed dues fell due while the app is open, each told once, and snoozes. No Textual here.

Only a due with a time of day reminds (a date alone is a whole day, nothing happens at a moment of it), and
only one that falls due after the app started reminding: what was overdue before that is for the list to
show. Each (task, due instant) is told once, so an edit of the due arms it again. Everything is kept in
memory, for the running app only: a snooze does not survive a restart (nor a log-out).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from tui_tasks.dates import localize
from tui_tasks.domain import TaskView, local_date, visible

SNOOZES = {"10m": "10 min", "1h": "1 hour", "tomorrow": "Tomorrow 09:00"}  # answer -> what the user reads
MORNING = time(9)


@dataclass(frozen=True, slots=True)
class Reminder:
    """A task whose due instant came: its id, its title (made `visible`) and that instant (UTC)."""

    task_id: int
    title: str
    due: datetime
    snoozed: bool = False  # told again after a snooze


def snoozed_until(answer: str, now: datetime) -> datetime:
    """When a snooze chosen as `answer` (a key of SNOOZES) ends: in 10 minutes, in an hour, or tomorrow
    at 09:00 local time."""
    if answer == "10m":
        return now + timedelta(minutes=10)
    if answer == "1h":
        return now + timedelta(hours=1)
    if answer == "tomorrow":
        return localize(datetime.combine(local_date(now) + timedelta(days=1), MORNING)).astimezone(timezone.utc)
    raise ValueError(f"unknown snooze {answer!r}")


def reminder_text(reminders: list[Reminder]) -> str:
    """One line for a notification: "Due now: Call the bank", "Due now: Call the bank (+2 more)"."""
    more = f" (+{len(reminders) - 1} more)" if len(reminders) > 1 else ""
    return f"Due now: {reminders[0].title}{more}"


def terminal_notification(text: str) -> str:
    """The escape sequences that ask the terminal for a desktop notification: OSC 9 (iTerm2, WezTerm,
    Windows Terminal, kitty) and OSC 777 (rxvt, foot, Ghostty, VTE). Control characters in `text` are shown
    as symbols first, so a title can never end the sequence early and run a command of its own; and the text
    never starts with a number and ';', which ConEmu and Windows Terminal read as an OSC 9 command (9;4 sets
    the taskbar progress): a title such as "4;2;100" gets a no-break space in front."""
    shown = visible(text)[:200]
    if shown.split(";", 1)[0].isdigit() and ";" in shown:
        shown = "\u00a0" + shown
    return f"\x1b]9;{shown}\x07\x1b]777;notify;tui-tasks;{shown}\x07"


class Reminders:
    """Fed the tasks with a due today (and the snoozed ones) and asked, as time passes, which to tell."""

    def __init__(self, since: datetime) -> None:
        self.since = since  # dues up to this instant were already past when reminding began
        self.fed_day: date | None = None  # the local day of the last feed: a new day needs a new one
        self.pending: list[Reminder] = []  # told, and neither snoozed nor dismissed: what a snooze applies to
        self._armed: dict[int, Reminder] = {}
        self._told: set[tuple[int, datetime]] = set()
        self._snoozes: dict[int, tuple[datetime, datetime]] = {}  # task id -> (its due instant, until)

    def feed(self, tasks: Iterable[TaskView], now: datetime) -> None:
        """The tasks as the database has them now. A snooze or a pending reminder whose task is gone, done
        or due at another instant lapses (a new due is armed afresh)."""
        self._armed = {
            task.id: Reminder(task.id, visible(task.title), task.due.astimezone(timezone.utc))
            for task in tasks
            if isinstance(task.due, datetime) and not task.completed
        }
        self.fed_day = local_date(now)
        self._snoozes = {tid: snooze for tid, snooze in self._snoozes.items() if self._still(tid, snooze[0])}
        self.pending = [reminder for reminder in self.pending if self._still(reminder.task_id, reminder.due)]

    def _still(self, task_id: int, due: datetime) -> bool:
        return task_id in self._armed and self._armed[task_id].due == due

    def needs_feed(self, now: datetime) -> bool:
        """Whether the tasks fed are of another day than `now`'s (midnight passed)."""
        return self.fed_day != local_date(now)

    @property
    def snoozed_ids(self) -> tuple[int, ...]:
        """The snoozed tasks: to be fed again even when no longer due today (a snooze to tomorrow)."""
        return tuple(self._snoozes)

    def due(self, now: datetime) -> list[Reminder]:
        """The reminders to tell now, earliest first; each (task, due instant) once, and a snooze once."""
        told = []
        for task_id, reminder in self._armed.items():
            snooze = self._snoozes.get(task_id)
            if snooze is not None:
                if snooze[1] <= now:
                    del self._snoozes[task_id]
                    told.append(dataclasses.replace(reminder, snoozed=True))
                continue
            key = (task_id, reminder.due)
            if self.since < reminder.due <= now and key not in self._told:
                self._told.add(key)
                told.append(reminder)
        told.sort(key=lambda reminder: (reminder.due, reminder.task_id))
        ids = {reminder.task_id for reminder in told}
        self.pending = [*(r for r in self.pending if r.task_id not in ids), *told]
        return told

    def snooze(self, until: datetime, reminders: list[Reminder] | None = None) -> list[Reminder]:
        """Tell `reminders` (by default all those pending) again at `until`; returns those snoozed."""
        snoozed = self.pending if reminders is None else [r for r in self.pending if r in reminders]
        self.pending = [r for r in self.pending if r not in snoozed]
        for reminder in snoozed:
            self._snoozes[reminder.task_id] = (reminder.due, until)
        return snoozed

    def dismiss(self, reminders: list[Reminder] | None = None) -> None:
        """`reminders` (by default all those pending) were seen: no snooze applies to them any more."""
        self.pending = [] if reminders is None else [r for r in self.pending if r not in reminders]
