"""Import and export of a user's tasks in tui-tasks JSON, CSV, Taskwarrior JSON and todo.txt.

Import reads the whole file first, checking each record with the Tasks service's rules and spooling
the valid rows to a private temporary file, without any lock: a file fed slowly (a pipe, a FIFO) keeps
no one else from writing. Then it inserts them in batches in ONE short write transaction: every record
goes in or none does. Export streams pages of tasks (keyset on id) from one read transaction into the
file. Neither holds all tasks in memory. No Textual here: the CLI and the app (from a worker thread)
call `import_tasks` and `export_tasks`.
"""

from __future__ import annotations

import io
import uuid as uuidlib
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
from tui_tasks.domain import Recurrence, TaskDraft, UserView
from tui_tasks.errors import NotFound, ValidationError
from tui_tasks.services.bulk_insert import SERIES_COLUMNS, Merge, Spool
from tui_tasks.services.facade import Services
from tui_tasks.services.formats import FORMATS, Bad, Ignored, SeriesRecord, TaskRecord, TransferError, extras_text, reader
from tui_tasks.services.relations import lock_user, stored_due, stored_wait
from tui_tasks.services.targets import is_database_file, shown_path
from tui_tasks.services.tasks import note_change
from tui_tasks.services.validation import DEPENDS_MAX, clean_description, clean_draft

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
    """What an import did. Records are merged by uuid: one whose uuid the user has updates that task (or
    series) when its updated_at (Taskwarrior's modified) is newer, and is `unchanged` if not; one without
    a uuid, or with a new one, is `added`. `problems` lists the first PROBLEMS_KEPT of `invalid` records
    skipped; `notes` the first of `dropped` links (a parent, dependency or series found nowhere, a cycle)."""

    format: str
    invalid: int
    ignored: int  # deleted Taskwarrior tasks
    problems: tuple[Problem, ...]
    seconds: float
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    dropped: int = 0
    notes: tuple[str, ...] = ()

    @property
    def imported(self) -> int:
        """Records written: added or updated."""
        return self.added + self.updated

    @property
    def skipped(self) -> int:
        return self.invalid + self.ignored

    @property
    def summary(self) -> str:
        """One line for people: "added 3, updated 1, unchanged 0, skipped 2 (2 invalid), 1 link dropped"."""
        text = f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}"
        why = [f"{self.invalid} invalid"] if self.invalid else []
        why += [f"{self.ignored} deleted"] if self.ignored else []
        if self.skipped:
            text += f", skipped {self.skipped} ({', '.join(why)})"
        if self.dropped:
            text += f", {self.dropped} link{'s' if self.dropped != 1 else ''} dropped"
        return text


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


def _times(record: TaskRecord | SeriesRecord, now: datetime) -> tuple[datetime, datetime]:
    created = _utc(record.created_at, "created_at") or now
    return created, _utc(record.updated_at, "updated_at") or created


def _row(user: UserView, record: TaskRecord, now: datetime, line: int = 0) -> tuple[Any, ...]:
    """The spool entry of a record, checked as the Tasks service checks a new task: (task row, tags,
    annotations, links or None, whether the file gave the uuid, updated_at, line)."""
    clean = clean_draft(
        TaskDraft(record.title, record.description, record.priority, record.due, record.project, record.tags,
                  wait=record.wait, recurrence=record.recurrence)
    )  # fmt: skip
    if not isinstance(record.completed, bool):
        raise ValidationError("completed", "completed must be true or false")
    created, updated = _times(record, now)
    completed_at = _utc(record.completed_at, "completed_at")
    if record.completed and completed_at is None:
        completed_at = updated
    elif not record.completed and completed_at is not None:
        raise ValidationError("completed_at", "completed_at is set but the task is not done")
    own = record.uuid or str(uuidlib.uuid4())
    if len(record.depends) > DEPENDS_MAX:
        raise ValidationError("depends", f"A task can depend on at most {DEPENDS_MAX} tasks (it has {len(record.depends)})")
    if own in record.depends or own == record.parent:
        raise ValidationError("depends", "A task cannot depend on itself or be its own parent")
    notes = tuple((_utc(entry, "annotation") or created, text) for entry, text in
                  ((entry, clean_description(text)) for entry, text in record.annotations) if text)  # fmt: skip
    due, due_has_time = stored_due(clean.due)
    wait, wait_has_time = stored_wait(clean.wait)
    row = {
        "user_id": user.id, "title": clean.title, "description": clean.description,
        "completed": record.completed, "completed_at": completed_at, "priority": int(clean.priority),
        "due": due, "due_has_time": due_has_time, "project": clean.project,
        "created_at": created, "updated_at": updated, "version": 1, "uuid": own,
        "wait": wait, "wait_has_time": wait_has_time, "extras": extras_text(record.extras),
    }  # fmt: skip
    rule = clean.recurrence
    links = (own, record.parent, record.depends, record.series, record.occurrence,
             rule and rule.rule, bool(rule and rule.after_completion))  # fmt: skip
    linked = record.parent or record.depends or record.series or rule
    return row, clean.tags, notes, links if linked else None, record.uuid is not None, updated, line


