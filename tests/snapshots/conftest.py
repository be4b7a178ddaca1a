"""Snapshot fixtures: a fixed database place, clock, data, health and theme, so pictures never drift."""

from __future__ import annotations

import fcntl
import shutil
from pathlib import Path

import pytest

from tests.conftest import BCRYPT_TEST_ROUNDS, Clock
from tests.ui.conftest import NOW, PASSWORD, add_demo_tasks, make_app
from tui_tasks.config import Settings, parse_database
from tui_tasks.domain import CheckResult, HealthReport, Status
from tui_tasks.services.facade import open_services
from tui_tasks.ui.app import TasksApp

PLACE = Path("/tmp/tui-tasks-snapshots/tasks.db")  # shown in the status bar: must be the same every run
SIZES = [(80, 24), (120, 40)]
HEALTHY = HealthReport("0.1.0", str(PLACE), (CheckResult("database", Status.OK, "SQLite file readable", 0.4),))


@pytest.fixture
def snapshot_app():
    """Build the app on a fresh database at PLACE with the demo user and tasks; returns a factory.

    PLACE is shared by every test run on the machine, so a lock file keeps concurrent runs apart.
    """
    lock = open(PLACE.parent.with_name("tui-tasks-snapshots.lock"), "w")  # noqa: SIM115 (held until teardown)
    fcntl.flock(lock, fcntl.LOCK_EX)
    shutil.rmtree(PLACE.parent, ignore_errors=True)
    opened = []

    def build(*, tasks: bool = True) -> TasksApp:
        clock = Clock(NOW)
        settings = Settings(db=parse_database(str(PLACE)), bcrypt_rounds=BCRYPT_TEST_ROUNDS)
        services = open_services(settings, clock)
        opened.append(services)
        user = services.accounts.register("ada@example.com", PASSWORD, "Ada Lovelace")
        if tasks:
            add_demo_tasks(services, user, clock)
        app = make_app(settings, services, clock)
        app.animation_level = "none"  # a focus scrolls its widget into view smoothly: a picture mid-scroll
        return app  # differed run to run (the 40x15 form's, at scroll_y 3.9 or 4.4)

    yield build
    for services in opened:
        services.close()
    shutil.rmtree(PLACE.parent, ignore_errors=True)
    lock.close()


async def logged_in(pilot) -> None:
    """run_before: log in as the demo user, with a fixed health report in the status bar."""
    from tests.ui.conftest import log_in, settle

    await pilot.pause()
    await log_in(pilot)
    pilot.app.post_message(_health())
    await settle(pilot)


def _health():
    from tui_tasks.ui.messages import HealthChecked

    return HealthChecked(HEALTHY)
