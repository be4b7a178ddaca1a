"""Fixtures for the app: real services on a temp SQLite file, a fixed clock, timers off."""

from __future__ import annotations

import pytest

from tests.conftest import BCRYPT_TEST_ROUNDS, Clock
from tui_tasks.config import Settings, parse_database
from tui_tasks.demo import DEMO_NOW, DEMO_PASSWORD, add_demo_tasks  # noqa: F401 (re-exported for tests)
from tui_tasks.domain import UserView
from tui_tasks.services.facade import Services, open_services
from tui_tasks.ui.app import TasksApp

# A fixed moment, so that screens and snapshots never change with the date.
NOW = DEMO_NOW
TODAY = NOW.astimezone().date()
PASSWORD = DEMO_PASSWORD


@pytest.fixture
def fixed_clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def ui_settings(tmp_path) -> Settings:
    return Settings(db=parse_database(str(tmp_path / "data" / "tasks.db")), bcrypt_rounds=BCRYPT_TEST_ROUNDS)


@pytest.fixture
def ui_services(ui_settings, fixed_clock) -> Services:
    services = open_services(ui_settings, fixed_clock)
    yield services
    services.close()


@pytest.fixture
def demo_user(ui_services) -> UserView:
    return ui_services.accounts.register("ada@example.com", PASSWORD, "Ada Lovelace")


def make_app(settings: Settings, services: Services | None, clock: Clock, **kwargs) -> TasksApp:
    """The app as the CLI builds it, with the test's services and clock, and timers off."""
    return TasksApp(settings, services=services, clock=clock, live=False, **kwargs)


async def log_in(pilot, email: str = "ada@example.com", password: str = PASSWORD) -> None:
    """Type the credentials on the log-in screen and wait until the task list has loaded."""
    from tui_tasks.ui.screens.task_list import TaskListScreen

    app = pilot.app
    app.screen.query_one("#email").value = email
    app.screen.query_one("#password").value = password
    app.screen.query_one("#password").focus()
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, TaskListScreen), app.screen


async def settle(pilot) -> None:
    """Wait for every worker and the messages they posted (a failed worker is the app's to report)."""
    from textual.worker import WorkerFailed

    for _ in range(3):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerFailed:
            pass
        await pilot.pause()
