"""Migrations: the packaged scripts give the models' schema, upgrades keep data, failures change nothing."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from tui_tasks.config import DatabaseTarget, parse_database
from tui_tasks.db import migrations
from tui_tasks.db.backup import list_backups
from tui_tasks.db.engine import Database, make_engine
from tui_tasks.db.migrate import MIGRATIONS_DIR, ensure_schema, upgrade
from tui_tasks.domain import SortField, TaskDraft, TaskQuery, UserView
from tui_tasks.errors import AccountLocked, AuthError, SchemaError
from tui_tasks.services.accounts import Accounts
from tui_tasks.services.stats import Stats
from tui_tasks.services.tasks import Tasks

# A later migration that rebuilds the parent table `user` (SQLite batch mode copies and drops it):
# run with foreign keys ON, dropping the old table would cascade and delete every task.
REBUILD_USER = '''
"""Test only: add a column to user by rebuilding the table."""
from alembic import op
import sqlalchemy as sa

revision = "{next}"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    rebuild = "always" if op.get_bind().dialect.name == "sqlite" else "auto"
    with op.batch_alter_table("user", recreate=rebuild) as batch_op:
        batch_op.add_column(sa.Column("nickname", sa.String(40), nullable=False, server_default=""))
'''

FAILING = '''
"""Test only: creates a table, then fails."""
from alembic import op
import sqlalchemy as sa

revision = "{next}"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    rebuild = "always" if op.get_bind().dialect.name == "sqlite" else "auto"
    with op.batch_alter_table("user", recreate=rebuild) as batch_op:
        batch_op.add_column(sa.Column("nickname", sa.String(40), nullable=False, server_default=""))
    raise RuntimeError("this migration fails half-way")
'''


NEXT = f"{len(migrations.REVISIONS) + 1:04d}"  # the revision a test script adds after the packaged ones


def scripts_with(tmp_path: Path, source: str) -> Path:
    """A copy of the packaged migrations with one more revision."""
    location = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, location, ignore=shutil.ignore_patterns("__pycache__"))
    source = source.replace("{next}", NEXT).replace("{head}", migrations.HEAD)
    (location / "versions" / f"{NEXT}_test.py").write_text(textwrap.dedent(source))
    return location


def table_counts(target: DatabaseTarget) -> dict[str, int]:
    engine = make_engine(target)
    with engine.connect() as conn:
        counts = {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in ("user", "task", "task_tag")}
    engine.dispose()
    return counts


def fill(db: Database) -> None:
    accounts, tasks = Accounts(db, rounds=4), Tasks(db)
    for name in ("ann", "ben"):
        user = accounts.register(f"{name}@example.com", "password-123")
        for n in range(3):
            tasks.create(user, TaskDraft(f"{name} task {n}", tags=("one", "two")))


@pytest.fixture
def db(target):
    """The target database opened (not yet migrated), closed after the test."""
    database = Database(target)
    yield database
    database.close()


def test_revision_constants_match_the_packaged_scripts():
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    scripts = ScriptDirectory.from_config(config)
    assert scripts.get_current_head() == migrations.HEAD
    assert tuple(reversed([s.revision for s in scripts.walk_revisions()])) == migrations.REVISIONS


def test_upgrading_an_empty_database_gives_exactly_the_models_schema(db, target):
    assert ensure_schema(db) is None  # nothing to back up in a new database
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": migrations.include_object})
        differences = compare_metadata(context, SQLModel.metadata)
        assert differences == []
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == migrations.HEAD


def test_second_start_finds_the_schema_current_and_changes_nothing(db, target):
    ensure_schema(db)
    fill(db)
    before = table_counts(target)
    assert ensure_schema(db) is None
    assert table_counts(target) == before


def test_upgrade_keeps_every_row_and_backs_up_first(db, target, tmp_path):
    ensure_schema(db)
    fill(db)
    before = table_counts(target)
    location = scripts_with(tmp_path, REBUILD_USER)
    backup = ensure_schema(db, location, (*migrations.REVISIONS, NEXT))
    assert table_counts(target) == before == {"user": 2, "task": 6, "task_tag": 12}
    with db.engine.connect() as conn:
        assert "nickname" in {c["name"] for c in inspect(conn).get_columns("user")}
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == NEXT
    if target.path is not None:
        assert backup is not None and backup in list_backups(target.path)
        assert backup.stat().st_mode & 0o777 == 0o600
        assert table_counts(parse_database(str(backup))) == before


def test_upgrading_a_0001_database_keeps_its_rows_and_starts_the_change_counters_at_zero(db, target):
    upgrade(target, MIGRATIONS_DIR, "0001")
    with db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO \"user\" (email, display_name, password_hash, created_at, failed_logins)"
            " VALUES ('ann@example.com', 'Ann', :hash, '2026-01-01 00:00:00.000000', 0)"
        ), {"hash": b"not a real hash"})  # fmt: skip
        conn.execute(text(
            "INSERT INTO task (user_id, title, description, completed, priority, created_at, updated_at, version)"
            " SELECT id, 'kept', '', false, 0, created_at, created_at, 1 FROM \"user\""
        ))  # fmt: skip
    ensure_schema(db)
    with db.engine.connect() as conn:
        assert conn.execute(text('SELECT task_changes FROM "user"')).all() == [(0,)]
        assert conn.execute(text("SELECT title FROM task")).all() == [("kept",)]
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == migrations.HEAD


def test_upgrading_a_0002_database_gives_each_tag_its_tasks_owner_and_indexes_the_text(db, target):
    """0003 copies each task's owner onto its tags: every tag kept, each user's tags found by user."""
    upgrade(target, MIGRATIONS_DIR, "0002")
    with db.engine.begin() as conn:
        for name in ("ann", "ben"):
            conn.execute(text(
                "INSERT INTO \"user\" (email, display_name, password_hash, created_at, failed_logins, task_changes)"
                " VALUES (:email, :name, :hash, '2026-01-01 00:00:00.000000', 0, 0)"
            ), {"email": f"{name}@example.com", "name": name, "hash": b"not a real hash"})  # fmt: skip
            conn.execute(text(
                "INSERT INTO task (user_id, title, description, completed, priority, created_at, updated_at, version)"
                " SELECT id, :title, '', false, 0, created_at, created_at, 1 FROM \"user\" WHERE display_name = :name"
            ), {"title": f"{name}'s task", "name": name})  # fmt: skip
        conn.execute(text("INSERT INTO task_tag (task_id, tag) SELECT id, 'shared' FROM task"))
        conn.execute(text("INSERT INTO task_tag (task_id, tag) SELECT id, 'only-ann' FROM task WHERE title LIKE 'ann%'"))
    ensure_schema(db)
    with db.engine.connect() as conn:
        owners = conn.execute(text(
            'SELECT u.display_name, tt.tag FROM task_tag tt JOIN "user" u ON u.id = tt.user_id ORDER BY 1, 2'
        )).all()  # fmt: skip
        assert owners == [("ann", "only-ann"), ("ann", "shared"), ("ben", "shared")]
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == migrations.HEAD
        ann_id = conn.execute(text("SELECT id FROM \"user\" WHERE display_name = 'ann'")).scalar_one()
    user = UserView(ann_id, "ann@example.com", "ann", datetime(2026, 1, 1, tzinfo=timezone.utc), None)
    assert Stats(db).summary(user).top_tags == (("only-ann", 1), ("shared", 1))
    assert [t.title for t in Tasks(db).page(user, TaskQuery(search="#only")).tasks] == ["ann's task"]
    assert [t.title for t in Tasks(db).page(user, TaskQuery(search="ann's")).tasks] == ["ann's task"]  # 0004 indexed it
    assert db.text_index == (target.kind == "sqlite")


def test_rebuilding_a_parent_table_with_foreign_keys_on_would_lose_tasks(tmp_path):
    """Why upgrade() uses an engine of its own: the same migration on the app's engine deletes children."""
    target = parse_database(str(tmp_path / "fk.db"))
    db = Database(target)
    ensure_schema(db)
    fill(db)
    location = scripts_with(tmp_path, REBUILD_USER)
    config = Config()
    config.set_main_option("script_location", str(location))
    with db.engine.begin() as conn:  # the app engine: PRAGMA foreign_keys=ON
        config.attributes["connection"] = conn
        command.upgrade(config, NEXT)
    db.close()
    assert table_counts(target)["task"] == 0


