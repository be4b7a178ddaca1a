"""Shared fixtures: real database files in temp folders (and PostgreSQL when TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tui_tasks.config import DatabaseTarget, Settings, parse_database
from tui_tasks.domain import UserView
from tui_tasks.services.facade import Services, open_services

PG_URL = os.environ.get("TEST_POSTGRES_URL", "")
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
    """An empty database: an SQLite file, or the PostgreSQL test database (skipped without one)."""
    if request.param == "sqlite":
        return parse_database(str(tmp_path / "data" / "tasks.db"))
    if not PG_URL:
        pytest.skip("PostgreSQL tests need TEST_POSTGRES_URL (.ci/run starts a throwaway server)")
    target = parse_database(PG_URL)
    reset_postgres(target.url)
    return target


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
