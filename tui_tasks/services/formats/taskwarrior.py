"""The JSON of Taskwarrior's `task export` and `task import`.

Reads a JSON array (Taskwarrior 2.4+) or one object per line (older versions, json.array=off).
description <-> title; annotations <-> description (joined by newlines; written back as one
annotation); status pending/waiting <-> not done, completed <-> done; deleted tasks and recurring
templates are left out and counted (a template's pending instances are ordinary tasks); priority
H/M/L; due (a UTC moment: the local date is kept); project; tags; entry/modified/end <->
created_at/updated_at/completed_at (whole seconds). uuid is new on export and ignored on import;
urgency, ids, recurrence and user-defined attributes are not kept.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timezone
from functools import lru_cache
from typing import Any, TextIO

from tui_tasks.domain import Priority
from tui_tasks.services.formats import TOO_LONG, Bad, Ignored, Item, TaskRecord, local_midnight, parse_timestamp, shown
from tui_tasks.services.formats.jsonstream import BadValue, JsonStream, loads
from tui_tasks.services.formats.lines import Lines

PRIORITIES = {"H": Priority.HIGH, "M": Priority.MEDIUM, "L": Priority.LOW, "": Priority.NONE}
LETTERS = {priority: letter for letter, priority in PRIORITIES.items() if letter}
IGNORED = {"deleted": "deleted in Taskwarrior", "recurring": "a recurring template (its instances are imported)"}


def parse_moment(value: Any, field: str) -> datetime | None:
    """Taskwarrior's 20260312T000000Z (UTC), or an ISO 8601 timestamp with an offset."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and len(value) == 16 and value[8] == "T" and value[15] == "Z":
        try:
            return datetime(
                int(value[:4]), int(value[4:6]), int(value[6:8]),
                int(value[9:11]), int(value[11:13]), int(value[13:15]), tzinfo=timezone.utc,
            )  # fmt: skip
        except ValueError:
            pass
    try:
        return parse_timestamp(value, field)
    except ValueError:
        raise ValueError(f"{field} must be a Taskwarrior date such as 20260312T170000Z, not {shown(value)}") from None


def format_moment(moment: datetime) -> str:
    m = moment.astimezone(timezone.utc)  # an f-string: strftime was a third of a 100,000-task export
    return f"{m.year:04}{m.month:02}{m.day:02}T{m.hour:02}{m.minute:02}{m.second:02}Z"


@lru_cache(maxsize=4096)
def _due(day: date) -> str:
    try:
        return format_moment(local_midnight(day))
    except ValueError:  # the first or last day there is: its local midnight is not in UTC's years
        return f"{day.year:04}{day.month:02}{day.day:02}T000000Z"


def from_taskwarrior(obj: Any) -> Item:
    if isinstance(obj, Bad):
        return obj
    if not isinstance(obj, dict):
        return Bad("a task must be a JSON object")
    status = obj.get("status", "pending")
    if isinstance(status, str) and status in IGNORED:
        return Ignored(IGNORED[status])
    if status not in ("pending", "waiting", "completed"):
        return Bad(f"unknown status {shown(status)}")
    priority = obj.get("priority", "")
    if not isinstance(priority, str) or priority not in PRIORITIES:
        return Bad(f"priority must be H, M or L, not {shown(priority)}")
    annotations = obj.get("annotations") or []
    tags = obj.get("tags") or []
    if not isinstance(annotations, list) or not all(isinstance(a, dict) for a in annotations):
        return Bad("annotations must be a list of objects")
    if not isinstance(tags, list):
        return Bad("tags must be a list")
    notes = [a.get("description") for a in annotations]
    if not all(isinstance(note, str) for note in notes):
        return Bad("each annotation must have a description")
    if "description" not in obj:
        return Bad("Title is required (description is missing)")
    if not isinstance(obj.get("project"), str | None):
        return Bad("project must be text")
    try:
        due = parse_moment(obj.get("due"), "due")
        created = parse_moment(obj.get("entry"), "entry")
        end = parse_moment(obj.get("end"), "end") if status == "completed" else None
        return TaskRecord(
            title=obj["description"],
            description="\n".join(notes),
            completed=status == "completed",
            completed_at=end,
            priority=PRIORITIES[priority],
            due=None if due is None else due.astimezone().date(),
            project=obj.get("project"),
            tags=tuple(tags),
            created_at=created,
            updated_at=parse_moment(obj.get("modified"), "modified") or created,
        )
    except (ValueError, OverflowError) as exc:  # OverflowError: a due date whose local day is not in years 1-9999
        return Bad(str(exc) if isinstance(exc, ValueError) else "due is out of range in this time zone")


def read(stream: TextIO) -> Iterator[tuple[int, Item]]:
    doc = JsonStream(stream)
    if doc.peek() == "[":
        for line, obj in doc.items():
            yield line, from_taskwarrior(obj)
        doc.end()
        return
    # One object per line: a bad line is one bad record, the others still count.
    for number, text in Lines(doc.stream, doc.buf[doc.pos :], doc.line):
        if text is None:
            yield number, Bad(TOO_LONG)
            continue
        text = text.strip().rstrip(",")
        if not text:
            continue
        try:
            obj = loads(text)
        except json.JSONDecodeError as exc:
            yield number, Bad(f"not valid JSON: {exc.msg.removesuffix(' at')}")
            continue
        except BadValue as exc:
            yield number, Bad(exc.reason)
            continue
        yield number, from_taskwarrior(obj)


def to_taskwarrior(record: TaskRecord) -> dict[str, Any]:
    obj: dict[str, Any] = {"uuid": str(uuid.uuid4()), "description": record.title}
    obj["status"] = "completed" if record.completed else "pending"
    if record.created_at is not None:
        obj["entry"] = format_moment(record.created_at)
    if record.updated_at is not None:
        obj["modified"] = format_moment(record.updated_at)
    if record.completed and record.completed_at is not None:
        obj["end"] = format_moment(record.completed_at)
    if record.priority in LETTERS:
        obj["priority"] = LETTERS[record.priority]
    if record.due is not None:
        obj["due"] = _due(record.due)
    if record.project:
        obj["project"] = record.project
    if record.tags:
        obj["tags"] = list(record.tags)
    if record.description:
        entry = record.created_at or datetime.now(timezone.utc)
        obj["annotations"] = [{"entry": format_moment(entry), "description": record.description}]
    return obj


def write(records: Iterable[TaskRecord], out: TextIO) -> None:
    out.write("[")
    separator = "\n"
    for record in records:
        out.write(separator)
        out.write(json.dumps(to_taskwarrior(record), ensure_ascii=False, separators=(",", ":")))
        separator = ",\n"
    out.write("\n]\n")
