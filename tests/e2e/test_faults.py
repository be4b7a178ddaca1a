"""Faults under a running service layer: a full disk, and a PostgreSQL server that stops and starts.

Each gives a clear error, writes nothing partly, and recovers by itself once the fault is gone.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess

import pytest

from tests.conftest import BCRYPT_TEST_ROUNDS, PG_URL, REQUIRE_POSTGRES, reset_postgres
from tui_tasks.config import Settings, parse_database
from tui_tasks.domain import Status, TaskDraft
from tui_tasks.errors import StorageError, TasksError
from tui_tasks.services.facade import open_services
from tui_tasks.services.health import check_health
from tui_tasks.services.transfer import import_tasks


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MiB tmpfs (skipped, with the reason, where mounting is not allowed)."""
    mount = tmp_path / "small"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(mount)],
                             capture_output=True, text=True)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({mounted.stderr.strip() or 'mount failed'}): needs root")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_refuses_the_write_clearly_corrupts_nothing_and_recovers(small_disk, tmp_path):
    path = small_disk / "tasks.db"
    settings = Settings(db=parse_database(str(path)), bcrypt_rounds=BCRYPT_TEST_ROUNDS)
    services = open_services(settings)
    try:
        user = services.accounts.register("dee@example.com", "password-123")
        saved = 0
        with pytest.raises(StorageError) as full:
            for n in range(1000):
                services.tasks.create(user, TaskDraft(f"task {n}", description="x" * 2000))  # the schema takes more of the 1 MiB since 0007
                saved += 1
        # Full while writing the rows, or at COMMIT (then read back: not saved, for sure, never "unknown").
        # (the WAL fills the 1 MiB first: a task row touches a dozen index pages since 0007, ~9 tasks fit)
        assert full.value.message in ("the disk is full", "Not saved: the disk is full") and saved > 5
        assert services.tasks.count(user) == saved  # the refused task is not there, the others are
        source = tmp_path / "more.json"
        source.write_text(json.dumps([{"description": f"more {n}", "status": "pending"} for n in range(5000)]))
        with pytest.raises(TasksError):
            import_tasks(services, user, source, "taskwarrior")
        assert services.tasks.count(user) == saved  # none of the import
        report = check_health(settings)
        assert {c.name: c.status for c in report.checks}["disk_space"] is Status.FAIL
        with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        subprocess.run(["mount", "-o", "remount,size=16m", str(small_disk)], check=True)
        services.tasks.create(user, TaskDraft("after the disk was grown"))
        assert import_tasks(services, user, source, "taskwarrior").imported == 5000
        assert services.tasks.count(user) == saved + 1 + 5000
    finally:
        services.close()


# --- PostgreSQL server stopped and started again ------------------------------------------------------


def pg_ctl(action: str) -> None:
    """Stop or restart the throwaway server of .ci/with-postgres (restart reuses its start options)."""
    run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    root = os.environ["PGROOT"]
    command = [*run_as, f"{os.environ['PGBIN']}/pg_ctl", "-D", f"{root}/data", "-l", f"{root}/server.log", "-m", "fast", "-w"]
    # The server's output goes to its log: a server started with our pipe as its stdout would hold it open.
    subprocess.run([*command, action], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)


@pytest.mark.stops_the_server  # it stops and restarts the server: run alone
@pytest.mark.skipif(not (PG_URL and os.environ.get("PGBIN")) and not REQUIRE_POSTGRES,
                    reason="needs the throwaway server of .ci/with-postgres")  # fmt: skip
def test_a_postgresql_restart_is_reported_then_the_pool_reconnects_by_itself():
    reset_postgres(PG_URL)
    settings = Settings(db=parse_database(PG_URL), bcrypt_rounds=BCRYPT_TEST_ROUNDS)
    services = open_services(settings)
    try:
        user = services.accounts.register("pia@example.com", "password-123")
        services.tasks.create(user, TaskDraft("before"))
        pg_ctl("stop")
        try:
            with pytest.raises(StorageError) as down:
                services.tasks.create(user, TaskDraft("while down"))
            assert "cannot reach the PostgreSQL server" in down.value.message
            assert check_health(settings, engine=services.db.engine).status is Status.FAIL
        finally:
            pg_ctl("restart")
        assert check_health(settings, engine=services.db.engine).status is Status.OK
        services.tasks.create(user, TaskDraft("after"))  # the pooled connections were dead: replaced
        assert [t.title for t in services.tasks.page(user).tasks] == ["after", "before"]
    finally:
        services.close()



@pytest.mark.stops_the_server  # it stops and restarts the server: run alone
@pytest.mark.skipif(not (PG_URL and os.environ.get("PGBIN")) and not REQUIRE_POSTGRES,
                    reason="needs the throwaway server of .ci/with-postgres")  # fmt: skip
async def test_the_app_on_postgresql_says_the_server_is_down_saves_nothing_and_recovers():
    from tests.conftest import Clock
    from tests.ui.conftest import NOW, PASSWORD, log_in, make_app, settle
    from tui_tasks.ui.widgets.status_bar import StatusBar
    from tui_tasks.ui.widgets.task_table import TaskTable

    reset_postgres(PG_URL)
    settings = Settings(db=parse_database(PG_URL), bcrypt_rounds=BCRYPT_TEST_ROUNDS)
    services = open_services(settings)
    user = services.accounts.register("ada@example.com", PASSWORD, "Ada")
    task = services.tasks.create(user, TaskDraft("Buy milk"))
    app = make_app(settings, services, Clock(NOW))
    try:
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await log_in(pilot)
            bar = app.screen.query_one(StatusBar)
            pg_ctl("stop")
            try:
                app.check_health()
                await settle(pilot)
                assert bar.has_class("-down")
                assert "cannot reach the PostgreSQL server" in str(bar.query_one("#status-health").render())
                await pilot.press("space")
                await settle(pilot)
                assert any(n.message.startswith("Not saved:") for n in app._notifications)
                assert not app.screen.query_one(TaskTable).current_task().completed  # nothing claims to be saved
            finally:
                pg_ctl("restart")
            app.check_health()
            await settle(pilot)
            assert bar.has_class("-ok")
            await pilot.press("space")
            await settle(pilot)
            assert services.tasks.get(user, task.id).completed
    finally:
        services.close()
