"""Import merges by uuid: a record whose uuid the account has replaces that task when it is newer and is
left alone when not; one without a uuid is added. Links (parent, depends, series) go by uuid too."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.conftest import Clock
from tui_tasks.domain import Priority, Recurrence, TaskDraft, TaskQuery, TaskView, UserView
from tui_tasks.services.facade import Services
from tui_tasks.services.transfer import InvalidRecords, export_tasks, import_tasks


def everything_listed(services: Services, user: UserView) -> list[TaskView]:
    return [task for shown in ("all", "waiting") for task in services.tasks.page(user, TaskQuery(filter=shown), limit=500).tasks]


def everything(services: Services, user: UserView) -> dict[str, dict]:
    """The user's tasks by uuid, field by field, with ids said as uuids (ids differ between accounts)."""
    tasks = [task for shown in ("all", "waiting")  # a waiting task is listed by "waiting" alone
             for task in services.tasks.page(user, TaskQuery(filter=shown, sort="created", descending=False), limit=500).tasks]
    uuid_of = {task.id: task.uuid for task in tasks}
    found = {}
    for task in tasks:
        values = {name: getattr(task, name) for name in TaskView.__slots__ if name not in ("id", "version", "series_id")}
        values["parent_id"] = uuid_of.get(task.parent_id)
        values["depends"] = sorted(uuid_of[i] for i in task.depends)
        values["annotations"] = services.tasks.annotations(user, task.id)
        found[task.uuid] = values
    return found


@pytest.fixture
def rich(services: Services, alice: UserView, clock: Clock) -> dict[str, TaskView]:
    """A parent with a subtask, a dependency, a timed due, a wait, notes, and a weekly task done once."""
    clock.now = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=timezone.utc)
    made = {}
    made["parent"] = services.tasks.create(alice, TaskDraft("Move house", "the big one", Priority.HIGH, date(2026, 4, 1)))
    clock.advance(minutes=1)
    made["child"] = services.tasks.create(alice, TaskDraft(
        "Pack books", due=datetime(2026, 3, 20, 17, 30, tzinfo=timezone.utc), wait=date(2026, 3, 10),
        parent_id=made["parent"].id, tags=("home",)))  # fmt: skip
    clock.advance(minutes=1)
    made["blocked"] = services.tasks.create(alice, TaskDraft("Hire a van", depends=(made["child"].id,), project="move"))
    services.tasks.annotate(alice, made["blocked"].id, "asked two firms")
    clock.advance(minutes=1)
    made["weekly"] = services.tasks.create(alice, TaskDraft(
        "Water plants", due=date(2026, 3, 2), recurrence=Recurrence("FREQ=WEEKLY;INTERVAL=1")))  # fmt: skip
    clock.advance(days=1)
    services.tasks.toggle(alice, made["weekly"].id)  # makes the next one
    clock.advance(days=1)
    return made


def test_json_reimported_into_the_same_account_changes_nothing(services, alice, rich, tmp_path: Path) -> None:
    before = everything(services, alice)
    path = tmp_path / "all.json"
    export_tasks(services, alice, path, "json")
    result = import_tasks(services, alice, path)
    assert (result.added, result.updated, result.unchanged, result.dropped) == (0, 0, len(before) + 1, 0)  # + the series
    assert result.summary == f"added 0, updated 0, unchanged {len(before) + 1}"
    assert everything(services, alice) == before
    assert services.tasks.changes(alice) == 6  # the import counted no change: no window looks again


def test_json_into_a_fresh_account_gives_the_same_tasks_field_by_field(services, alice, bob, rich, tmp_path) -> None:
    path = tmp_path / "all.json"
    export_tasks(services, alice, path, "json")
    result = import_tasks(services, bob, path)
    assert (result.added, result.updated, result.unchanged) == (6, 0, 0)  # 5 tasks and their series
    assert everything(services, bob) == everything(services, alice)
    [next_one] = [t for t in services.tasks.page(bob, limit=50).tasks if t.title == "Water plants" and not t.completed]
    assert (next_one.occurrence, next_one.recurrence) == (1, Recurrence("FREQ=WEEKLY;INTERVAL=1"))
    third = services.tasks.toggle(bob, next_one.id)  # the series goes on in the new account, from where it was
    assert third.completed
    assert sorted(t.occurrence for t in services.tasks.page(bob, limit=50).tasks if t.title == "Water plants") == [0, 1, 2]


def _edited(path: Path, title: str, updated: datetime, new_title: str) -> Path:
    document = json.loads(path.read_text())
    for task in document["tasks"]:
        if task["title"] == title:
            task["title"], task["updated_at"] = new_title, updated.isoformat()
    out = path.with_name("edited.json")
    out.write_text(json.dumps(document))
    return out


