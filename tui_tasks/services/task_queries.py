"""The WHERE and ORDER BY of task lists: filters, search and sorts, every one scoped to the user."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, or_
from sqlmodel import col, select

from tui_tasks.db.tables import Task, TaskTag
from tui_tasks.domain import SortField, TaskFilter, TaskQuery, UserView

SORT_COLUMNS = {
    SortField.CREATED: col(Task.created_at),
    SortField.UPDATED: col(Task.updated_at),
    SortField.DUE: col(Task.due),
    SortField.PRIORITY: col(Task.priority),
    SortField.TITLE: col(Task.title),
}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _tagged_like(user: UserView, pattern: str) -> ColumnElement[bool]:
    """The user's tasks with a tag LIKE `pattern`: one list of ids from one range of the (user_id, tag,
    task_id) index, not a lookup per task."""
    tagged = select(TaskTag.task_id).where(TaskTag.user_id == user.id, col(TaskTag.tag).like(pattern, escape="\\"))
    return col(Task.id).in_(tagged)


def task_conditions(
    user: UserView, query: TaskQuery, today: date, dialect: str = "sqlite"
) -> list[ColumnElement[bool]]:
    """The WHERE clause of a list or count: the user's tasks that match the query's filter and search.

    SQLite's LIKE already ignores ASCII case; its ILIKE is lower(x) LIKE lower(y), twice the work.
    """
    done = col(Task.completed)
    conditions: list[ColumnElement[bool]] = [col(Task.user_id) == user.id]
    match query.filter:
        case TaskFilter.PENDING:
            conditions.append(done.is_(False))
        case TaskFilter.DONE:
            conditions.append(done.is_(True))
        case TaskFilter.OVERDUE:
            conditions += [done.is_(False), col(Task.due) < today]
        case TaskFilter.TODAY:
            conditions += [done.is_(False), col(Task.due) == today]
    if query.project is not None:
        conditions.append(col(Task.project) == query.project)
    if query.tag is not None:
        tag = query.tag.strip().lstrip("#").lower()
        conditions.append(col(Task.id).in_(select(TaskTag.task_id).where(TaskTag.user_id == user.id, TaskTag.tag == tag)))
    for word in query.search.split():
        if word.startswith("#") and len(word) > 1:  # "#wor" searches tags only, by prefix
            prefix = f"{_escape_like(word[1:].lower())}%"
            conditions.append(_tagged_like(user, prefix))
            continue
        pattern = f"%{_escape_like(word)}%"
        matches = (lambda c: c.like(pattern, escape="\\")) if dialect == "sqlite" else (lambda c: c.ilike(pattern, escape="\\"))
        conditions.append(
            or_(
                matches(col(Task.title)),
                matches(col(Task.description)),
                matches(col(Task.project)),
                _tagged_like(user, pattern.lower()),
            )
        )
    return conditions
