"""Import and export of a user's tasks in tui-tasks JSON, CSV, Taskwarrior JSON and todo.txt.

Import reads the whole file first, checking each record with the Tasks service's rules and spooling
the valid rows to a private temporary file, without any lock: a file fed slowly (a pipe, a FIFO) keeps
no one else from writing. Then it inserts them in batches in ONE short write transaction: every record
goes in or none does. Export streams pages of tasks (keyset on id) from one read transaction into the
file. Neither holds all tasks in memory. No Textual here: the CLI and the app (from a worker thread)
call `import_tasks` and `export_tasks`.
"""

from __future__ import annotations

import uuid

import io
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Index, func
from sqlmodel import select

from tui_tasks.db.tables import Task, TaskTag, User
from tui_tasks.domain import TaskDraft, UserView
from tui_tasks.errors import NotFound, ValidationError
from tui_tasks.services.facade import Services
from tui_tasks.services.formats import FORMATS, Bad, Ignored, TaskRecord, TransferError, reader
from tui_tasks.services.bulk_insert import Spool, insert_tasks
from tui_tasks.services.targets import is_database_file, shown_path
from tui_tasks.services.relations import stored_due
from tui_tasks.services.tasks import note_change
from tui_tasks.services.validation import clean_draft

__all__ = ["FORMATS", "ImportProgress", "ImportResult", "InvalidRecords", "Problem", "TransferError",
           "detect_format", "export_tasks", "import_tasks"]  # fmt: skip

BATCH = 1000  # rows per INSERT: large enough to amortise a round trip, small enough to stay flat
PROBLEMS_KEPT = 1000  # problems listed in a result; beyond that they are only counted
REASON_MAX = 200  # characters of a problem's reason (a validation message may quote a long value)
READ_SHARE = 0.6  # of an import's time, what reading and checking take (the rest is writing)
HEAD_BYTES = 4096  # what --format auto reads of a file to tell its format
_OUR_JSON = re.compile(r'^\s*\{\s*"format"\s*:\s*"tui-tasks"')


@dataclass(frozen=True, slots=True)
class Problem:
    """A record that was not imported: where it is in the file and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ImportProgress:
    """How far an import is: first `stage` "reading" (records read so far, bytes of the file read out of
    its size; 0 for a pipe), then "writing" (rows written out of those to write)."""

    records: int
    bytes_read: int
    bytes_total: int
    stage: str = "reading"
    written: int = 0
    to_write: int = 0

    @property
    def fraction(self) -> float:
        """Of the whole import: reading counts for READ_SHARE, writing for the rest."""
        if self.stage == "writing":
            return READ_SHARE + (1 - READ_SHARE) * (self.written / self.to_write if self.to_write else 1.0)
        return READ_SHARE * (min(1.0, self.bytes_read / self.bytes_total) if self.bytes_total else 0.0)


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did. `problems` lists the first PROBLEMS_KEPT of `invalid` records skipped."""

    format: str
    imported: int
    invalid: int
    ignored: int  # deleted Taskwarrior tasks, recurring templates
    problems: tuple[Problem, ...]
    seconds: float

    @property
    def skipped(self) -> int:
        return self.invalid + self.ignored


class InvalidRecords(TransferError):
    """Some records are invalid, so nothing was imported; `problems` says which and why."""

    def __init__(self, invalid: int, problems: tuple[Problem, ...]) -> None:
        super().__init__(f"nothing imported: {invalid} invalid record{'s' if invalid != 1 else ''}")
        self.invalid = invalid
        self.problems = problems


def detect_format(path: Path) -> str:
    """The format of a file, from its extension and, for .json or unknown ones, its first bytes."""
    try:
        with open(path, "rb") as stream:
            return _format_of(path, stream.read(HEAD_BYTES))
    except OSError as exc:
        raise TransferError(f"cannot read {shown_path(path)}: {(exc.strerror or str(exc)).lower()}") from None


def _format_of(path: Path, head_bytes: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".txt", ".todo"):
        return "todotxt"
    head = head_bytes.decode("utf-8-sig", "replace")
    if _OUR_JSON.match(head):
        return "json"
    if head.lstrip()[:1] in ("[", "{"):
        return "taskwarrior"
    if suffix != ".json" and head.partition("\n")[0].strip().lower().startswith("title,"):
        return "csv"
    raise TransferError(f"cannot tell the format of {shown_path(path)}: give it with --format {'|'.join(FORMATS)}")


