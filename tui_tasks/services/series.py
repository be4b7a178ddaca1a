"""Repeating tasks. A series holds the rule, the first due and the template each new instance starts from;
each instance is a task with the series' id and its occurrence number.

Completing (or skipping) instance k makes instance k+1 exactly once: the series' `last_occurrence` moves
from below k+1 to k+1 in one conditional UPDATE, and only the writer whose UPDATE changed the row inserts
the instance; the unique (series_id, occurrence) index refuses any second insert all the same. So two
windows, or two processes, completing the same instance at once make one next instance, not two.
"""

from __future__ import annotations

import uuid as uuidlib
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from tui_tasks.db.tables import Task, TaskSeries, TaskTag
from tui_tasks.domain import Recurrence, TaskDraft, local_date
from tui_tasks.services.relations import loaded, stored_due


def start(session: Session, user_id: int, task: Task, recurrence: Recurrence, tags: tuple[str, ...], now: datetime) -> None:
    """Make `task` the first instance of a new series (a task without a due is due today)."""
    if task.due is None:
        task.due, task.due_has_time = stored_due(local_date(now))
    series = TaskSeries(
        user_id=user_id, uuid=str(uuidlib.uuid4()), rule=recurrence.rule, after_completion=recurrence.after_completion,
        first_due=task.due, first_due_has_time=task.due_has_time, last_occurrence=0, active=True,
        title=task.title, description=task.description, priority=task.priority, project=task.project,
        tags=" ".join(tags), created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(series)
    session.flush()
    task.series_id, task.occurrence = series.id, 0


def of(session: Session, task: Task) -> TaskSeries | None:
    if task.series_id is None:
        return None
    return session.get(TaskSeries, task.series_id)


def change(
    series: TaskSeries, task: Task, draft: TaskDraft, tags: tuple[str, ...], now: datetime, *, due_moved: bool = False
) -> None:
    """Edit the whole series: its rule and template become what `draft` says of this instance. A new rule,
    or a new due for this instance (`due_moved`: 10:00 instead of 09:00), counts from this instance: its
    due (today if it has none, as when a series starts) becomes the series' first, and it gets a number
    above every one used so far (the unique (series, occurrence) index still holds). The same rule with a
    COUNT keeps the number of instances still to come."""
    new_rule = draft.recurrence is not None and (series.rule, series.after_completion) != (
        draft.recurrence.rule, draft.recurrence.after_completion
    )
    if new_rule or due_moved and task.occurrence is not None and task.occurrence >= series.first_occurrence:
        if task.due is None:
            task.due, task.due_has_time = stored_due(local_date(now))
        if new_rule:
            series.rule, series.after_completion = draft.recurrence.rule, draft.recurrence.after_completion
        else:
            series.rule = _count_left(series.rule, task.occurrence - series.first_occurrence)
        series.first_due, series.first_due_has_time = task.due, task.due_has_time
        series.last_occurrence += 1
        series.first_occurrence = task.occurrence = series.last_occurrence
    series.title, series.description, series.priority = task.title, task.description, task.priority
    series.project, series.tags, series.updated_at = task.project, " ".join(tags), now


def _count_left(rule: str, done: int) -> str:
    """The rule with its COUNT less the `done` instances before this one (at least this one is left)."""
    parts = [part.split("=", 1) for part in rule.split(";")]
    return ";".join(f"{k}={max(1, int(v) - done)}" if k == "COUNT" and v.isdigit() else f"{k}={v}" for k, v in parts)


def next_instance(session: Session, user_id: int, task: Task, now: datetime, completed_at: datetime | None) -> Task | None:
    """Make the instance after `task` if no one made it yet; None otherwise (no series, stopped, the rule
    has ended, or another writer made it)."""
    series = of(session, task)
    if series is None or not series.active or task.occurrence is None or task.occurrence < series.first_occurrence:
        return None
    from tui_tasks.recurrence import next_due  # dateutil is imported only when a series moves on

    first = loaded(series.first_due, series.first_due_has_time)
    previous = loaded(task.due, task.due_has_time)
    following = next_due(Recurrence(series.rule, series.after_completion), first, task.occurrence - series.first_occurrence,
                         completed_at=completed_at or now, previous_due=previous)  # fmt: skip
    if following is None:
        return None
    number, due = following[0] + series.first_occurrence, following[1]
    claimed = session.exec(
        update(TaskSeries)
        .where(col(TaskSeries.id) == series.id, col(TaskSeries.last_occurrence) < number)
        .values(last_occurrence=number)
        .execution_options(synchronize_session=False)  # (no need to look through the session: it is 1/3 of a bulk)
    )
    if claimed.rowcount != 1:
        return None
    due_at, has_time = stored_due(due)
    row = Task(
        user_id=user_id, title=series.title, description=series.description, priority=series.priority,
        project=series.project, due=due_at, due_has_time=has_time, created_at=now, updated_at=now,
        uuid=str(uuidlib.uuid4()), series_id=series.id, occurrence=number, parent_id=task.parent_id,
    )  # fmt: skip
    session.add(row)
    session.flush()
    tags = series.tags.split()
    if tags:
        session.add_all(TaskTag(task_id=row.id, tag=tag, user_id=user_id) for tag in tags)
        session.flush()
    return row


def stop(session: Session, task: Task, now: datetime) -> None:
    series = of(session, task)
    if series is not None:
        series.active, series.updated_at = False, now
