"""What "every task the list shows" means for a bulk action: the ids of the user's tasks a list query
matches, in one statement on the list's own indexes (not page by page)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import col, select

from tui_tasks.db.tables import Task
from tui_tasks.domain import TaskQuery, UserView
from tui_tasks.services.validation import clean_query

if TYPE_CHECKING:
    from tui_tasks.services.tasks import Tasks


def matching_ids(tasks: Tasks, user: UserView, query: TaskQuery) -> list[int]:
    """The ids of `user`'s tasks that `query` lists (its filter and search, subtasks included), by id."""
    with tasks.db.session() as session:
        conditions = tasks._conditions(session, user, clean_query(query))
        return list(session.exec(select(col(Task.id)).where(*conditions).order_by(col(Task.id))).all())
