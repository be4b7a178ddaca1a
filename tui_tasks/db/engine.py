"""Engines, SQLite pragmas, transactions, and database errors in words a user understands."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session

from tui_tasks.config import DatabaseTarget
from tui_tasks.db.describe import BUSY_TIMEOUT_S, CONNECT_TIMEOUT_S, describe_error
from tui_tasks.errors import ConfigError, Conflict, OutcomeUnknown, StorageError
from tui_tasks.locations import make_private_dir


def require_driver(target: DatabaseTarget) -> None:
    """Raise a one-line ConfigError when the PostgreSQL driver is not installed."""
    if target.kind == "postgresql":
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise ConfigError("PostgreSQL needs the psycopg driver: pip install 'tui-tasks[postgres]'") from None


def make_engine(target: DatabaseTarget, *, foreign_keys: bool = True, **kwargs) -> Engine:
    """An engine with tui-tasks' connection settings.

    On SQLite SQLAlchemy emits BEGIN itself (pysqlite's own transaction handling is off), so DDL is
    transactional and a session opened with `sqlite_write=True` starts with BEGIN IMMEDIATE: a writer
    takes the write lock up front instead of failing half-way when another writer got there first.
    """
    require_driver(target)
    if target.kind != "sqlite":
        return create_engine(
            target.url, pool_pre_ping=True, hide_parameters=True,
            connect_args={"connect_timeout": CONNECT_TIMEOUT_S}, **kwargs,
        )  # fmt: skip
    # hide_parameters: a statement's values (a password hash, a task's text) never reach an error message.
    engine = create_engine(target.url, connect_args={"timeout": BUSY_TIMEOUT_S}, hide_parameters=True, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("sqlite_write") else "BEGIN")

    return engine


def create_private_file(path: Path) -> None:
    """Create the SQLite file's folder (0700) and the file itself (0600) if they are missing."""
    make_private_dir(path.parent)
    if os.path.lexists(path):
        return  # not even a failed open: only SQLite opens a database file that may be in use (TECH-NOTES 8.1)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600))
    except FileExistsError:
        pass  # made meanwhile by another process: O_EXCL opened nothing


class Database:
    """One open database: its engine and its transactions."""

    def __init__(self, target: DatabaseTarget) -> None:
        self.target = target
        require_driver(target)
        if target.path is not None:
            try:
                create_private_file(target.path)
            except OSError as exc:
                raise StorageError(f"cannot create {target.path}: {exc.strerror}") from None
        self.engine = make_engine(target)
        self._writer = self.engine.execution_options(sqlite_write=True)
        # A read that must see one moment throughout (an export's pages): SQLite's read transaction is one
        # already (WAL); PostgreSQL's default READ COMMITTED gives every statement the latest commits.
        sqlite = target.kind == "sqlite"
        self._snapshot = self.engine if sqlite else self.engine.execution_options(isolation_level="REPEATABLE READ")

    @cached_property
    def text_index(self) -> bool:
        """Whether search can trust the trigram index of task text (SQLite with FTS5: migration 0004):
        the table and the three triggers that keep it whole. A later migration that rebuilds `task`
        drops its triggers; search then falls back to reading the tasks rather than miss new ones."""
        if self.target.kind != "sqlite":
            return False
        names = "'task_text', 'task_text_insert', 'task_text_update', 'task_text_delete'"
        try:
            with self.engine.connect() as conn:
                return conn.exec_driver_sql(f"SELECT count(*) FROM sqlite_master WHERE name IN ({names})").scalar() == 4
        except DBAPIError as exc:
            raise StorageError(describe_error(exc)) from exc

    @contextmanager
    def session(self, *, write: bool = False, snapshot: bool = False) -> Iterator[Session]:
        """A session in one transaction: committed when the block ends, rolled back if it raises.
        `snapshot`: every statement in it reads the database as it was at the first."""
        bind = self._writer if write else self._snapshot if snapshot else self.engine
        try:
            with Session(bind, expire_on_commit=False) as session:
                transaction = session.begin()
                try:
                    yield session
                    session.flush()  # every statement's error is known before COMMIT: nothing was saved
                except BaseException:
                    transaction.rollback()
                    raise
                try:
                    transaction.commit()
                except Exception as exc:
                    if not write:
                        raise
                    # An I/O error or a lost server during COMMIT: the change may be on disk or not.
                    raise OutcomeUnknown(describe_error(exc)) from exc
        except IntegrityError as exc:
            raise Conflict(describe_error(exc)) from exc
        except DBAPIError as exc:
            raise StorageError(describe_error(exc)) from exc

    def refresh_statistics(self, *, full: bool = False) -> None:
        """Let the query planner see the data as it is now: after a bulk import (`full`), and at close."""
        # analysis_limit: sample each index instead of reading all of it (enough for the planner, ~10x faster)
        sqlite_sql = "PRAGMA analysis_limit=1000; ANALYZE" if full else "PRAGMA optimize"
        sql = sqlite_sql if self.target.kind == "sqlite" else "ANALYZE task, task_tag"
        if self.target.kind != "sqlite" and not full:
            return
        try:
            with self.engine.connect() as conn:
                for statement in sql.split("; "):
                    conn.exec_driver_sql(statement)
                conn.commit()
        except DBAPIError:
            pass  # statistics are an optimisation: never a reason to fail

    def close(self) -> None:
        """Refresh the planner's statistics, then close every connection."""
        self.refresh_statistics()
        self.engine.dispose()
