"""Export: a user's tasks streamed a page at a time (keyset on id) into a file in one of the formats.

Part of the transfer API (`tui_tasks.services.transfer.export_tasks`); no Textual here.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from typing import TextIO

from sqlalchemy import select
from sqlmodel import Session

from tui_tasks.db.tables import Task, TaskTag
from tui_tasks.domain import Priority, UserView, visible
from tui_tasks.services.facade import Services
from tui_tasks.services.formats import FORMATS, TaskRecord, TransferError, writer
from tui_tasks.services.targets import cannot_write, open_target, target_path

PAGE = 1000
_TASKS = Task.__table__
_TAGS = TaskTag.__table__
_COLUMNS = [_TASKS.c[name] for name in ("id", "title", "description", "completed", "completed_at", "priority",
                                         "due", "project", "created_at", "updated_at")]  # fmt: skip


def user_records(session: Session, user: UserView, page_size: int = 1000) -> Iterator[TaskRecord]:
    """Every task of `user`, in id order, without holding more than one page of them."""
    connection = session.connection()
    priorities = list(Priority)
    last = 0
    while True:
        # `user_id + 0`: walk the primary key. Left to itself the planner may read the user's whole
        # (user_id, ...) index and sort it for every page: minutes instead of seconds at 100,000 tasks.
        rows = connection.execute(
            select(*_COLUMNS)
            .where(_TASKS.c.id > last, _TASKS.c.user_id + 0 == user.id)
            .order_by(_TASKS.c.id)
            .limit(page_size)
        ).all()
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
        for task_id, title, description, completed, completed_at, priority, due, project, created, updated in rows:
            yield TaskRecord(
                title, description, completed, completed_at, priorities[priority], due, project,
                tuple(tags[task_id]), created, updated,
            )  # fmt: skip
        if len(rows) < page_size:
            return


PLAIN_TEXT_FORMATS = ("csv", "todotxt")  # the JSON formats escape control characters themselves


def _visible(record: TaskRecord) -> TaskRecord:
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
        records = user_records(session, user, PAGE)
        if fmt in PLAIN_TEXT_FORMATS:
            records = map(_visible, records)
        writer(fmt)(counted(records), out)
    if progress is not None:
        progress(count)
    return count
