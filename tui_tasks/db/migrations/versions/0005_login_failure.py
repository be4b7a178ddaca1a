"""login_failure: the lockout counted per email as typed, with or without an account

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 16:38:06.063636

Forward-only: tui-tasks never downgrades; a backup of an SQLite file is taken before upgrading.
The count lived on the account (user.failed_logins, user.locked_until), so only an email with an account
could be locked, and the lock message told which emails have one. It moves to a table keyed by the email
typed, and the two user columns go: one place for the count, and a client still at 0004 fails on the
missing columns instead of keeping a second count of its own (upgrade every client first, README).
A count in progress (or a lock) is carried over under the account's email.
On SQLite the columns are dropped with ALTER TABLE DROP COLUMN (3.35+): a rebuild of `user` would lose
its AUTOINCREMENT and its sequence, so a deleted account's id could be given out again. Before 3.35 the
table is rebuilt with AUTOINCREMENT and its sequence put back.
"""
import sqlite3
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('login_failure',
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('email', name=op.f('pk_login_failure'))
    )
    op.execute(
        'INSERT INTO login_failure (email, failures, locked_until)'
        ' SELECT email, failed_logins, locked_until FROM "user" WHERE failed_logins > 0 OR locked_until IS NOT NULL'
    )
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_column('user', 'failed_logins')
        op.drop_column('user', 'locked_until')
    elif sqlite3.sqlite_version_info >= (3, 35):
        op.execute('ALTER TABLE "user" DROP COLUMN failed_logins')
        op.execute('ALTER TABLE "user" DROP COLUMN locked_until')
    else:
        seq = bind.exec_driver_sql("SELECT seq FROM sqlite_sequence WHERE name = 'user'").scalar()
        with op.batch_alter_table('user', recreate='always', table_kwargs={'sqlite_autoincrement': True}) as batch_op:
            batch_op.drop_column('failed_logins')
            batch_op.drop_column('locked_until')
        if seq is not None:
            bind.exec_driver_sql("DELETE FROM sqlite_sequence WHERE name = 'user'")
            bind.exec_driver_sql("INSERT INTO sqlite_sequence (name, seq) VALUES ('user', ?)", (seq,))
