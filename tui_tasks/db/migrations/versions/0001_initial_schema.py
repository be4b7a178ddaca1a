"""Initial schema: users, tasks and tags.

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 19:37:46.064222

Forward-only: tui-tasks never downgrades; a backup of an SQLite file is taken before upgrading.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('password_hash', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_login_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('email', name=op.f('uq_user_email')),
    sqlite_autoincrement=True,
    )
    op.create_table('task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('completed', sa.Boolean(), nullable=False),
    sa.Column('completed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('project', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('priority BETWEEN 0 AND 3', name=op.f('ck_task_priority')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_task_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task')),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index('ix_task_user_completed_at', ['user_id', 'completed_at'], unique=False)
        batch_op.create_index('ix_task_user_completed_due', ['user_id', 'completed', 'due', 'id'], unique=False)
        batch_op.create_index('ix_task_user_created', ['user_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_task_user_due', ['user_id', 'due', 'id'], unique=False)
        batch_op.create_index('ix_task_user_priority', ['user_id', 'priority', 'id'], unique=False)
        batch_op.create_index('ix_task_user_project', ['user_id', 'project', 'id'], unique=False)
        batch_op.create_index('ix_task_user_title', ['user_id', 'title', 'id'], unique=False)
        batch_op.create_index('ix_task_user_updated', ['user_id', 'updated_at', 'id'], unique=False)

    op.create_table('task_tag',
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('tag', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_task_tag_task_id_task'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('task_id', 'tag', name=op.f('pk_task_tag'))
    )
    with op.batch_alter_table('task_tag', schema=None) as batch_op:
        batch_op.create_index('ix_task_tag_tag_task', ['tag', 'task_id'], unique=False)

