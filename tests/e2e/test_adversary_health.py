"""Adversarial pass, issue 9: what the bar and the log say while writes are refused.

Found with the real app in tmux (health every 0.5 s) on a database whose -wal was made immutable
(chattr +i) under it: the change was refused ("Not saved: disk I/O error"), the bar turned down, and
from then on every health check logged "database health fail -> warn ..." again: the check compares
its report with the bar's status, which the refused write keeps at fail, so each check is a
"transition". 29 lines in 15 s at 0.5 s; one every 5 s at the default interval, for as long as no
write goes through.

And with the database file itself immutable (chattr +i, mode still 0600) the bar and --check said
"the database file is read-only (mode 0600)": mode 0600 is writable; the mode is not the reason.
"""

from __future__ import annotations

import logging
import subprocess

import pytest

from tests.conftest import BCRYPT_TEST_ROUNDS
from tests.faults import commit_fails
from tui_tasks.config import Settings, parse_database
from tui_tasks.domain import Status
from tui_tasks.services.facade import open_services
from tui_tasks.services.health import check_health

from tests.ui.conftest import demo_user, fixed_clock, ui_services, ui_settings  # noqa: F401 (fixtures)


async def test_health_checks_while_writes_are_refused_log_one_line_not_one_per_check(
    ui_settings, ui_services, demo_user, fixed_clock, caplog
):
    from tests.ui.conftest import settle
    from tests.ui.test_task_list import select, task_list

    async with task_list(ui_settings, ui_services, demo_user, fixed_clock) as (app, pilot):
        app.check_health()
        await settle(pilot)
        await select(pilot, "Buy milk")
        with commit_fails("before", times=1):
            await pilot.press("space")
            await settle(pilot)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="tui_tasks.ui"):
            for _ in range(6):  # three seconds of the app at health_interval_seconds = 0.5
                app.check_health()
                await settle(pilot)
        lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("database health")]
        assert len(lines) <= 1, lines


@pytest.fixture
def immutable_database(tmp_path):
    path = tmp_path / "data" / "tasks.db"
    open_services(Settings(db=parse_database(str(path)), bcrypt_rounds=BCRYPT_TEST_ROUNDS)).close()
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot make a file immutable here ({done.stderr.strip() or 'chattr failed'}): needs root")
    yield path
    subprocess.run(["chattr", "-i", str(path)], check=False)


def test_an_immutable_database_is_not_blamed_on_its_mode(immutable_database):
    report = check_health(Settings(db=parse_database(str(immutable_database)), bcrypt_rounds=BCRYPT_TEST_ROUNDS))
    permissions = next(c for c in report.checks if c.name == "permissions")
    assert permissions.status is Status.FAIL  # it cannot be written: that part is right
    assert "mode 0600" not in permissions.message, permissions.message
