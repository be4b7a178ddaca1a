"""Undo and redo of every kind of change, from the operation log (issue 11), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import text

from tui_tasks.changes import HistoryRefused, NothingToUndo
from tui_tasks.domain import Priority, Recurrence, TaskDraft
from tui_tasks.errors import NotFound
from tui_tasks.services.facade import open_services
from tui_tasks.services.history import History


@pytest.fixture
def history(services, clock) -> History:
    return History(services.db, clock)


def world(services, user) -> dict[str, tuple]:
    """Every task of the user as its fields (not ids, versions or update times), by uuid: what undo must
    give back exactly."""
    tasks = services.tasks.page(user, limit=500).tasks
    by_id = {t.id: t.uuid for t in tasks}
    found = {}
    for t in tasks:
        notes = tuple(text for _, text in services.tasks.annotations(user, t.id))
        found[t.uuid] = (
            t.title, t.description, t.completed, t.completed_at, t.priority, t.due, t.project, t.tags, t.wait,
            by_id.get(t.parent_id), tuple(sorted(by_id[d] for d in t.depends)), notes, t.series_id, t.occurrence,
            t.created_at,
        )  # fmt: skip
    return found


def by_uuid(services, user, uuid):
    return next(t for t in services.tasks.page(user, limit=500).tasks if t.uuid == uuid)


def test_a_new_task_is_undone_and_redone_with_its_uuid(services, alice, history):
    made = services.tasks.create(alice, TaskDraft("Pay rent", priority=Priority.HIGH, tags=("home",)))
    assert history.state(alice).undo == "add “Pay rent”"
    undone = history.undo(alice)
    assert undone.message == "Undone: add “Pay rent”" and undone.removed == (made.id,)
    assert services.tasks.count(alice) == 0
    assert history.state(alice).redo == "add “Pay rent”" and history.state(alice).undo is None
    redone = history.redo(alice)
    back = services.tasks.get(alice, redone.created[0])
    assert (back.uuid, back.title, back.priority, back.tags) == (made.uuid, "Pay rent", Priority.HIGH, ("home",))
    with pytest.raises(NothingToUndo, match="Nothing to redo"):
        history.redo(alice)


def test_an_edit_of_every_field_is_undone_and_redone_field_by_field(services, alice, history, clock):
    other = services.tasks.create(alice, TaskDraft("Blocker"))
    parent = services.tasks.create(alice, TaskDraft("Parent"))
    task = services.tasks.create(alice, TaskDraft("Pay rent", "one", Priority.MEDIUM, date(2030, 1, 2), "home", ("a",)))
    before = world(services, alice)
    clock.advance(minutes=1)
    due_at = datetime(2030, 2, 3, 9, 30, tzinfo=timezone.utc)
    services.tasks.update(alice, task.id, TaskDraft(
        "Pay the rent", "two\nlines", Priority.HIGH, due_at, "flat", ("b", "c"), wait=date(2030, 1, 1),
        parent_id=parent.id, depends=(other.id,)))  # fmt: skip
    after = world(services, alice)
    assert after != before
    history.undo(alice)
    assert world(services, alice) == before
    history.redo(alice)
    assert world(services, alice) == after
    history.undo(alice)
    assert world(services, alice) == before


def test_one_field_edit_names_the_change_and_the_task_history_shows_it(services, alice, history, clock):
    task = services.tasks.create(alice, TaskDraft("Pay rent", priority=Priority.MEDIUM))
    clock.advance(hours=2)
    services.tasks.update(alice, task.id, TaskDraft("Pay rent", priority=Priority.HIGH))
    assert history.state(alice).undo == "“Pay rent”: priority medium → high"
    clock.advance(minutes=5)
    entries = history.entries(alice, task.uuid)
    assert [e.lines for e in entries] == [("priority medium → high",), ("created",)]
    assert entries[0].text(clock()) == "priority medium → high, 5 min ago"
    assert entries[1].text(clock()) == "created, 2 h ago"


def test_toggle_and_complete_tree_are_undone(services, alice, history):
    top = services.tasks.create(alice, TaskDraft("Top"))
    child = services.tasks.create(alice, TaskDraft("Child", parent_id=top.id))
    start = world(services, alice)
    services.tasks.toggle(alice, child.id)
    services.tasks.complete_tree(alice, top.id)
    assert history.state(alice).undo == "done “Top” and 0 subtasks" or history.state(alice).undo == "done “Top”"
    history.undo(alice)
    assert services.tasks.get(alice, top.id).completed is False and services.tasks.get(alice, child.id).completed
    history.undo(alice)
    assert world(services, alice) == start


def test_undoing_a_completion_removes_the_next_instance_and_moves_the_series_back(services, alice, history):
    task = services.tasks.create(alice, TaskDraft("Water plants", due=date(2030, 1, 1), recurrence=Recurrence("FREQ=DAILY")))
    start = world(services, alice)
    services.tasks.toggle(alice, task.id)
    assert services.tasks.count(alice) == 2
    history.undo(alice)
    assert world(services, alice) == start
    with services.db.session() as session:
        assert session.exec(text("SELECT last_occurrence FROM task_series")).scalar() == 0
    history.redo(alice)  # the next instance again, once
    assert services.tasks.count(alice) == 2
    services.tasks.toggle(alice, task.id)  # reopen; completing again makes no second next instance
    services.tasks.toggle(alice, task.id)
    assert services.tasks.count(alice) == 2


def test_a_delete_is_undone_with_tags_notes_parent_children_and_links(services, alice, history):
    top = services.tasks.create(alice, TaskDraft("Top"))
    blocker = services.tasks.create(alice, TaskDraft("Blocker"))
    task = services.tasks.create(alice, TaskDraft("Middle", tags=("x", "y"), parent_id=top.id, depends=(blocker.id,)))
    services.tasks.annotate(alice, task.id, "first note")
    services.tasks.create(alice, TaskDraft("Child", parent_id=task.id))
    services.tasks.create(alice, TaskDraft("Dependent", depends=(task.id,)))
    start = world(services, alice)
    services.tasks.delete(alice, task.id)
    assert len(world(services, alice)) == 4
    undone = history.undo(alice)
    assert world(services, alice) == start
    assert undone.created == (task.id,)  # its own id back: a list, a `parent:` or an import's range still finds it
    history.redo(alice)
    assert len(world(services, alice)) == 4
    history.undo(alice)
    assert world(services, alice) == start
    assert by_uuid(services, alice, task.uuid).id == task.id


def test_a_task_made_again_takes_its_own_id_and_the_next_new_task_the_next_free_one(services, alice, history, clock):
    """Neither the SQLite AUTOINCREMENT counter nor the PostgreSQL sequence is moved back or disturbed."""
    tasks = [services.tasks.create(alice, TaskDraft(f"t{n}")) for n in range(3)]
    services.tasks.delete(alice, tasks[-1].id)  # the highest id: the one a plain rowid would hand out again
    clock.advance(minutes=1)
    history.undo(alice)
    assert services.tasks.get(alice, tasks[-1].id).uuid == tasks[-1].uuid
    later = [services.tasks.create(alice, TaskDraft(f"later{n}")) for n in range(3)]
    assert [t.id for t in later] == [tasks[-1].id + 1, tasks[-1].id + 2, tasks[-1].id + 3]
    history.undo(alice)  # the last "later" undone, then redone: its own id again
    assert history.redo(alice).created == (later[-1].id,)
    assert services.tasks.create(alice, TaskDraft("newest")).id == later[-1].id + 1


def test_undo_of_a_bulk_delete_gives_every_task_its_own_id_and_links_back(services, alice, history, clock):
    parent = services.tasks.create(alice, TaskDraft("Parent", tags=("p",)))
    child = services.tasks.create(alice, TaskDraft("Child", parent_id=parent.id))
    blocked = services.tasks.create(alice, TaskDraft("Blocked", depends=(child.id,)))
    series = services.tasks.create(alice, TaskDraft("Standup", due=date(2030, 1, 1), recurrence=Recurrence("FREQ=DAILY")))
    services.tasks.annotate(alice, child.id, "a note")
    kept = services.tasks.create(alice, TaskDraft("Kept", parent_id=child.id, depends=(blocked.id,)))
    ids = {t.uuid: t.id for t in services.tasks.page(alice, limit=500).tasks}
    start = world(services, alice)
    services.tasks.bulk_delete(alice, [parent.id, child.id, blocked.id, series.id])
    clock.advance(minutes=1)
    assert sorted(history.undo(alice).created) == sorted([parent.id, child.id, blocked.id, series.id])
    assert world(services, alice) == start and {t.uuid: t.id for t in services.tasks.page(alice, limit=500).tasks} == ids
    back = services.tasks.get(alice, kept.id)
    assert (back.parent_id, back.depends) == (child.id, (blocked.id,))
    assert services.tasks.get(alice, blocked.id).depends == (child.id,)
    assert [text for _, text in services.tasks.annotations(alice, child.id)] == ["a note"]
    assert services.tasks.get(alice, series.id).recurrence == Recurrence("FREQ=DAILY")
    history.redo(alice)
    history.undo(alice)
    assert world(services, alice) == start and {t.uuid: t.id for t in services.tasks.page(alice, limit=500).tasks} == ids


def test_a_task_whose_id_was_taken_meanwhile_comes_back_under_a_new_one(services, alice, bob, history):
    task = services.tasks.create(alice, TaskDraft("Pay rent", tags=("home",)))
    services.tasks.delete(alice, task.id)
    with services.db.session(write=True) as session:  # another program puts a task in under that id
        session.exec(text("INSERT INTO task (id, user_id, uuid, title, description, completed, priority, due_has_time,"
                          " wait_has_time, created_at, updated_at, version)"
                          " VALUES (:id, :user, 'outsider', 'Outsider', '', false, 0, false, false, :at, :at, 1)"),
                     params={"id": task.id, "user": bob.id, "at": datetime(2030, 1, 1)})  # fmt: skip
    undone = history.undo(alice)
    assert len(undone.created) == 1 and undone.created[0] != task.id
    back = services.tasks.get(alice, undone.created[0])
    assert (back.uuid, back.title, back.tags) == (task.uuid, "Pay rent", ("home",))
    assert [t.title for t in services.tasks.page(bob, limit=500).tasks] == ["Outsider"]


def test_an_annotation_and_a_skip_are_undone(services, alice, history):
    task = services.tasks.create(alice, TaskDraft("Standup", due=date(2030, 1, 1), recurrence=Recurrence("FREQ=DAILY")))
    services.tasks.create(alice, TaskDraft("Notes for it", parent_id=task.id))
    start = world(services, alice)
    services.tasks.annotate(alice, task.id, "said hello")
    services.tasks.skip(alice, task.id)
    assert history.state(alice).undo == "skip “Standup”"
    history.undo(alice)
    history.undo(alice)
    assert world(services, alice) == start


def test_stop_repeating_is_undone(services, alice, history):
    task = services.tasks.create(alice, TaskDraft("Standup", due=date(2030, 1, 1), recurrence=Recurrence("FREQ=DAILY")))
    services.tasks.stop_repeating(alice, task.id)
    assert services.tasks.get(alice, task.id).recurrence is None
    history.undo(alice)
    assert services.tasks.get(alice, task.id).recurrence == Recurrence("FREQ=DAILY")


def test_a_change_made_behind_the_log_refuses_undo_and_changes_nothing(services, alice, history, clock):
    task = services.tasks.create(alice, TaskDraft("Pay rent", priority=Priority.LOW))
    services.tasks.update(alice, task.id, TaskDraft("Pay rent", priority=Priority.HIGH))
    clock.advance(minutes=1)
    with services.db.session(write=True) as session:  # another program, or a version before the log
        session.exec(text("UPDATE task SET title = 'Pay rent!', version = version + 1, updated_at = :at"),
                     params={"at": clock()})  # fmt: skip
    clock.advance(minutes=2)
    before = world(services, alice)
    with pytest.raises(HistoryRefused, match=r"^“Pay rent!” was changed after this \(2 min ago\): undo would overwrite that$"):
        history.undo(alice)
    assert world(services, alice) == before and history.state(alice).undo == "“Pay rent”: priority low → high"


def test_a_task_deleted_behind_the_log_refuses_undo(services, alice, history):
    task = services.tasks.create(alice, TaskDraft("Pay rent"))
    services.tasks.toggle(alice, task.id)
    with services.db.session(write=True) as session:
        session.exec(text("DELETE FROM task"))
    with pytest.raises(HistoryRefused, match="“Pay rent” was deleted after this: undo cannot change it"):
        history.undo(alice)


def test_a_new_change_ends_the_redo_branch(services, alice, history):
    task = services.tasks.create(alice, TaskDraft("A"))
    services.tasks.toggle(alice, task.id)
    history.undo(alice)
    assert history.state(alice).can_redo
    services.tasks.create(alice, TaskDraft("B"))
    assert not history.state(alice).can_redo
    with pytest.raises(NothingToUndo):
        history.redo(alice)


def test_another_users_history_is_never_seen_or_undone(services, alice, bob, history):
    task = services.tasks.create(alice, TaskDraft("Private"))
    assert history.state(bob).undo is None and history.entries(bob, task.uuid) == []
    with pytest.raises(NothingToUndo):
        history.undo(bob)
    with pytest.raises(NothingToUndo):
        history.redo(bob)
    services.tasks.create(bob, TaskDraft("Bob's"))
    history.undo(bob)
    assert services.tasks.get(alice, task.id).title == "Private" and history.state(alice).undo == "add “Private”"


def test_the_history_survives_closing_and_reopening_the_database(services, settings, alice, clock):
    task = services.tasks.create(alice, TaskDraft("Pay rent"))
    services.tasks.toggle(alice, task.id)
    services.close()
    reopened = open_services(settings, clock)
    try:
        later = History(reopened.db, clock)
        assert later.state(alice).undo == "done “Pay rent”"
        later.undo(alice)
        assert reopened.tasks.get(alice, task.id).completed is False
        later.undo(alice)
        with pytest.raises(NotFound):
            reopened.tasks.get(alice, task.id)
    finally:
        reopened.close()


def test_undo_of_nothing_says_so(services, alice, history):
    with pytest.raises(NothingToUndo, match="^Nothing to undo$"):
        history.undo(alice)


def test_an_edit_that_starts_repeating_is_undone_and_redone(services, alice, history):
    task = services.tasks.create(alice, TaskDraft("Standup", due=date(2030, 1, 1)))
    services.tasks.update(alice, task.id, TaskDraft("Standup", due=date(2030, 1, 1), recurrence=Recurrence("FREQ=WEEKLY")))
    history.undo(alice)
    assert services.tasks.get(alice, task.id).recurrence is None
    history.redo(alice)
    assert services.tasks.get(alice, task.id).recurrence == Recurrence("FREQ=WEEKLY")
    services.tasks.toggle(alice, task.id)
    assert services.tasks.count(alice) == 2  # its next instance
    history.undo(alice)
    history.undo(alice)
    assert services.tasks.count(alice) == 1 and services.tasks.get(alice, task.id).recurrence is None
    services.tasks.toggle(alice, task.id)  # its series stopped with the undo: no next instance
    assert services.tasks.count(alice) == 1


def test_titles_in_messages_are_shown_as_text(services, alice, history, clock):
    task = services.tasks.create(alice, TaskDraft("Plain"))
    services.tasks.toggle(alice, task.id)
    clock.advance(seconds=1)
    with services.db.session(write=True) as session:  # written by something that did not check it
        session.exec(text("UPDATE task SET title = :t, updated_at = :at"), params={"t": "evil\x1b]0;pwned\x07", "at": clock()})
    with pytest.raises(HistoryRefused) as refused:
        history.undo(alice)
    assert "\x1b" not in refused.value.message and "␛" in refused.value.message


def test_a_window_holding_the_task_from_before_an_undo_is_told_it_changed(services, alice, history):
    from tui_tasks.errors import StaleTask

    task = services.tasks.create(alice, TaskDraft("Pay rent"))
    edited = services.tasks.update(alice, task.id, TaskDraft("Pay the rent"))
    history.undo(alice)  # back to "Pay rent", as a write: its version goes on, never back
    for held in (task, edited):
        with pytest.raises(StaleTask):
            services.tasks.update(alice, task.id, TaskDraft("Mine wins?"), expected_version=held.version)
    assert services.tasks.get(alice, task.id).title == "Pay rent"


def test_the_history_of_a_task_is_limited_and_newest_first(services, alice, history, clock):
    task = services.tasks.create(alice, TaskDraft("T"))
    for n in range(5):
        clock.advance(seconds=1)
        services.tasks.toggle(alice, task.id)
    entries = history.entries(alice, task.uuid, limit=3)
    assert [e.lines for e in entries] == [("done",), ("reopened",), ("done",)]
    history.undo(alice)
    assert history.entries(alice, task.uuid, limit=1)[0].undone
    assert history.entries(alice, "no-such-uuid") == []


def test_the_log_keeps_the_newest_steps_and_undo_stops_there(services, alice, history, monkeypatch):
    from tui_tasks.services import oplog

    monkeypatch.setattr(oplog, "KEPT", 3)
    task = services.tasks.create(alice, TaskDraft("T"))
    for _ in range(4):
        services.tasks.toggle(alice, task.id)
    for _ in range(3):
        history.undo(alice)
    with pytest.raises(NothingToUndo):
        history.undo(alice)
    assert services.tasks.get(alice, task.id).completed  # the step before the kept three stays done