def test_a_newer_record_updates_the_task_and_an_older_one_leaves_it(services, alice, rich, tmp_path, clock) -> None:
    path = tmp_path / "all.json"
    export_tasks(services, alice, path, "json")
    child = services.tasks.get(alice, rich["child"].id)
    older = _edited(path, "Pack books", child.updated_at - timedelta(seconds=1), "Pack OLD books")
    result = import_tasks(services, alice, older)
    assert (result.added, result.updated, result.unchanged) == (0, 0, 6)
    assert services.tasks.get(alice, child.id).title == "Pack books"

    newer = _edited(path, "Pack books", child.updated_at + timedelta(seconds=1), "Pack all the books")
    result = import_tasks(services, alice, newer)
    assert (result.added, result.updated, result.unchanged) == (0, 1, 5)
    now = services.tasks.get(alice, child.id)
    assert (now.title, now.parent_id, now.version, now.tags) == ("Pack all the books", rich["parent"].id, child.version + 1, ("home",))
    assert services.tasks.get(alice, rich["blocked"].id).depends == (child.id,)  # still blocked by the same task
    assert import_tasks(services, alice, newer).updated == 0  # the same file again: nothing newer


def test_records_without_a_uuid_are_always_added(services, alice, tmp_path) -> None:
    path = tmp_path / "v1.json"
    path.write_text('{"format": "tui-tasks", "version": 1, "tasks": [{"title": "one"}, {"title": "two", "due": "2026-03-01"}]}')
    assert import_tasks(services, alice, path).added == 2
    assert import_tasks(services, alice, path).added == 2
    tasks = services.tasks.page(alice, limit=50).tasks
    assert len({task.uuid for task in tasks}) == 4 and sorted(t.title for t in tasks) == ["one", "one", "two", "two"]


def _v2(tmp_path: Path, *tasks: dict, series: tuple[dict, ...] = ()) -> Path:
    path = tmp_path / "v2.json"
    lines = lambda items: ",\n".join(map(json.dumps, items))  # noqa: E731  (one record a line, as export writes)
    path.write_text(f'{{"format": "tui-tasks", "version": 2, "series": [\n{lines(series)}\n], "tasks": [\n{lines(tasks)}\n]}}')
    return path


U = [f"00000000-0000-4000-8000-00000000000{n}" for n in range(10)]


def test_links_found_nowhere_are_dropped_with_a_note(services, alice, tmp_path) -> None:
    path = _v2(tmp_path, {"uuid": U[1], "title": "a", "parent": U[8], "depends": [U[9], U[2]]},
               {"uuid": U[2], "title": "b", "series": U[7], "occurrence": 3})  # fmt: skip
    result = import_tasks(services, alice, path)
    assert (result.added, result.dropped) == (2, 3)
    assert result.notes == (
        f"line 4: parent {U[8]} is in neither the file nor your tasks: dropped",
        f"line 4: depends on {U[9]}, in neither the file nor your tasks: dropped",
        f"line 5: series {U[7]} is in neither the file nor your tasks: a plain task",
    )
    assert result.summary == "added 2, updated 0, unchanged 0, 3 links dropped"
    a, b = sorted(everything_listed(services, alice), key=lambda t: t.title)
    assert (a.parent_id, a.depends, b.series_id, b.occurrence) == (None, (b.id,), None, None)


def test_links_may_point_later_in_the_file_or_to_tasks_already_held(services, alice, tmp_path) -> None:
    held = services.tasks.create(alice, TaskDraft("held"))
    path = _v2(tmp_path, {"uuid": U[1], "title": "child", "parent": U[2], "depends": [held.uuid]},
               {"uuid": U[2], "title": "parent"})  # fmt: skip
    import_tasks(services, alice, path)
    tasks = {t.title: t for t in everything_listed(services, alice)}
    assert (tasks["child"].parent_id, tasks["child"].depends) == (tasks["parent"].id, (held.id,))


def test_a_cycle_in_the_file_is_broken_with_a_note(services, alice, tmp_path) -> None:
    path = _v2(tmp_path, {"uuid": U[1], "title": "a", "parent": U[2], "depends": [U[2]]},
               {"uuid": U[2], "title": "b", "parent": U[1], "depends": [U[1]]})  # fmt: skip
    result = import_tasks(services, alice, path)
    assert result.added == 2 and result.dropped == 2
    a, b = sorted(everything_listed(services, alice), key=lambda t: t.title)
    assert (a.parent_id is None) != (b.parent_id is None)
    assert len(a.depends) + len(b.depends) == 1


def test_a_uuid_twice_in_one_file_is_a_bad_record(services, alice, tmp_path) -> None:
    path = _v2(tmp_path, {"uuid": U[1], "title": "a"}, {"uuid": U[1], "title": "b"}, {"uuid": "nope", "title": "c"})
    with pytest.raises(InvalidRecords) as caught:
        import_tasks(services, alice, path)
    assert [str(p) for p in caught.value.problems] == [
        f"line 5: uuid {U[1]} is in the file twice",
        "line 6: uuid must be a uuid such as 8f14e45f-ceea-467a-9af6-8c9e1f2a3b4c, not 'nope'",
    ]


