"""What makes a large import fast on SQLite: the task indexes built once after the rows instead of kept
up to date row by row, and the text index filled in one statement instead of by its trigger.

Both run inside the import's write transaction, so a refused import rolls them back with the rest.
No Textual here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Index, func
from sqlmodel import select

from tui_tasks.db.tables import Task, TaskTag

DEFER_INDEXES_ROWS = 5_000  # an import of fewer rows keeps the indexes as they are
KEPT_INDEXES = {"ix_task_series_occurrence"}  # the second pass looks up by it


def defer_indexes(session: Any, rows: int, had_tasks: bool) -> list[Index]:
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


class TextIndexAfter:
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
        """Put the tasks written since into the text index in one statement, and make the trigger again."""
        if self.trigger is None:
            return
        self.connection.exec_driver_sql(
            f"INSERT INTO task_text(rowid, body) SELECT id, {self.BODY} FROM task WHERE id > ?", (self.after,)
        )
        self.connection.exec_driver_sql(self.trigger)