def _series_row(user: UserView, record: SeriesRecord, now: datetime) -> tuple[Any, ...]:
    """A series' spool entry, checked as the Tasks service checks a repeating task: (values, updated_at)."""
    clean = clean_draft(TaskDraft(record.title, record.description, record.priority, record.first_due, record.project,
                                  record.tags, recurrence=Recurrence(record.rule, record.after_completion)))  # fmt: skip
    created, updated = _times(record, now)
    first_due, has_time = stored_due(clean.due)
    values = dict(
        user_id=user.id, uuid=record.uuid, rule=clean.recurrence.rule, after_completion=clean.recurrence.after_completion,
        first_due=first_due, first_due_has_time=has_time, first_occurrence=record.first_occurrence,
        last_occurrence=record.last_occurrence, active=bool(record.active), title=clean.title,
        description=clean.description, priority=int(clean.priority), project=clean.project, tags=" ".join(clean.tags),
        extras=extras_text(record.extras), created_at=created, updated_at=updated,
    )  # fmt: skip
    return tuple(values[name] for name in SERIES_COLUMNS), updated


def import_tasks(
    services: Services,
    user: UserView,
    path: str | os.PathLike[str],
    fmt: str = "auto",
    *,
    skip_invalid: bool = False,
    progress: Callable[[ImportProgress], None] | None = None,
) -> ImportResult:
    """Import the tasks in a file for `user`, all in one transaction, merged by uuid (see ImportResult).

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
    dialect = services.db.engine.dialect
    with Spool(dialect) as spool, Spool(dialect, None) as series, Spool(dialect, None) as links:
        with _Source(path) as source:
            if fmt == "auto":
                fmt = _format_of(path, source.head())
            tally = _check_all(services, user, path, fmt, source, (spool, series), skip_invalid, progress)
        if tally.invalid and not skip_invalid:
            raise InvalidRecords(tally.invalid, tuple(tally.problems))
        merge = None
        if spool.rows or series.rows:
            merge = _write_all(services, user, spool, series, links, tally.records, progress)
    if progress is not None:
        progress(ImportProgress(tally.records, source.count, source.count, "writing", spool.rows, spool.rows))
    return ImportResult(
        fmt, tally.invalid, tally.ignored, tuple(tally.problems), time.monotonic() - started,
        added=merge.added if merge else 0, updated=merge.updated if merge else 0,
        unchanged=merge.unchanged if merge else 0, dropped=merge.dropped if merge else 0,
        notes=tuple(merge.notes) if merge else (),
    )  # fmt: skip


@dataclass(slots=True)
class _Tally:
    records: int = 0
    invalid: int = 0
    ignored: int = 0
    problems: list[Problem] = field(default_factory=list)


def _check_all(services, user, path, fmt, source, spools, skip_invalid, progress) -> _Tally:
    """Read every record and check it, spooling the valid rows in batches; no database lock is held.
    A uuid given twice in the file is a bad record (which of the two would win?)."""
    now = services.tasks.clock()
    tally = _Tally()
    batches: tuple[list[Any], list[Any]] = ([], [])
    seen: tuple[set[int], set[int]] = (set(), set())  # hashes of the uuids read: 8 bytes a task, not 80
    text = io.TextIOWrapper(io.BufferedReader(source), encoding="utf-8-sig", newline="")
    for line, item in _decoded(reader(fmt)(text), path):
        tally.records += 1
        if progress is not None and tally.records % BATCH == 0:
            progress(ImportProgress(tally.records, source.count, source.size))
        if isinstance(item, Ignored):
            tally.ignored += 1
            continue
        kind = 1 if isinstance(item, SeriesRecord) else 0
        try:
            if isinstance(item, Bad):
                raise ValidationError("record", item.reason)
            entry = _series_row(user, item, now) if kind else _row(user, item, now, line)
            if item.uuid is not None:
                key = hash(item.uuid)
                if key in seen[kind]:
                    raise ValidationError("uuid", f"uuid {item.uuid} is in the file twice")
                seen[kind].add(key)
        except ValidationError as exc:
            tally.invalid += 1
            if len(tally.problems) < PROBLEMS_KEPT:
                reason = exc.message if len(exc.message) <= REASON_MAX else exc.message[: REASON_MAX - 1] + "…"
                tally.problems.append(Problem(line, reason.replace("\n", " ").replace("\r", " ")))
            continue
        if tally.invalid and not skip_invalid:
            continue  # nothing will be written: keep reading only to report every problem
        batches[kind].append(entry)
        if len(batches[kind]) >= BATCH:
            spools[kind].add(batches[kind])
            batches[kind].clear()
    for kind, batch in enumerate(batches):
        if batch:
            spools[kind].add(batch)
    return tally


def _write_all(services: Services, user: UserView, spool: Spool, series: Spool, links: Spool, records: int, progress) -> Merge:
    """The spooled rows in one write transaction, for an account that must still exist: the series, the
    tasks, then the links between them (see bulk_insert)."""
    with services.db.session(write=True) as session:
        # FOR SHARE on PostgreSQL: the account cannot be deleted under the import (SQLite: BEGIN IMMEDIATE)
        if session.exec(select(User.id).where(User.id == user.id).with_for_update(read=True)).first() is None:
            raise NotFound("This account no longer exists")
        lock_user(session, user.id)  # no one else links this user's tasks meanwhile (cycle checks)
        merge = Merge(session, user.id)
        deferred = _defer_indexes(session, spool.rows, merge.had_tasks) if services.db.target.kind == "sqlite" else []
        text_index = _TextIndexAfter(session) if services.db.text_index else None
        for batch in series:
            merge.series(batch)
        written = 0
        for batch in spool:
            merge.tasks(batch, links)
            written += len(batch)
            if progress is not None and written < spool.rows:
                progress(ImportProgress(records, 0, 0, "writing", written, spool.rows))
        for index in deferred:
            index.create(session.connection())
        for batch in links:
            merge.link(batch)
        merge.finish()
        if text_index is not None:
            text_index.add_new_tasks()
        if merge.added or merge.updated:
            note_change(session, user.id)
    if spool.rows >= BATCH or deferred:  # (rebuilt indexes have lost their statistics)
        services.db.refresh_statistics(full=True)  # a fresh bulk load misleads the planner until analysed
    return merge


DEFER_INDEXES_ROWS = 5_000


KEPT_INDEXES = {"ix_task_series_occurrence"}  # the second pass looks up by it


def _defer_indexes(session: Any, rows: int, had_tasks: bool) -> list[Index]:
    """For a large import into a small table (SQLite): drop the task table's indexes now and build them
    once at the end, in the same transaction. Building an index sorts; keeping it up to date inserts
    every row at a random place in it: the inserts of 100,000 tasks take half the time. A failed
    import rolls the drops back with everything else. Not on PostgreSQL, where dropping an index
    would lock every user out of the table for the whole import."""
    if rows < DEFER_INDEXES_ROWS:
        return []
    kept = KEPT_INDEXES | ({"ix_task_user_uuid"} if had_tasks else set())  # a merge looks uuids up
    held = session.exec(select(func.count()).select_from(Task)).one()
    if held > rows:  # rebuilding would cost more than the file brings
        return []
    indexes = sorted([*Task.__table__.indexes, *TaskTag.__table__.indexes], key=lambda index: index.name)
    indexes = [index for index in indexes if index.name not in kept]
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