def test_a_second_task_claiming_an_occurrence_stays_a_plain_task(services, alice, tmp_path) -> None:
    series = {"uuid": U[5], "title": "w", "rule": "FREQ=WEEKLY;INTERVAL=1", "first_due": "2026-03-02", "last_occurrence": 0}
    path = _v2(tmp_path, {"uuid": U[1], "title": "w", "series": U[5], "occurrence": 0},
               {"uuid": U[2], "title": "w2", "series": U[5], "occurrence": 0}, series=(series,))  # fmt: skip
    result = import_tasks(services, alice, path)
    assert (result.added, result.dropped) == (3, 1)
    assert "another task is already occurrence 0 of its series" in result.notes[0]


def test_a_merge_looks_uuids_up_in_batches_not_per_record(services, alice, tmp_path) -> None:
    from sqlalchemy import event

    path = _v2(tmp_path, *({"uuid": f"00000000-0000-4000-8000-{n:012}", "title": f"t{n}",
                            "updated_at": "2026-03-01T00:00:00+00:00"} for n in range(1200)))  # fmt: skip
    assert import_tasks(services, alice, path).added == 1200
    statements: list[str] = []
    record = lambda conn, cursor, statement, *args: statements.append(statement)  # noqa: E731
    event.listen(services.db.engine, "before_cursor_execute", record)
    try:
        result = import_tasks(services, alice, path)
    finally:
        event.remove(services.db.engine, "before_cursor_execute", record)
    assert (result.added, result.updated, result.unchanged) == (0, 0, 1200)
    assert len(statements) < 20, statements[:30]


def test_a_newer_series_record_updates_the_repeat(services, alice, tmp_path) -> None:
    series = {"uuid": U[5], "title": "w", "rule": "FREQ=WEEKLY", "first_due": "2026-03-02",
              "updated_at": "2026-03-01T00:00:00+00:00"}  # fmt: skip
    task = {"uuid": U[1], "title": "w", "series": U[5], "occurrence": 0, "updated_at": "2026-03-01T00:00:00+00:00"}
    import_tasks(services, alice, _v2(tmp_path, task, series=(series,)))
    newer = series | {"rule": "FREQ=DAILY;INTERVAL=2", "updated_at": "2026-03-02T00:00:00+00:00"}
    result = import_tasks(services, alice, _v2(tmp_path, task, series=(newer,)))
    assert (result.added, result.updated, result.unchanged) == (0, 1, 1)
    [view] = everything_listed(services, alice)
    assert view.recurrence == Recurrence("FREQ=DAILY;INTERVAL=2") and view.occurrence == 0


@pytest.mark.parametrize("batch", [1, 2, 1000])
def test_links_are_the_same_whichever_pass_makes_them(services, alice, tmp_path, monkeypatch, batch) -> None:
    """A new task's parent or series is set as it is inserted when the import added them in an earlier
    batch, and by the second pass otherwise (same batch, later in the file): the tasks come out the same,
    a claimed occurrence is still refused once, and a chain made of first-pass links still has its
    depth limit."""
    from tui_tasks.services import relations, transfer

    monkeypatch.setattr(transfer, "BATCH", batch)
    monkeypatch.setattr(relations, "MAX_DEPTH", 3)
    monkeypatch.setattr(transfer, "MAX_DEPTH", 3)
    uid = lambda n: f"00000000-0000-4000-8000-{n:012}"  # noqa: E731
    series = {"uuid": uid(90), "title": "w", "rule": "FREQ=WEEKLY;INTERVAL=1", "first_due": "2026-03-02", "last_occurrence": 0}
    chain = [{"uuid": uid(n), "title": f"level {n}", **({"parent": uid(n - 1)} if n else {})} for n in range(5)]
    records = [*chain,
               {"uuid": uid(10), "title": "early child", "parent": uid(11)},  # parent later in the file
               {"uuid": uid(11), "title": "late parent"},
               {"uuid": uid(20), "title": "w", "series": uid(90), "occurrence": 0},
               {"uuid": uid(21), "title": "w again", "series": uid(90), "occurrence": 0},
               {"uuid": uid(22), "title": "w next", "series": uid(90), "occurrence": 1}]  # fmt: skip
    result = import_tasks(services, alice, _v2(tmp_path, *records, series=(series,)))
    tasks = {t.title: t for t in everything_listed(services, alice)}
    parent_title = {t.id: t.title for t in tasks.values()}
    assert {title: parent_title.get(t.parent_id) for title, t in tasks.items() if t.parent_id} == {
        "level 1": "level 0", "level 2": "level 1", "level 4": "level 3", "early child": "late parent",
    }  # level 3 would be 3 levels deep: its parent is dropped, and level 4 stays under it
    assert [(tasks[t].series_id is not None, tasks[t].occurrence) for t in ("w", "w again", "w next")] == [
        (True, 0), (False, None), (True, 1)]  # fmt: skip
    assert (result.added, result.dropped) == (11, 2)
    assert sorted(note.split(": ", 1)[1] for note in result.notes) == [
        "another task is already occurrence 0 of its series: a plain task",
        f"the parent of {uid(3)} is dropped: subtasks can be at most 3 levels deep",
    ]
