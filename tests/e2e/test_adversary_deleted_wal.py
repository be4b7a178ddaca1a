"""Adversarial pass, issue 9: when the -wal has been deleted under the app anyway, does the bar say so?

However the locks are lost (the app's own Import… of the database: tests/e2e/test_adversary_import_self.py;
a backup tool, an editor or a `cp` run by the same process tree; an NFS mount), once another process has
checkpointed and deleted the -wal the app's later writes go to a deleted file and are lost at exit.
Found in tmux: through that, the bar stayed "degraded · ... readable by others" (the folder's mode), and
every change showed as saved. The health check asks SQLite, which answers from the deleted file; it does
not look at whether the -wal its process writes is still the one on disk (/proc/self/fd: "(deleted)").
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tui_tasks.config import Settings, parse_database
from tui_tasks.services.facade import open_services

SCRIPT = Path(sys.executable).with_name("tui-tasks")
PASSWORD = "password-123"

# The app's part: services open and a task saved; then an outsider in the same process (here a plain
# open and close of the file) drops its locks; after a line on stdin, the bar's health check.
APP_LIKE = textwrap.dedent(
    """
    import sys
    from tui_tasks.config import Settings, parse_database
    from tui_tasks.domain import TaskDraft
    from tui_tasks.services.facade import open_services
    from tui_tasks.services.health import check_health

    settings = Settings(db=parse_database(sys.argv[1]), bcrypt_rounds=4)
    services = open_services(settings)
    user = services.accounts.log_in("pat@example.com", "password-123")
    services.tasks.create(user, TaskDraft("before"))
    open(sys.argv[1], "rb").close()  # the locks go (TECH-NOTES 8.1)
    print("ready", flush=True)
    sys.stdin.readline()
    services.tasks.create(user, TaskDraft("written to a deleted -wal"))
    report = check_health(settings, integrity=False, expect_database=True)
    print(report.status.value, "|", "; ".join(f"{c.name}: {c.message}" for c in report.checks if c.status.value != "ok"), flush=True)
    services.close()
    """
)


def test_the_bar_says_down_once_the_wal_in_use_was_deleted(tmp_path):
    db = tmp_path / "data" / "tasks.db"
    services = open_services(Settings(db=parse_database(str(db)), bcrypt_rounds=4))
    services.accounts.register("pat@example.com", PASSWORD)
    services.close()
    env = {**os.environ, "TUI_TASKS_PASSWORD": PASSWORD, "XDG_DATA_HOME": str(tmp_path / "xdg"),
           "XDG_CONFIG_HOME": str(tmp_path / "xdg"), "XDG_STATE_HOME": str(tmp_path / "xdg")}  # fmt: skip
    app = subprocess.Popen([sys.executable, "-c", APP_LIKE, str(db)], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert app.stdout.readline().strip() == "ready"
        exported = subprocess.run([str(SCRIPT), "export", "--user", "pat@example.com", "--db", str(db)],
                                  env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
        assert exported.returncode == 0, exported.stderr
        assert not db.with_name("tasks.db-wal").exists()  # checkpointed and deleted under the app
        app.stdin.write("go\n")
        app.stdin.flush()
        status = app.stdout.readline().strip()
    finally:
        app.stdin.close()
        app.wait(timeout=30)
        app.stdout.close()
    assert status.startswith("fail"), status
    assert "database's wal this process writes was deleted by another program" in status, status
