"""What "every task the list shows" means for a bulk action: the ids of the user's tasks a list query
matches, in one statement on the list's own indexes (not page by page)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import col, select

from tui_tasks.db.tables import Task
from tui_tasks.domain import TaskQuery, UserView
from tui_tasks.services.task_queries import list_conditions
from tui_tasks.services.validation import clean_query

if TYPE_CHECKING:
    from tui_tasks.services.tasks import Tasks


def matching_ids(tasks: Tasks, user: UserView, query: TaskQuery) -> list[int]:
    """The ids of `user`'s tasks that `query` lists (its filter and search, subtasks included), by id."""
    with tasks.db.session() as session:
        conditions = list_conditions(tasks.db, session, user, clean_query(query), tasks.clock())
        return list(session.exec(select(col(Task.id)).where(*conditions).order_by(col(Task.id))).all())


def all_done(tasks: Tasks, user: UserView, ids: list[int]) -> bool:
    """Whether every one of these tasks of `user` is done (a bulk "done" then means "not done")."""
    if not ids:
        return False
    with tasks.db.session() as session:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            open_one = session.exec(
                select(col(Task.id)).where(col(Task.id).in_(chunk), Task.user_id == user.id, col(Task.completed).is_(False)).limit(1)
            ).first()
            if open_one is not None:
                return False
    return True