class _Source(io.RawIOBase):
    """The file read once, pipes and FIFOs included: the bytes read ahead to tell its format come first,
    and the bytes read so far are counted (a pipe has no position to ask)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        try:
            self.file = open(path, "rb", buffering=0)
            self.size = os.fstat(self.file.fileno()).st_size  # 0 for a pipe
        except OSError as exc:
            raise TransferError(f"cannot read {shown_path(path)}: {(exc.strerror or str(exc)).lower()}") from None
        self.ahead = b""
        self.count = 0

    def head(self) -> bytes:
        """The first HEAD_BYTES of the file (fewer if it is shorter), which reading will still give."""
        while len(self.ahead) < HEAD_BYTES and (more := self.file.read(HEAD_BYTES - len(self.ahead))):
            self.ahead += more
        return self.ahead

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.ahead:
            n = min(len(buffer), len(self.ahead))
            buffer[:n], self.ahead = self.ahead[:n], self.ahead[n:]
        else:
            n = self.file.readinto(buffer) or 0
        self.count += n
        return n

    def close(self) -> None:
        if hasattr(self, "file"):  # (not when opening it failed)
            self.file.close()
        super().close()


def _utc(moment: datetime | None, field: str) -> datetime | None:
    if moment is None:
        return None
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValidationError(field, f"{field} must be a timestamp with its UTC offset")
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:
        raise ValidationError(field, f"{field} is out of range in UTC") from None


def _row(user: UserView, record: TaskRecord, now: datetime) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The task row and tags of a record, checked as the Tasks service checks a new task."""
    clean = clean_draft(
        TaskDraft(record.title, record.description, record.priority, record.due, record.project, record.tags)
    )
    if not isinstance(record.completed, bool):
        raise ValidationError("completed", "completed must be true or false")
    created = _utc(record.created_at, "created_at") or now
    updated = _utc(record.updated_at, "updated_at") or created
    completed_at = _utc(record.completed_at, "completed_at")
    if record.completed and completed_at is None:
        completed_at = updated
    elif not record.completed and completed_at is not None:
        raise ValidationError("completed_at", "completed_at is set but the task is not done")
    row = {
        "user_id": user.id, "title": clean.title, "description": clean.description,
        "completed": record.completed, "completed_at": completed_at, "priority": int(clean.priority),
        "due": stored_due(clean.due)[0], "due_has_time": stored_due(clean.due)[1], "project": clean.project,
        "created_at": created, "updated_at": updated, "version": 1, "uuid": str(uuid.uuid4()),
    }  # fmt: skip
    return row, clean.tags


def import_tasks(
    services: Services,
    user: UserView,
    path: str | os.PathLike[str],
    fmt: str = "auto",
    *,
    skip_invalid: bool = False,
    progress: Callable[[ImportProgress], None] | None = None,
) -> ImportResult:
    """Import the tasks in a file for `user`, all in one transaction.

    Raises InvalidRecords (nothing written) when a record is invalid and `skip_invalid` is False,
    TransferError when the file cannot be read as `fmt`, NotFound when the account is gone by the
    time the file is read, and StorageError when the database fails. `progress` is called after
    every batch read, then every batch written, from the calling thread.
    """
    started = time.monotonic()
    path = Path(path)
    if is_database_file(path, services.db.target.path):  # opening it would drop this process's SQLite locks
        raise TransferError(f"cannot read {shown_path(path)}: it is the database itself")
    if fmt != "auto" and fmt not in FORMATS:
        raise TransferError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    with Spool(services.db.engine.dialect) as spool:
        with _Source(path) as source:
            if fmt == "auto":
                fmt = _format_of(path, source.head())
            tally = _check_all(services, user, path, fmt, source, spool, skip_invalid, progress)
        if tally.invalid and not skip_invalid:
            raise InvalidRecords(tally.invalid, tuple(tally.problems))
        if spool.rows:
            _write_all(services, user, spool, tally.records, progress)
    if progress is not None:
        progress(ImportProgress(tally.records, source.count, source.count, "writing", spool.rows, spool.rows))
    return ImportResult(fmt, spool.rows, tally.invalid, tally.ignored, tuple(tally.problems), time.monotonic() - started)


@dataclass(slots=True)
class _Tally:
    records: int = 0
    invalid: int = 0
    ignored: int = 0
    problems: list[Problem] = field(default_factory=list)


