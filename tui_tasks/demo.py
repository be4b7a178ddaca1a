"""Fixed demo data: the same tasks for the snapshot tests and the README's screenshots."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone

from tui_tasks.domain import Priority, TaskDraft, UserView, local_date

DEMO_NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
DEMO_EMAIL = "ada@example.com"
DEMO_PASSWORD = "demo-password"
DEMO_NAME = "Ada Lovelace"


class DemoClock:
    """A clock that stays where it is put."""

    def __init__(self, now: datetime = DEMO_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def add_demo_tasks(services, user: UserView, clock: DemoClock | Callable) -> None:
    """Five tasks covering every state the list shows: overdue, due today, done, no date, later."""
    today = local_date(clock.now)
    start = clock.now
    rows = [
        ("Write the quarterly report", Priority.HIGH, today - timedelta(days=2), "work", ("report",)),
        ("Buy milk", Priority.LOW, today, "home", ("errand",)),
        ("Book dentist appointment", Priority.MEDIUM, today + timedelta(days=5), "health", ()),
        ("Read “Dune”", Priority.NONE, None, None, ("books", "fun")),
        ("Renew passport", Priority.HIGH, date(2026, 6, 1), "admin", ("travel",)),
    ]
    for n, (title, priority, due, project, tags) in enumerate(rows):
        clock.now = start - timedelta(days=10 - n)
        task = services.tasks.create(user, TaskDraft(title, priority=priority, due=due, project=project, tags=tags))
        if n == 2:
            clock.now = start - timedelta(days=1)
            services.tasks.toggle(user, task.id)
    clock.now = start
