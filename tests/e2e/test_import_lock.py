"""An import fed slowly keeps no one from writing: it reads its whole file before it takes the write
lock. Real processes, a real FIFO, SQLite (BEGIN IMMEDIATE, 5 s busy timeout) and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import BCRYPT_TEST_ROUNDS, PG_URL
from tests.e2e.test_cli import isolated_env
from tui_tasks.config import DatabaseTarget, Settings
from tui_tasks.db.engine import BUSY_TIMEOUT_S
from tui_tasks.services.facade import open_services

ALICE, BOB, PASSWORD = "alice@example.com", "bob@example.com", "a-password"

WRITE_A_TASK = """
import sys
from tui_tasks.config import load_settings
from tui_tasks.domain import TaskDraft
from tui_tasks.services.facade import open_services
services = open_services(load_settings())
user = services.accounts.log_in(sys.argv[1], sys.argv[2])
services.tasks.create(user, TaskDraft("written by hand"))
services.close()
"""


def accounts_env(target: DatabaseTarget, tmp_path: Path) -> dict[str, str]:
    """The environment of a process run as Alice or Bob on `target`."""
    env = isolated_env(tmp_path)
    env.update(TUI_TASKS_DB=PG_URL if target.kind == "postgresql" else str(target.path),
               TUI_TASKS_BCRYPT_ROUNDS=str(BCRYPT_TEST_ROUNDS), TUI_TASKS_PASSWORD=PASSWORD)  # fmt: skip
    os.makedirs(env["HOME"])
    return env


def run(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, *args], env=env, cwd=env["HOME"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip


def test_a_slow_import_through_a_fifo_lets_another_account_log_in_import_and_write(
    target: DatabaseTarget, tmp_path: Path
) -> None:
    services = open_services(Settings(db=target, bcrypt_rounds=BCRYPT_TEST_ROUNDS))
    alice, bob = (services.accounts.register(email, PASSWORD) for email in (ALICE, BOB))
    env = accounts_env(target, tmp_path)
    fifo = tmp_path / "slow.txt"
    os.mkfifo(fifo)
    (tmp_path / "bob.txt").write_text("bob one\nbob two\n")
    others_done = threading.Event()
    timings: dict[str, float] = {}

    def feed() -> None:
        """A few records, then nothing until the other processes are done (or well past the busy
        timeout, which is how long they waited for the lock before failing), then the rest."""
        with open(fifo, "w") as out:
            out.write("".join(f"alice {n}\n" for n in range(1500)))
            out.flush()
            timings["first written"] = time.monotonic()
            others_done.wait(timeout=4 * BUSY_TIMEOUT_S)
            out.write("".join(f"alice {n}\n" for n in range(1500, 3000)))

    feeder = threading.Thread(target=feed)
    feeder.start()
    slow = run(env, "-m", "tui_tasks", "import", str(fifo), "--user", ALICE, "--format", "todotxt")
    try:
        while "first written" not in timings:
            assert slow.poll() is None, slow.communicate()
            time.sleep(0.05)
        time.sleep(0.5)  # the slow import has read the first records and waits for more
        other_import = run(env, "-m", "tui_tasks", "import", str(tmp_path / "bob.txt"), "--user", BOB)
        by_hand = run(env, "-c", WRITE_A_TASK, BOB, PASSWORD)
        outcomes = [process.communicate(timeout=60) + (process.returncode,) for process in (other_import, by_hand)]
        assert slow.poll() is None, "the slow import should still be waiting for its FIFO"
    finally:
        others_done.set()
        unblock = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # the feeder, if no import opened the FIFO
        feeder.join(timeout=30)
        os.close(unblock)
    slow_out, slow_err = slow.communicate(timeout=60)
    assert outcomes[0][2] == 0 and outcomes[0][1].startswith("tui-tasks: added 2, updated 0, unchanged 0"), outcomes[0]
    assert outcomes[1][2] == 0, outcomes[1]
    assert slow.returncode == 0 and slow_err.startswith("tui-tasks: added 3000, updated 0, unchanged 0"), slow_err
    assert services.tasks.count(alice) == 3000
    assert services.tasks.count(bob) == 3
    services.close()


@pytest.mark.parametrize("fmt", ["taskwarrior", "auto"])
def test_an_import_from_a_fifo_that_never_ends_keeps_no_lock(target: DatabaseTarget, tmp_path: Path, fmt: str) -> None:
    """A writer that keeps the FIFO open and silent: the import waits (it can be interrupted), and
    meanwhile another account writes at once."""
    services = open_services(Settings(db=target, bcrypt_rounds=BCRYPT_TEST_ROUNDS))
    alice, bob = (services.accounts.register(email, PASSWORD) for email in (ALICE, BOB))
    env = accounts_env(target, tmp_path)
    fifo = tmp_path / "endless.json"
    os.mkfifo(fifo)
    slow = run(env, "-m", "tui_tasks", "import", str(fifo), "--user", ALICE, "--format", fmt)
    writer = open(fifo, "w")  # noqa: SIM115 - held open on purpose
    try:
        writer.write('[{"description": "one"},\n')
        writer.flush()
        time.sleep(1.0)
        by_hand = run(env, "-c", WRITE_A_TASK, BOB, PASSWORD)
        _, err = by_hand.communicate(timeout=60)
        assert by_hand.returncode == 0, err
        assert slow.poll() is None
    finally:
        slow.terminate()
        slow.communicate(timeout=30)
        writer.close()
    assert services.tasks.count(bob) == 1 and services.tasks.count(alice) == 0
    services.close()


def test_a_fifo_is_read_once_its_format_told_from_its_first_bytes_without_losing_them(tmp_path: Path) -> None:
    """--format auto reads the start of the file to tell its format; a FIFO cannot be read twice, so
    those bytes are the import's too (it used to read them, then open the FIFO again and lose them)."""
    from tui_tasks.config import parse_database

    target = parse_database(str(tmp_path / "tasks.db"))
    services = open_services(Settings(db=target, bcrypt_rounds=BCRYPT_TEST_ROUNDS))
    alice = services.accounts.register(ALICE, PASSWORD)
    env = accounts_env(target, tmp_path)
    fifo = tmp_path / "tasks.json"
    os.mkfifo(fifo)
    importing = run(env, "-m", "tui_tasks", "import", str(fifo), "--user", ALICE)
    try:
        with open(fifo, "w") as out:
            out.write('[{"description": "one"},\n')
            out.flush()
            time.sleep(0.3)
            out.write('{"description": "two"}]\n')
        _, err = importing.communicate(timeout=30)
    finally:
        importing.kill()
        importing.wait()
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)) if importing.returncode is None else None
    assert importing.returncode == 0 and err.startswith("tui-tasks: added 2, updated 0, unchanged 0"), err
    assert services.tasks.count(alice) == 2
    services.close()
