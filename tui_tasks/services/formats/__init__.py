"""File formats of import and export: each reads records from a text stream and writes them to one.

A reader yields `(line, item)` pairs, `item` being a `TaskRecord`, a `SeriesRecord` (a repeating task's
rule and template: a Taskwarrior template, our JSON's "series"), a `Bad` record (reported, and skipped
with --skip-invalid) or an `Ignored` one (skipped and counted: a deleted Taskwarrior task).
Tasks and series refer to each other by uuid (parent, depends, series), never by id: the transfer
service resolves them against the file and the account once every record is written.
Readers only parse; the transfer service validates records with the Tasks service's rules.

Readers hold at most one record in memory, and refuse one while it is read once it passes LIMIT
characters (a Bad record, after reading on to its end without keeping it), or, for JSON, once it nests
deeper than MAX_DEPTH. Values quoted in a reason are cut short (`shown`): a reason is one short line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
import json
import re
import uuid as uuidlib
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Any, TextIO

from tui_tasks.domain import Due, Priority, Recurrence
from tui_tasks.errors import TasksError


class TransferError(TasksError):
    """An import or export cannot go on: an unreadable file, a format error that ends the file."""


Note = tuple[datetime, str]  # an annotation: its entry time and text


@dataclass(slots=True)  # not frozen: a frozen dataclass is made 4x slower, and an import makes one a task
class TaskRecord:
    """One task as a file holds it; `None` timestamps are filled in on import (now, or created_at).
    `uuid` None: a new task with a new uuid. `series`/`occurrence`: an instance of the series with that
    uuid; `recurrence` says the rule where a format has no series of its own (CSV, todo.txt)."""

    title: str
    description: str = ""
    completed: bool = False
    completed_at: datetime | None = None
    priority: Priority = Priority.NONE
    due: Due | None = None
    project: str | None = None
    tags: tuple[str, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    uuid: str | None = None
    wait: Due | None = None
    parent: str | None = None  # the uuid of the task this one is a subtask of
    depends: tuple[str, ...] = ()  # uuids of the tasks that block this one
    annotations: tuple[Note, ...] = ()
    series: str | None = None
    occurrence: int | None = None
    recurrence: Recurrence | None = None
    extras: dict[str, Any] | None = None  # attributes another program gave it that we do not model


@dataclass(frozen=True, slots=True)
class SeriesRecord:
    """A repeating task as a file holds it: its rule, first due, and the template of new instances.
    `instances` ((occurrence, done) of the instances held) is filled in on export only (Taskwarrior's mask)."""

    uuid: str
    title: str
    rule: str
    first_due: Due
    after_completion: bool = False
    first_occurrence: int = 0
    last_occurrence: int = 0
    active: bool = True
    description: str = ""
    priority: Priority = Priority.NONE
    project: str | None = None
    tags: tuple[str, ...] = ()
    extras: dict[str, Any] | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    instances: tuple[tuple[int, bool], ...] = ()


@dataclass(frozen=True, slots=True)
class Bad:
    """A record that cannot be imported, and why."""

    reason: str


@dataclass(frozen=True, slots=True)
class Ignored:
    """A record deliberately left out (counted in the summary), and why."""

    reason: str


FORMATS = ("json", "csv", "taskwarrior", "todotxt")
LIMIT = 1 << 20  # characters in one line or record: a task's longest field is 10,000 characters
LIMIT_TEXT = "1 MiB"  # how a reason says LIMIT (a character is at least a byte)
MAX_DEPTH = 32  # JSON nesting in one record: a task needs 3 (a list of annotation objects)
TOO_LONG = f"longer than {LIMIT_TEXT}"
SKIP_LIMIT = 256 << 20  # characters of one record read past (kept nowhere) before the file is given up


def no_nul(text: str, line: int) -> None:
    """A NUL is in no text file (/dev/zero, a disk image, UTF-16 read as UTF-8): the file is given up."""
    if "\0" in text:
        raise TransferError(f"line {line}: a NUL character: not a text file")


def read_past(text: str, line: int, skipped: int) -> int:
    """A piece of a record too long, read past: how much has been, or why the file is given up (a NUL
    is in no text file: /dev/zero, a disk image; a record without end is a stream that never ends)."""
    no_nul(text, line)
    skipped += len(text)
    if skipped > SKIP_LIMIT:
        raise TransferError(f"line {line}: longer than {SKIP_LIMIT >> 20} MiB: not read on")
    return skipped
TOO_DEEP = f"nested deeper than {MAX_DEPTH} levels"

Item = TaskRecord | SeriesRecord | Bad | Ignored
Reader = Callable[[TextIO], Iterator[tuple[int, Item]]]
Writer = Callable[[Iterable[TaskRecord | SeriesRecord], TextIO], None]  # the series come first

PRIORITY_NAMES = {p.label: p for p in Priority}


def shown(value: object, width: int = 40) -> str:
    """A value as a reason quotes it: its repr, cut to about `width` characters."""
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def parse_timestamp(value: object, field: str) -> datetime | None:
    """An ISO 8601 timestamp with its UTC offset (None for null or ""); ValueError naming the field."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"{field} must be an ISO 8601 timestamp")
    try:
        if not value.isprintable():  # (Python 3.11's fromisoformat stops at a NUL: the rest went unsaid)
            raise ValueError
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{field} must be an ISO 8601 timestamp, not {shown(value)}") from None
    if moment.utcoffset() is None:
        raise ValueError(f"{field} must include its UTC offset (such as Z or +00:00), not {shown(value)}")
    return utc(moment, field)


def utc(moment: datetime, field: str) -> datetime:
    """`moment` in UTC; ValueError when that falls outside years 1-9999 (0001-01-01T00:00+01:00)."""
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:
        raise ValueError(f"{field} is out of range in UTC") from None


def parse_date(value: object, field: str = "due") -> date | None:
    """A YYYY-MM-DD date (None for null or "")."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, str) and len(value) == 10:
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise ValueError(f"{field} must be a date YYYY-MM-DD, not {shown(value)}")


def parse_when(value: object, field: str) -> Due | None:
    """A due or wait: YYYY-MM-DD (a whole local day), or an ISO 8601 timestamp with its offset."""
    if isinstance(value, str) and len(value) == 10:
        return parse_date(value, field)
    try:
        return parse_timestamp(value, field)
    except ValueError:
        raise ValueError(f"{field} must be a date YYYY-MM-DD or a timestamp with its offset, not {shown(value)}") from None


def when_text(value: Due | None) -> str | None:
    """What `parse_when` reads back."""
    return None if value is None else value.isoformat()


_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def parse_uuid(value: object, field: str = "uuid") -> str | None:
    """A uuid in its canonical form (None for null or "")."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and _CANONICAL_UUID.fullmatch(value):
        return value  # what str(UUID(value)) gives back, at a fifth of its cost
    try:
        if isinstance(value, str) and len(value) <= 45:
            return str(uuidlib.UUID(value))
    except ValueError:
        pass
    raise ValueError(f"{field} must be a uuid such as 8f14e45f-ceea-467a-9af6-8c9e1f2a3b4c, not {shown(value)}")


def parse_uuids(value: object, field: str) -> tuple[str, ...]:
    """A list of uuids, or one string of them separated by commas or spaces (Taskwarrior 2.5's depends)."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    if not isinstance(value, list):
        raise ValueError(f"{field} must be a list of uuids")
    return tuple(dict.fromkeys(parse_uuid(item, field) for item in value if item))  # type: ignore[misc]


def parse_extras(value: object) -> dict[str, Any] | None:
    if value is None or value == {}:
        return None
    if not isinstance(value, dict):
        raise ValueError("extras must be an object")
    return value


def extras_text(extras: dict[str, Any] | None) -> str | None:
    """Extras as the task.extras column holds them."""
    return None if not extras else json.dumps(extras, ensure_ascii=False, separators=(",", ":"))


def parse_occurrence(value: object, field: str = "occurrence") -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        raise ValueError(f"{field} must be a whole number from 0, not {shown(value)}")
    return value


def parse_priority(value: object) -> Priority:
    if value is None or value == "":
        return Priority.NONE
    if isinstance(value, str) and value.strip().lower() in PRIORITY_NAMES:
        return PRIORITY_NAMES[value.strip().lower()]
    raise ValueError(f"priority must be none, low, medium or high, not {shown(value)}")


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def local_midnight(day: date) -> datetime:
    """The start of `day` in this machine's time zone, in UTC: what a date-only format means by it.
    ValueError for a day whose start is not in years 1-9999 in UTC or here."""
    try:
        return datetime.combine(day, time()).astimezone().astimezone(timezone.utc)
    except (OverflowError, OSError, ValueError):  # the first or last days there are, in some time zones
        raise ValueError(f"the date {day.isoformat()} is out of range here") from None


def reader(name: str) -> Reader:
    from tui_tasks.services.formats import csvfile, native, taskwarrior, todotxt

    return {"json": native.read, "csv": csvfile.read, "taskwarrior": taskwarrior.read, "todotxt": todotxt.read}[name]


def writer(name: str) -> Writer:
    from tui_tasks.services.formats import csvfile, native, taskwarrior, todotxt

    return {"json": native.write, "csv": csvfile.write, "taskwarrior": taskwarrior.write, "todotxt": todotxt.write}[
        name
    ]
