"""tui-tasks' own JSON format: lossless and versioned.

    {"format": "tui-tasks", "version": 2, "series": [
    {"uuid": "...", "title": "...", "rule": "FREQ=WEEKLY;INTERVAL=1", "after_completion": false,
     "first_due": "2026-03-02", "first_occurrence": 0, "last_occurrence": 3, "active": true, ...},
    ...], "tasks": [
    {"uuid": "...", "title": "...", "description": "...", "completed": false, "completed_at": null,
     "priority": "high", "due": "2026-03-12T17:00:00+00:00", "wait": "2026-03-10", "project": null,
     "tags": ["a"], "parent": null, "depends": ["<uuid>"], "annotations": [["2026-03-01T10:00:00+00:00",
     "text"]], "series": "<uuid>", "occurrence": 3, "extras": {}, "created_at": "...", "updated_at": "..."},
    ...
    ]}

A due or wait is a date (a whole local day) or a timestamp with its offset (a time). Version 1 (no
uuid, relations, series or extras; due a date) still imports. One task per line, so that a diff of
two exports reads well; the reader does not depend on it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from tui_tasks.services.formats import (
    Bad,
    Item,
    SeriesRecord,
    TaskRecord,
    TransferError,
    iso,
    parse_date,
    parse_extras,
    parse_occurrence,
    parse_priority,
    parse_timestamp,
    parse_uuid,
    parse_uuids,
    parse_when,
    shown,
    when_text,
)
from tui_tasks.services.formats.jsonstream import JsonStream

FORMAT = "tui-tasks"
VERSION = 2
VERSIONS = (1, 2)
V1_FIELDS = ("title", "description", "completed", "completed_at", "priority", "due", "project", "tags",
             "created_at", "updated_at")  # fmt: skip
FIELDS = (*V1_FIELDS, "uuid", "wait", "parent", "depends", "annotations", "series", "occurrence", "extras")
SERIES_FIELDS = ("uuid", "title", "description", "priority", "project", "tags", "rule", "after_completion",
                 "first_due", "first_occurrence", "last_occurrence", "active", "extras", "created_at",
                 "updated_at")  # fmt: skip


def to_json(record: TaskRecord) -> dict[str, Any]:
    return {
        "uuid": record.uuid, "title": record.title, "description": record.description,
        "completed": record.completed, "completed_at": iso(record.completed_at), "priority": record.priority.label,
        "due": when_text(record.due), "wait": when_text(record.wait), "project": record.project,
        "tags": list(record.tags), "parent": record.parent, "depends": list(record.depends),
        "annotations": [[iso(entry), text] for entry, text in record.annotations],
        "series": record.series, "occurrence": record.occurrence, "extras": record.extras or {},
        "created_at": iso(record.created_at), "updated_at": iso(record.updated_at),
    }  # fmt: skip


def series_to_json(series: SeriesRecord) -> dict[str, Any]:
    return {
        "uuid": series.uuid, "title": series.title, "description": series.description,
        "priority": series.priority.label, "project": series.project, "tags": list(series.tags),
        "rule": series.rule, "after_completion": series.after_completion, "first_due": when_text(series.first_due),
        "first_occurrence": series.first_occurrence, "last_occurrence": series.last_occurrence,
        "active": series.active, "extras": series.extras or {},
        "created_at": iso(series.created_at), "updated_at": iso(series.updated_at),
    }  # fmt: skip


def _common(obj: dict[str, Any], fields: tuple[str, ...]) -> str | None:
    """Why the fields that tasks and series share are not right, or None."""
    unknown = sorted(set(obj) - set(fields))
    if unknown:
        return f"unknown field {shown(unknown[0])}"
    if not isinstance(obj.get("tags") or [], list):
        return "tags must be a list of words"
    if "title" not in obj:
        return "Title is required"
    for name in ("description", "project"):
        if not isinstance(obj.get(name), str | None):
            return f"{name} must be text"
    return None


def _annotations(value: Any) -> tuple[tuple[Any, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(a, list) and len(a) == 2 and isinstance(a[1], str) for a in value):
        raise ValueError("annotations must be a list of [time, text] pairs")
    return tuple((parse_timestamp(entry, "an annotation's time"), text) for entry, text in value)


def from_json(obj: Any, version: int = VERSION) -> Item:
    """A record from one task object; Bad with the reason when a field has the wrong type or form."""
    if isinstance(obj, Bad):
        return obj
    if not isinstance(obj, dict):
        return Bad("a task must be a JSON object")
    wrong = _common(obj, V1_FIELDS if version == 1 else FIELDS)
    if wrong:
        return Bad(wrong)
    completed = obj.get("completed", False)
    if not isinstance(completed, bool):
        return Bad("completed must be true or false")
    try:
        due = parse_date(obj.get("due")) if version == 1 else parse_when(obj.get("due"), "due")
        return TaskRecord(
            title=obj["title"], description=obj.get("description") or "", completed=completed,
            completed_at=parse_timestamp(obj.get("completed_at"), "completed_at"),
            priority=parse_priority(obj.get("priority")), due=due, project=obj.get("project"),
            tags=tuple(obj.get("tags") or ()),
            created_at=parse_timestamp(obj.get("created_at"), "created_at"),
            updated_at=parse_timestamp(obj.get("updated_at"), "updated_at"),
            uuid=parse_uuid(obj.get("uuid")), wait=parse_when(obj.get("wait"), "wait"),
            parent=parse_uuid(obj.get("parent"), "parent"), depends=parse_uuids(obj.get("depends"), "depends"),
            annotations=_annotations(obj.get("annotations")), series=parse_uuid(obj.get("series"), "series"),
            occurrence=parse_occurrence(obj.get("occurrence")), extras=parse_extras(obj.get("extras")),
        )  # fmt: skip
    except ValueError as exc:
        return Bad(str(exc))


def series_from_json(obj: Any) -> Item:
    if isinstance(obj, Bad):
        return obj
    if not isinstance(obj, dict):
        return Bad("a series must be a JSON object")
    wrong = _common(obj, SERIES_FIELDS)
    if wrong:
        return Bad(wrong)
    if not isinstance(obj.get("rule"), str) or not isinstance(obj.get("after_completion", False), bool):
        return Bad("a series needs a rule (text) and after_completion true or false")
    if not isinstance(obj.get("active", True), bool):
        return Bad("active must be true or false")
    try:
        first_due = parse_when(obj.get("first_due"), "first_due")
        uuid = parse_uuid(obj.get("uuid"))
        if first_due is None or uuid is None:
            raise ValueError("a series needs its uuid and first_due")
        return SeriesRecord(
            uuid=uuid, title=obj["title"], rule=obj["rule"], first_due=first_due,
            after_completion=obj.get("after_completion", False),
            first_occurrence=parse_occurrence(obj.get("first_occurrence"), "first_occurrence") or 0,
            last_occurrence=parse_occurrence(obj.get("last_occurrence"), "last_occurrence") or 0,
            active=obj.get("active", True), description=obj.get("description") or "",
            priority=parse_priority(obj.get("priority")), project=obj.get("project"),
            tags=tuple(obj.get("tags") or ()), extras=parse_extras(obj.get("extras")),
            created_at=parse_timestamp(obj.get("created_at"), "created_at"),
            updated_at=parse_timestamp(obj.get("updated_at"), "updated_at"),
        )  # fmt: skip
    except ValueError as exc:
        return Bad(str(exc))


def read(stream: TextIO) -> Iterator[tuple[int, Item]]:
    doc = JsonStream(stream)
    header: dict[str, Any] = {}
    for key in doc.keys():
        if key not in ("tasks", "series"):
            value = doc.header_value()
            if key in ("format", "version"):  # others are read past, not kept: there may be any number
                header[key] = value
            continue
        version = _version(header)
        header[key] = True
        parse = (lambda obj: from_json(obj, version)) if key == "tasks" else series_from_json
        for line, obj in doc.items():
            yield line, parse(obj)
    if "tasks" not in header:
        raise TransferError('not a tui-tasks export (no "tasks" list)')
    doc.end()


def _version(header: dict[str, Any]) -> int:
    if header.get("format") != FORMAT:
        raise TransferError(f'not a tui-tasks export (it must start with {{"format": "{FORMAT}", ...}})')
    version = header.get("version")
    if version not in VERSIONS or isinstance(version, bool):
        newer = isinstance(version, int) and version > VERSION
        raise TransferError(
            f"export version {shown(version)} {'is newer than this tui-tasks reads: upgrade tui-tasks' if newer else 'is not one tui-tasks knows'}"
        )
    return version


def write(records: Iterable[TaskRecord | SeriesRecord], out: TextIO) -> None:
    out.write(f'{{"format": "{FORMAT}", "version": {VERSION}, "series": [')
    separator, in_tasks = "\n", False
    for record in records:
        if not in_tasks and isinstance(record, TaskRecord):
            out.write('\n], "tasks": [')
            separator, in_tasks = "\n", True
        out.write(separator)
        line = to_json(record) if in_tasks else series_to_json(record)  # type: ignore[arg-type]
        out.write(json.dumps(line, ensure_ascii=False))
        separator = ",\n"
    out.write("\n]}\n" if in_tasks else '\n], "tasks": [\n]}\n')
