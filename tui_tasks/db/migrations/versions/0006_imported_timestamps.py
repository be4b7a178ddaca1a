"""task: timestamps written by imports before this version stored as SQLAlchemy stores them (SQLite)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 18:10:00

Forward-only: tui-tasks never downgrades; a backup of an SQLite file is taken before upgrading.
Imports used to hand datetimes to sqlite3 itself, which stores '2026-03-10 12:00:00+00:00' where
SQLAlchemy stores '2026-03-10 12:00:00.000000'. Keyset paging by created or updated compares the text:
over imported tasks sharing a second a page could repeat or end early (120 todo.txt tasks of one day
showed 50 in ascending order, and descending never ended). Imports now store SQLAlchemy's text; this
rewrites what earlier ones left. The values are UTC either way (imports convert to UTC), so only the
text changes. PostgreSQL stores real timestamps: nothing to do there.
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# '... HH:MM:SS+00:00' -> '... HH:MM:SS.000000'; '... HH:MM:SS.ffffff+00:00' -> '... HH:MM:SS.ffffff'
NORMAL = ("CASE WHEN instr(substr({c}, 1, length({c}) - 6), '.') > 0 THEN substr({c}, 1, length({c}) - 6) "
          "ELSE substr({c}, 1, length({c}) - 6) || '.000000' END")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for column in ("created_at", "updated_at", "completed_at"):
        op.execute(f"UPDATE task SET {column} = {NORMAL.format(c=column)} WHERE {column} LIKE '%+00:00'")

