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
    LIMIT,
    TOO_LONG,
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
from tui_tasks.services.formats.lines import PIECE

FIELDS = ("title", "description", "completed", "completed_at", "priority", "due", "project", "tags",
          "created_at", "updated_at")  # fmt: skip
_TRUE = {"true", "yes", "1", "x", "done"}
_FALSE = {"false", "no", "0", ""}
_ENDS = ("\n", "\r")


def _completed(value: str) -> bool:
    word = value.strip().lower()
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    raise ValueError(f"completed must be true or false, not {shown(value)}")


class _TooLong(Exception):
    """The record was longer than LIMIT; it has been read past."""


class _Records:
    """The file's lines for csv.reader, each read with a limit, and where the record being read starts.

    A record longer than LIMIT, or one csv.reader refuses, is read past to its end keeping none of it:
    the first line end after an even number of quotes (RFC 4180 doubles a quote inside a quoted field).
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.line = 0  # lines read
        self.begin()

    def begin(self) -> None:
        """A record starts on the next line."""
        self.start, self.length, self.quotes = self.line + 1, 0, 0

    def __iter__(self) -> _Records:
        return self

    def __next__(self) -> str:
        text = self.stream.readline(LIMIT - self.length + 1)
        if not text:
            raise StopIteration
        ended = text.endswith(_ENDS)
        self.line += ended
        self.length += len(text)
        self.quotes += text.count('"')
        if self.length - ended > LIMIT:
            self.finish(text)
            raise _TooLong
        return text

    def finish(self, text: str = "\n") -> None:
        """Read past the rest of the record, of which `text` is the last piece read."""
        while text and not (text.endswith(_ENDS) and self.quotes % 2 == 0):
            text = self.stream.readline(PIECE)
            self.line += text.endswith(_ENDS)
            self.quotes += text.count('"')


def read(stream: TextIO) -> Iterator[tuple[int, Item]]:
    lines = _Records(stream)
    rows = csv.reader(lines, strict=True)
    try:
        header = [name.strip().lower() for name in next(rows, [])]
    except csv.Error as exc:
        raise TransferError(f"line 1: not valid CSV: {exc}") from None
    except _TooLong:
        raise TransferError(f"line 1: the header is {TOO_LONG}") from None
    if "title" not in header:
        raise TransferError("line 1: the header row must name the columns, title among them")
    columns = {name: index for index, name in enumerate(header) if name in FIELDS}
    width = len(header)
    while True:
        lines.begin()
        try:
            row = next(rows, None)
        except csv.Error as exc:
            lines.finish()
            yield lines.start, Bad(f"not valid CSV: {exc}")
            continue
        except _TooLong:
            yield lines.start, Bad(TOO_LONG)
            continue
        if row is None:
            return
        start = lines.start
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
