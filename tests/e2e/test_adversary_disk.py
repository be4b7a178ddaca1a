"""Adversarial pass, issue 9: a disk that is nearly full, or full, under the app and the CLI.

Found by running the real program in tmux on a 30 MiB tmpfs:
- with 12 MiB free, the app's bar said "down · 0.0 GiB free" and refused every change ("Not saved: 0.0
  GiB free") although the database took writes fine (a CLI import beside it succeeded at once): the
  app's health counts a disk under 20 MiB free as down, and down refuses every write;
- with the disk full, `tui-tasks export` (a read, even to stdout or to another disk) failed with "The
  database failed while saving (the disk is full): it may or may not have been saved": the log-in it
  does first writes to the database. The user cannot get their tasks out of a database on a full disk,
  and is told something "may not have been saved" by a command that saves nothing.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from tests.conftest import BCRYPT_TEST_ROUNDS, Clock
from tui_tasks.config import Settings, parse_database
from tui_tasks.domain import TaskDraft
from tui_tasks.services.facade import open_services
from tui_tasks.services.health import check_health

SCRIPT = os.path.join(os.path.dirname(sys.executable), "tui-tasks")
PASSWORD = "password-123"


@pytest.fixture
def disk(tmp_path):
    """A 40 MiB tmpfs (skipped where mounting is not allowed)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m,mode=0700", "tmpfs", str(mount)],
                             capture_output=True, text=True)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip() or 'mount failed'}): needs root")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder, leave_mib: float) -> None:
    """Fill the file system of `folder` until about `leave_mib` MiB are free (0: completely)."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        def free() -> int:
            info = os.statvfs(folder)
            return info.f_bavail * info.f_frsize

        while free() > leave_mib * 1024 * 1024 + 65536:
            os.write(fd, b"\0" * 65536)
        while leave_mib == 0:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)


def _database_with_tasks(path, titles):
    services = open_services(Settings(db=parse_database(str(path)), bcrypt_rounds=BCRYPT_TEST_ROUNDS))
    try:
        user = services.accounts.register("pat@example.com", PASSWORD)
        for title in titles:
            services.tasks.create(user, TaskDraft(title))
    finally:
        services.close()


def test_the_health_of_a_disk_with_12_mib_free_does_not_read_0_gib(disk):
    """As the bar and `--check` show it: "0.0 GiB free" for 12 MiB reads as a disk with nothing left."""
    path = disk / "tasks.db"
    _database_with_tasks(path, ["one"])
    fill(disk, 12)
    report = check_health(Settings(db=parse_database(str(path)), bcrypt_rounds=BCRYPT_TEST_ROUNDS))
    message = next(c.message for c in report.checks if c.name == "disk_space")
    assert "0.0 GiB" not in message, message


async def test_the_app_takes_a_change_on_a_disk_with_12_mib_free(disk):
    from tests.ui.conftest import NOW, log_in, make_app, settle
    from tests.ui.test_task_list import messages
    from tui_tasks.ui.widgets.status_bar import StatusBar
    from tui_tasks.ui.widgets.task_table import TaskTable

    path = disk / "tasks.db"
    settings = Settings(db=parse_database(str(path)), bcrypt_rounds=BCRYPT_TEST_ROUNDS)
    services = open_services(settings, Clock(NOW))
    try:
        user = services.accounts.register("ada@example.com", "correct horse battery", "Ada")
        task = services.tasks.create(user, TaskDraft("Buy milk"))
        fill(disk, 12)
        app = make_app(settings, services, Clock(NOW))
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await log_in(pilot, password="correct horse battery")
            app.check_health()
            await settle(pilot)
            await pilot.press("space")
            await settle(pilot)
            shown = messages(app)
            assert not any("Not saved" in m for m in shown), shown  # "Not saved: 0.0 GiB free"
            assert app.screen.query_one(TaskTable).current_task().completed
            assert not app.screen.query_one(StatusBar).has_class("-down")
        assert services.tasks.get(user, task.id).completed
    finally:
        services.close()


def test_export_gets_the_tasks_out_of_a_database_on_a_full_disk(disk, tmp_path):
    path = disk / "tasks.db"
    _database_with_tasks(path, ["one", "two", "three"])
    holder = sqlite3.connect(path)  # another tui-tasks open on it (the app): its -wal and -shm stay
    holder.execute("SELECT count(*) FROM task").fetchone()
    fill(disk, 0)
    out = tmp_path / "rescued.json"  # on another file system, with room
    env = {**os.environ, "TUI_TASKS_PASSWORD": PASSWORD, "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_STATE_HOME": str(tmp_path / "state")}  # fmt: skip
    done = subprocess.run([SCRIPT, "export", "--user", "pat@example.com", "--db", str(path), "-o", str(out)],
                          env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert "may or may not have been saved" not in done.stderr  # an export saves nothing in the database
    assert done.returncode == 0, done.stderr
    assert sorted(t["title"] for t in json.loads(out.read_text())["tasks"]) == ["one", "three", "two"]
    holder.close()


def test_a_full_disk_export_damages_nothing(disk, tmp_path):
    """What holds: whatever the export says, the database is whole and holds every task afterwards."""
    path = disk / "tasks.db"
    _database_with_tasks(path, ["one", "two"])
    fill(disk, 0)
    env = {**os.environ, "TUI_TASKS_PASSWORD": PASSWORD, "XDG_STATE_HOME": str(tmp_path / "state")}
    for _ in range(3):
        subprocess.run([SCRIPT, "export", "--user", "pat@example.com", "--db", str(path)], env=env,
                       capture_output=True, text=True, timeout=60)  # fmt: skip
    (disk / "filler").unlink()  # room again: a read-only connection of a WAL file needs its -shm
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT count(*) FROM task").fetchone() == (2,)
