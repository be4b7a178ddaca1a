"""One object holding every service of an open database: what the CLI and the app work with."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tui_tasks.config import Settings
from tui_tasks.db.backup import backup_sqlite
from tui_tasks.db.engine import Database, describe_error
from tui_tasks.db.migrate import ensure_schema
from tui_tasks.domain import utcnow
from tui_tasks.errors import StorageError, TasksError
from tui_tasks.services.accounts import Accounts
from tui_tasks.services.agenda import Agenda
from tui_tasks.services.history import History
from tui_tasks.services.stats import Stats
from tui_tasks.services.tasks import Tasks
from tui_tasks.services.views import Views


@dataclass(frozen=True, slots=True)
class Services:
    """The services over one database. Close it when done."""

    db: Database
    accounts: Accounts
    tasks: Tasks
    stats: Stats
    history: History  # undo, redo and each task's history, from the operation log
    views: Views
    agenda: Agenda

    def back_up(self) -> Path:
        """A consistent copy of the SQLite database next to it (the newest 5 are kept)."""
        path = self.db.target.path
        if path is None:
            raise TasksError("A PostgreSQL database is backed up on its server, with pg_dump (see the README)")
        try:
            return backup_sqlite(path)
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"Not backed up: {describe_error(exc)}") from None

    def close(self) -> None:
        self.db.close()


def open_services(settings: Settings, clock: Callable[[], datetime] = utcnow) -> Services:
    """Open (creating if needed) and upgrade the configured database, and build the services on it."""
    db = Database(settings.db)
    try:
        ensure_schema(db)
    except BaseException:
        db.close()
        raise
    return Services(db, Accounts(db, settings.bcrypt_rounds, clock), Tasks(db, clock), Stats(db, clock),
                    History(db, clock), Views(db, clock), Agenda(db, clock))  # fmt: skip
