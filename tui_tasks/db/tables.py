"""The SQLModel tables. Services turn rows into `tui_tasks.domain` read models before they leave a session.

Every index a list is sorted by ends in `id`, the tie-break of every sort, so that PostgreSQL serves
`ORDER BY <field>, id` from the index just as SQLite does with its implicit rowid.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, LargeBinary, Text
from sqlalchemy import false as sa_false
from sqlmodel import Field, SQLModel


# Named constraints, so that later migrations (SQLite batch mode above all) can refer to them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class User(SQLModel, table=True):
    """A local account. The password is only ever stored as a bcrypt hash."""

    __tablename__ = "user"
    __table_args__ = {"sqlite_autoincrement": True}  # ids are never reused: a stale session stays dead

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    display_name: str = Field(max_length=80)
    password_hash: bytes = Field(sa_type=LargeBinary)
    created_at: datetime
    last_login_at: datetime | None = None
    # One more with every write to the user's tasks, in the same transaction: another window or client
    # learns that the list changed from one primary-key read, on SQLite and PostgreSQL alike.
    task_changes: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class LoginFailure(SQLModel, table=True):
    """Failed log-ins in a row for one email as typed (normalised as stored), whether or not an account
    has it: the lockout then answers the same for every email and cannot tell which ones exist."""

    __tablename__ = "login_failure"

    email: str = Field(max_length=254, primary_key=True)
    failures: int = Field(default=0)
    locked_until: datetime | None = None


class Task(SQLModel, table=True):
    """A task of one user."""

    __tablename__ = "task"
    __table_args__ = (
        CheckConstraint("priority BETWEEN 0 AND 3", name="priority"),
        Index("ix_task_user_completed_due", "user_id", "completed", "due", "id"),
        Index("ix_task_user_due", "user_id", "due", "id"),
        Index("ix_task_user_created", "user_id", "created_at", "id"),
        Index("ix_task_user_updated", "user_id", "updated_at", "id"),
        Index("ix_task_user_priority", "user_id", "priority", "id"),
        Index("ix_task_user_title", "user_id", "title", "id"),
        Index("ix_task_user_project", "user_id", "project", "id"),
        Index("ix_task_user_completed_at", "user_id", "completed_at"),
        Index("ix_task_user_uuid", "user_id", "uuid", unique=True),  # import merges by it
        Index("ix_task_parent", "parent_id", "user_id", "completed"),  # subtask counts; ON DELETE SET NULL
        Index("ix_task_series_occurrence", "series_id", "occurrence", unique=True),  # the next instance: exactly once
        Index("ix_task_user_completed_wait", "user_id", "completed", "wait"),  # the agenda leaves waiting tasks out
        {"sqlite_autoincrement": True},  # an id is never given to another task (a task undone comes back under its own)
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_type=Text)
    completed: bool = Field(default=False)
    completed_at: datetime | None = None
    priority: int = Field(default=0)
    # An instant (UTC); without `due_has_time` the local day it ends (23:59:59 local): see domain.Due.
    due: datetime | None = None
    due_has_time: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
    project: str | None = Field(default=None, max_length=80)
    created_at: datetime
    updated_at: datetime
    version: int = Field(default=1)
    uuid: str = Field(max_length=36, sa_column_kwargs={"server_default": ""})
    # Hidden from the default list until this instant (without `wait_has_time`: the start of a local day).
    wait: datetime | None = None
    wait_has_time: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
    parent_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("task.id", ondelete="SET NULL"), nullable=True)
    )
    series_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("task_series.id", ondelete="SET NULL"), nullable=True)
    )
    occurrence: int | None = None
    # Attributes another program gave the task that tui-tasks does not model (Taskwarrior UDAs, scheduled...):
    # a JSON object, written back on export.
    extras: str | None = Field(default=None, sa_type=Text)


class TaskSeries(SQLModel, table=True):
    """A repeating task: its rule, its first due, and the fields each new instance starts from (the
    template). `last_occurrence` is the highest instance made: moving it on, with a condition on its old
    value, is how exactly one of two completions at once makes the next instance."""

    __tablename__ = "task_series"
    __table_args__ = (
        Index("ix_task_series_user_uuid", "user_id", "uuid", unique=True),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    uuid: str = Field(max_length=36)
    rule: str = Field(max_length=500)
    after_completion: bool = False
    first_due: datetime
    first_due_has_time: bool = False
    first_occurrence: int = 0  # the number of the instance whose due is `first_due` (a rule change starts anew)
    last_occurrence: int = 0
    active: bool = True  # False: stopped repeating; its instances stay
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_type=Text)
    priority: int = Field(default=0)
    project: str | None = Field(default=None, max_length=80)
    tags: str = Field(default="", sa_type=Text)  # space-separated
    extras: str | None = Field(default=None, sa_type=Text)
    created_at: datetime
    updated_at: datetime


class TaskDependency(SQLModel, table=True):
    """`task_id` is blocked by `blocker_id` (both of `user_id`)."""

    __tablename__ = "task_dependency"
    __table_args__ = (Index("ix_task_dependency_blocker", "blocker_id", "task_id"),)

    task_id: int = Field(foreign_key="task.id", ondelete="CASCADE", primary_key=True)
    blocker_id: int = Field(foreign_key="task.id", ondelete="CASCADE", primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", index=True)


class Annotation(SQLModel, table=True):
    """A timestamped note on a task (Taskwarrior's annotations)."""

    __tablename__ = "annotation"
    __table_args__ = (Index("ix_annotation_task_entry", "task_id", "entry", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", index=True)
    entry: datetime
    text: str = Field(sa_type=Text)


class TaskTag(SQLModel, table=True):
    """One tag of one task. `user_id` is the task's owner, copied here so that a user's tags are one
    range of an index: the stats' top tags and a tag search read it without visiting the user's tasks."""

    __tablename__ = "task_tag"
    __table_args__ = (Index("ix_task_tag_user_tag", "user_id", "tag", "task_id"),)

    task_id: int = Field(foreign_key="task.id", ondelete="CASCADE", primary_key=True)
    tag: str = Field(max_length=40, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")


class Operation(SQLModel, table=True):
    """One change a user made, as one step of undo and redo (issue 11): written in the same transaction as
    the change. `changes` is JSON that services.history reads: for every task it touched (by uuid, which
    survives a delete and its undo), the fields before and after. `undone`: undone, and so the next redo
    (a new operation drops the undone ones: the redo branch is gone)."""

    __tablename__ = "operation"
    __table_args__ = (Index("ix_operation_user_id", "user_id", "id"), {"sqlite_autoincrement": True})

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    at: datetime
    kind: str = Field(max_length=20)  # create, edit, toggle, delete, bulk, import, skip...
    summary: str = Field(max_length=200)  # for people: "priority medium → high", "3 tasks done"
    changes: str = Field(sa_type=Text)
    undone: bool = Field(default=False)


class OperationTask(SQLModel, table=True):
    """Which tasks an operation touched: a task's history (detail pane) is one range of its index."""

    __tablename__ = "operation_task"
    __table_args__ = (Index("ix_operation_task_user_task", "user_id", "task_uuid", "operation_id"),)

    operation_id: int = Field(foreign_key="operation.id", ondelete="CASCADE", primary_key=True)
    task_uuid: str = Field(max_length=36, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")


class SavedView(SQLModel, table=True):
    """A named filter (the filter language's text) and order, kept per user so that it follows the user
    onto a team server; `position` orders the views in the picker."""

    __tablename__ = "saved_view"
    __table_args__ = (Index("ix_saved_view_user_name", "user_id", "name", unique=True), {"sqlite_autoincrement": True})

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    name: str = Field(max_length=40)
    filter: str = Field(default="", max_length=500)
    sort: str = Field(default="created", max_length=20)
    descending: bool = Field(default=True)
    position: int = Field(default=0)
    created_at: datetime
