"""`--check` gives up on a PostgreSQL server that never answers, after the connect timeout."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

from tui_tasks.db.engine import CONNECT_TIMEOUT_S


def test_check_gives_up_on_a_silent_server_after_the_connect_timeout(tmp_path):
    with socket.socket() as silent:  # accepts TCP connections (kernel backlog) but never speaks
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("TUI_TASKS_")}
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "tui_tasks", "--check", "--json", "--db",
             f"postgresql://me:hunter2-secret@127.0.0.1:{port}/tasks"],
            capture_output=True, text=True, env=env, timeout=60,
        )  # fmt: skip
        elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert CONNECT_TIMEOUT_S <= elapsed < CONNECT_TIMEOUT_S * 3
    report = json.loads(result.stdout)
    assert report["status"] == "fail"
    database = report["checks"][0]
    assert database["name"] == "database" and database["status"] == "fail"
    assert database["message"] == f"cannot reach the PostgreSQL server: no answer within {CONNECT_TIMEOUT_S} s"
    assert "hunter2-secret" not in result.stdout + result.stderr
    assert report["database"] == f"postgresql+psycopg://me:***@127.0.0.1:{port}/tasks"
