"""Bring a database's schema to the packaged head, paying for Alembic only when there is work to do."""

from __future__ import annotations

import logging
import sqlite3
import sys
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from tui_tasks.config import DatabaseTarget
from tui_tasks.db.backup import backup_sqlite
from tui_tasks.db.engine import Database, describe_error, make_engine
from tui_tasks.db.migrations import REVISIONS, check_revision
from tui_tasks.errors import SchemaError, StorageError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_PG_MIGRATION_LOCK = 7_356_124  # pg_advisory_xact_lock key: one migrating client at a time

log = logging.getLogger(__name__)


def stored_revision(connection) -> str | None:
    """The Alembic revision recorded in the database, or None for a database without one."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def schema_state(connection) -> tuple[str | None, bool]:
    """The stored revision, and whether the database has any table at all."""
    return stored_revision(connection), bool(inspect(connection).get_table_names())


def ensure_schema(
    db: Database, script_location: Path = MIGRATIONS_DIR, revisions: tuple[str, ...] = REVISIONS
) -> Path | None:
    """Upgrade the schema to the newest of `revisions` if needed; return the backup taken first, if any."""
    try:
        with db.engine.connect() as conn:
            current, has_tables = schema_state(conn)
    except DBAPIError as exc:
        raise StorageError(describe_error(exc)) from exc
    head = revisions[-1]
    if current == head:
        return None
    check_revision(current, has_tables, revisions)
    backup = None
    if current is not None and db.target.path is not None:
        try:
            backup = backup_sqlite(db.target.path)
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"cannot back up the database before upgrading it: {exc}") from exc
        log.info("backed up the database to %s before upgrading", backup)
    upgrade(db.target, script_location, head)
    log.info("database schema upgraded from %s to %s", current or "empty", head)
    return backup


def upgrade(target: DatabaseTarget, script_location: Path = MIGRATIONS_DIR, revision: str = "head") -> None:
    """Run Alembic in one transaction on an engine of its own.

    On SQLite that engine has foreign keys OFF: batch migrations copy and drop tables, and with the
    pragma on, dropping the old parent table cascades and deletes every child row. A foreign-key check
    after the migration, inside the same transaction, catches what the pragma no longer does.
    """
    from alembic import command
    from alembic.config import Config

    engine = make_engine(target, foreign_keys=False, poolclass=NullPool)
    config = Config()
    config.set_main_option("script_location", str(script_location))
    try:
        with engine.execution_options(sqlite_write=True).begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
            if engine.dialect.name == "sqlite" and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                raise SchemaError("the upgrade left rows with broken references; nothing was changed")
    except DBAPIError as exc:
        raise StorageError(f"cannot upgrade the database: {describe_error(exc)}") from exc
    finally:
        engine.dispose()


def _new_revision(message: str) -> None:
    """Developer tool: autogenerate a revision from the models against a scratch database at HEAD."""
    import tempfile

    from alembic import command
    from alembic.config import Config

    from tui_tasks.config import parse_database

    with tempfile.TemporaryDirectory() as scratch:
        target = parse_database(str(Path(scratch) / "scratch.db"))
        upgrade(target)
        engine = make_engine(target, foreign_keys=False)
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.revision(config, message=message, autogenerate=True, rev_id=f"{len(REVISIONS) + 1:04d}")
        engine.dispose()


if __name__ == "__main__":  # python -m tui_tasks.db.migrate "what changed"
    _new_revision(" ".join(sys.argv[1:]) or "schema change")
