"""The suite's guard against Python opening a database's files while SQLite holds them (tests/file_guard.py)."""

from __future__ import annotations

import pytest

from tests import file_guard
from tui_tasks.config import Settings
from tui_tasks.services.health import check_health


def _tripped(action) -> str:
    with pytest.raises(file_guard.RawDatabaseAccess) as caught:
        action()
    file_guard.violations.clear()  # seen and expected: the test's own fixture must not fail on it
    return str(caught.value)


def test_opening_a_held_database_file_or_its_wal_is_refused(services):
    path = services.db.target.path
    if path is None:
        pytest.skip("an SQLite file only")
    with services.db.session() as session:
        session.connection().exec_driver_sql("SELECT 1")  # the pool now holds a connection open
        assert "while this process holds the database open" in _tripped(lambda: open(path, "rb"))
        _tripped(lambda: path.with_name(path.name + "-wal").open("rb"))
        _tripped(lambda: path.read_bytes())


def test_the_apps_health_check_asks_sqlite_for_the_journal_mode(services):
    if services.db.target.path is None:
        pytest.skip("an SQLite file only")
    with services.db.session() as session:
        session.connection().exec_driver_sql("SELECT 1")
        report = check_health(Settings(db=services.db.target), integrity=False, expect_database=True)
    assert {c.name: c.message for c in report.checks}["journal_mode"] == "wal"
    assert not file_guard.violations


def test_a_file_no_connection_holds_may_be_read(tmp_path):
    path = tmp_path / "plain.db"
    path.write_bytes(b"not held")
    assert path.read_bytes() == b"not held"
