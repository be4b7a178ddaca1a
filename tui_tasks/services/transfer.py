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
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Index, bindparam, func
from sqlmodel import select

from tui_tasks.db.tables import Task, TaskDependency, TaskTag, User
from tui_tasks.domain import Recurrence, TaskDraft, UserView
from tui_tasks.errors import NotFound, ValidationError
from tui_tasks.services.bulk_insert import SERIES_COLUMNS, Merge, Spool, chunks
from tui_tasks.services.facade import Services
from tui_tasks.services.formats import FORMATS, Bad, Ignored, SeriesRecord, TaskRecord, TransferError, extras_text, reader
from tui_tasks.services.relations import MAX_DEPTH, lock_user, stored_due, stored_wait
from tui_tasks.services.targets import is_database_file, shown_path
from tui_tasks.services.history import REDO_IMPORT_MAX, UNDO_UPDATES_MAX
from tui_tasks.services.oplog import Recording
from tui_tasks.services.tasks import note_change
from tui_tasks.services.validation import (DEPENDS_MAX, clean_description, clean_draft, clean_fields, clean_recurrence,
                                           clean_when)

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
    if type(moment) is datetime and moment.tzinfo is timezone.utc:
        return moment  # (most are: what the readers parse)
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValidationError(field, f"{field} must be a timestamp with its UTC offset")
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:
        raise ValidationError(field, f"{field} is out of range in UTC") from None


def _times(record: TaskRecord | SeriesRecord, now: datetime) -> tuple[datetime, datetime]:
    created = _utc(record.created_at, "created_at") or now
    return created, _utc(record.updated_at, "updated_at") or created


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
        if links.rows:
            _untangle(merge, links)
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
    log.extra["imported"] = {"first": min(added, default=0), "last": max(added, default=0), "count": len(added),
                             "series": series, "irreversible": log.overflow}  # fmt: skip
    parts = [f"{len(added)} added"] if added else []
    parts += [f"{len(log.before) or log.overflow} updated"] if log.before or log.overflow else []
    undo_only = " (cannot be undone)" if log.overflow else " (undo only)" if len(added) > REDO_IMPORT_MAX else ""
    log.save("import", f"import: {', '.join(parts) or 'series'}{undo_only}")


def _untangle(merge: Merge, links: Spool) -> None:
    """After the second pass: break every cycle the file's links made, however long, and drop each parent
    link that would put a task more than MAX_DEPTH levels deep, with a note each (as the form refuses
    them), so that every task shows in the tree list and some task of a dependency ring can be done.

    Only the links the file gave are walked, in memory; what they reach among the tasks already held is
    read LOOKUP ids at a time, a level of the tree per round (none of it when the account had no tasks:
    then every link is the file's). A cycle always holds a link from the file (the tasks held had none),
    and it is that link which goes."""
    parents: dict[int, int] = {}  # task -> line, for the tasks the file gave a parent
    depends: dict[int, int] = {}  # task -> line, for the tasks the file gave dependencies
    for batch in links:
        for task_id, line, link, _ in batch:
            if link[1]:
                parents[task_id] = line
            if link[2]:
                depends[task_id] = line
    if parents:
        _untangle_parents(merge, parents)
    if depends:
        _untangle_depends(merge, depends)


def _rows(merge: Merge, columns: tuple[Any, Any], key: Any, ids: Iterable[int]) -> Iterator[tuple[Any, Any]]:
    """(column, column) of the rows whose `key` is among `ids`, LOOKUP ids a statement. The ids are the
    user's tasks (the second pass linked only those), so no user_id test: with one, SQLite may walk the
    user's index, every task of the user for every statement."""
    for chunk in chunks(sorted(ids)):
        yield from merge.connection.execute(select(*columns).where(key.in_(chunk)))


def _uuids(merge: Merge, ids: Iterable[int]) -> dict[int, str]:
    table = Task.__table__
    return dict(_rows(merge, (table.c.id, table.c.uuid), table.c.id, set(ids)))


