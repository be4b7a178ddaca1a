"""operation, operation_task: the log of every change, for undo and redo across restarts (issue 11)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 22:40:00

Forward-only: tui-tasks never downgrades; a backup of an SQLite file is taken before upgrading.
Two new tables, nothing else changes: a database upgraded from 0007 starts with an empty history.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('operation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.Column('undone', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_operation_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operation')),
    sqlite_autoincrement=True
    )
    op.create_index('ix_operation_user_id', 'operation', ['user_id', 'id'], unique=False)
    op.create_table('operation_task',
    sa.Column('operation_id', sa.Integer(), nullable=False),
    sa.Column('task_uuid', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['operation_id'], ['operation.id'], name=op.f('fk_operation_task_operation_id_operation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_operation_task_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('operation_id', 'task_uuid', name=op.f('pk_operation_task'))
    )
    op.create_index('ix_operation_task_user_task', 'operation_task', ['user_id', 'task_uuid', 'operation_id'], unique=False)

