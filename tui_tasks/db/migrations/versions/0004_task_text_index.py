"""task_text: a trigram index of the tasks' text (SQLite with FTS5 only)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 02:00:00

Forward-only: tui-tasks never downgrades; a backup of an SQLite file is taken before upgrading.
Searching for a word with LIKE '%word%' reads every task of the user: ~0.25 s at 100,000 tasks for a
word few tasks have. An FTS5 table with the trigram tokenizer answers LIKE '%word%' (3 characters or
more) from its index in under a millisecond. It holds each task's title, notes and project, one text
a task (rowid = task id), kept in step by triggers, so every writer keeps it right. detail='none':
LIKE needs no positions, and the index is a third smaller and faster to build. Searches use it only to
find candidates; the task's own columns still decide (see services/task_queries.py).

PostgreSQL, and an SQLite built without FTS5, search as before (nothing is created).
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BODY = "{row}.title || char(10) || {row}.description || char(10) || coalesce({row}.project, '')"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite" or not bind.exec_driver_sql("SELECT sqlite_compileoption_used('ENABLE_FTS5')").scalar():
        return
    new = BODY.format(row="new")
    op.execute("CREATE VIRTUAL TABLE task_text USING fts5(body, tokenize='trigram', detail='none')")
    op.execute(f"CREATE TRIGGER task_text_insert AFTER INSERT ON task BEGIN "
               f"INSERT INTO task_text(rowid, body) VALUES (new.id, {new}); END")
    op.execute(f"CREATE TRIGGER task_text_update AFTER UPDATE OF title, description, project ON task BEGIN "
               f"DELETE FROM task_text WHERE rowid = old.id; INSERT INTO task_text(rowid, body) VALUES (new.id, {new}); END")
    op.execute("CREATE TRIGGER task_text_delete AFTER DELETE ON task BEGIN DELETE FROM task_text WHERE rowid = old.id; END")
    op.execute(f"INSERT INTO task_text(rowid, body) SELECT id, {BODY.format(row='task')} FROM task")
