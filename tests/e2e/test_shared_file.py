"""One SQLite file, several tui-tasks processes: the app's health checks must not drop its own locks.

SQLite's locks are POSIX advisory locks: they belong to the process, and closing ANY descriptor of the
database file in that process drops all of them (sqlite.org/howtocorrupt.html §2.2). A process that
then looks like the last user to another one has its -wal checkpointed and deleted under it: its
later writes go to a deleted file and are lost, and the file ends damaged. These tests run the app's
own health check in a process that holds connections, with real CLI processes beside it.
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

# An app-like process: services open, a task written, the status bar's health check, then (on each
# line of stdin) another check and another task, until stdin closes. It prints what its fds point at.
HOLDER = textwrap.dedent(
    """
    import os, sys
    from tui_tasks.config import Settings, parse_database
    from tui_tasks.domain import TaskDraft
    from tui_tasks.services.facade import open_services
    from tui_tasks.services.health import check_health

    settings = Settings(db=parse_database(sys.argv[1]), bcrypt_rounds=4)
    services = open_services(settings)
    user = services.accounts.log_in("pat@example.com", "password-123")
    n = 0
    for line in sys.stdin:
        services.tasks.create(user, TaskDraft(f"held {n}"))
        n += 1
        report = check_health(settings, integrity=False, expect_database=True)
        links = []
        for fd in os.listdir("/proc/self/fd"):
            try:
                links.append(os.readlink(f"/proc/self/fd/{fd}"))
            except OSError:  # the descriptor listdir itself used
                pass
        print(report.status.value, sorted(l for l in links if "tasks.db" in l and "(deleted)" in l), flush=True)
    services.close()
    """
)


def _cli(db: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TUI_TASKS_PASSWORD": PASSWORD, "XDG_DATA_HOME": str(home / "data"),
           "XDG_CONFIG_HOME": str(home / "config"), "XDG_STATE_HOME": str(home / "state")}  # fmt: skip
    return subprocess.run([str(SCRIPT), *args, "--db", str(db)], env=env, capture_output=True, text=True, timeout=60)


def test_health_checks_in_a_process_holding_the_file_keep_the_cli_beside_it_harmless(tmp_path):
    db = tmp_path / "data" / "tasks.db"
    services = open_services(Settings(db=parse_database(str(db)), bcrypt_rounds=4))
    services.accounts.register("pat@example.com", PASSWORD)
    services.close()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    seen = []
    try:
        for _ in range(4):
            holder.stdin.write("go\n")
            holder.stdin.flush()
            seen.append(holder.stdout.readline().strip())
            exported = _cli(db, "export", "--user", "pat@example.com", "-o", str(tmp_path / "out.json"), home=tmp_path)
            assert exported.returncode == 0, exported.stderr
            assert _cli(db, "--check", home=tmp_path).returncode == 0
        holder.stdin.write("go\n")
        holder.stdin.flush()
        seen.append(holder.stdout.readline().strip())
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
        holder.stdout.close()
    assert holder.returncode == 0
    assert all(line == "ok []" for line in seen), seen  # no -wal or -shm deleted under the holder
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        titles = {title for (title,) in conn.execute("SELECT title FROM task")}
    finally:
        conn.close()
    assert titles == {f"held {n}" for n in range(5)}  # every write the holder made is there
