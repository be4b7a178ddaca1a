"""Import and export of a user's tasks in tui-tasks JSON, CSV, Taskwarrior JSON and todo.txt.

Import reads the whole file first, checking each record with the Tasks service's rules and spooling
the valid rows to a private temporary file, without any lock: a file fed slowly (a pipe, a FIFO) keeps
no one else from writing. Then it inserts them in batches in ONE short write transaction: every record
goes in or none does. Export streams pages of tasks (keyset on id) from one read transaction into the
file. Neither holds all tasks in memory. No Textual here: the CLI and the app (from a worker thread)
call `import_tasks` and `export_tasks`.

This module is the import's two passes; around it: import_source (telling the format, reading the file
once), import_results (what an import reports), bulk_insert (spool and merge), untangle (mending the
links the file made), import_indexes (bulk-load speed on SQLite) and export.
"""

from __future__ import annotations

import io
import os
import time
import uuid as uuidlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from tui_tasks.db.tables import Task, User
from tui_tasks.domain import Recurrence, TaskDraft, UserView
from tui_tasks.errors import NotFound, ValidationError
from tui_tasks.services.bulk_insert import SERIES_COLUMNS, Merge, Spool
from tui_tasks.services.export import export_tasks
from tui_tasks.services.facade import Services
from tui_tasks.services.formats import FORMATS, Bad, Ignored, SeriesRecord, TaskRecord, TransferError, extras_text, reader
from tui_tasks.services.history import REDO_IMPORT_MAX, STAMPS_AHEAD_KEPT, UNDO_UPDATES_MAX
from tui_tasks.services.import_indexes import DEFER_INDEXES_ROWS, KEPT_INDEXES, TextIndexAfter, defer_indexes
from tui_tasks.services.import_results import ImportProgress, ImportResult, InvalidRecords, Problem
from tui_tasks.services.import_source import Source, decoded, detect_format, format_of
from tui_tasks.services.oplog import Recording, aware
from tui_tasks.services.relations import MAX_DEPTH, lock_user, stored_due, stored_wait
from tui_tasks.services.targets import is_database_file, shown_path
from tui_tasks.services.tasks import note_change
from tui_tasks.services.untangle import untangle
from tui_tasks.services.validation import (DEPENDS_MAX, clean_description, clean_draft, clean_fields, clean_recurrence,
                                           clean_when)

# DEFER_INDEXES_ROWS and KEPT_INDEXES are here for the tests that size an import by them
__all__ = ["DEFER_INDEXES_ROWS", "FORMATS", "KEPT_INDEXES", "ImportProgress", "ImportResult", "InvalidRecords",
           "Problem", "TransferError", "detect_format", "export_tasks", "import_tasks"]  # fmt: skip

BATCH = 1000  # rows per INSERT: large enough to amortise a round trip, small enough to stay flat
PROBLEMS_KEPT = 1000  # problems listed in a result; beyond that they are only counted
REASON_MAX = 200  # characters of a problem's reason (a validation message may quote a long value)


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
        with Source(path) as source:
            if fmt == "auto":
                fmt = format_of(path, source.head())
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
    for line, item in decoded(reader(fmt)(text), path):
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
            entry = _series_row(user, item, now) if kind else _row(user, item, now, line, spools[0])
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


def _row(user: UserView, record: TaskRecord, now: datetime, line: int, spool: Spool) -> tuple[Any, ...]:
    """The spool entry of a record, checked as the Tasks service checks a new task: (task row as `spool`
    keeps it, tags, annotations, links or None, whether the file gave the uuid, updated_at, line)."""
    title, description, priority, due, project, tags = clean_fields(
        record.title, record.description, record.priority, record.due, record.project, record.tags
    )
    wait, rule = clean_when("wait", "Wait", record.wait), clean_recurrence(record.recurrence)
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
    due, due_has_time = stored_due(due)
    wait, wait_has_time = stored_wait(wait)
    row = spool.values((  # in bulk_insert.COLUMNS' order
        user.id, title, description, record.completed, completed_at, int(priority), due,
        due_has_time, project, created, updated, 1, own, wait, wait_has_time, extras_text(record.extras),
    ))  # fmt: skip
    links = (own, record.parent, record.depends, record.series, record.occurrence,
             rule and rule.rule, bool(rule and rule.after_completion))  # fmt: skip
    linked = record.parent or record.depends or record.series or rule
    return row, tags, notes, links if linked else None, record.uuid is not None, updated, line


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


