"""Export: a user's tasks streamed a page at a time (keyset on id) into a file in one of the formats.

Part of the transfer API (`tui_tasks.services.transfer.export_tasks`); no Textual here.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

from sqlalchemy import select
from sqlmodel import Session

from tui_tasks.db.tables import Annotation, Task, TaskDependency, TaskSeries, TaskTag
from tui_tasks.domain import Priority, Recurrence, UserView, visible
from tui_tasks.services.facade import Services
from tui_tasks.services.formats import FORMATS, SeriesRecord, TaskRecord, TransferError, writer
from tui_tasks.services.relations import loaded
from tui_tasks.services.targets import cannot_write, open_target, target_path

PAGE = 1000
_TASKS = Task.__table__
_TAGS = TaskTag.__table__
_NOTES = Annotation.__table__
_DEPS = TaskDependency.__table__
_SERIES = TaskSeries.__table__
_PARENT = _TASKS.alias("parent")
_BLOCKER = _TASKS.alias("blocker")
_COLUMNS = [_TASKS.c[name] for name in ("id", "title", "description", "completed", "completed_at", "priority",
                                         "due", "due_has_time", "project", "created_at", "updated_at", "uuid",
                                         "wait", "wait_has_time", "occurrence", "extras")]  # fmt: skip
_LINKED = [_PARENT.c.uuid, _SERIES.c.uuid, _SERIES.c.rule, _SERIES.c.after_completion, _SERIES.c.active]


def _extras(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def user_series(session: Session, user: UserView, page_size: int = 1000) -> Iterator[SeriesRecord]:
    """Every series of `user`, in id order, with the (occurrence, done) of the instances held."""
    connection = session.connection()
    priorities = list(Priority)
    last = 0
    while True:
        rows = connection.execute(
            select(_SERIES).where(_SERIES.c.id > last, _SERIES.c.user_id == user.id).order_by(_SERIES.c.id).limit(page_size)
        ).all()
        if not rows:
            return
        last = rows[-1].id
        held: dict[int, list[tuple[int, bool]]] = {row.id: [] for row in rows}
        for series_id, occurrence, done in connection.execute(
            select(_TASKS.c.series_id, _TASKS.c.occurrence, _TASKS.c.completed)
            .where(_TASKS.c.series_id.in_(list(held)), _TASKS.c.occurrence.is_not(None))
            .order_by(_TASKS.c.series_id, _TASKS.c.occurrence)
        ):
            held[series_id].append((occurrence, bool(done)))
        for row in rows:
            yield SeriesRecord(
                uuid=row.uuid, title=row.title, rule=row.rule, first_due=loaded(row.first_due, row.first_due_has_time),
                after_completion=row.after_completion, first_occurrence=row.first_occurrence,
                last_occurrence=row.last_occurrence, active=row.active, description=row.description,
                priority=priorities[row.priority], project=row.project, tags=tuple(row.tags.split()),
                extras=_extras(row.extras), created_at=row.created_at, updated_at=row.updated_at,
                instances=tuple(held[row.id]),
            )  # fmt: skip
        if len(rows) < page_size:
            return


def user_records(session: Session, user: UserView, page_size: int = 1000) -> Iterator[TaskRecord]:
    """Every task of `user`, in id order, without holding more than one page of them."""
    connection = session.connection()
    priorities = list(Priority)
    last = 0
    while True:
        # `user_id + 0`: walk the primary key. Left to itself the planner may read the user's whole
        # (user_id, ...) index and sort it for every page: minutes instead of seconds at 100,000 tasks.
        rows = connection.execute(
            select(*_COLUMNS, *_LINKED)
            .select_from(_TASKS.outerjoin(_PARENT, _PARENT.c.id == _TASKS.c.parent_id)
                         .outerjoin(_SERIES, _SERIES.c.id == _TASKS.c.series_id))
            .where(_TASKS.c.id > last, _TASKS.c.user_id + 0 == user.id)
            .order_by(_TASKS.c.id)
            .limit(page_size)
        ).all()  # fmt: skip
        if not rows:
            return
        first, last = rows[0][0], rows[-1][0]
        tags: dict[int, list[str]] = {row[0]: [] for row in rows}
        # The tags of this page: one range of the (task_id, tag) key; other users' in it are dropped.
        for task_id, tag in connection.execute(
            select(_TAGS.c.task_id, _TAGS.c.tag)
            .where(_TAGS.c.task_id.between(first, last))
            .order_by(_TAGS.c.task_id, _TAGS.c.tag)
        ):
            if task_id in tags:
                tags[task_id].append(tag)
        notes = _by_task(connection.execute(
            select(_NOTES.c.task_id, _NOTES.c.entry, _NOTES.c.text)
            .where(_NOTES.c.task_id.between(first, last), _NOTES.c.user_id == user.id)
            .order_by(_NOTES.c.task_id, _NOTES.c.entry, _NOTES.c.id)
        ))  # fmt: skip
        depends = _by_task(connection.execute(
            select(_DEPS.c.task_id, _BLOCKER.c.uuid).join(_BLOCKER, _BLOCKER.c.id == _DEPS.c.blocker_id)
            .where(_DEPS.c.task_id.between(first, last), _DEPS.c.user_id == user.id)
            .order_by(_DEPS.c.task_id, _BLOCKER.c.uuid)
        ))  # fmt: skip
        for (task_id, title, description, completed, completed_at, priority, due, due_has_time, project, created,
             updated, uuid, wait, wait_has_time, occurrence, extras, parent, series, rule, after, active) in rows:
            yield TaskRecord(
                title, description, completed, completed_at, priorities[priority], loaded(due, due_has_time), project,
                tuple(tags[task_id]), created, updated, uuid=uuid, wait=loaded(wait, wait_has_time), parent=parent,
                depends=tuple(u for (u,) in depends.get(task_id, ())), annotations=tuple(notes.get(task_id, ())),
                series=series, occurrence=occurrence if series else None,
                recurrence=Recurrence(rule, after) if series and active else None, extras=_extras(extras),
            )  # fmt: skip
        if len(rows) < page_size:
            return


def _by_task(rows: Iterable[Any]) -> dict[int, list[tuple[Any, ...]]]:
    found: dict[int, list[tuple[Any, ...]]] = {}
    for task_id, *rest in rows:
        found.setdefault(task_id, []).append(tuple(rest))
    return found


PLAIN_TEXT_FORMATS = ("csv", "todotxt")  # the JSON formats escape control characters themselves


def _visible(record: TaskRecord | SeriesRecord) -> TaskRecord | SeriesRecord:
    """A record whose text cannot act on a terminal it is printed to (`tui-tasks export --format csv`
    on a screen): control characters written behind the services' back show as symbols."""
    shown = (visible(record.title), visible(record.description, lines=True),
             None if record.project is None else visible(record.project), tuple(map(visible, record.tags)))  # fmt: skip
    if shown == (record.title, record.description, record.project, record.tags):
        return record  # the usual case: nothing to show differently, no copy
    title, description, project, tags = shown
    return dataclasses.replace(record, title=title, description=description, project=project, tags=tags)


