"""What a task row holds besides its own fields: dues as stored, the tree (parent), dependencies, the
series a task repeats in, and annotations. Every statement is scoped by the user's id.

Dues and waits are stored as an instant (UTC) and a "has a time" flag (see `domain.Due`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timezone
from typing import Any

from sqlalchemy import case, delete, func, insert, select, update
from sqlmodel import Session, col

from tui_tasks.db.tables import Annotation, Task, TaskDependency, TaskSeries, User
from tui_tasks.domain import END_OF_DAY, Due, Recurrence, visible
from tui_tasks.errors import NotFound, ValidationError

MAX_DEPTH = 100  # a tree deeper than this is refused (and a walk up stops there)
SUBTREE_MAX = 2000  # tasks of one level read when measuring a subtree's depth (a wider level is cut there)


def stored_due(due: Due | None) -> tuple[datetime | None, bool]:
    """A due as its columns hold it: (instant, has a time). A day without a time is stored "floating", as
    23:59:59 of that day in UTC, and read back as that day in any time zone: a task due on the 1st is due
    on the 1st for a laptop in New York and a server in UTC alike (the SQL compares it with the local day:
    see task_queries)."""
    if due is None:
        return None, False
    if isinstance(due, datetime):
        return due.astimezone(timezone.utc), True
    return datetime.combine(due, END_OF_DAY, tzinfo=timezone.utc), False


def stored_wait(wait: Due | None) -> tuple[datetime | None, bool]:
    """A wait as its columns hold it; a day without a time floating at its start (00:00 UTC)."""
    if wait is None:
        return None, False
    if isinstance(wait, datetime):
        return wait.astimezone(timezone.utc), True
    return datetime.combine(wait, time(), tzinfo=timezone.utc), False


def loaded(moment: datetime | None, has_time: bool) -> Due | None:
    """A due or wait from its columns: the instant, or the day it floats on."""
    if moment is None:
        return None
    return moment if has_time else moment.astimezone(timezone.utc).date()


def floating(day: date, at: time = time()) -> datetime:
    """How a day without a time is compared in SQL: that wall-clock time as if it were UTC."""
    return datetime.combine(day, at, tzinfo=timezone.utc)


def lock_user(session: Session, user_id: int) -> None:
    """Take the user's row for this transaction, before any check that another writer could undo meanwhile
    (no cycle in the tree; the next instance of a series): on PostgreSQL a second writer waits here; on
    SQLite the write transaction already holds the whole file (BEGIN IMMEDIATE). Every write to a user's
    tasks takes it FIRST, before any task row: one writer locking a task then the user (its change count)
    while another locked the user then that task was a deadlock on PostgreSQL."""
    session.exec(update(User).where(col(User.id) == user_id).values(task_changes=col(User.task_changes)))


def owned_ids(session: Session, user_id: int, ids: Sequence[int]) -> set[int]:
    """Which of `ids` are the user's tasks."""
    good = [i for i in ids if isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**31]
    if not good:
        return set()
    return set(session.exec(select(Task.id).where(col(Task.user_id) == user_id, col(Task.id).in_(good))).scalars())


def ancestors(session: Session, task_id: int | None) -> list[int]:
    """The ids above `task_id`, nearest first (at most MAX_DEPTH)."""
    chain: list[int] = []
    while task_id is not None and len(chain) <= MAX_DEPTH:
        task_id = session.exec(select(Task.parent_id).where(col(Task.id) == task_id)).scalar()
        if task_id is not None:
            if task_id in chain:
                break
            chain.append(task_id)
    return chain


def check_parent(session: Session, user_id: int, task_id: int | None, parent_id: int | None) -> None:
    """ValidationError when `parent_id` is not the user's task, or would put `task_id` under itself."""
    if parent_id is None:
        return
    if not owned_ids(session, user_id, [parent_id]):
        raise ValidationError("parent_id", f"There is no task {parent_id} to be the parent")
    above = [parent_id, *ancestors(session, parent_id)]
    if task_id is not None and task_id in above:
        raise ValidationError("parent_id", "A task cannot be under itself or one of its subtasks")
    below = 0 if task_id is None else _levels_below(session, user_id, task_id, MAX_DEPTH - len(above))
    if len(above) + below >= MAX_DEPTH:  # a task moved brings its subtasks along
        raise ValidationError("parent_id", f"Subtasks can be at most {MAX_DEPTH} levels deep")


def _levels_below(session: Session, user_id: int, task_id: int | Sequence[int], limit: int) -> int:
    """How many levels of subtasks `task_id` has (0: none; of several tasks: the most any has), counted up
    to `limit`: one query a level."""
    levels, frontier = 0, [task_id] if isinstance(task_id, int) else list(task_id)
    while frontier and levels < limit:
        found: list[int] = []
        for start in range(0, len(frontier), 500):
            found += session.exec(
                select(Task.id).where(col(Task.user_id) == user_id, col(Task.parent_id).in_(frontier[start : start + 500]))
                .limit(SUBTREE_MAX)
            ).scalars()  # fmt: skip
        frontier = found[:SUBTREE_MAX]
        levels += bool(frontier)
    return levels


