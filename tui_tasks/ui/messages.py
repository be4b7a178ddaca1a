"""Messages the app's workers post when something happened (named in the past tense)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from tui_tasks.domain import HealthReport, PageCursor, TaskCounts, TaskDraft, TaskPage, TaskQuery, TaskView, UserView

if TYPE_CHECKING:
    from tui_tasks.services.facade import Services


class DatabaseOpened(Message):
    """The database is open and upgraded; the services are ready."""

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services


class LoggedIn(Message):
    """A user logged in (or registered): the session starts."""

    def __init__(self, user: UserView) -> None:
        super().__init__()
        self.user = user


class HealthChecked(Message):
    """A fresh health report; replaces any not yet handled."""

    def __init__(self, report: HealthReport) -> None:
        super().__init__()
        self.report = report

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, HealthChecked)


class WritesRefused(Message):
    """A write failed because of the database (`reason`), or one went through again (`reason` None)."""

    def __init__(self, reason: str | None) -> None:
        super().__init__()
        self.reason = reason


class PageLoaded(Message):
    """A page of the task list arrived; `reset` means it starts a new list (at its "first" or "last" task
    when `edge` says so), `before` that it was read backwards and goes before the rows held."""

    def __init__(
        self, page: TaskPage, reset: bool, generation: int, *, before: bool = False, edge: str | None = None
    ) -> None:
        super().__init__()
        self.page = page
        self.reset = reset
        self.generation = generation
        self.before = before
        self.edge = edge


class BackedUp(Message):
    """A backup of the database was written to `path`."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path


class ChangesPolled(Message):
    """How many changes the user's tasks have had so far (from any window or client)."""

    def __init__(self, changes: int) -> None:
        super().__init__()
        self.changes = changes


class EndsRead(Message):
    """Pages read ahead (query, "first"/"last", page), by a read begun at `epoch` (ListModel.keep)."""

    def __init__(self, epoch: int, pages: list[tuple[TaskQuery, str, TaskPage]]) -> None:
        super().__init__()
        self.epoch = epoch
        self.pages = pages


class KeptStale(Message):
    """A page kept, shown at once, differed when read again (load `generation`, at `edge`)."""

    def __init__(self, generation: int, edge: str | None) -> None:
        super().__init__()
        self.generation = generation
        self.edge = edge


class WindowReloaded(Message):
    """The rows the list holds, read again; `cursor` continues past them (backwards when `tail`)."""

    def __init__(self, tasks: tuple[TaskView, ...], cursor: PageCursor | None, tail: bool, generation: int) -> None:
        super().__init__()
        self.tasks = tasks
        self.cursor = cursor
        self.tail = tail
        self.generation = generation


class CountsLoaded(Message):
    """The user's counts, and how many tasks `query` matches (read by a read begun at `epoch` of the pages kept)."""

    def __init__(self, counts: TaskCounts, matching: int, query: TaskQuery, epoch: int) -> None:
        super().__init__()
        self.counts = counts
        self.matching = matching
        self.query = query
        self.epoch = epoch


class TaskChanged(Message):
    """A task was created, edited, toggled or restored; `before` is how it was, for a toggle."""

    def __init__(self, task: TaskView, created: bool = False, before: TaskView | None = None) -> None:
        super().__init__()
        self.task = task
        self.created = created
        self.before = before


class SaveConflicted(Message):
    """An edit was not saved: the task had changed elsewhere; `current` is how it is now."""

    def __init__(self, current: TaskView, draft: TaskDraft) -> None:
        super().__init__()
        self.current = current
        self.draft = draft


class TaskDeleted(Message):
    def __init__(self, task: TaskView) -> None:
        super().__init__()
        self.task = task


class Unlocked(Message):
    """The idle lock's password was right."""
