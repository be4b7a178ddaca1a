"""Against the real Taskwarrior (`task`, Debian package taskwarrior; .ci/run installs it).

Tasks made with `task` are imported into tui-tasks field by field; tui-tasks' export is loaded with
`task import` into a fresh TASKDATA and Taskwarrior must then see the same tasks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tui_tasks.domain import Priority, TaskQuery, TaskView, UserView
from tui_tasks.services.facade import Services
from tui_tasks.services.formats.taskwarrior import parse_moment
from tui_tasks.services.transfer import export_tasks, import_tasks

pytestmark = pytest.mark.skipif(
    shutil.which("task") is None,
    reason="Taskwarrior's `task` command is not installed (apt-get install taskwarrior; .ci/run does it)",
)
RC = ("rc.confirmation=off", "rc.hooks=off", "rc.verbose=nothing", "rc.json.array=on", "rc.recurrence=off",
      "rc.color=off", "rc.dateformat=Y-M-D")  # fmt: skip


@dataclass
class Taskwarrior:
    """`task` with its own TASKDATA and an empty TASKRC."""

    root: Path

    def __call__(self, *args: str, input: str | None = None) -> str:
        env = {**os.environ, "TASKDATA": str(self.root / "data"), "TASKRC": str(self.root / "taskrc")}
        result = subprocess.run(
            ["task", *RC, *args], env=env, input=input, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, f"task {' '.join(args)}: {result.stderr}"
        return result.stdout

    def add(self, *args: str) -> str:
        self("add", *args)
        return self("+LATEST", "uuids").strip()

    def export(self) -> list[dict[str, Any]]:
        return json.loads(self("export"))


def make_taskwarrior(root: Path) -> Taskwarrior:
    root.mkdir()
    (root / "data").mkdir()
    (root / "taskrc").write_text("")
    return Taskwarrior(root)


def tasks_of(services: Services, user: UserView) -> dict[str, TaskView]:
    page = services.tasks.page(user, TaskQuery(), limit=500)
    return {task.title: task for task in page.tasks}


def comparable(obj: dict[str, Any]) -> dict[str, Any]:
    """What both sides must agree on (ids, uuids and urgency are Taskwarrior's own)."""
    return {
        "description": obj["description"], "status": obj["status"], "priority": obj.get("priority"),
        "project": obj.get("project"), "tags": sorted(obj.get("tags", [])), "due": obj.get("due"),
        "entry": obj["entry"], "modified": obj.get("modified"), "end": obj.get("end"),
        "annotations": "\n".join(a["description"] for a in obj.get("annotations", [])),
    }  # fmt: skip


def test_tasks_made_with_taskwarrior_import_field_by_field_and_go_back_the_same(
    services: Services, alice: UserView, tmp_path: Path
) -> None:
    tw = make_taskwarrior(tmp_path / "tw")
    tw.add('Buy milk, "fresh" 🥛', "project:home", "priority:H", "due:2026-03-12", "+shop", "+food")
    noted = tw.add("Ünïcödé — 日本語", "priority:L", "project:home.garden")
    tw(noted, "annotate", "first note, with a comma")
    tw(noted, "annotate", 'second "quoted" note ✓')
    done = tw.add("Finished report", "priority:M", "project:work", "+report")
    tw(done, "done")
    gone = tw.add("Thrown away")
    tw(gone, "delete")
    tw.add("Plain")
    exported = tw.export()
    assert {obj["status"] for obj in exported} == {"pending", "completed", "deleted"}
    source = tmp_path / "taskwarrior.json"
    source.write_text(json.dumps(exported, ensure_ascii=False))

    result = import_tasks(services, alice, source, "auto")

    assert (result.format, result.imported, result.ignored, result.invalid) == ("taskwarrior", 4, 1, 0)
    imported = tasks_of(services, alice)
    assert "Thrown away" not in imported
    priorities = {"H": Priority.HIGH, "M": Priority.MEDIUM, "L": Priority.LOW, None: Priority.NONE}
    for obj in exported:
        if obj["status"] == "deleted":
            continue
        task = imported[obj["description"]]
        assert task.completed is (obj["status"] == "completed")
        assert task.priority is priorities[obj.get("priority")]
        assert task.project == obj.get("project")
        assert task.tags == tuple(sorted(obj.get("tags", [])))
        assert task.due == (parse_moment(obj["due"], "due").astimezone().date() if "due" in obj else None)
        assert task.description == "\n".join(a["description"] for a in obj.get("annotations", []))
        assert task.created_at == parse_moment(obj["entry"], "entry")
        assert task.updated_at == parse_moment(obj["modified"], "modified")
        assert task.completed_at == (parse_moment(obj["end"], "end") if "end" in obj else None)
    assert imported["Ünïcödé — 日本語"].description == 'first note, with a comma\nsecond "quoted" note ✓'
    assert str(imported['Buy milk, "fresh" 🥛'].due) == "2026-03-12"

    back = tmp_path / "back.json"
    assert export_tasks(services, alice, back, "taskwarrior") == 4
    fresh = make_taskwarrior(tmp_path / "fresh")
    fresh("import", str(back))
    again = fresh.export()

    def by_description(objs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {obj["description"]: comparable(obj) for obj in objs if obj["status"] != "deleted"}

    expected = by_description(exported)
    # tui-tasks writes the annotations back as one annotation holding the whole description.
    assert by_description(again) == expected
    assert len(again) == 4
