"""Two processes, one account, thousands of random writes each: nothing lost, every refusal reported.

Each worker process opens its own services on the same database (as two tui-tasks windows, or two
clients of one PostgreSQL server, would) and writes with the versions it last saw, which are often
stale because the other process wrote since. It logs every outcome. Afterwards:

- each task's committed versions are 1, 2, 3, ... with no gap and no repeat (no lost update);
- the database holds, for each task, exactly what its last committed write produced;
- every write refused as stale was refused because the *other* process had written that task.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tui_tasks.config import Settings
from tui_tasks.services.facade import open_services

OPERATIONS = int(os.environ.get("CONCURRENCY_OPERATIONS", "800"))  # per process (CI's bound; more for a longer run)

WORKER = textwrap.dedent(
    """
    import json, random, sys
    from tui_tasks.config import Settings, parse_database
    from tui_tasks.domain import TaskDraft, UserView
    from tui_tasks.errors import NotFound, StaleTask
    from tui_tasks.services.facade import open_services

    url, email, seed, operations, log_path = sys.argv[1:6]
    services = open_services(Settings(db=parse_database(url), bcrypt_rounds=4))
    user = services.accounts.log_in(email, "password-123")
    rng = random.Random(int(seed))
    known = {}  # task id -> the version this process last saw
    with open(log_path, "w") as log:
        def write(entry):
            log.write(json.dumps(entry) + "\\n")

        def saw(task, op, sent=None):
            known[task.id] = task.version
            write({"op": op, "id": task.id, "sent": sent, "version": task.version, "title": task.title,
                   "completed": task.completed})

        for n in range(int(operations)):
            if n % 50 == 0:  # look at the list now and then, as a window does when it polls
                known = {t.id: t.version for t in services.tasks.page(user, limit=500).tasks}
            if not known or rng.random() < 0.2:
                saw(services.tasks.create(user, TaskDraft(f"p{seed} task {n}")), "create")
                continue
            task_id = rng.choice(list(known))
            sent = known[task_id]
            op = rng.choices(["toggle", "update", "delete"], [5, 4, 1])[0]
            try:
                if op == "toggle":
                    saw(services.tasks.toggle(user, task_id, sent), op, sent)
                elif op == "update":
                    saw(services.tasks.update(user, task_id, TaskDraft(f"p{seed} edit {n}"), sent), op, sent)
                else:
                    services.tasks.delete(user, task_id, sent)
                    known.pop(task_id)
                    write({"op": "delete", "id": task_id, "sent": sent})
            except StaleTask as stale:
                known[task_id] = stale.current_version
                write({"op": op, "id": task_id, "sent": sent, "refused": "stale", "current": stale.current_version})
            except NotFound:
                known.pop(task_id)
                write({"op": op, "id": task_id, "sent": sent, "refused": "not found"})
    services.close()
    """
)


def test_two_processes_writing_one_account_lose_nothing(target, tmp_path):
    services = open_services(Settings(db=target, bcrypt_rounds=4))
    user = services.accounts.register("pat@example.com", "password-123")
    services.close()
    logs = [tmp_path / f"worker{n}.jsonl" for n in (1, 2)]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, target.url, user.email, str(n), str(OPERATIONS), str(log)], env=env)
        for n, log in zip((1, 2), logs)
    ]
    assert [worker.wait(timeout=300) for worker in workers] == [0, 0]
    entries = [[json.loads(line) for line in log.read_text().splitlines()] for log in logs]
    assert [len(e) for e in entries] == [OPERATIONS, OPERATIONS]

    committed: dict[int, list[dict]] = {}  # task id -> its committed writes, from both processes
    deleted: dict[int, dict] = {}
    for process, log in enumerate(entries):
        for entry in log:
            entry["process"] = process
            if "refused" in entry:
                continue
            if entry["op"] == "delete":
                assert entry["id"] not in deleted, "a task deleted twice"
                deleted[entry["id"]] = entry
            else:
                committed.setdefault(entry["id"], []).append(entry)
    refused = [entry for log in entries for entry in log if entry.get("refused") == "stale"]
    assert refused, "the processes never collided: the test proves nothing"

    for task_id, writes in committed.items():
        versions = sorted(write["version"] for write in writes)
        assert versions == list(range(1, len(versions) + 1)), f"task {task_id}: a lost or doubled update"
        for write in writes:
            if write["sent"] is not None:
                assert write["version"] == write["sent"] + 1  # applied to exactly the version it was sent with
        if task_id in deleted:
            assert deleted[task_id]["sent"] == versions[-1]  # deleted as last seen, never after an unseen change

    for entry in refused:  # refused as stale: the task had moved on through a write of the other process
        other = [w for w in committed.get(entry["id"], []) if w["process"] != entry["process"]]
        assert any(w["version"] > entry["sent"] for w in other), entry

    services = open_services(Settings(db=target, bcrypt_rounds=4))
    try:
        stored, cursor = {}, None
        while True:  # every page
            page = services.tasks.page(user, cursor=cursor, limit=500)
            stored.update((t.id, t) for t in page.tasks)
            if (cursor := page.next_cursor) is None:
                break
        assert set(stored) == set(committed) - set(deleted)
        for task_id, task in stored.items():
            last = max(committed[task_id], key=lambda write: write["version"])
            assert (task.version, task.title, task.completed) == (last["version"], last["title"], last["completed"])
        assert services.tasks.changes(user) == sum(len(w) for w in committed.values()) + len(deleted)
    finally:
        services.close()
