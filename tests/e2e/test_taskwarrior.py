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

from datetime import date, datetime, timezone

from tui_tasks.domain import Priority, Recurrence, TaskDraft, TaskQuery, TaskView, UserView
from tui_tasks.services.facade import Services
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


def make_taskwarrior(root: Path, rc: str = "") -> Taskwarrior:
    root.mkdir()
    (root / "data").mkdir()
    (root / "taskrc").write_text(rc)
    return Taskwarrior(root)


UDA = "uda.estimate.type=numeric\nuda.estimate.label=Estimate\n"
NOT_KEPT = ("id", "urgency")  # Taskwarrior computes them


def by_uuid(objs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every task Taskwarrior holds but the deleted ones, by uuid, without what it computes."""
    return {obj["uuid"]: {k: v for k, v in obj.items() if k not in NOT_KEPT} for obj in objs if obj["status"] != "deleted"}


def tasks_of(services: Services, user: UserView) -> dict[str, TaskView]:
    shown = [t for f in ("all", "waiting") for t in services.tasks.page(user, TaskQuery(filter=f), limit=500).tasks]
    return {task.uuid: task for task in shown}


def made_with_taskwarrior(tw: Taskwarrior) -> None:
    """Every kind of task: a date-only and a timed due, wait, scheduled, a UDA, annotations, a dependency,
    done and deleted tasks, and a daily template with three instances, one of them done."""
    milk = tw.add('Buy milk, "fresh" 🥛', "project:home", "priority:H", "due:2026-03-12", "+shop", "+food")
    tw.add("Call the bank", "due:2026-03-12T17:30", "wait:2026-03-01", "scheduled:2026-03-05", "estimate:3",
           f"depends:{milk}")  # fmt: skip
    noted = tw.add("Ünïcödé — 日本語", "priority:L", "project:home.garden")
    tw(noted, "annotate", "first note, with a comma")
    tw(noted, "annotate", 'second "quoted" note ✓')
    tw(tw.add("Finished report", "priority:M", "project:work", "+report"), "done")
    tw(tw.add("Thrown away"), "delete")
    tw.add("Water plants", "due:yesterday", "recur:daily", "+home")
    tw("rc.recurrence=on", "list")  # makes the instances up to tomorrow's
    first = tw("rc.recurrence=on", "status:pending", "parent.any:", "uuids").split()[0]
    tw("rc.recurrence=on", first, "done")


def test_tasks_made_with_taskwarrior_come_back_from_tui_tasks_the_same_field_by_field(
    services: Services, alice: UserView, tmp_path: Path
) -> None:
    tw = make_taskwarrior(tmp_path / "tw", UDA)
    made_with_taskwarrior(tw)
    exported = tw.export()
    source = tmp_path / "taskwarrior.json"
    source.write_text(json.dumps(exported, ensure_ascii=False))
    expected = by_uuid(exported)
    assert {obj["status"] for obj in exported} == {"pending", "completed", "deleted", "recurring"}

    result = import_tasks(services, alice, source, "auto")

    assert (result.format, result.added, result.ignored, result.invalid, result.dropped) == ("taskwarrior", len(expected), 1, 0, 0)
    imported = tasks_of(services, alice)
    bank = next(task for task in imported.values() if task.title == "Call the bank")
    milk = next(task for task in imported.values() if task.title.startswith("Buy milk"))
    assert str(milk.due) == "2026-03-12" and bank.due == datetime(2026, 3, 12, 17, 30).astimezone().astimezone(timezone.utc)
    assert bank.depends == (milk.id,) and str(bank.wait) == "2026-03-01"
    water = sorted((t for t in imported.values() if t.title == "Water plants"), key=lambda t: t.occurrence)
    assert [t.occurrence for t in water] == [0, 1, 2] and sorted(t.completed for t in water) == [False, False, True]
    assert water[0].recurrence == Recurrence("FREQ=DAILY")

    back = tmp_path / "back.json"
    export_tasks(services, alice, back, "taskwarrior")
    fresh = make_taskwarrior(tmp_path / "fresh", UDA)
    fresh("import", str(back))
    assert by_uuid(fresh.export()) == expected


def test_tasks_made_in_tui_tasks_come_back_from_taskwarrior_unchanged(
    services: Services, alice: UserView, tmp_path: Path
) -> None:
    parent = services.tasks.create(alice, TaskDraft("Move house", "the big one\nsecond line", Priority.HIGH, date(2026, 4, 1)))
    child = services.tasks.create(alice, TaskDraft(
        "Pack books", due=datetime(2026, 3, 20, 17, 30, tzinfo=timezone.utc), wait=date(2026, 3, 10), parent_id=parent.id,
        tags=("home",)))  # fmt: skip
    van = services.tasks.create(alice, TaskDraft("Hire a van", depends=(child.id,), project="move"))
    services.tasks.annotate(alice, van.id, "asked two firms")
    weekly = services.tasks.create(alice, TaskDraft("Water plants", due=date(2026, 3, 2), recurrence=Recurrence("FREQ=WEEKLY;INTERVAL=1")))
    services.tasks.toggle(alice, weekly.id)
    before = tasks_of(services, alice)

    out = tmp_path / "out.json"
    export_tasks(services, alice, out, "taskwarrior")
    tw = make_taskwarrior(tmp_path / "tw")
    tw("import", str(out))
    again = tmp_path / "again.json"
    again.write_text(json.dumps(tw.export(), ensure_ascii=False))
    objs = {obj["description"]: obj for obj in tw.export() if obj["status"] != "recurring"}
    assert objs["Pack books"]["tuitasks_parent"] == parent.uuid and objs["Hire a van"]["depends"] == [child.uuid]

    result = import_tasks(services, alice, again, "taskwarrior")

    assert (result.added, result.updated, result.unchanged, result.dropped) == (0, 0, len(before) + 1, 0)
    assert tasks_of(services, alice) == before