def test_a_failing_migration_changes_nothing(db, target, tmp_path):
    ensure_schema(db)
    fill(db)
    before = table_counts(target)
    location = scripts_with(tmp_path, FAILING)
    with pytest.raises(RuntimeError, match="fails half-way"):
        upgrade(target, location, NEXT)
    with db.engine.connect() as conn:
        tables = {name for name in inspect(conn).get_table_names() if not name.startswith(migrations.TEXT_INDEX)}
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == migrations.HEAD
        assert "nickname" not in {c["name"] for c in inspect(conn).get_columns("user")}
    assert tables == {"alembic_version", "user", "task", "task_tag", "login_failure", "task_series", "task_dependency",
                      "annotation", "operation", "operation_task", "saved_view"}  # fmt: skip
    assert table_counts(target) == before


def test_a_newer_schema_is_refused_and_left_alone(db, target):
    ensure_schema(db)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaError, match="unknown to this version"):
        ensure_schema(db)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"


def test_a_database_of_another_program_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    conn.close()
    db = Database(parse_database(str(path)))
    with pytest.raises(SchemaError, match="not tui-tasks"):
        ensure_schema(db)
    db.close()
    conn = sqlite3.connect(path)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")] == ["invoices"]
    conn.close()


def test_start_up_with_a_current_schema_does_not_import_alembic(tmp_path):
    path = tmp_path / "current.db"
    db = Database(parse_database(str(path)))
    ensure_schema(db)
    db.close()
    code = textwrap.dedent(f"""
        import sys
        from tui_tasks.config import Settings, parse_database
        from tui_tasks.services.facade import open_services
        open_services(Settings(db=parse_database({str(path)!r}))).close()
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("alembic", "textual")))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def at_0004_with_a_locked_and_a_counting_account(db, target) -> None:
    """A 0004 database: ann locked after 6 failures, ben at 2 failures, cy clean, and a deleted account
    with the highest id."""
    upgrade(target, MIGRATIONS_DIR, "0004")
    with db.engine.begin() as conn:
        for name, failures, locked in (("ann", 6, "2999-01-01 00:00:00.000000"), ("ben", 2, None),
                                       ("cy", 0, None), ("gone", 0, None)):  # fmt: skip
            conn.execute(text(
                "INSERT INTO \"user\" (email, display_name, password_hash, created_at, failed_logins, locked_until,"
                " task_changes) VALUES (:email, :name, :hash, '2026-01-01 00:00:00.000000', :failures, :locked, 0)"
            ), {"email": f"{name}@example.com", "name": name, "hash": b"not a real hash", "failures": failures,
                "locked": locked})  # fmt: skip
        conn.execute(text("DELETE FROM \"user\" WHERE email = 'gone@example.com'"))


def test_upgrading_a_0004_database_carries_each_accounts_failures_over_to_its_email(db, target, clock):
    at_0004_with_a_locked_and_a_counting_account(db, target)
    ensure_schema(db)
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT email, failures, locked_until FROM login_failure ORDER BY email")).all()
        assert [(email, failures) for email, failures, _ in rows] == [("ann@example.com", 6), ("ben@example.com", 2)]
        assert rows[0][2] is not None and rows[1][2] is None
        assert not {"failed_logins", "locked_until"} & {c["name"] for c in inspect(conn).get_columns("user")}
    with pytest.raises(AccountLocked):  # still locked, and counted on from 2 for ben
        Accounts(db, rounds=4, clock=clock).log_in("ann@example.com", "whatever-password")
    for _ in range(2):
        with pytest.raises(AuthError) as caught:
            Accounts(db, rounds=4, clock=clock).log_in("ben@example.com", "whatever-password")
        assert not isinstance(caught.value, AccountLocked)
    with pytest.raises(AccountLocked):
        Accounts(db, rounds=4, clock=clock).log_in("ben@example.com", "whatever-password")


@pytest.mark.parametrize("native_drop", [True, False], ids=["drop-column", "rebuild"])
def test_0005_keeps_accounts_ids_never_reused_on_sqlite(tmp_path, monkeypatch, native_drop):
    """0005 drops two columns of `user`: natively (SQLite 3.35+) or, before that, by rebuilding the table,
    which must keep AUTOINCREMENT and its sequence, or a deleted account's id would be given out again."""
    if not native_drop:
        monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 34, 0))
    target = parse_database(str(tmp_path / "ids.db"))
    db = Database(target)
    try:
        at_0004_with_a_locked_and_a_counting_account(db, target)
        if native_drop:
            ensure_schema(db)
        else:  # 0007 needs 3.35 (see the test after this one): the rebuild is checked at 0006
            upgrade(target, revision="0006")
        with db.engine.connect() as conn:
            differences = compare_metadata(
                MigrationContext.configure(conn, opts={"include_object": migrations.include_object}),
                SQLModel.metadata,
            )
            sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'user'")).scalar()
            names = [r[0] for r in conn.execute(text('SELECT email FROM "user" ORDER BY id'))]
        assert differences == [] or not native_drop
        assert "AUTOINCREMENT" in sql
        if not native_drop:
            return
        assert names == ["ann@example.com", "ben@example.com", "cy@example.com"]
        new = Accounts(db, rounds=4).register("new@example.com", "password-123")
        assert new.id == 5  # not 4, the deleted account's
    finally:
        db.close()


