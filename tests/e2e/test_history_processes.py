"""Real processes undoing and redoing on one database at the same moment (two windows, two clients of a
team server): each undo takes a different step, none is applied twice, and the last step is undone by
exactly one of them. The workers are blocked reading stdin, so they start within a fraction of a
millisecond of each other (see test_recurrence_processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tui_tasks.config import Settings
from tui_tasks.domain import TaskDraft
from tui_tasks.services.facade import open_services
from tui_tasks.services.history import History

from tests.conftest import BCRYPT_TEST_ROUNDS

EMAIL, PASSWORD = "pat@example.com", "password-123"
ROUNDS = 4

WORKER = textwrap.dedent(
    """
    import json, sys
    from tui_tasks.config import Settings, parse_database
    from tui_tasks.errors import TasksError
    from tui_tasks.services.facade import open_services
    from tui_tasks.services.history import History

    url, email, password = sys.argv[1:4]
    services = open_services(Settings(db=parse_database(url), bcrypt_rounds=4))
    history = History(services.db)
    user = services.accounts.log_in(email, password)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        try:
            if command["op"] == "bulk_done":
                done = services.tasks.bulk_complete(user, command["ids"], True)
                print(json.dumps({"ok": done.summary}), flush=True)
                continue
            step = history.redo(user) if command["op"] == "redo" else history.undo(user)
            print(json.dumps({"ok": step.summary}), flush=True)
        except TasksError as refused:
            print(json.dumps({"refused": type(refused).__name__, "message": str(refused)}), flush=True)
    services.close()
    """
)


class Workers:
    def __init__(self, url: str, count: int, guard_report: Path) -> None:
        root = str(Path(__file__).parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, str(Path(__file__).parents[1] / "guard_site")]),
               "TUI_TASKS_FILE_GUARD": str(guard_report)}  # fmt: skip
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
        for process, command in zip(self.processes, commands):
            process.stdin.write(json.dumps(command) + "\n")
        for process in self.processes:
            process.stdin.flush()
        return [self._answer(p) for p in self.processes]

    def close(self) -> None:
        for process in self.processes:
            process.stdin.close()
        codes = [p.wait(timeout=30) for p in self.processes]
        for process in self.processes:
            process.stdout.close()
        assert codes == [0] * len(self.processes)


@pytest.fixture
def setup(target, tmp_path):
    services = open_services(Settings(db=target, bcrypt_rounds=BCRYPT_TEST_ROUNDS))
    user = services.accounts.register(EMAIL, PASSWORD)
    guard = tmp_path / "guard.txt"
    yield services, user, guard
    services.close()
    assert not guard.exists() or guard.read_text() == "", guard.read_text()


def test_two_processes_undoing_at_once_take_different_steps_and_the_last_one_once(setup, target):
    services, user, guard = setup
    tasks = [services.tasks.create(user, TaskDraft(f"t{i}")) for i in range(2 * ROUNDS - 1)]
    workers = Workers(target.url, 2, guard)
    try:
        undone = []
        for _ in range(ROUNDS):
            answers = workers.at_once([{"op": "undo"}, {"op": "undo"}])
            undone += [a["ok"] for a in answers if "ok" in a]
            if len(undone) < len(tasks):
                assert all("ok" in a for a in answers), answers
        assert sorted(undone) == sorted(f"add “{t.title}”" for t in tasks)  # each step once, none twice
        assert services.tasks.count(user) == 0
        answers = workers.at_once([{"op": "redo"}, {"op": "redo"}])
        assert sorted(a["ok"] for a in answers) == ["add “t0”", "add “t1”"]
        assert services.tasks.count(user) == 2
    finally:
        workers.close()


def test_a_bulk_write_and_an_undo_at_once_are_one_after_the_other(setup, target):
    services, user, guard = setup
    tasks = [services.tasks.create(user, TaskDraft(f"t{i}")) for i in range(30)]
    workers = Workers(target.url, 2, guard)
    try:
        answers = workers.at_once([{"op": "bulk_done", "ids": [t.id for t in tasks[:-1]]}, {"op": "undo"}])
        history = History(services.db)
        if "ok" in answers[0]:  # the bulk went first or second: either way, the log and the tasks agree
            assert answers[0]["ok"] == "29 tasks done"
        else:  # the undo took t29 away first: the bulk found all of its own tasks still
            pytest.fail(f"bulk refused: {answers}")
        assert answers[1]["ok"] in ("add “t29”", "29 tasks done")
        while history.state(user).can_undo:
            history.undo(user)
        assert services.tasks.count(user) == 0
    finally:
        workers.close()
