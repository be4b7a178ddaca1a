"""CSV for spreadsheets: a header row, RFC 4180 quoting, every field of a task.

Columns may come in any order and only `title` is required; columns tui-tasks does not know are
ignored (a spreadsheet may add its own). Values: completed true/false, priority none/low/medium/high,
due and wait YYYY-MM-DD (a whole day) or ISO 8601 with their offset (a time), timestamps ISO 8601 with
their offset, tags and depends (uuids) separated by spaces, annotations a JSON list of [time, text],
extras a JSON object, recurrence an RFC 5545 rule (after_completion true: counted from when it is done)
with series_uuid and occurrence. A task's own fields are all kept; of a series, only what its instances
say (the rule; the first instance in the file is the template of one that is not there yet).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from tui_tasks.domain import Recurrence

from tui_tasks.services.formats import (
    LIMIT,
    no_nul,
    read_past,
    TOO_LONG,
    Bad,
    Item,
    TaskRecord,
    TransferError,
    SeriesRecord,
    iso,
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
from tui_tasks.services.formats.lines import PIECE

FIELDS = ("title", "description", "completed", "completed_at", "priority", "due", "project", "tags",
          "created_at", "updated_at", "uuid", "wait", "parent_uuid", "depends", "annotations", "series_uuid",
          "occurrence", "recurrence", "after_completion", "extras")  # fmt: skip
_TRUE = {"true", "yes", "1", "x", "done"}
_FALSE = {"false", "no", "0", ""}
_ENDS = ("\n", "\r")


def _completed(value: str) -> bool:
    word = value.strip().lower()
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    raise ValueError(f"completed must be true or false, not {shown(value)}")


class _TooLong(Exception):
    """The record passed LIMIT; nothing more of it has been read (`_Records.finish` reads past it)."""


class _Records:
    """The file's lines for csv.reader, each read with a limit, and where the record being read starts.

    A record is refused as soon as it passes LIMIT (`_TooLong`), without reading on: the header is then
    fatal at once (a stream whose first line never ends, /dev/zero, is not read to its end). A data record
    longer than LIMIT, or one csv.reader refuses, is then read past to its end keeping none of it:
    the first line end after an even number of quotes (RFC 4180 doubles a quote inside a quoted field).
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.line = 0  # lines read
        self.last = "\n"  # the last piece read
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
        no_nul(text, self.line + 1)
        ended = text.endswith(_ENDS)
        self.line += ended
        self.length += len(text)
        self.quotes += text.count('"')
        self.last = text
        if self.length - ended > LIMIT:
            raise _TooLong
        return text

    def finish(self) -> None:
        """Read past the rest of the record, of which `self.last` is the last piece read."""
        text, skipped = self.last, 0
        while text and not (text.endswith(_ENDS) and self.quotes % 2 == 0):
            skipped = read_past(text, self.start, skipped)
            text = self.stream.readline(PIECE)
            self.line += text.endswith(_ENDS)
            self.quotes += text.count('"')
        self.last = "\n"


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
    twice = next((name for index, name in enumerate(header) if name in FIELDS and name in header[:index]), None)
    if twice is not None:  # which of the two would hold the task's value?
        raise TransferError(f"line 1: the header names the column {twice} twice")
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
            lines.finish()
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
            yield start, _record(get)
        except ValueError as exc:
            yield start, Bad(str(exc))


def _json(text: str, field: str) -> Any:
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        raise ValueError(f"{field} must be JSON") from None


def _record(get: Any) -> TaskRecord:
    notes = _json(get("annotations", ""), "annotations") or []
    if not isinstance(notes, list) or not all(isinstance(n, list) and len(n) == 2 and isinstance(n[1], str) for n in notes):
        raise ValueError("annotations must be a JSON list of [time, text] pairs")
    rule = get("recurrence", "").strip()
    return TaskRecord(
        title=get("title", ""), description=get("description", ""), completed=_completed(get("completed", "")),
        completed_at=parse_timestamp(get("completed_at"), "completed_at"), priority=parse_priority(get("priority")),
        due=parse_when(get("due", "").strip(), "due"), project=get("project") or None,
        tags=tuple(get("tags", "").replace(",", " ").split()),
        created_at=parse_timestamp(get("created_at"), "created_at"),
        updated_at=parse_timestamp(get("updated_at"), "updated_at"),
        uuid=parse_uuid(get("uuid", "").strip()), wait=parse_when(get("wait", "").strip(), "wait"),
        parent=parse_uuid(get("parent_uuid", "").strip(), "parent_uuid"), depends=parse_uuids(get("depends", ""), "depends"),
        annotations=tuple((parse_timestamp(entry, "an annotation's time"), text) for entry, text in notes),
        series=parse_uuid(get("series_uuid", "").strip(), "series_uuid"),
        occurrence=parse_occurrence(get("occurrence", "").strip()),
        recurrence=Recurrence(rule, _completed(get("after_completion", ""))) if rule else None,
        extras=parse_extras(_json(get("extras", ""), "extras")),
    )  # fmt: skip


def write(records: Iterable[TaskRecord | SeriesRecord], out: TextIO) -> None:
    rows = csv.writer(out, lineterminator="\r\n")
    rows.writerow(FIELDS)
    for r in records:
        if isinstance(r, SeriesRecord):
            continue  # its instances carry its rule
        notes = json.dumps([[iso(entry), text] for entry, text in r.annotations], ensure_ascii=False) if r.annotations else ""
        rows.writerow((
            r.title, r.description, "true" if r.completed else "false", iso(r.completed_at) or "",
            r.priority.label, when_text(r.due) or "", r.project or "", " ".join(r.tags),
            iso(r.created_at) or "", iso(r.updated_at) or "", r.uuid or "", when_text(r.wait) or "",
            r.parent or "", " ".join(r.depends), notes, r.series or "",
            "" if r.occurrence is None else r.occurrence, r.recurrence.rule if r.recurrence else "",
            ("true" if r.recurrence.after_completion else "false") if r.recurrence else "",
            json.dumps(r.extras, ensure_ascii=False) if r.extras else "",
        ))  # fmt: skip
