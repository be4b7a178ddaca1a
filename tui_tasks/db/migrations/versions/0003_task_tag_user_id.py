"""task_tag.user_id: a user's tags as one range of an index

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 00:56:49.340249

Forward-only: tui-tasks never downgrades; a backup of an SQLite file is taken before upgrading.
The stats' top tags joined every tag to its task to find the user's: 47 ms of a 70 ms stats load at
100,000 tasks. With the owner on the tag row they are one range of (user_id, tag, task_id), which
also serves tag search and the tag filter; the old (tag, task_id) index served only those two.
The column is added empty, filled from each tag's task, then made NOT NULL (on SQLite the second
step rebuilds the table, which batch mode does with foreign keys off).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('task_tag', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
    op.execute("UPDATE task_tag SET user_id = (SELECT task.user_id FROM task WHERE task.id = task_tag.task_id)")
    with op.batch_alter_table('task_tag', schema=None) as batch_op:
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_index(batch_op.f('ix_task_tag_tag_task'))
        batch_op.create_index('ix_task_tag_user_tag', ['user_id', 'tag', 'task_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_task_tag_user_id_user'), 'user', ['user_id'], ['id'], ondelete='CASCADE')
