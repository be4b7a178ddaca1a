"""Real processes on one database at the same moment: several windows completing the same instance of a
repeating task make exactly one next instance; two windows putting A under B and B under A make no cycle.

Each worker is a separate Python process with its own services (as separate tui-tasks windows, or clients
of one PostgreSQL server, are). The test sends every worker its command down its stdin at once: each
is blocked reading, so they all start the same write within a fraction of a millisecond, and answer on
stdout. The workers run with the file guard (tests/guard_site), which reports any raw open of the file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from tui_tasks.config import Settings
from tui_tasks.domain import Recurrence, TaskDraft, TaskQuery
from tui_tasks.services.facade import open_services

from tests.conftest import BCRYPT_TEST_ROUNDS

WORKERS = 3
ROUNDS = 8  # cheap: the processes start once
EMAIL, PASSWORD = "pat@example.com", "password-123"

WORKER = textwrap.dedent(
    """
    import json, sys
    from dataclasses import replace
    from tui_tasks.config import Settings, parse_database
    from tui_tasks.errors import TasksError
    from tui_tasks.services.facade import open_services

    url, email, password = sys.argv[1:4]
    services = open_services(Settings(db=parse_database(url), bcrypt_rounds=4))
    user = services.accounts.log_in(email, password)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:  # one command a line; blocked here until the test sends it to every worker
        command = json.loads(line)
        try:
            if command["op"] == "complete":
                task = services.tasks.complete(user, command["id"])
            else:
                task = services.tasks.get(user, command["id"])
                task = services.tasks.update(user, task.id, replace(task.draft(), parent_id=command["parent"]))
            print(json.dumps({"ok": True, "completed": task.completed, "parent": task.parent_id}), flush=True)
        except TasksError as refused:
            print(json.dumps({"refused": type(refused).__name__, "message": str(refused)}), flush=True)
    services.close()
    """
)


class Workers:
    """Worker processes, each logged in and waiting for a command."""

    def __init__(self, url: str, count: int, guard_report: Path) -> None:
        root = str(Path(__file__).parents[2])
        paths = [root, str(Path(__file__).parents[1] / "guard_site")]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "TUI_TASKS_FILE_GUARD": str(guard_report)}
        self.processes = [
            subprocess.Popen([sys.executable, "-c", WORKER, url, EMAIL, PASSWORD], env=env, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip
            for _ in range(count)
        ]
        assert [self._answer(p) for p in self.processes] == [{"ready": True}] * count

    @staticmethod
    def _answer(process: subprocess.Popen) -> dict:
        line = process.stdout.readline()
        assert line, f"worker {process.pid} ended (exit {process.poll()})"
        return json.loads(line)

    def at_once(self, commands: list[dict]) -> list[dict]:
        """Send each worker its command (all written before any answer is read); their answers."""
        for process, command in zip(self.processes, commands):
            process.stdin.write(json.dumps(command) + "\n")
        for process in self.processes[: len(commands)]:
            process.stdin.flush()
        return [self._answer(p) for p in self.processes[: len(commands)]]

    def close(self) -> None:
        for process in self.processes:
            process.stdin.close()
        codes = [p.wait(timeout=30) for p in self.processes]
        for process in self.processes:
            process.stdout.close()
        assert codes == [0] * len(self.processes)


@pytest.fixture
def setup(target, tmp_path):
    """The account the workers log in to, and the services this test checks through."""
    services = open_services(Settings(db=target, bcrypt_rounds=BCRYPT_TEST_ROUNDS))
    user = services.accounts.register(EMAIL, PASSWORD)
    guard = tmp_path / "guard.txt"
    yield services, user, guard
    services.close()
    assert not guard.exists() or guard.read_text() == "", guard.read_text()


def test_processes_completing_one_instance_at_once_make_exactly_one_next(setup, target):
    services, user, guard = setup
    first = services.tasks.create(user, TaskDraft("standup", due=date(2026, 12, 1), recurrence=Recurrence("FREQ=DAILY")))
    workers = Workers(target.url, WORKERS, guard)
    try:
        current = first
        for round_ in range(ROUNDS):
            answers = workers.at_once([{"op": "complete", "id": current.id}] * WORKERS)
            assert answers == [{"ok": True, "completed": True, "parent": None}] * WORKERS
            series = [t for t in services.tasks.page(user, TaskQuery(), limit=500).tasks if t.series_id == first.series_id]
            open_ = [t for t in series if not t.completed]
            assert len(series) == round_ + 2 and len(open_) == 1, series
            [current] = open_
            assert (current.occurrence, current.due) == (round_ + 1, date(2026, 12, 2 + round_))
    finally:
        workers.close()


def test_processes_putting_two_tasks_under_each_other_at_once_make_no_cycle(setup, target):
    services, user, guard = setup
    workers = Workers(target.url, 2, guard)
    try:
        for round_ in range(ROUNDS):
            a = services.tasks.create(user, TaskDraft(f"a{round_}"))
            b = services.tasks.create(user, TaskDraft(f"b{round_}"))
            answers = workers.at_once([{"op": "parent", "id": a.id, "parent": b.id}, {"op": "parent", "id": b.id, "parent": a.id}])
            accepted = [answer for answer in answers if answer.get("ok")]
            refused = [answer for answer in answers if "refused" in answer]
            assert len(accepted) == len(refused) == 1, answers
            assert refused[0] == {"refused": "ValidationError", "message": "A task cannot be under itself or one of its subtasks"}
            parents = (services.tasks.get(user, a.id).parent_id, services.tasks.get(user, b.id).parent_id)
            assert parents in ((b.id, None), (None, a.id)), parents
            assert accepted[0]["parent"] in parents
    finally:
        workers.close()
