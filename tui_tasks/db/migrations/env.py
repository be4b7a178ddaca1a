"""Alembic environment. tui-tasks passes an open connection, already inside a transaction."""

from alembic import context
from sqlmodel import SQLModel

import tui_tasks.db.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from tui_tasks.db.migrations import include_object

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite can only alter a table by copying it
    compare_type=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
