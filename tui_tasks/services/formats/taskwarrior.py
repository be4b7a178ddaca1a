"""The JSON of Taskwarrior's `task export` and `task import`, kept whole.

Reads a JSON array (Taskwarrior 2.4+) or one object per line (older versions, json.array=off).
A task: uuid; description <-> title; status pending/waiting <-> not done, completed <-> done (deleted
tasks are left out and counted); priority H/M/L; project; tags; entry/modified/end <->
created_at/updated_at/completed_at (whole seconds); due and wait (Taskwarrior stores a date given
without a time as local midnight: an instant exactly at local midnight is read as a date, any other
as an instant with its time; a date is written back as local midnight); depends (uuids, a list or,
as 2.5 writes it, one string); every annotation with its entry time, except that tui-tasks' own
description is the annotation whose entry is the task's entry (written back so); our subtask
parent as `tuitasks_parent` (Taskwarrior's `parent` is a recurring template).
A recurring template (status recurring) is a series: its uuid, its `recur` as a rule (the original
text kept and written back when the rule is unchanged), `until` as the rule's UNTIL, its mask
rebuilt on export from the instances held; an instance's `parent` and `imask` are its series and
occurrence. Any other attribute (UDAs, scheduled, start, until, rtype...) is kept in the task's
extras and written back; only `id` and `urgency`, which Taskwarrior computes, are dropped.
"""

from __future__ import annotations

import json
import uuid as uuidlib
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timezone
from functools import lru_cache
from typing import Any, TextIO

from tui_tasks.domain import Due, Priority, Recurrence
from tui_tasks.services.formats import (
    TOO_LONG,
    Bad,
    Ignored,
    Item,
    SeriesRecord,
    TaskRecord,
    local_midnight,
    parse_occurrence,
    parse_timestamp,
    parse_uuid,
    parse_uuids,
    shown,
)
from tui_tasks.services.formats.jsonstream import BadValue, JsonStream, loads
from tui_tasks.services.formats.lines import Lines

PRIORITIES = {"H": Priority.HIGH, "M": Priority.MEDIUM, "L": Priority.LOW, "": Priority.NONE}
LETTERS = {priority: letter for letter, priority in PRIORITIES.items() if letter}
PARENT = "tuitasks_parent"  # our subtask parent (a UDA-style name: Taskwarrior keeps attributes it does not know)
DROPPED = {"id", "urgency"}  # Taskwarrior's own, computed again
TASK_KEYS = {"uuid", "description", "status", "entry", "modified", "end", "due", "wait", "priority", "project",
             "tags", "annotations", "depends", "parent", "imask", PARENT}  # fmt: skip
TEMPLATE_KEYS = {"uuid", "description", "status", "entry", "modified", "due", "recur", "mask", "priority",
                 "project", "tags"}  # fmt: skip
_NOT_EXTRAS = {  # what is not kept in a task's extras: what we model, and Taskwarrior's computed values
    "completed": frozenset(TASK_KEYS | DROPPED), "pending": frozenset((TASK_KEYS - {"end"}) | DROPPED),
    "template": frozenset(TEMPLATE_KEYS | DROPPED),
}  # a pending task's end is kept as it is