def check_parent_of_many(session: Session, user_id: int, task_ids: Sequence[int], parent_id: int) -> None:
    """`check_parent` for moving all of `task_ids` under `parent_id` at once: a few queries, not a few a task."""
    if not owned_ids(session, user_id, [parent_id]):
        raise ValidationError("parent_id", f"There is no task {parent_id} to be the parent")
    above = [parent_id, *ancestors(session, parent_id)]
    if set(above) & set(task_ids):
        raise ValidationError("parent_id", "A task cannot be under itself or one of its subtasks")
    if len(above) + _levels_below(session, user_id, task_ids, MAX_DEPTH - len(above)) >= MAX_DEPTH:
        raise ValidationError("parent_id", f"Subtasks can be at most {MAX_DEPTH} levels deep")


def _blockers_reach(session: Session, start: Sequence[int], target: int) -> bool:
    """Whether `target` is among the tasks that `start` depend on, directly or not."""
    seen, frontier = set(start), list(start)
    while frontier:
        if target in seen:
            return True
        rows = session.exec(select(TaskDependency.blocker_id).where(col(TaskDependency.task_id).in_(frontier[:500])))
        frontier = frontier[500:] + [i for i in rows.scalars() if i not in seen]
        seen.update(frontier)
    return target in seen


def set_depends(session: Session, user_id: int, task_id: int, depends: Sequence[int]) -> None:
    """Make `task_id` blocked by exactly `depends`; ValidationError for a task not the user's or a cycle."""
    wanted = tuple(dict.fromkeys(depends))
    missing = [i for i in wanted if i not in owned_ids(session, user_id, wanted)]
    if missing:
        raise ValidationError("depends", f"There is no task {missing[0]} to depend on")
    if task_id in wanted:
        raise ValidationError("depends", "A task cannot depend on itself")
    if wanted and _blockers_reach(session, wanted, task_id):
        raise ValidationError("depends", "That would make a cycle: a task it depends on already depends on it")
    # On the connection: no dependency is ever an object in the session, and an ORM statement would look
    # through every object the session holds (an undo of thousands of tasks calls this for each).
    session.flush()
    session.connection().execute(delete(TaskDependency).where(col(TaskDependency.task_id) == task_id))
    if wanted:
        session.connection().execute(insert(TaskDependency), [{"task_id": task_id, "blocker_id": b, "user_id": user_id} for b in wanted])


def relations_of(session: Session, rows: Sequence[Task]) -> dict[int, dict[str, Any]]:
    """For each row: depends, blocked, blocking, children, recurrence (keyword arguments of TaskView), in a
    few statements for the whole page."""
    ids = [row.id for row in rows]
    found: dict[int, dict[str, Any]] = {i: {} for i in ids}
    if not ids:
        return found
    blocker = Task.__table__.alias("blocker")
    deps = session.exec(
        select(TaskDependency.task_id, TaskDependency.blocker_id, blocker.c.completed)
        .join(blocker, blocker.c.id == TaskDependency.blocker_id)
        .where(col(TaskDependency.task_id).in_(ids))
    )
    for task_id, blocker_id, done in sorted(deps, key=lambda row: row[1]):
        info = found[task_id]
        info["depends"] = (*info.get("depends", ()), blocker_id)
        info["blocked"] = info.get("blocked", False) or not done
    blocked = Task.__table__.alias("blocked")
    counts = session.exec(
        select(TaskDependency.blocker_id, func.count())
        .join(blocked, blocked.c.id == TaskDependency.task_id)
        .where(col(TaskDependency.blocker_id).in_(ids), blocked.c.completed.is_(False))
        .group_by(TaskDependency.blocker_id)
    )
    done = {row.id for row in rows if row.completed}
    for blocker_id, n in counts:
        if blocker_id not in done:  # a done task blocks no one, as its dependents' `blocked` says
            found[blocker_id]["blocking"] = n
    children = session.exec(
        select(Task.parent_id, func.count(), func.sum(case((col(Task.completed), 1), else_=0)))
        .where(col(Task.parent_id).in_(ids), col(Task.user_id) == rows[0].user_id)
        .group_by(Task.parent_id)
    )
    for parent_id, n, done in children:
        found[parent_id]["children"] = (int(done or 0), n)
    series_ids = {row.series_id for row in rows if row.series_id is not None}
    if series_ids:
        rules = dict(
            (sid, Recurrence(rule, after))
            for sid, rule, after, active in session.exec(
                select(TaskSeries.id, TaskSeries.rule, TaskSeries.after_completion, TaskSeries.active).where(
                    col(TaskSeries.id).in_(series_ids)
                )
            )
            if active
        )
        for row in rows:
            if row.series_id in rules:
                found[row.id]["recurrence"] = rules[row.series_id]
    return found


def annotations(session: Session, user_id: int, task_id: int) -> list[tuple[int, datetime, str]]:
    """The task's notes, oldest first: (id, entry, text)."""
    rows = session.exec(
        select(Annotation.id, Annotation.entry, Annotation.text)
        .where(col(Annotation.user_id) == user_id, col(Annotation.task_id) == task_id)
        .order_by(Annotation.entry, Annotation.id)
    )
    return [(i, entry, visible(text, lines=True)) for i, entry, text in rows]


def add_annotation(session: Session, user_id: int, task_id: int, entry: datetime, text: str) -> int:
    if not owned_ids(session, user_id, [task_id]):
        raise NotFound("Task not found (it may have been deleted)")
    row = Annotation(task_id=task_id, user_id=user_id, entry=entry, text=text)
    session.add(row)
    session.flush()
    return row.id
