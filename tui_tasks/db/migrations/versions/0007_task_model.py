"""task model: due with a time, uuid, wait, subtasks, dependencies, annotations, repeating series, extras

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 19:30:00

Forward-only: tui-tasks never downgrades; a backup of an SQLite file is taken before upgrading.
- task.due becomes an instant (UTC) and task.due_has_time says whether a time was given. A day without a
  time is stored "floating": 23:59:59 of that day written as UTC, read back as that same day in any time
  zone (a team's clients in two zones, a laptop and a server, see the same day) and compared with the
  reader's local day. An old due date becomes exactly that. The column is added beside the old one,
  filled, and renamed over it, so the old indexes go and come back over the new values.
- task.uuid: a stable identity for import and export to merge by; every existing task gets a new one.
- task.wait (+ wait_has_time), task.parent_id (subtasks; SET NULL: a deleted parent's children stay),
  task.series_id + task.occurrence (unique together: the next instance of a series is made once),
  task.extras (JSON of attributes tui-tasks does not model, written back on export).
- task_series, task_dependency and annotation tables.
On SQLite every column is added with ALTER TABLE (no rebuild: a rebuild would lose the AUTOINCREMENT
sequence and the text index's triggers); the old due is dropped with ALTER TABLE DROP COLUMN (3.35+).
"""
import sqlite3
import uuid as uuidlib
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel

from tui_tasks.errors import SchemaError


revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite and sqlite3.sqlite_version_info < (3, 35):
        raise SchemaError(f"this version of tui-tasks needs SQLite 3.35 or newer (this Python has {sqlite3.sqlite_version})")
    op.create_table('task_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('uuid', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('rule', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('after_completion', sa.Boolean(), nullable=False),
    sa.Column('first_due', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('first_due_has_time', sa.Boolean(), nullable=False),
    sa.Column('first_occurrence', sa.Integer(), nullable=False),
    sa.Column('last_occurrence', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('project', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('tags', sa.Text(), nullable=False),
    sa.Column('extras', sa.Text(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_task_series_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_series')),
    sqlite_autoincrement=True
    )
    op.create_index('ix_task_series_user_uuid', 'task_series', ['user_id', 'uuid'], unique=True)
    op.create_table('task_dependency',
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('blocker_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['blocker_id'], ['task.id'], name=op.f('fk_task_dependency_blocker_id_task'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_task_dependency_task_id_task'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_task_dependency_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('task_id', 'blocker_id', name=op.f('pk_task_dependency'))
    )
    op.create_index('ix_task_dependency_blocker', 'task_dependency', ['blocker_id', 'task_id'], unique=False)
    op.create_index(op.f('ix_task_dependency_user_id'), 'task_dependency', ['user_id'], unique=False)
    op.create_table('annotation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('entry', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_annotation_task_id_task'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_annotation_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annotation'))
    )
    op.create_index('ix_annotation_task_entry', 'annotation', ['task_id', 'entry', 'id'], unique=False)
    op.create_index(op.f('ix_annotation_user_id'), 'annotation', ['user_id'], unique=False)

    false = sa.false()
    op.add_column('task', sa.Column('due_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.add_column('task', sa.Column('due_has_time', sa.Boolean(), server_default=false, nullable=False))
    op.add_column('task', sa.Column('uuid', sqlmodel.sql.sqltypes.AutoString(length=36), server_default='', nullable=False))
    op.add_column('task', sa.Column('wait', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.add_column('task', sa.Column('wait_has_time', sa.Boolean(), server_default=false, nullable=False))
    op.add_column('task', sa.Column('occurrence', sa.Integer(), nullable=True))
    op.add_column('task', sa.Column('extras', sa.Text(), nullable=True))
    if sqlite:  # ADD COLUMN ... REFERENCES: SQLite cannot add a constraint to an existing table
        op.execute('ALTER TABLE task ADD COLUMN parent_id INTEGER CONSTRAINT fk_task_parent_id_task REFERENCES task (id) ON DELETE SET NULL')
        op.execute('ALTER TABLE task ADD COLUMN series_id INTEGER CONSTRAINT fk_task_series_id_task_series REFERENCES task_series (id) ON DELETE SET NULL')
    else:
        op.add_column('task', sa.Column('parent_id', sa.Integer(), nullable=True))
        op.add_column('task', sa.Column('series_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_task_parent_id_task'), 'task', 'task', ['parent_id'], ['id'], ondelete='SET NULL')
        op.create_foreign_key(op.f('fk_task_series_id_task_series'), 'task', 'task_series', ['series_id'], ['id'], ondelete='SET NULL')

    # Old due dates -> that day, "floating": 23:59:59 of it written as UTC, read back as the same day in any
    # time zone (services/relations.stored_due).
    if sqlite:
        op.execute("UPDATE task SET due_at = due || ' 23:59:59.000000' WHERE due IS NOT NULL")
    else:
        op.execute("UPDATE task SET due_at = (due + time '23:59:59') AT TIME ZONE 'UTC' WHERE due IS NOT NULL")

    # A uuid for every existing task.
    if sqlite:
        ids = [row[0] for row in bind.exec_driver_sql("SELECT id FROM task")]
        if ids:
            bind.exec_driver_sql("UPDATE task SET uuid = ? WHERE id = ?", [(str(uuidlib.uuid4()), i) for i in ids])
    else:
        op.execute("UPDATE task SET uuid = gen_random_uuid()::text")

    op.drop_index('ix_task_user_completed_due', table_name='task')
    op.drop_index('ix_task_user_due', table_name='task')
    if sqlite:
        op.execute('ALTER TABLE task DROP COLUMN due')
    else:
        op.drop_column('task', 'due')
    op.execute('ALTER TABLE task RENAME COLUMN due_at TO due')
    op.create_index('ix_task_user_completed_due', 'task', ['user_id', 'completed', 'due', 'id'], unique=False)
    op.create_index('ix_task_user_due', 'task', ['user_id', 'due', 'id'], unique=False)
    op.create_index('ix_task_user_uuid', 'task', ['user_id', 'uuid'], unique=True)
    op.create_index('ix_task_parent', 'task', ['parent_id', 'user_id', 'completed'], unique=False)
    op.create_index('ix_task_series_occurrence', 'task', ['series_id', 'occurrence'], unique=True)
