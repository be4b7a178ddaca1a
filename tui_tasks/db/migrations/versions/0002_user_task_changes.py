"""A counter of changes to each user's tasks, for other windows and clients to poll.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 22:50:44.638412

Forward-only: tui-tasks never downgrades; a backup of an SQLite file is taken before upgrading.
Adding a column with a default needs no table rebuild, on SQLite or PostgreSQL.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('task_changes', sa.Integer(), server_default='0', nullable=False))

