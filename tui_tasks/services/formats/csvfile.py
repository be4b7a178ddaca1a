"""CSV for spreadsheets: a header row, RFC 4180 quoting, every field of a task.

Columns may come in any order and only `title` is required; columns tui-tasks does not know are
ignored (a spreadsheet may add its own). Values: completed true/false, priority none/low/medium/high,
due YYYY-MM-DD, timestamps ISO 8601 with their offset, tags separated by spaces. Nothing is lost.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import TextIO

from tui_tasks.services.formats import (
    Bad,
    Item,
    TaskRecord,
    TransferError,
    iso,
    parse_date,
    parse_priority,
    parse_timestamp,
)

FIELDS = ("title", "description", "completed", "completed_at", "priority", "due", "project", "tags",
          "created_at", "updated_at")  # fmt: skip
_TRUE = {"true", "yes", "1", "x", "done"}
_FALSE = {"false", "no", "0", ""}


def _completed(value: str) -> bool:
    word = value.strip().lower()
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    raise ValueError(f"completed must be true or false, not {value!r}")


def read(stream: TextIO) -> Iterator[tuple[int, Item]]:
    rows = csv.reader(stream, strict=True)
    try:
        header = [name.strip().lower() for name in next(rows, [])]
    except csv.Error as exc:
        raise TransferError(f"line 1: not valid CSV: {exc}") from None
    if "title" not in header:
        raise TransferError("line 1: the header row must name the columns, title among them")
    columns = {name: index for index, name in enumerate(header) if name in FIELDS}
    width = len(header)
    line = rows.line_num
    while True:
        start = line + 1
        try:
            row = next(rows, None)
        except csv.Error as exc:
            raise TransferError(f"line {start}: not valid CSV: {exc}") from None
        if row is None:
            return
        line = rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != width:
            yield start, Bad(f"{len(row)} columns where the header has {width}")
            continue
        get = {name: row[index] for name, index in columns.items()}.get
        try:
            yield start, TaskRecord(
                title=get("title", ""),
                description=get("description", ""),
                completed=_completed(get("completed", "")),
                completed_at=parse_timestamp(get("completed_at"), "completed_at"),
                priority=parse_priority(get("priority")),
                due=parse_date(get("due", "").strip()),
                project=get("project") or None,
                tags=tuple(get("tags", "").replace(",", " ").split()),
                created_at=parse_timestamp(get("created_at"), "created_at"),
                updated_at=parse_timestamp(get("updated_at"), "updated_at"),
            )
        except ValueError as exc:
            yield start, Bad(str(exc))


def write(records: Iterable[TaskRecord], out: TextIO) -> None:
    rows = csv.writer(out, lineterminator="\r\n")
    rows.writerow(FIELDS)
    for r in records:
        rows.writerow((
            r.title, r.description, "true" if r.completed else "false", iso(r.completed_at) or "",
            r.priority.label, "" if r.due is None else r.due.isoformat(), r.project or "", " ".join(r.tags),
            iso(r.created_at) or "", iso(r.updated_at) or "",
        ))  # fmt: skip
