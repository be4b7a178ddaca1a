"""Crash safety: the process killed (SIGKILL) in the middle of an import or of a burst of toggles,
many times. Each time the SQLite file passes `PRAGMA integrity_check`, holds all of an import or none
of it, and keeps every toggle that was reported committed."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import BCRYPT_TEST_ROUNDS, app_database
from tui_tasks.config import Settings, parse_database
from tui_tasks.domain import TaskDraft
from tui_tasks.services.facade import open_services

SCRIPT = Path(sys.executable).with_name("tui-tasks")
IMPORTED = 20_000
KILLS = 8


def environment(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"), "TUI_TASKS_PASSWORD": "password-123",
        "TUI_TASKS_BCRYPT_ROUNDS": str(BCRYPT_TEST_ROUNDS),
    }  # fmt: skip


def sound(path: Path) -> sqlite3.Connection:
    """The file after a crash, opened as the next start would (recovering the WAL), and checked."""
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    return conn


@pytest.mark.skipif(not SCRIPT.exists(), reason=f"needs the tui-tasks script next to {sys.executable}")
def test_an_import_killed_at_any_moment_is_all_or_nothing(tmp_path):
    env = environment(tmp_path)
    path = app_database(tmp_path / "data" / "tui-tasks" / "tasks.db")
    services = open_services(Settings(db=parse_database(str(path)), bcrypt_rounds=BCRYPT_TEST_ROUNDS))
    services.accounts.register("kit@example.com", "password-123")
    services.close()
    source = tmp_path / "tasks.json"
    source.write_text(json.dumps([
        {"description": f"imported {n}", "status": "pending", "entry": "20260101T000000Z", "tags": ["a", "b"]}
        for n in range(IMPORTED)
    ]))  # fmt: skip
    command = [str(SCRIPT), "import", str(source), "--user", "kit@example.com", "--db", str(path)]
    started = time.monotonic()
    finished = subprocess.run(command, env=env, capture_output=True, text=True)
    whole = time.monotonic() - started
    assert finished.returncode == 0, finished.stderr
    rng = random.Random(7)
    expected = IMPORTED
    outcomes = set()
    for _ in range(KILLS):
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, whole * 1.1))  # from start-up to just past the commit
        process.send_signal(signal.SIGKILL)
        process.wait()
        conn = sound(path)
        count = conn.execute("SELECT count(*) FROM task").fetchone()[0]
        tags = conn.execute("SELECT count(*) FROM task_tag").fetchone()[0]
        conn.close()
        assert count in (expected, expected + IMPORTED), count  # never a part of an import
        assert tags == 2 * count
        outcomes.add(count > expected)
        expected = count
    assert False in outcomes, "no kill landed in the middle of an import: the test proved nothing"


TOGGLER = textwrap.dedent(
    """
    import sys
    from tui_tasks.config import Settings, parse_database
    from tui_tasks.services.facade import open_services

    services = open_services(Settings(db=parse_database(sys.argv[1]), bcrypt_rounds=4))
    user = services.accounts.log_in("kit@example.com", "password-123")
    ids = [t.id for t in services.tasks.page(user, limit=50).tasks]
    n = 0
    while True:
        task = services.tasks.toggle(user, ids[n % len(ids)])
        print(task.id, task.version, flush=True)  # said only once committed
        n += 1
    """
)


def test_toggles_killed_mid_burst_lose_nothing_that_was_committed(tmp_path):
    path = app_database(tmp_path / "tasks.db")
    services = open_services(Settings(db=parse_database(str(path)), bcrypt_rounds=BCRYPT_TEST_ROUNDS))
    user = services.accounts.register("kit@example.com", "password-123")
    for n in range(20):
        services.tasks.create(user, TaskDraft(f"task {n}"))
    services.close()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    rng = random.Random(11)
    for _ in range(KILLS):
        process = subprocess.Popen([sys.executable, "-c", TOGGLER, str(path)], env=env, stdout=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.8, 1.6))
        process.send_signal(signal.SIGKILL)
        said, _ = process.communicate()
        committed: dict[int, int] = {}
        for line in said.splitlines():
            if len(parts := line.split()) == 2:  # the last line may be cut by the kill
                committed[int(parts[0])] = max(committed.get(int(parts[0]), 0), int(parts[1]))
        assert committed, "the worker never toggled before the kill"
        conn = sound(path)
        stored = dict(conn.execute("SELECT id, version FROM task"))
        conn.close()
        for task_id, version in committed.items():
            assert stored[task_id] >= version  # every toggle reported committed survived the kill
        assert all(v >= 1 for v in stored.values())
