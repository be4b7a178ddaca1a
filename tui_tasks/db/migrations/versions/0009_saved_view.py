"""saved_view: named filters and orders per user; ix_task_user_completed_wait for the agenda (issue 11)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 22:40:01

Forward-only: tui-tasks never downgrades; a backup of an SQLite file is taken before upgrading.
A new table; the default views are made by the service for a user who has none. The index lets the
agenda count a user's waiting tasks by day from the index alone (100k tasks: 75 -> 30 ms).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('saved_view',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('filter', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('sort', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('descending', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_saved_view_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_view')),
    sqlite_autoincrement=True
    )
    op.create_index('ix_saved_view_user_name', 'saved_view', ['user_id', 'name'], unique=True)
    op.create_index('ix_task_user_completed_wait', 'task', ['user_id', 'completed', 'wait'], unique=False)