def test_0007_on_an_sqlite_before_3_35_is_refused_in_one_line_and_changes_nothing(tmp_path, monkeypatch):
    target = parse_database(str(tmp_path / "old.db"))
    upgrade(target, revision="0006")
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 34, 0))
    with pytest.raises(SchemaError, match="SQLite 3.35 or newer"):
        upgrade(target)
    engine = make_engine(target)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0006"
    engine.dispose()


def test_upgrading_a_0005_database_gives_imported_timestamps_the_stored_form_so_paging_sees_every_task(db, target):
    """Imports before 0006 stored '... 12:00:00+00:00' (sqlite3's text) where every other write stores
    '... 12:00:00.000000': keyset paging by created over tasks sharing a second repeated or ended early."""
    if target.kind != "sqlite":
        pytest.skip("PostgreSQL stores timestamps, not text")
    upgrade(target, MIGRATIONS_DIR, "0005")
    user = Accounts(db, rounds=4).register("imp@example.com", "password-123")
    with db.engine.begin() as conn:
        for n in range(120):  # as an import of one day's todo.txt tasks left them
            moment = "2026-03-10 00:00:00+00:00" if n % 2 else "2026-03-10 00:00:00.250000+00:00"
            conn.execute(text("INSERT INTO task (user_id, title, description, completed, completed_at, priority,"
                              " created_at, updated_at, version) VALUES (:u, :t, '', 1, :m, 0, :m, :m, 1)"),
                         {"u": user.id, "t": f"imported {n:03d}", "m": moment})  # fmt: skip
    ensure_schema(db)
    with db.engine.connect() as conn:
        stored = {row[0] for row in conn.execute(text("SELECT created_at || updated_at || completed_at FROM task"))}
    assert stored == {"2026-03-10 00:00:00.000000" * 3, "2026-03-10 00:00:00.250000" * 3}
    tasks = Tasks(db)
    for descending in (False, True):
        seen, cursor = [], None
        for _ in range(10):
            page = tasks.page(user, TaskQuery(sort=SortField.CREATED, descending=descending), cursor, limit=50)
            seen += [task.title for task in page.tasks]
            if (cursor := page.next_cursor) is None:
                break
        assert sorted(seen) == [f"imported {n:03d}" for n in range(120)], descending
