"""Bulk writes (done, delete, edit over a selection) and the import, each one undo step (issue 11)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from tui_tasks.changes import BulkEdit, HistoryRefused
from tui_tasks.domain import Priority, Recurrence, TaskDraft
from tui_tasks.errors import NotFound, ValidationError
from tui_tasks.services import history as history_module
from tui_tasks.services.history import History
from tui_tasks.services.transfer import import_tasks

from tests.unit.test_history import world


@pytest.fixture
def history(services, clock) -> History:
    return History(services.db, clock)


def make(services, user, n, **fields):
    return [services.tasks.create(user, TaskDraft(f"Task {i}", **fields)) for i in range(n)]


def test_bulk_done_is_one_transaction_and_one_undo_step(services, alice, history, clock):
    tasks = make(services, alice, 5)
    services.tasks.toggle(alice, tasks[0].id)  # already done: stays as it is
    start = world(services, alice)
    clock.advance(minutes=1)
    result = services.tasks.bulk_complete(alice, [t.id for t in tasks], True)
    assert result.summary == "4 tasks done" and set(result.changed) == {t.id for t in tasks[1:]}
    assert services.tasks.count(alice) == 5 and all(t.completed for t in services.tasks.page(alice).tasks)
    assert history.state(alice).undo == "4 tasks done"
    undone = history.undo(alice)
    assert undone.message == "Undone: 4 tasks done" and set(undone.changed) == set(result.changed)
    assert world(services, alice) == start
    history.redo(alice)
    assert all(t.completed for t in services.tasks.page(alice).tasks)
    services.tasks.bulk_complete(alice, [t.id for t in tasks], False)
    assert not any(t.completed for t in services.tasks.page(alice).tasks)


def test_bulk_done_makes_each_next_instance_and_undo_removes_them(services, alice, history):
    a = services.tasks.create(alice, TaskDraft("Daily", due=date(2030, 1, 1), recurrence=Recurrence("FREQ=DAILY")))
    b = services.tasks.create(alice, TaskDraft("Weekly", due=date(2030, 1, 1), recurrence=Recurrence("FREQ=WEEKLY")))
    start = world(services, alice)
    result = services.tasks.bulk_complete(alice, [a.id, b.id], True)
    assert len(result.created) == 2 and services.tasks.count(alice) == 4
    history.undo(alice)
    assert world(services, alice) == start


def test_bulk_delete_is_undone_with_everything_each_task_had(services, alice, history):
    top = services.tasks.create(alice, TaskDraft("Top", tags=("t",)))
    child = services.tasks.create(alice, TaskDraft("Child", parent_id=top.id, depends=(top.id,)))
    kept = services.tasks.create(alice, TaskDraft("Kept", parent_id=child.id))
    services.tasks.annotate(alice, child.id, "a note")
    start = world(services, alice)
    result = services.tasks.bulk_delete(alice, [top.id, child.id])
    assert result.summary == "delete 2 tasks" and set(result.removed) == {top.id, child.id}
    assert [t.title for t in services.tasks.page(alice).tasks] == ["Kept"]
    undone = history.undo(alice)
    assert len(undone.created) == 2
    assert world(services, alice) == start
    history.redo(alice)
    assert services.tasks.count(alice) == 1 and services.tasks.get(alice, kept.id).parent_id is None


def test_bulk_edit_sets_clears_and_tags_then_undoes(services, alice, history):
    tasks = [services.tasks.create(alice, TaskDraft(f"T{i}", priority=Priority.LOW, due=date(2030, 1, i + 1),
                                                    project="old", tags=("keep", "drop"))) for i in range(3)]  # fmt: skip
    parent = services.tasks.create(alice, TaskDraft("Parent"))
    start = world(services, alice)
    edit = BulkEdit(priority=Priority.HIGH, due=None, project="new", wait=date(2030, 5, 1), add_tags=("added",),
                    remove_tags=("drop",), parent_id=parent.id)  # fmt: skip
    result = services.tasks.bulk_edit(alice, [t.id for t in tasks], edit)
    assert result.summary == "3 tasks: priority high, due none, project new, wait 2030-05-01, moved, +added, -drop"
    for task in services.tasks.related(alice, [t.id for t in tasks]):
        assert (task.priority, task.due, task.project, task.tags, task.parent_id) == (
            Priority.HIGH, None, "new", ("added", "keep"), parent.id)
    end = world(services, alice)
    history.undo(alice)
    assert world(services, alice) == start
    history.redo(alice)
    assert world(services, alice) == end


def test_bulk_edit_refuses_a_cycle_and_an_empty_edit_and_changes_nothing(services, alice):
    top = services.tasks.create(alice, TaskDraft("Top"))
    child = services.tasks.create(alice, TaskDraft("Child", parent_id=top.id))
    start = world(services, alice)
    with pytest.raises(ValidationError, match="under itself"):
        services.tasks.bulk_edit(alice, [top.id, child.id], BulkEdit(parent_id=child.id))
    with pytest.raises(ValidationError, match="Nothing to change"):
        services.tasks.bulk_edit(alice, [top.id], BulkEdit())
    with pytest.raises(ValidationError, match="Priority must be"):
        services.tasks.bulk_edit(alice, [top.id], BulkEdit(priority=7))
    with pytest.raises(ValidationError, match="Project must be at most 80"):
        services.tasks.bulk_edit(alice, [top.id], BulkEdit(project="x" * 81))
    assert world(services, alice) == start


def test_another_users_or_missing_ids_refuse_the_whole_bulk(services, alice, bob, history):
    mine = make(services, alice, 2)
    theirs = services.tasks.create(bob, TaskDraft("Bob's"))
    start = world(services, alice)
    for call in (lambda ids: services.tasks.bulk_complete(alice, ids, True), lambda ids: services.tasks.bulk_delete(alice, ids),
                 lambda ids: services.tasks.bulk_edit(alice, ids, BulkEdit(priority=Priority.HIGH))):  # fmt: skip
        with pytest.raises(NotFound, match="1 task of the 3 selected is not found"):
            call([mine[0].id, mine[1].id, theirs.id])
        with pytest.raises(NotFound):
            call([mine[0].id, "1; DROP TABLE task"])
    assert world(services, alice) == start and services.tasks.get(bob, theirs.id).title == "Bob's"
    assert history.state(alice).undo == "add “Task 1”"
    assert services.tasks.bulk_complete(alice, [], True).changed == ()  # nothing selected: nothing logged
    assert history.state(alice).undo == "add “Task 1”"


def _write_json(path, tasks):
    path.write_text(json.dumps({"format": "tui-tasks", "version": 2, "tasks": tasks}))
    return path


def test_an_import_is_undone_and_redone_as_one_step(services, alice, history, tmp_path, clock):
    held = services.tasks.create(alice, TaskDraft("Held", priority=Priority.LOW, tags=("old",)))
    start = world(services, alice)
    later = (clock() + timedelta(hours=1)).isoformat()
    path = _write_json(tmp_path / "in.json", [
        {"uuid": held.uuid, "title": "Held, renamed", "priority": "high", "tags": ["new"], "updated_at": later},
        {"title": "New one"}, {"title": "New two", "parent": held.uuid},
    ])  # fmt: skip
    result = import_tasks(services, alice, path)
    assert (result.added, result.updated) == (2, 1)
    assert history.state(alice).undo == "import: 2 added, 1 updated"
    end = world(services, alice)
    undone = history.undo(alice)
    assert undone.many and world(services, alice) == start
    history.redo(alice)
    assert world(services, alice) == end
    history.undo(alice)
    assert world(services, alice) == start


def test_an_import_too_large_to_redo_is_undone_and_says_so(services, alice, history, tmp_path, monkeypatch):
    monkeypatch.setattr(history_module, "REDO_IMPORT_MAX", 2)
    import tui_tasks.services.transfer as transfer

    monkeypatch.setattr(transfer, "REDO_IMPORT_MAX", 2)
    path = _write_json(tmp_path / "in.json", [{"title": f"T{i}"} for i in range(3)])
    import_tasks(services, alice, path)
    assert history.state(alice).undo == "import: 3 added (undo only)"
    history.undo(alice)
    assert services.tasks.count(alice) == 0
    with pytest.raises(HistoryRefused, match="An import of 3 tasks cannot be redone .over 2.: import the file again"):
        history.redo(alice)


def test_an_import_changed_behind_the_log_refuses_undo(services, alice, history, tmp_path, clock):
    from sqlalchemy import text

    import_tasks(services, alice, _write_json(tmp_path / "in.json", [{"title": "Imported"}]))
    task = services.tasks.page(alice).tasks[0]
    services.tasks.toggle(alice, task.id)
    history.undo(alice)  # a change through the log, undone: the import can still go
    clock.advance(minutes=3)
    with services.db.session(write=True) as session:
        session.exec(text("UPDATE task SET title = 'Renamed', version = version + 1, updated_at = :at"), params={"at": clock()})
    with pytest.raises(HistoryRefused, match="“Renamed” was changed after this"):
        history.undo(alice)
    assert services.tasks.count(alice) == 1


def test_an_import_stamped_ahead_of_this_clock_undoes_after_changes_through_the_log_and_refuses_one_behind_it(
    services, alice, history, tmp_path, clock
):
    from sqlalchemy import text

    ahead = (clock() + timedelta(minutes=5)).isoformat()  # another machine's clock, five minutes on
    path = _write_json(tmp_path / "in.json", [{"title": t, "updated_at": ahead} for t in ("One", "Two")])
    import_tasks(services, alice, path)
    one, two = sorted(services.tasks.page(alice).tasks, key=lambda t: t.title)
    clock.advance(minutes=1)
    services.tasks.toggle(alice, one.id)
    services.tasks.delete(alice, two.id)
    history.undo(alice)  # both undone through the log: they are as imported (a later version, the file's stamp)
    history.undo(alice)
    assert history.undo(alice).summary.startswith("import")
    assert services.tasks.count(alice) == 0
    history.redo(alice)
    clock.advance(minutes=10)  # past the file's stamps: a change behind the log now shows
    with services.db.session(write=True) as session:
        session.exec(text("UPDATE task SET title = 'Renamed', version = version + 1, updated_at = :at WHERE title = 'One'"),
                     params={"at": clock()})  # fmt: skip
    with pytest.raises(HistoryRefused, match="“Renamed” was changed after this"):
        history.undo(alice)


def test_a_careless_selection_is_taken_as_meant_or_refused_clearly(services, alice, history, monkeypatch):
    from tui_tasks.services import bulk

    tasks = make(services, alice, 3)
    ids = [t.id for t in tasks]
    result = services.tasks.bulk_complete(alice, ids + ids[:2], True)  # a task selected twice counts once
    assert result.summary == "3 tasks done"
    monkeypatch.setattr(bulk, "BULK_MAX", 2)
    with pytest.raises(ValidationError, match=r"At most 2 tasks can be changed at once \(selected: 3\)"):
        services.tasks.bulk_delete(alice, ids)
    with pytest.raises(ValidationError, match="Nothing to change"):
        services.tasks.bulk_edit(alice, ids[:1], BulkEdit(add_tags=()))
    assert services.tasks.count(alice) == 3 and history.state(alice).undo == "3 tasks done"


def test_moving_many_under_a_parent_keeps_the_depth_limit(services, alice, monkeypatch):
    from tui_tasks.services import relations

    monkeypatch.setattr(relations, "MAX_DEPTH", 4)
    chain = [services.tasks.create(alice, TaskDraft("level 0"))]
    for level in range(1, 3):
        chain.append(services.tasks.create(alice, TaskDraft(f"level {level}", parent_id=chain[-1].id)))
    loose = services.tasks.create(alice, TaskDraft("loose"))
    deep = services.tasks.create(alice, TaskDraft("deep"))
    services.tasks.create(alice, TaskDraft("under deep", parent_id=deep.id))
    start = world(services, alice)
    with pytest.raises(ValidationError, match="at most 4 levels deep"):  # 'deep' brings its subtask along
        services.tasks.bulk_edit(alice, [loose.id, deep.id], BulkEdit(parent_id=chain[-1].id))
    assert world(services, alice) == start
    services.tasks.bulk_edit(alice, [loose.id], BulkEdit(parent_id=chain[-1].id))
    assert services.tasks.get(alice, loose.id).parent_id == chain[-1].id
    with pytest.raises(ValidationError, match="There is no task 999999 to be the parent"):
        services.tasks.bulk_edit(alice, [deep.id], BulkEdit(parent_id=999999))


def test_an_import_replacing_too_many_tasks_to_keep_says_it_cannot_be_undone(services, alice, history, tmp_path, clock, monkeypatch):
    import tui_tasks.services.transfer as transfer

    monkeypatch.setattr(transfer, "UNDO_UPDATES_MAX", 2)
    held = [services.tasks.create(alice, TaskDraft(f"T{i}")) for i in range(3)]
    later = (clock() + timedelta(hours=1)).isoformat()
    import_tasks(services, alice, _write_json(tmp_path / "in.json", [
        {"uuid": t.uuid, "title": f"{t.title}, renamed", "updated_at": later} for t in held] + [{"title": "new"}]))  # fmt: skip
    assert history.state(alice).undo == "import: 1 added, 3 updated (cannot be undone)"
    with pytest.raises(HistoryRefused, match=r"An import that updated 3 tasks cannot be undone \(over 20000\)"):
        history.undo(alice)
    assert services.tasks.count(alice) == 4 and services.tasks.get(alice, held[0].id).title == "T0, renamed"
