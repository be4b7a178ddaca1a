"""Any sequence of changes, undone to the start and redone to the end, gives back exactly those states."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_tasks.changes import BulkEdit, NothingToUndo
from tui_tasks.domain import Priority, Recurrence, TaskDraft
from tui_tasks.errors import TasksError
from tui_tasks.services.history import History

from tests.unit.test_history import world

_users = itertools.count()

step = st.one_of(
    st.tuples(st.just("create"), st.sampled_from(["a", "b", "c"]), st.sampled_from(list(Priority)), st.booleans()),
    st.tuples(st.just("edit"), st.integers(0, 9), st.sampled_from(list(Priority)), st.sampled_from([(), ("x",), ("x", "y")])),
    st.tuples(st.just("toggle"), st.integers(0, 9)),
    st.tuples(st.just("delete"), st.integers(0, 9)),
    st.tuples(st.just("annotate"), st.integers(0, 9)),
    st.tuples(st.just("parent"), st.integers(0, 9), st.integers(0, 9)),
    st.tuples(st.just("bulk_done"), st.booleans()),
    st.tuples(st.just("bulk_edit"), st.sampled_from([None, "work"])),
    st.tuples(st.just("bulk_delete"), st.integers(0, 9)),
    st.tuples(st.just("skip"), st.integers(0, 9)),
    st.tuples(st.just("complete_tree"), st.integers(0, 9)),
    st.tuples(st.just("stop_repeating"), st.integers(0, 9)),
)


def apply(services, user, move) -> None:
    tasks = services.tasks.page(user, limit=500).tasks
    pick = lambda i: tasks[i % len(tasks)]  # noqa: E731
    kind = move[0]
    if kind == "create":
        _, title, priority, repeats = move
        services.tasks.create(user, TaskDraft(title, priority=priority, due=date(2030, 1, 1),
                                              recurrence=Recurrence("FREQ=DAILY") if repeats else None))  # fmt: skip
        return
    if not tasks:
        return
    if kind == "edit":
        task = pick(move[1])
        services.tasks.update(user, task.id, TaskDraft(task.title + "!", priority=move[2], tags=move[3],
                                                       recurrence=task.recurrence))  # fmt: skip
    elif kind == "toggle":
        services.tasks.toggle(user, pick(move[1]).id)
    elif kind == "delete":
        services.tasks.delete(user, pick(move[1]).id)
    elif kind == "annotate":
        services.tasks.annotate(user, pick(move[1]).id, "a note")
    elif kind == "parent":
        task, parent = pick(move[1]), pick(move[2])
        try:
            services.tasks.update(user, task.id, TaskDraft(task.title, priority=task.priority, tags=task.tags,
                                                           parent_id=parent.id, recurrence=task.recurrence))  # fmt: skip
        except TasksError:
            pass  # a cycle: refused, nothing logged
    elif kind == "bulk_done":
        services.tasks.bulk_complete(user, [t.id for t in tasks], move[1])
    elif kind == "bulk_edit":
        services.tasks.bulk_edit(user, [t.id for t in tasks], BulkEdit(project=move[1], add_tags=("bulk",)))
    elif kind in ("skip", "complete_tree", "stop_repeating"):
        try:
            getattr(services.tasks, kind)(user, pick(move[1]).id)
        except TasksError:
            pass  # not a repeating task, or already done: refused, nothing logged
    elif kind == "bulk_delete":
        services.tasks.bulk_delete(user, [t.id for t in tasks[: move[1] % 3 + 1]])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(moves=st.lists(step, min_size=1, max_size=8))
def test_undo_all_gives_the_start_and_redo_all_the_end(services, clock, moves):
    user = services.accounts.register(f"user{next(_users)}@example.com", "a-password", "U")
    history = History(services.db, clock)
    states = [world(services, user)]
    for move in moves:
        clock.advance(seconds=1)
        apply(services, user, move)
        if history.state(user).undo is not None and world(services, user) != states[-1]:
            states.append(world(services, user))
    end = states[-1]
    undone = 0
    while True:
        try:
            history.undo(user)
        except NothingToUndo:
            break
        undone += 1
    assert world(services, user) == states[0]
    for _ in range(undone):
        history.redo(user)
    assert world(services, user) == end
    with pytest.raises(NothingToUndo):
        history.redo(user)
