"""Shared fixtures and helpers: real database files in temp folders (and PostgreSQL when TEST_POSTGRES_URL is set).

TEST_POSTGRES_URL names an empty PostgreSQL database the tests may wipe; REQUIRE_POSTGRES_TESTS=1 (set by
.ci/with-postgres) turns a missing URL into failures instead of skips, so CI cannot pass without them.
Neither has the TUI_TASKS_ prefix: _isolated_environment deletes those variables for every test.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tui_tasks.config import DatabaseTarget, Settings, parse_database
from tui_tasks.domain import UserView
from tui_tasks.services.facade import Services, open_services

from tests import file_guard

REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES_TESTS", "") == "1"


def _worker_database(url: str) -> str:
    """The PostgreSQL test database of this pytest-xdist worker: each worker wipes its own (`tasks_test_gw1`,
    made on first use beside the one named), so that two workers never drop each other's tables."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker:
        return url
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    base = make_url(url)
    mine = base.set(database=f"{base.database}_{worker}")
    engine = create_engine(base, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %(n)s", {"n": mine.database}).first():
            conn.exec_driver_sql(f'CREATE DATABASE "{mine.database}"')
    engine.dispose()
    return mine.render_as_string(hide_password=False)


PG_URL = _worker_database(os.environ.get("TEST_POSTGRES_URL", ""))
BCRYPT_TEST_ROUNDS = 4  # 1 ms a hash instead of 300 ms; the cost logic is the same


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user's folders or settings; keep colours deterministic."""
    for name in list(os.environ):
        if name.startswith("TUI_TASKS_"):
            monkeypatch.delenv(name)
    monkeypatch.delenv("NO_COLOR", raising=False)
    for kind in ("DATA", "CONFIG", "STATE", "CACHE"):
        monkeypatch.setenv(f"XDG_{kind}_HOME", str(tmp_path / "xdg" / kind.lower()))


@pytest.fixture(autouse=True)
def _no_raw_database_access(request: pytest.FixtureRequest):
    """Fail any test in which Python opened a database file that SQLite held open (tests/file_guard.py).
    A test that plays an outsider damaging a file on purpose says so with `allow_raw_database_access`."""
    if request.node.get_closest_marker("allow_raw_database_access"):
        yield
        return
    file_guard.violations.clear()
    file_guard.enable()
    try:
        yield
    finally:
        file_guard.disable()
    found, file_guard.violations[:] = list(file_guard.violations), []
    assert not found, found[0]


def reset_postgres(url: str) -> None:
    """Drop everything in the test database's public schema."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> DatabaseTarget:
    """An empty database: an SQLite file, or the PostgreSQL test database (skipped without one,
    failed without one when REQUIRE_POSTGRES_TESTS=1)."""
    if request.param == "sqlite":
        return parse_database(str(tmp_path / "data" / "tasks.db"))
    if not PG_URL:
        if REQUIRE_POSTGRES:
            pytest.fail(
                "REQUIRE_POSTGRES_TESTS=1 but TEST_POSTGRES_URL is not set: the PostgreSQL tests cannot run "
                "(run the suite under `bash .ci/with-postgres`, which starts a throwaway server and sets both)",
                pytrace=False,
            )
        pytest.skip("PostgreSQL tests need TEST_POSTGRES_URL (.ci/with-postgres starts a throwaway server)")
    target = parse_database(PG_URL)
    reset_postgres(target.url)
    return target


# --------------------------------------------------------------------------- helpers the test modules import


def folder_snapshot(root: Path) -> dict[str, tuple[bool, int, int, int]]:
    """Every entry under `root`: folder or not, size, mode and modification time (links not followed)."""
    entries = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        entries[str(path.relative_to(root))] = (path.is_dir(), info.st_size, info.st_mode, info.st_mtime_ns)
    return entries


def app_database(path: Path) -> Path:
    """An SQLite database as tui-tasks creates it at start (folder 0700, file 0600, schema at HEAD)."""
    open_services(Settings(db=parse_database(str(path)), bcrypt_rounds=BCRYPT_TEST_ROUNDS)).close()
    return path


def damaged_database(path: Path) -> Path:
    """An SQLite file whose first page is sound but whose table points at pages that do not exist."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.executemany("INSERT INTO t VALUES (?)", [(f"value {i} " * 20,) for i in range(2000)])
    conn.commit()
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 't'").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    page_end = root * page_size
    assert data[page_end - page_size] == 0x05, "the table's root should be an interior page"
    data[page_end - 300 : page_end] = b"\xab" * 300  # the child page numbers of its last cells
    path.write_bytes(bytes(data))
    return path


# --------------------------------------------------------------------------- fixtures


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime.now(timezone.utc).replace(microsecond=0))


@pytest.fixture
def settings(target: DatabaseTarget) -> Settings:
    return Settings(db=target, bcrypt_rounds=BCRYPT_TEST_ROUNDS)


@pytest.fixture
def services(settings: Settings, clock: Clock) -> Services:
    opened = open_services(settings, clock)
    yield opened
    opened.close()


@pytest.fixture
def alice(services: Services) -> UserView:
    return services.accounts.register("alice@example.com", "alice-password", "Alice")


@pytest.fixture
def bob(services: Services) -> UserView:
    return services.accounts.register("bob@example.com", "bob-password", "Bob")


@pytest.fixture
def local_zone(monkeypatch: pytest.MonkeyPatch):
    """Set this process's local time zone (Python's and the C library's) for one test: `local_zone("Asia/Tokyo")`."""
    import time

    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()