def export_tasks(
    services: Services,
    user: UserView,
    destination: str | os.PathLike[str] | TextIO,
    fmt: str = "json",
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write all of `user`'s tasks, oldest id first, to a file path or a text stream; return how many.

    A path is what `export_target` accepts: a file is written to a private temporary file beside it
    and renamed over it when complete (an interrupted export leaves the old file as it was); a FIFO
    or a terminal is written in place. `progress` gets the count every page.
    """
    if fmt not in FORMATS:
        raise TransferError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    if not isinstance(destination, (str, os.PathLike)):
        return _export(services, user, destination, fmt, progress)
    path = target_path(destination)
    try:
        with open_target(path, services.db.target.path) as out:
            return _export(services, user, out, fmt, progress)
    except OSError as exc:  # a full disk, a reader that went away, a folder that went read-only
        raise TransferError(cannot_write(path, exc)) from None


def _export(
    services: Services, user: UserView, out: TextIO, fmt: str, progress: Callable[[int], None] | None
) -> int:
    count = 0

    def counted(records: Iterator[TaskRecord]) -> Iterator[TaskRecord]:
        nonlocal count
        for count, record in enumerate(records, start=1):  # noqa: B007 (read after the loop)
            if progress is not None and count % PAGE == 0:
                progress(count)
            yield record

    with services.db.session(snapshot=True) as session:  # one read transaction, one moment: no task twice
        records = itertools.chain(user_series(session, user, PAGE), counted(user_records(session, user, PAGE)))
        if fmt in PLAIN_TEXT_FORMATS:
            records = map(_visible, records)
        writer(fmt)(records, out)
    if progress is not None:
        progress(count)
    return count