def _times(record: TaskRecord | SeriesRecord, now: datetime) -> tuple[datetime, datetime]:
    created = _utc(record.created_at, "created_at") or now
    return created, _utc(record.updated_at, "updated_at") or created


def _utc(moment: datetime | None, field: str) -> datetime | None:
    if moment is None:
        return None
    if type(moment) is datetime and moment.tzinfo is timezone.utc:
        return moment  # (most are: what the readers parse)
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValidationError(field, f"{field} must be a timestamp with its UTC offset")
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:
        raise ValidationError(field, f"{field} is out of range in UTC") from None


def _write_all(services: Services, user: UserView, spool: Spool, series: Spool, links: Spool, records: int, progress) -> Merge:
    """The spooled rows in one write transaction, for an account that must still exist: the series, the
    tasks, then the links between them (see bulk_insert)."""
    with services.db.session(write=True) as session:
        # FOR SHARE on PostgreSQL: the account cannot be deleted under the import (SQLite: BEGIN IMMEDIATE)
        if session.exec(select(User.id).where(User.id == user.id).with_for_update(read=True)).first() is None:
            raise NotFound("This account no longer exists")
        lock_user(session, user.id)  # no one else links this user's tasks meanwhile (cycle checks)
        log = Recording(session, user.id, notes=True, at=services.tasks.clock())
        log.limit = UNDO_UPDATES_MAX
        merge = Merge(session, user.id, log)
        deferred = defer_indexes(session, spool.rows, merge.had_tasks) if services.db.target.kind == "sqlite" else []
        text_index = TextIndexAfter(session) if services.db.text_index else None
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
        if links.rows:
            untangle(merge, links, MAX_DEPTH)
        merge.finish()
        if text_index is not None:
            text_index.add_new_tasks()
        if merge.added or merge.updated:
            _log_import(log, merge)
            note_change(session, user.id)
    if spool.rows >= BATCH or deferred:  # (rebuilt indexes have lost their statistics)
        services.db.refresh_statistics(full=True)  # a fresh bulk load misleads the planner until analysed
    return merge


def _log_import(log: Recording, merge: Merge) -> None:
    """The import as one undo step: the tasks it added as their id range (it held the user's lock: they
    are the user's tasks in it), the series it made, and the tasks it replaced as usual entries."""
    added = list(merge.new_tasks.values())
    series = sorted({*merge.new_series.values(), *merge.made_series.values()})
    first, last = min(added, default=0), max(added, default=0)
    log.extra["imported"] = {"first": first, "last": last, "count": len(added), "series": series,
                             "irreversible": log.overflow, **_stamps_ahead(log, first, last)}  # fmt: skip
    parts = [f"{len(added)} added"] if added else []
    parts += [f"{len(log.before) or log.overflow} updated"] if log.before or log.overflow else []
    undo_only = " (cannot be undone)" if log.overflow else " (undo only)" if len(added) > REDO_IMPORT_MAX else ""
    log.save("import", f"import: {', '.join(parts) or 'series'}{undo_only}")


def _stamps_ahead(log: Recording, first: int, last: int) -> dict[str, Any]:
    """The tasks the import stamped after its own time (a file's clock ahead of ours), each with its stamp:
    undo takes such a task, changed and given back through the log (its stamp restored), as still as
    imported, and any other stamp on it as a change. Past STAMPS_AHEAD_KEPT of them, only the latest is
    kept, and a task of those is taken as changed only if stamped after it."""
    if not last:
        return {}
    rows = log.session.exec(select(Task.id, Task.updated_at).where(
        Task.user_id == log.user_id, col(Task.id).between(first, last), col(Task.updated_at) > log.at,
    ).order_by(col(Task.updated_at).desc()).limit(STAMPS_AHEAD_KEPT + 1)).all()  # fmt: skip
    if len(rows) <= STAMPS_AHEAD_KEPT:
        return {"ahead": {str(task_id): aware(stamp).isoformat() for task_id, stamp in rows}}
    return {"latest": aware(rows[0][1]).isoformat()}
