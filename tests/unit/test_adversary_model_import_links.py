"""Adversarial pass on issue #10's links from a file: parents and dependencies that Taskwarrior files carry
(tuitasks_parent, depends). The import once broke cycles with a recursive walk that stopped after ~100
steps, and never checked the depth limit the form enforces (relations.MAX_DEPTH), so a long cycle or a deep
chain from a file stayed in the database: tasks the tree list never showed, tasks blocked forever."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from tui_tasks.domain import TaskQuery
from tui_tasks.services.relations import MAX_DEPTH
from tui_tasks.services.transfer import import_tasks


def _taskwarrior_file(path: Path, count: int, link: str) -> Path:
    uuids = [str(uuid.uuid4()) for _ in range(count)]
    records = []
    for i, own in enumerate(uuids):
        record = {"uuid": own, "description": f"task {i}", "status": "pending", "entry": "20250101T000000Z",
                  "modified": "20250101T000000Z"}  # fmt: skip
        if link == "parent-cycle":
            record["tuitasks_parent"] = uuids[(i + 1) % count]
        elif link == "depends-cycle":
            record["depends"] = [uuids[(i + 1) % count]]
        elif link == "chain" and i:
            record["tuitasks_parent"] = uuids[i - 1]
        records.append(record)
    path.write_text(json.dumps(records))
    return path


def _tree_rows(services, user) -> list[int]:
    rows, cursor = [], None
    while True:
        page = services.tasks.page(user, TaskQuery(tree=True), cursor=cursor, limit=50)
        rows += [task.id for task in page.tasks]
        if page.next_cursor is None:
            return rows
        cursor = page.next_cursor


def test_a_long_parent_cycle_from_a_file_leaves_every_task_listed(services, alice, tmp_path):
    source = _taskwarrior_file(tmp_path / "cycle.json", 150, "parent-cycle")

    result = import_tasks(services, alice, source, "taskwarrior")

    assert result.added == 150
    assert services.tasks.count(alice, TaskQuery(tree=True)) == 150
    assert len(_tree_rows(services, alice)) == 150  # was 0: every task under another one


def test_a_chain_deeper_than_the_limit_from_a_file_leaves_every_task_listed(services, alice, tmp_path):
    source = _taskwarrior_file(tmp_path / "chain.json", 2 * MAX_DEPTH, "chain")

    import_tasks(services, alice, source, "taskwarrior")

    assert len(set(_tree_rows(services, alice))) == 2 * MAX_DEPTH  # was 101


def test_a_long_dependency_cycle_from_a_file_is_broken(services, alice, tmp_path):
    source = _taskwarrior_file(tmp_path / "depends.json", 150, "depends-cycle")

    result = import_tasks(services, alice, source, "taskwarrior")

    assert result.dropped >= 1  # one edge on the cycle let go, as for a short cycle
    page = services.tasks.page(alice, TaskQuery(), limit=200)
    assert any(not task.blocked for task in page.tasks)  # was: every one blocked by another