def parse_moment(value: Any, field: str) -> datetime | None:
    """Taskwarrior's 20260312T000000Z (UTC), or an ISO 8601 timestamp with an offset."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and len(value) == 16 and value[8] == "T" and value[15] == "Z" and value[:8].isdigit():
        try:
            return datetime.fromisoformat(value)  # in C: ten times the pace of slicing it into int()s
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
def _midnight(day: date) -> str:
    try:
        return format_moment(local_midnight(day))
    except ValueError:  # the first or last day there is: its local midnight is not in UTC's years
        return f"{day.year:04}{day.month:02}{day.day:02}T000000Z"


def parse_when(value: Any, field: str) -> Due | None:
    """A due or wait: local midnight is a date (what Taskwarrior makes of one), anything else a time."""
    moment = parse_moment(value, field)
    if moment is None:
        return None
    local = moment.astimezone()  # OverflowError at the calendar's edges: the caller says so
    if local.time() == time() and local.date() > date.min:
        return local.date()
    return moment


def when_text(value: Due) -> str:
    return format_moment(value) if isinstance(value, datetime) else _midnight(value)


def _base(obj: dict[str, Any]) -> tuple[Priority, tuple[str, ...], list[dict[str, Any]]]:
    """Priority, tags and annotations, checked (ValueError)."""
    priority = obj.get("priority", "")
    if not isinstance(priority, str) or priority not in PRIORITIES:
        raise ValueError(f"priority must be H, M or L, not {shown(priority)}")
    annotations = obj.get("annotations") or []
    tags = obj.get("tags") or []
    if annotations and (not isinstance(annotations, list) or not all(isinstance(a, dict) for a in annotations)):
        raise ValueError("annotations must be a list of objects")
    if not isinstance(tags, list):
        raise ValueError("tags must be a list")
    if annotations and not all(isinstance(a.get("description"), str) for a in annotations):
        raise ValueError("each annotation must have a description")
    if "description" not in obj:
        raise ValueError("Title is required (description is missing)")
    if not isinstance(obj.get("project"), str | None):
        raise ValueError("project must be text")
    return PRIORITIES[priority], tuple(tags), annotations


def _extras(obj: dict[str, Any], kind: str) -> dict[str, Any] | None:
    left_out = _NOT_EXTRAS[kind]
    if obj.keys() <= left_out:  # (most tasks: a set test in C)
        return None
    return {key: value for key, value in obj.items() if key not in left_out}


def from_taskwarrior(obj: Any) -> Item:
    if isinstance(obj, Bad):
        return obj
    if not isinstance(obj, dict):
        return Bad("a task must be a JSON object")
    status = obj.get("status", "pending")
    if status == "deleted":
        return Ignored("deleted in Taskwarrior")
    if status == "recurring":
        return _template(obj)
    if status not in ("pending", "waiting", "completed"):
        return Bad(f"unknown status {shown(status)}")
    try:
        priority, tags, annotations = _base(obj)
        created = parse_moment(obj.get("entry"), "entry")
        completed = status == "completed"
        description, notes = "", []
        for note in annotations:
            entry = parse_moment(note.get("entry"), "an annotation's entry") or created
            if entry == created and not description and note["description"]:
                description = note["description"]  # tui-tasks' own description, as written on export
            else:
                notes.append((entry, note["description"]))
        return TaskRecord(
            title=obj["description"], description=description, completed=completed,
            completed_at=parse_moment(obj.get("end"), "end") if completed else None, priority=priority,
            due=parse_when(obj.get("due"), "due"), project=obj.get("project"), tags=tags, created_at=created,
            updated_at=parse_moment(obj.get("modified"), "modified") or created,
            uuid=parse_uuid(obj.get("uuid")), wait=parse_when(obj.get("wait"), "wait"),
            parent=parse_uuid(obj.get(PARENT), PARENT), depends=parse_uuids(obj.get("depends"), "depends"),
            annotations=tuple(notes), series=parse_uuid(obj.get("parent"), "parent"),
            occurrence=parse_occurrence(obj.get("imask"), "imask") if obj.get("parent") else None,
            extras=_extras(obj, "completed" if completed else "pending"),
        )  # fmt: skip
    except (ValueError, OverflowError) as exc:  # OverflowError: a due whose local day is not in years 1-9999
        return Bad(str(exc) if isinstance(exc, ValueError) else "due is out of range in this time zone")


def _template(obj: dict[str, Any]) -> Item:
    """A recurring template as a series; its original `recur` (and `until`, `mask`) stay in its extras."""
    from tui_tasks.recurrence import from_taskwarrior as rule_of

    try:
        priority, tags, _ = _base(obj)
        recur, mask = obj.get("recur"), obj.get("mask", "")
        if not isinstance(recur, str) or not isinstance(mask, str):
            raise ValueError("a recurring template needs recur (text) and its mask")
        rule = rule_of(recur).rule
        until = parse_moment(obj.get("until"), "until")
        if until is not None:
            rule += f";UNTIL={until.astimezone():%Y%m%d}"
        due, uuid = parse_when(obj.get("due"), "due"), parse_uuid(obj.get("uuid"))
        if due is None or uuid is None:
            raise ValueError("a recurring template needs its uuid and due")
        created = parse_moment(obj.get("entry"), "entry")
        extras = _extras(obj, "template") or {}
        extras |= {"recur": recur} | ({"mask": mask} if mask else {})
        return SeriesRecord(
            uuid=uuid, title=obj["description"], rule=rule, first_due=due, last_occurrence=len(mask) - 1,
            priority=priority, project=obj.get("project"), tags=tags, extras=extras, created_at=created,
            updated_at=parse_moment(obj.get("modified"), "modified") or created,
        )  # fmt: skip
    except (ValueError, OverflowError) as exc:
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


def _recur(rule: Recurrence, extras: dict[str, Any]) -> str:
    """The original `recur` text while it still says the rule (less its UNTIL), else the nearest one."""
    from tui_tasks.recurrence import from_taskwarrior as rule_of, to_taskwarrior as recur_of

    base = ";".join(part for part in rule.rule.split(";") if not part.startswith("UNTIL="))
    original = extras.get("recur")
    if isinstance(original, str) and not rule.after_completion:
        try:
            if rule_of(original).rule == base:
                return original
        except ValueError:
            pass
    return recur_of(Recurrence(base, rule.after_completion))


def to_taskwarrior(record: TaskRecord) -> dict[str, Any]:
    obj: dict[str, Any] = dict(record.extras or {})
    obj["uuid"], obj["description"] = record.uuid or str(uuidlib.uuid4()), record.title
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
        obj["due"] = when_text(record.due)
    if record.wait is not None:
        obj["wait"] = when_text(record.wait)
    if record.project:
        obj["project"] = record.project
    if record.tags:
        obj["tags"] = list(record.tags)
    notes = []
    if record.description:
        entry = record.created_at or datetime.now(timezone.utc)
        notes.append({"entry": format_moment(entry), "description": record.description})
    notes += [{"entry": format_moment(entry), "description": text} for entry, text in record.annotations]
    if notes:
        obj["annotations"] = notes
    if record.depends:
        obj["depends"] = list(record.depends)
    if record.parent:
        obj[PARENT] = record.parent
    if record.series is not None:
        obj["parent"] = record.series
        if record.occurrence is not None:
            obj["imask"] = record.occurrence
        if record.recurrence is not None and "recur" not in obj:
            obj["recur"] = _recur(record.recurrence, {})
    return obj


def template(series: SeriesRecord) -> dict[str, Any]:
    """A series as Taskwarrior's recurring template; a stopped one as a deleted template."""
    extras = dict(series.extras or {})
    original_mask = extras.pop("mask", "")
    obj: dict[str, Any] = extras
    held = dict(series.instances)
    length = max(len(original_mask), series.last_occurrence + 1, max(held, default=-1) + 1)
    obj["mask"] = "".join(
        ("+" if held[i] else "-") if i in held else (original_mask[i] if i < len(original_mask) else "X")
        for i in range(length)
    )
    obj["uuid"], obj["description"] = series.uuid, series.title
    obj["status"] = "recurring" if series.active else "deleted"
    obj["recur"] = _recur(Recurrence(series.rule, series.after_completion), extras)
    if "UNTIL=" in series.rule and "until" not in obj:
        day = series.rule.split("UNTIL=")[1][:8]
        obj["until"] = _midnight(date(int(day[:4]), int(day[4:6]), int(day[6:8])))
    obj["due"] = when_text(series.first_due)
    if series.created_at is not None:
        obj["entry"] = format_moment(series.created_at)
    if series.updated_at is not None:
        obj["modified"] = format_moment(series.updated_at)
    if series.priority in LETTERS:
        obj["priority"] = LETTERS[series.priority]
    if series.project:
        obj["project"] = series.project
    if series.tags:
        obj["tags"] = list(series.tags)
    if series.description and "annotations" not in obj:
        entry = format_moment(series.created_at or datetime.now(timezone.utc))
        obj["annotations"] = [{"entry": entry, "description": series.description}]
    return obj


def write(records: Iterable[TaskRecord | SeriesRecord], out: TextIO) -> None:
    out.write("[")
    separator = "\n"
    for record in records:
        out.write(separator)
        obj = to_taskwarrior(record) if isinstance(record, TaskRecord) else template(record)
        out.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))
        separator = ",\n"
    out.write("\n]\n")
