"""File formats of import and export: each reads records from a text stream and writes them to one.

A reader yields `(line, item)` pairs, `item` being a `TaskRecord`, a `Bad` record (reported, and
skipped with --skip-invalid) or an `Ignored` one (skipped and counted: a deleted Taskwarrior task).
Readers only parse; the transfer service validates records with the Tasks service's rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import TextIO

from tui_tasks.domain import Priority
from tui_tasks.errors import TasksError


class TransferError(TasksError):
    """An import or export cannot go on: an unreadable file, a format error that ends the file."""


@dataclass(frozen=True, slots=True)
class TaskRecord:
    """One task as a file holds it; `None` timestamps are filled in on import (now, or created_at)."""

    title: str
    description: str = ""
    completed: bool = False
    completed_at: datetime | None = None
    priority: Priority = Priority.NONE
    due: date | None = None
    project: str | None = None
    tags: tuple[str, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Bad:
    """A record that cannot be imported, and why."""

    reason: str


@dataclass(frozen=True, slots=True)
class Ignored:
    """A record deliberately left out (counted in the summary), and why."""

    reason: str


FORMATS = ("json", "csv", "taskwarrior", "todotxt")

Item = TaskRecord | Bad | Ignored
Reader = Callable[[TextIO], Iterator[tuple[int, Item]]]
Writer = Callable[[Iterable[TaskRecord], TextIO], None]

PRIORITY_NAMES = {p.label: p for p in Priority}


def parse_timestamp(value: object, field: str) -> datetime | None:
    """An ISO 8601 timestamp with its UTC offset (None for null or ""); ValueError naming the field."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"{field} must be an ISO 8601 timestamp")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{field} must be an ISO 8601 timestamp, not {value!r}") from None
    if moment.utcoffset() is None:
        raise ValueError(f"{field} must include its UTC offset (such as Z or +00:00), not {value!r}")
    return moment.astimezone(timezone.utc)


def parse_date(value: object, field: str = "due") -> date | None:
    """A YYYY-MM-DD date (None for null or "")."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, str) and len(value) == 10:
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise ValueError(f"{field} must be a date YYYY-MM-DD, not {value!r}")


def parse_priority(value: object) -> Priority:
    if value is None or value == "":
        return Priority.NONE
    if isinstance(value, str) and value.strip().lower() in PRIORITY_NAMES:
        return PRIORITY_NAMES[value.strip().lower()]
    raise ValueError(f"priority must be none, low, medium or high, not {value!r}")


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def local_midnight(day: date) -> datetime:
    """The start of `day` in this machine's time zone, in UTC: what a date-only format means by it."""
    return datetime.combine(day, time()).astimezone().astimezone(timezone.utc)


def reader(name: str) -> Reader:
    from tui_tasks.services.formats import csvfile, native, taskwarrior, todotxt

    return {"json": native.read, "csv": csvfile.read, "taskwarrior": taskwarrior.read, "todotxt": todotxt.read}[name]


def writer(name: str) -> Writer:
    from tui_tasks.services.formats import csvfile, native, taskwarrior, todotxt

    return {"json": native.write, "csv": csvfile.write, "taskwarrior": taskwarrior.write, "todotxt": todotxt.write}[
        name
    ]