def _untangle_parents(merge: Merge, lines: dict[int, int]) -> None:
    table = Task.__table__
    up: dict[int, int | None] = {}  # task -> parent, for the file's children and everything above them
    frontier: Iterable[int] = lines
    while frontier:
        found = dict(_rows(merge, (table.c.id, table.c.parent_id), table.c.id, frontier))
        up.update(found)
        up.update((task_id, None) for task_id in frontier if task_id not in found)
        # a task the file made has no parent but the one the file gave it
        frontier = {p for p in found.values() if p is not None and p not in up and (merge.had_tasks or p in lines)}
    order = sorted(lines, key=lines.__getitem__)
    cycles: list[int] = []
    state: dict[int, bool] = {}  # True: on the walk now; False: walked, no cycle above it
    for start in order:
        path, node = [], start
        while node is not None and node not in state:
            state[node] = True
            path.append(node)
            node = up.get(node)
        if node is not None and state[node]:  # back on this walk: a cycle from `node` to path[-1]
            ring = path[path.index(node) :]
            victim = next((task for task in reversed(ring) if task in lines), None)
            if victim is not None:
                up[victim] = None
                cycles.append(victim)
        for task in path:
            state[task] = False
    below = _levels_below_held(merge, lines) if merge.had_tasks else {}
    deep: list[int] = []
    depth: dict[int, int] = {}  # ancestors of a task
    for start in order:
        path, node = [], start
        while node is not None and node not in depth:
            path.append(node)
            node = up.get(node)
        level = -1 if node is None else depth[node]
        for task in reversed(path):
            level += 1
            if task in lines and up.get(task) is not None and level + below.get(task, 0) >= MAX_DEPTH:
                up[task] = None
                deep.append(task)
                level = 0
            depth[task] = level
    if not cycles and not deep:
        return
    for chunk in chunks([*cycles, *deep]):
        merge.connection.execute(table.update().where(table.c.id.in_(chunk)).values(parent_id=None))
    uuids = _uuids(merge, [*cycles, *deep])
    for task in cycles:
        merge.note(f"line {lines[task]}: the parent of {uuids[task]} is dropped: it would be under itself")
    for task in deep:
        merge.note(f"line {lines[task]}: the parent of {uuids[task]} is dropped: subtasks can be at most {MAX_DEPTH} levels deep")


def _levels_below_held(merge: Merge, lines: dict[int, int]) -> dict[int, int]:
    """For the file's children: how many levels of subtasks each has that are not the file's children
    themselves (tasks held, which come along under it), read a level at a time."""
    table = Task.__table__
    seen, frontier, found = set(lines), list(lines), []
    while frontier:
        step = []
        for child, parent in _rows(merge, (table.c.id, table.c.parent_id), table.c.parent_id, frontier):
            if child not in seen:
                seen.add(child)
                step.append(child)
                found.append((child, parent))
        frontier = step
    height: dict[int, int] = {}
    for child, parent in reversed(found):  # a child was found after its parent
        height[parent] = max(height.get(parent, 0), height.get(child, 0) + 1)
    return height


def _untangle_depends(merge: Merge, lines: dict[int, int]) -> None:
    table = TaskDependency.__table__
    out: dict[int, list[int]] = {}  # task -> its blockers, for the file's tasks and all they reach
    frontier: Iterable[int] = lines
    while frontier:
        out.update((task, []) for task in frontier)
        for task, blocker in _rows(merge, (table.c.task_id, table.c.blocker_id), table.c.task_id, frontier):
            out[task].append(blocker)
        # a task the file made depends on nothing but what the file said
        frontier = {b for task in frontier for b in out[task] if b not in out and (merge.had_tasks or b in lines)}
    for blockers in out.values():
        blockers.sort()
    cut: list[tuple[int, int]] = []
    todo = sorted(out, key=lambda task: (lines.get(task, 0), task))
    while todo:
        knots, todo = _knots(todo, out), []
        for knot in knots:
            members = set(knot)
            start = min((task for task in knot if task in lines), key=lines.__getitem__, default=None)
            if start is None:  # pragma: no cover - the tasks held had no cycle
                continue
            prev: dict[int, int] = {}
            queue, last = deque([start]), None
            while queue and last is None:  # the shortest way back to `start`
                task = queue.popleft()
                for blocker in out[task]:
                    if blocker == start:
                        last = task
                        break
                    if blocker in members and blocker not in prev:
                        prev[blocker] = task
                        queue.append(blocker)
            first = last
            while prev[first] != start:
                first = prev[first]
            out[start].remove(first)  # start -> first is on the cycle, and the file's
            cut.append((start, first))
            todo.extend(knot)
    if not cut:
        return
    merge.connection.execute(
        table.delete().where(table.c.task_id == bindparam("task"), table.c.blocker_id == bindparam("blocker")),
        [{"task": task, "blocker": blocker} for task, blocker in cut],
    )
    uuids = _uuids(merge, [task for edge in cut for task in edge])
    for task, blocker in cut:
        merge.note(f"line {lines[task]}: {uuids[task]} no longer depends on {uuids[blocker]}: they blocked each other")


def _knots(nodes: list[int], out: dict[int, list[int]]) -> list[list[int]]:
    """The strongly connected sets of more than one of `nodes` (edges to others are left out): Tarjan's
    walk, without recursion."""
    inside = set(nodes)
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    knots: list[list[int]] = []
    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(out.get(root, ())))]
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in inside:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(out.get(nxt, ()))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    knot = []
                    while True:
                        task = stack.pop()
                        on_stack.discard(task)
                        knot.append(task)
                        if task == node:
                            break
                    if len(knot) > 1:
                        knots.append(knot)
    return knots


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
