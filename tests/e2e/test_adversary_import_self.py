"""Adversarial pass, issue 9 point 1: the app's Import… dialog reads the file the user typed with Python's
open(), and nothing stops that file from being the open database (the CLI refuses it: cli.py
_check_source; the service and the app's dialog do not).

Found with the real app in tmux: Import… (ctrl+p) with the database's own path answered "cannot tell the
format of .../tasks.db: give it with --format ..." (a CLI flag, in the app); the open and close of the
file had dropped the app's POSIX locks. A `tui-tasks export` in another terminal then checkpointed and
deleted the -wal the app was using (/proc/PID/fd: tasks.db-wal (deleted)); two tasks added afterwards
showed in the app as saved and were not in the database once it quit (TECH-NOTES 8.1, again).

This reproduces it with the service the dialog calls, in a process that holds the database open like
the app, and a real CLI process beside it.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path


from tui_tasks.config import Settings, parse_database
from tui_tasks.services.facade import open_services

SCRIPT = Path(sys.executable).with_name("tui-tasks")
PASSWORD = "password-123"

# The app's part: services open, a task saved, then what the Import… dialog runs with the path typed
# (argv[2]), then on each line of stdin one more task; it prints what became of its -wal.
APP_LIKE = textwrap.dedent(
    """
    import os, sys
    from tui_tasks.config import Settings, parse_database
    from tui_tasks.domain import TaskDraft
    from tui_tasks.errors import TasksError
    from tui_tasks.services import transfer
    from tui_tasks.services.facade import open_services

    services = open_services(Settings(db=parse_database(sys.argv[1]), bcrypt_rounds=4))
    user = services.accounts.log_in("pat@example.com", "password-123")
    services.tasks.create(user, TaskDraft("before the import"))
    try:
        transfer.import_tasks(services, user, sys.argv[2], "auto")
        print("imported", flush=True)
    except TasksError as error:
        print(error.message, flush=True)
    for n, line in enumerate(sys.stdin):
        services.tasks.create(user, TaskDraft(f"after the import {n}"))
        deleted = []
        for fd in os.listdir("/proc/self/fd"):
            try:
                link = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:
                continue
            if "tasks.db" in link and "(deleted)" in link:
                deleted.append(link)
        print(sorted(deleted), flush=True)
    services.close()
    """
)


def test_importing_the_open_database_into_itself_is_refused_and_loses_nothing(tmp_path):
    db = tmp_path / "data" / "tasks.db"
    services = open_services(Settings(db=parse_database(str(db)), bcrypt_rounds=4))
    services.accounts.register("pat@example.com", PASSWORD)
    services.close()
    env = {**os.environ, "TUI_TASKS_PASSWORD": PASSWORD, "XDG_DATA_HOME": str(tmp_path / "xdg"),
           "XDG_CONFIG_HOME": str(tmp_path / "xdg"), "XDG_STATE_HOME": str(tmp_path / "xdg")}  # fmt: skip
    app = subprocess.Popen([sys.executable, "-c", APP_LIKE, str(db), str(db)], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, text=True)  # fmt: skip
    seen = []
    try:
        seen.append(app.stdout.readline().strip())  # what the import said
        for _ in range(2):
            exported = subprocess.run([str(SCRIPT), "export", "--user", "pat@example.com", "--db", str(db)],
                                      env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
            assert exported.returncode == 0, exported.stderr
            app.stdin.write("add\n")
            app.stdin.flush()
            seen.append(app.stdout.readline().strip())
    finally:
        app.stdin.close()
        app.wait(timeout=30)
        app.stdout.close()
    assert "database itself" in seen[0], seen  # refused, as the CLI refuses it
    assert seen[1:] == ["[]", "[]"], seen  # no -wal or -shm deleted under the app
    with sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        titles = sorted(title for (title,) in conn.execute("SELECT title FROM task"))
    assert titles == ["after the import 0", "after the import 1", "before the import"]
