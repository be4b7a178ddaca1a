"""Storage: SQLite pragmas, private files, concurrent writers, missing driver."""

from __future__ import annotations

import subprocess
import sys
import threading
import textwrap

from sqlalchemy import text

from tui_tasks.config import parse_database
from tui_tasks.db.engine import Database
from tui_tasks.db.migrate import ensure_schema
from tui_tasks.domain import TaskDraft
from tui_tasks.services.accounts import Accounts
from tui_tasks.services.tasks import Tasks


def test_sqlite_connections_use_the_documented_pragmas(tmp_path):
    db = Database(parse_database(str(tmp_path / "t.db")))
    with db.engine.connect() as conn:
        pragmas = {
            name: conn.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("foreign_keys", "journal_mode", "busy_timeout", "synchronous")
        }
    assert pragmas == {"foreign_keys": 1, "journal_mode": "wal", "busy_timeout": 5000, "synchronous": 1}
    db.close()


def test_database_folder_and_file_are_private(tmp_path):
    path = tmp_path / "new" / "deeper" / "tasks.db"
    db = Database(parse_database(str(path)))
    ensure_schema(db)
    db.close()
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert path.parent.parent.stat().st_mode & 0o777 == 0o700


def test_two_processes_worth_of_writers_do_not_collide(tmp_path):
    """Writers on separate engines start with BEGIN IMMEDIATE, so none fails with 'database is locked'."""
    target = parse_database(str(tmp_path / "shared.db"))
    first = Database(target)
    ensure_schema(first)
    user = Accounts(first, rounds=4).register("shared@example.com", "password-123")
    task = Tasks(first).create(user, TaskDraft("shared"))
    second = Database(target)
    errors: list[BaseException] = []

    def toggle_many(db: Database) -> None:
        tasks = Tasks(db)
        try:
            for _ in range(60):
                tasks.toggle(user, task.id)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=toggle_many, args=(db,)) for db in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    final = Tasks(first).get(user, task.id)
    assert final.version == 1 + 120
    assert final.completed is False  # an even number of toggles
    first.close()
    second.close()


def test_postgresql_url_without_the_driver_says_what_to_install(tmp_path):
    code = textwrap.dedent("""
        import sys

        class HidePsycopg:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "psycopg":
                    raise ModuleNotFoundError(f"No module named {name!r}")

        sys.meta_path.insert(0, HidePsycopg())
        from tui_tasks.cli import main
        sys.exit(main(["--check", "--db", "postgresql://me:pw@db.example/tasks"]))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={
        "XDG_DATA_HOME": str(tmp_path / "d"), "XDG_CONFIG_HOME": str(tmp_path / "c"),
        "XDG_STATE_HOME": str(tmp_path / "s"), "PATH": "/usr/bin:/bin",
    })  # fmt: skip
    assert result.returncode == 1
    assert "pip install 'tui-tasks[postgres]'" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