def _check_all(services, user, path, fmt, source, spool, skip_invalid, progress) -> _Tally:
    """Read every record and check it, spooling the valid rows in batches; no database lock is held."""
    now = services.tasks.clock()
    tally = _Tally()
    batch: list[tuple[dict[str, Any], tuple[str, ...]]] = []
    text = io.TextIOWrapper(io.BufferedReader(source), encoding="utf-8-sig", newline="")
    for line, item in _decoded(reader(fmt)(text), path):
        tally.records += 1
        if progress is not None and tally.records % BATCH == 0:
            progress(ImportProgress(tally.records, source.count, source.size))
        if isinstance(item, Ignored):
            tally.ignored += 1
            continue
        try:
            if isinstance(item, Bad):
                raise ValidationError("record", item.reason)
            row = _row(user, item, now)
        except ValidationError as exc:
            tally.invalid += 1
            if len(tally.problems) < PROBLEMS_KEPT:
                reason = exc.message if len(exc.message) <= REASON_MAX else exc.message[: REASON_MAX - 1] + "…"
                tally.problems.append(Problem(line, reason.replace("\n", " ").replace("\r", " ")))
            continue
        if tally.invalid and not skip_invalid:
            continue  # nothing will be written: keep reading only to report every problem
        batch.append(row)
        if len(batch) >= BATCH:
            spool.add(batch)
            batch = []
    if batch:
        spool.add(batch)
    return tally


def _write_all(services: Services, user: UserView, spool: Spool, records: int, progress) -> None:
    """The spooled rows in one write transaction, for an account that must still exist."""
    with services.db.session(write=True) as session:
        # FOR SHARE on PostgreSQL: the account cannot be deleted under the import (SQLite: BEGIN IMMEDIATE)
        if session.exec(select(User.id).where(User.id == user.id).with_for_update(read=True)).first() is None:
            raise NotFound("This account no longer exists")
        deferred = _defer_indexes(session, spool.rows) if services.db.target.kind == "sqlite" else []
        text_index = _TextIndexAfter(session) if services.db.text_index else None
        written = 0
        for batch in spool:
            insert_tasks(session, batch)
            written += len(batch)
            if progress is not None and written < spool.rows:
                progress(ImportProgress(records, 0, 0, "writing", written, spool.rows))
        for index in deferred:
            index.create(session.connection())
        if text_index is not None:
            text_index.add_new_tasks()
        note_change(session, user.id)
    if spool.rows >= BATCH or deferred:  # (rebuilt indexes have lost their statistics)
        services.db.refresh_statistics(full=True)  # a fresh bulk load misleads the planner until analysed


DEFER_INDEXES_ROWS = 5_000


def _defer_indexes(session: Any, rows: int) -> list[Index]:
    """For a large import into a small table (SQLite): drop the task table's indexes now and build them
    once at the end, in the same transaction. Building an index sorts; keeping it up to date inserts
    every row at a random place in it: the inserts of 100,000 tasks take half the time. A failed
    import rolls the drops back with everything else. Not on PostgreSQL, where dropping an index
    would lock every user out of the table for the whole import."""
    if rows < DEFER_INDEXES_ROWS:
        return []
    held = session.exec(select(func.count()).select_from(Task)).one()
    if held > rows:  # rebuilding would cost more than the file brings
        return []
    indexes = sorted([*Task.__table__.indexes, *TaskTag.__table__.indexes], key=lambda index: index.name)
    for index in indexes:
        index.drop(session.connection())
    return indexes


class _TextIndexAfter:
    """The text index (SQLite FTS5, migration 0004) of an import's tasks, added in one statement after
    them instead of by its trigger task by task: 0.3 s instead of 2.3 s for 100,000 tasks. The trigger
    is dropped and made again from its own stored SQL, inside the import's transaction (a refused
    import rolls it all back). The new tasks are the ids above the largest one: no one else can write
    under the import's BEGIN IMMEDIATE (as in bulk_insert)."""

    BODY = "title || char(10) || description || char(10) || coalesce(project, '')"  # as the trigger has it

    def __init__(self, session: Any) -> None:
        self.connection = session.connection()
        self.trigger = self._scalar("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'task_text_insert'")
        self.after = self._scalar("SELECT coalesce(max(id), 0) FROM task")
        if self.trigger is not None:
            self.connection.exec_driver_sql("DROP TRIGGER task_text_insert")

    def _scalar(self, sql: str, *args: Any) -> Any:
        return self.connection.exec_driver_sql(sql, *args).scalar()

    def add_new_tasks(self) -> None:
        if self.trigger is None:
            return
        self.connection.exec_driver_sql(
            f"INSERT INTO task_text(rowid, body) SELECT id, {self.BODY} FROM task WHERE id > ?", (self.after,)
        )
        self.connection.exec_driver_sql(self.trigger)


def _decoded(items: Iterator[Any], path: Path) -> Iterator[Any]:
    """The reader's items; a file that is not UTF-8, or that fails while read, is one clear error."""
    try:
        yield from items
    except UnicodeDecodeError as exc:
        raise TransferError(f"{shown_path(path)} is not UTF-8 text ({exc.reason} near byte {exc.start})") from None
    except OSError as exc:
        raise TransferError(f"cannot read {shown_path(path)}: {(exc.strerror or str(exc)).lower()}") from None


# Export is in its own module; it is part of this API.
from tui_tasks.services.export import export_tasks  # noqa: E402
