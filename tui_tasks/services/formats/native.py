"""tui-tasks' own JSON format: lossless and versioned.

    {"format": "tui-tasks", "version": 1, "tasks": [
    {"title": "...", "description": "...", "completed": false, "completed_at": null, "priority": "high",
     "due": "2026-03-12", "project": null, "tags": ["a"], "created_at": "2026-03-01T10:00:00.123456+00:00",
     "updated_at": "..."},
    ...
    ]}

One task per line, so that a diff of two exports reads well; the reader does not depend on it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from tui_tasks.services.formats import (
    Bad,
    Item,
    TaskRecord,
    TransferError,
    iso,
    parse_date,
    parse_priority,
    parse_timestamp,
    shown,
)
from tui_tasks.services.formats.jsonstream import JsonStream

FORMAT = "tui-tasks"
VERSION = 1
FIELDS = ("title", "description", "completed", "completed_at", "priority", "due", "project", "tags",
          "created_at", "updated_at")  # fmt: skip


def to_json(record: TaskRecord) -> dict[str, Any]:
    return {
        "title": record.title,
        "description": record.description,
        "completed": record.completed,
        "completed_at": iso(record.completed_at),
        "priority": record.priority.label,
        "due": None if record.due is None else record.due.isoformat(),
        "project": record.project,
        "tags": list(record.tags),
        "created_at": iso(record.created_at),
        "updated_at": iso(record.updated_at),
    }


def from_json(obj: Any) -> Item:
    """A record from one task object; Bad with the reason when a field has the wrong type or form."""
    if isinstance(obj, Bad):
        return obj
    if not isinstance(obj, dict):
        return Bad("a task must be a JSON object")
    unknown = sorted(set(obj) - set(FIELDS))
    if unknown:
        return Bad(f"unknown field {shown(unknown[0])}")
    completed = obj.get("completed", False)
    tags = obj.get("tags") or []
    if not isinstance(completed, bool):
        return Bad("completed must be true or false")
    if not isinstance(tags, list):
        return Bad("tags must be a list of words")
    if "title" not in obj:
        return Bad("Title is required")
    for name in ("description", "project"):
        if not isinstance(obj.get(name), str | None):
            return Bad(f"{name} must be text")
    try:
        return TaskRecord(
            title=obj["title"],
            description=obj.get("description") or "",
            completed=completed,
            completed_at=parse_timestamp(obj.get("completed_at"), "completed_at"),
            priority=parse_priority(obj.get("priority")),
            due=parse_date(obj.get("due")),
            project=obj.get("project"),
            tags=tuple(tags),
            created_at=parse_timestamp(obj.get("created_at"), "created_at"),
            updated_at=parse_timestamp(obj.get("updated_at"), "updated_at"),
        )
    except ValueError as exc:
        return Bad(str(exc))


def read(stream: TextIO) -> Iterator[tuple[int, Item]]:
    doc = JsonStream(stream)
    header: dict[str, Any] = {}
    for key in doc.keys():
        if key != "tasks":
            value = doc.header_value()
            if key in ("format", "version"):  # others are read past, not kept: there may be any number
                header[key] = value
            continue
        if header.get("format") != FORMAT:
            raise TransferError(f'not a tui-tasks export (it must start with {{"format": "{FORMAT}", ...}})')
        version = header.get("version")
        if version != VERSION:
            newer = isinstance(version, int) and version > VERSION
            raise TransferError(
                f"export version {shown(version)} {'is newer than this tui-tasks reads: upgrade tui-tasks' if newer else 'is not one tui-tasks knows'}"
            )
        header["tasks"] = True
        for line, obj in doc.items():
            yield line, from_json(obj)
    if "tasks" not in header:
        raise TransferError('not a tui-tasks export (no "tasks" list)')
    doc.end()


def write(records: Iterable[TaskRecord], out: TextIO) -> None:
    out.write(f'{{"format": "{FORMAT}", "version": {VERSION}, "tasks": [')
    separator = "\n"
    for record in records:
        out.write(separator)
        out.write(json.dumps(to_json(record), ensure_ascii=False))
        separator = ",\n"
    out.write("\n]}\n")
