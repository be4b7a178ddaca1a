"""The WHERE and ORDER BY of task lists: filters, search and sorts, every one scoped to the user."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, exists, or_
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


def task_conditions(user: UserView, query: TaskQuery, today: date) -> list[ColumnElement[bool]]:
    """The WHERE clause of a list or count: the user's tasks that match the query's filter and search."""
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
        conditions.append(col(Task.id).in_(select(TaskTag.task_id).where(TaskTag.tag == tag)))
    for word in query.search.split():
        if word.startswith("#") and len(word) > 1:  # "#wor" searches tags only, by prefix
            prefix = f"{_escape_like(word[1:].lower())}%"
            conditions.append(exists().where(TaskTag.task_id == Task.id, col(TaskTag.tag).like(prefix, escape="\\")))
            continue
        pattern = f"%{_escape_like(word)}%"
        conditions.append(
            or_(
                col(Task.title).ilike(pattern, escape="\\"),
                col(Task.description).ilike(pattern, escape="\\"),
                col(Task.project).ilike(pattern, escape="\\"),
                exists().where(TaskTag.task_id == Task.id, col(TaskTag.tag).like(pattern.lower(), escape="\\")),
            )
        )
    return conditions
