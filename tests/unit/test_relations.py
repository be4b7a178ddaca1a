"""What ties tasks together: parents (subtasks), dependencies (blocked by), annotations and waits. A change that
would make a cycle is refused, whatever order the changes come in."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings
from hypothesis import strategies as st

from tui_tasks.domain import TaskDraft, TaskFilter, TaskQuery, TaskView, UserView
from tui_tasks.errors import NotFound, StaleTask, ValidationError
from tui_tasks.services.relations import MAX_DEPTH

CYCLE = "A task cannot be under itself or one of its subtasks"
_emails = itertools.count()


def new_user(services) -> UserView:
    return services.accounts.register(f"rel{next(_emails)}@example.com", "password-123")


def add(services, user: UserView, title: str = "task", **fields) -> TaskView:
    return services.tasks.create(user, TaskDraft(title, **fields))


def edit(services, user: UserView, task_id: int, **fields) -> TaskView:
    task = services.tasks.get(user, task_id)
    return services.tasks.update(user, task_id, replace(task.draft(), **fields))


def listed(services, user: UserView, query: TaskQuery = TaskQuery()) -> set[int]:
    return {t.id for t in services.tasks.page(user, query, limit=500).tasks}


def chain(services, user: UserView, length: int) -> list[TaskView]:
    """Tasks each under the one before."""
    tasks = [add(services, user, "level 0")]
    for level in range(1, length):
        tasks.append(add(services, user, f"level {level}", parent_id=tasks[-1].id))
    return tasks


# --- parents -------------------------------------------------------------------------------------------


def test_subtasks_nest_to_any_depth_and_children_lists_one_level(services, alice):
    tasks = chain(services, alice, 6)
    assert [services.tasks.get(alice, t.id).parent_id for t in tasks] == [None, *(t.id for t in tasks[:-1])]
    assert [t.id for t in services.tasks.children(alice, tasks[0].id)] == [tasks[1].id]
    assert services.tasks.children(alice, tasks[-1].id) == []


def test_children_counts_done_and_all_one_level_down(services, alice):
    parent = add(services, alice, "trip")
    kids = [add(services, alice, f"pack {n}", parent_id=parent.id) for n in range(3)]
    add(services, alice, "grandchild", parent_id=kids[0].id)  # not counted: two levels down
    services.tasks.complete(alice, kids[1].id)
    assert services.tasks.get(alice, parent.id).children == (1, 3)
    assert [t.id for t in services.tasks.children(alice, parent.id)] == [k.id for k in kids]
    assert services.tasks.get(alice, kids[0].id).children == (0, 1)
    assert add(services, alice, "alone").children == (0, 0)


@pytest.mark.parametrize("at", [0, 1, 4], ids=["itself", "its-child", "deep-below"])
def test_a_task_cannot_go_under_itself_or_its_subtasks(services, alice, at):
    tasks = chain(services, alice, 5)
    with pytest.raises(ValidationError, match=CYCLE) as refused:
        edit(services, alice, tasks[0].id, parent_id=tasks[at].id)
    assert refused.value.field == "parent_id"
    assert services.tasks.get(alice, tasks[0].id).parent_id is None


def test_moving_a_subtree_elsewhere_is_accepted(services, alice):
    tasks = chain(services, alice, 4)
    other = add(services, alice, "other")
    moved = edit(services, alice, tasks[2].id, parent_id=other.id)
    assert moved.parent_id == other.id
    assert services.tasks.get(alice, tasks[3].id).parent_id == tasks[2].id
    assert edit(services, alice, tasks[0].id, parent_id=tasks[3].id).parent_id == tasks[3].id  # no longer below


def test_a_parent_of_another_user_is_refused_like_a_missing_one(services, alice, bob):
    theirs = add(services, bob, "bob's")
    mine = add(services, alice, "mine")
    missing = theirs.id + 1000
    for parent in (theirs.id, missing):
        with pytest.raises(ValidationError, match=f"^There is no task {parent} to be the parent$"):
            add(services, alice, "child", parent_id=parent)
        with pytest.raises(ValidationError, match=f"^There is no task {parent} to be the parent$"):
            edit(services, alice, mine.id, parent_id=parent)
    assert services.tasks.get(alice, mine.id).parent_id is None
    assert services.tasks.children(bob, theirs.id) == []


def test_deleting_a_parent_keeps_its_children_as_top_level_tasks(services, alice):
    parent = add(services, alice, "project")
    kids = [add(services, alice, f"step {n}", parent_id=parent.id) for n in range(2)]
    grandchild = add(services, alice, "substep", parent_id=kids[0].id)
    services.tasks.delete(alice, parent.id)
    assert [services.tasks.get(alice, k.id).parent_id for k in kids] == [None, None]
    assert services.tasks.get(alice, grandchild.id).parent_id == kids[0].id
    assert {k.id for k in kids} | {grandchild.id} <= listed(services, alice)


def test_a_tree_deeper_than_the_limit_is_refused(services, alice):
    tasks = chain(services, alice, MAX_DEPTH)
    with pytest.raises(ValidationError, match="levels deep"):
        add(services, alice, "too deep", parent_id=tasks[-1].id)


def test_moving_a_subtree_may_not_make_the_tree_deeper_than_the_limit(services, alice):
    upper = chain(services, alice, MAX_DEPTH // 2 + 5)
    lower = chain(services, alice, MAX_DEPTH // 2 + 5)
    with pytest.raises(ValidationError, match="levels deep"):
        edit(services, alice, lower[0].id, parent_id=upper[-1].id)
    assert services.tasks.get(alice, lower[0].id).parent_id is None


# --- dependencies ----------------------------------------------------------------------------------------


def test_a_task_with_an_open_blocker_is_blocked_and_the_blocker_is_blocking(services, alice):
    blocker = add(services, alice, "buy paint")
    other = add(services, alice, "buy brushes")
    task = add(services, alice, "paint the wall", depends=(other.id, blocker.id))
    assert (task.depends, task.blocked, task.blocking) == (tuple(sorted((blocker.id, other.id))), True, 0)
    assert (services.tasks.get(alice, blocker.id).blocked, services.tasks.get(alice, blocker.id).blocking) == (False, 1)
    add(services, alice, "paint the door", depends=(blocker.id,))
    assert services.tasks.get(alice, blocker.id).blocking == 2


def test_completing_every_blocker_unblocks(services, alice):
    first, second = add(services, alice, "first"), add(services, alice, "second")
    task = add(services, alice, "then", depends=(first.id, second.id))
    services.tasks.complete(alice, first.id)
    assert services.tasks.get(alice, task.id).blocked
    assert services.tasks.get(alice, first.id).blocking == 0  # a done task blocks no one
    services.tasks.complete(alice, second.id)
    unblocked = services.tasks.get(alice, task.id)
    assert (unblocked.blocked, unblocked.depends) == (False, tuple(sorted((first.id, second.id))))
    services.tasks.toggle(alice, second.id)
    assert services.tasks.get(alice, task.id).blocked  # reopened: blocks again


def test_a_done_task_blocks_no_one(services, alice):
    blocker = add(services, alice, "blocker")
    task = add(services, alice, "task", depends=(blocker.id,))
    services.tasks.complete(alice, task.id)
    assert services.tasks.get(alice, blocker.id).blocking == 0


def test_deleting_a_blocker_removes_the_dependency(services, alice):
    blocker, kept = add(services, alice, "blocker"), add(services, alice, "kept")
    task = add(services, alice, "task", depends=(blocker.id, kept.id))
    services.tasks.delete(alice, blocker.id)
    after = services.tasks.get(alice, task.id)
    assert (after.depends, after.blocked) == ((kept.id,), True)
    services.tasks.complete(alice, kept.id)
    assert not services.tasks.get(alice, task.id).blocked


def test_a_direct_dependency_cycle_is_refused(services, alice):
    a = add(services, alice, "a")
    b = add(services, alice, "b", depends=(a.id,))
    with pytest.raises(ValidationError, match="cycle") as refused:
        edit(services, alice, a.id, depends=(b.id,))
    assert refused.value.field == "depends"
    assert services.tasks.get(alice, a.id).depends == ()


def test_a_long_dependency_cycle_is_refused(services, alice):
    tasks = [add(services, alice, "t0")]
    for n in range(1, 8):
        tasks.append(add(services, alice, f"t{n}", depends=(tasks[-1].id,)))
    with pytest.raises(ValidationError, match="cycle"):
        edit(services, alice, tasks[0].id, depends=(tasks[-1].id,))
    assert edit(services, alice, tasks[-1].id, depends=(tasks[0].id, tasks[3].id)).depends == (tasks[0].id, tasks[3].id)


def test_a_task_cannot_depend_on_itself(services, alice):
    task = add(services, alice, "self")
    with pytest.raises(ValidationError, match="cannot depend on itself"):
        edit(services, alice, task.id, depends=(task.id,))


def test_a_blocker_of_another_user_is_refused_like_a_missing_one(services, alice, bob):
    theirs = add(services, bob, "bob's")
    for blocker in (theirs.id, theirs.id + 1000):
        with pytest.raises(ValidationError, match=f"^There is no task {blocker} to depend on$"):
            add(services, alice, "mine", depends=(blocker,))
    assert services.tasks.get(bob, theirs.id).blocking == 0


def test_replacing_the_dependencies_drops_the_old_ones(services, alice):
    a, b = add(services, alice, "a"), add(services, alice, "b")
    task = add(services, alice, "task", depends=(a.id,))
    assert edit(services, alice, task.id, depends=(b.id,)).depends == (b.id,)
    assert services.tasks.get(alice, a.id).blocking == 0
    assert edit(services, alice, task.id, depends=()).blocked is False


# --- annotations -------------------------------------------------------------------------------------------


def test_annotations_come_oldest_first(services, alice, clock):
    task = add(services, alice)
    services.tasks.annotate(alice, task.id, "first")
    clock.advance(minutes=5)
    services.tasks.annotate(alice, task.id, "  second\r\nwith two lines ")
    services.tasks.annotate(alice, task.id, "third, same moment")
    first_at = clock() - timedelta(minutes=5)
    assert services.tasks.annotations(alice, task.id) == [
        (first_at, "first"), (clock(), "second\nwith two lines"), (clock(), "third, same moment"),
    ]  # fmt: skip
    assert services.tasks.get(alice, task.id).version == task.version + 3


def test_annotations_belong_to_their_task_and_user(services, alice, bob):
    mine, other = add(services, alice, "mine"), add(services, alice, "other")
    theirs = add(services, bob, "theirs")
    services.tasks.annotate(alice, mine.id, "on mine")
    services.tasks.annotate(bob, theirs.id, "on theirs")
    assert [text for _, text in services.tasks.annotations(alice, mine.id)] == ["on mine"]
    assert services.tasks.annotations(alice, other.id) == []
    with pytest.raises(NotFound):
        services.tasks.annotations(alice, theirs.id)
    with pytest.raises(NotFound):
        services.tasks.annotate(alice, theirs.id, "sneaky")
    assert [text for _, text in services.tasks.annotations(bob, theirs.id)] == ["on theirs"]


def test_an_empty_annotation_is_refused(services, alice):
    task = add(services, alice)
    with pytest.raises(ValidationError):
        services.tasks.annotate(alice, task.id, "  \n ")
    assert services.tasks.annotations(alice, task.id) == []


def test_deleting_a_task_deletes_its_annotations(services, alice):
    task = add(services, alice)
    services.tasks.annotate(alice, task.id, "note")
    services.tasks.delete(alice, task.id)
    with pytest.raises(NotFound):
        services.tasks.annotations(alice, task.id)


# --- waiting ------------------------------------------------------------------------------------------------


def test_a_waiting_task_leaves_the_list_until_its_wait_passes(services, alice, clock):
    shown = add(services, alice, "now")
    waiting = add(services, alice, "later", wait=clock() + timedelta(hours=2), due=date.today() + timedelta(days=3))
    assert waiting.is_waiting(clock())
    assert listed(services, alice) == {shown.id}
    assert listed(services, alice, TaskQuery(filter=TaskFilter.PENDING)) == {shown.id}
    assert listed(services, alice, TaskQuery(filter=TaskFilter.WAITING)) == {waiting.id}
    assert services.tasks.count(alice, TaskQuery(filter=TaskFilter.WAITING)) == 1
    clock.advance(hours=2)
    assert listed(services, alice) == {shown.id, waiting.id}
    assert listed(services, alice, TaskQuery(filter=TaskFilter.WAITING)) == set()


def test_a_wait_on_a_date_lasts_until_that_day_starts(services, alice, clock):
    tomorrow = (clock() + timedelta(days=1)).astimezone().date()
    task = add(services, alice, "tomorrow", wait=tomorrow)
    assert task.wait == tomorrow and listed(services, alice) == set()
    clock.advance(days=1)
    assert listed(services, alice) == {task.id}


def test_a_done_waiting_task_is_listed_as_done(services, alice, clock):
    task = add(services, alice, "early", wait=clock() + timedelta(days=5))
    services.tasks.complete(alice, task.id)
    assert listed(services, alice, TaskQuery(filter=TaskFilter.DONE)) == {task.id}
    assert listed(services, alice, TaskQuery(filter=TaskFilter.WAITING)) == set()


# --- properties: no sequence of edits makes a cycle -----------------------------------------------------------

N = 6
SETS = st.lists(st.tuples(st.integers(0, N - 1), st.one_of(st.none(), st.integers(0, N - 1))), max_size=15)
DEPENDS = st.lists(st.tuples(st.integers(0, N - 1), st.frozensets(st.integers(0, N - 1), max_size=3)), max_size=15)


def _reaches(edges: dict[int, set[int]], start: set[int], target: int) -> bool:
    seen, todo = set(), list(start)
    while todo:
        node = todo.pop()
        if node == target:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(edges.get(node, ()))
    return False


@hypothesis_settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=SETS)
def test_no_sequence_of_parent_changes_makes_a_cycle(services, operations):
    user = new_user(services)
    ids = [add(services, user, f"t{n}").id for n in range(N)]
    parent: dict[int, int | None] = dict.fromkeys(ids)  # what the database should hold
    for child, new_parent in operations:
        task_id, parent_id = ids[child], None if new_parent is None else ids[new_parent]
        would_cycle = parent_id is not None and _reaches({k: {v} for k, v in parent.items() if v}, {parent_id}, task_id)
        try:
            edit(services, user, task_id, parent_id=parent_id)
        except ValidationError as refused:
            assert would_cycle and refused.field == "parent_id", (task_id, parent_id, parent)
        else:
            assert not would_cycle, (task_id, parent_id, parent)
            parent[task_id] = parent_id
        stored = {i: services.tasks.get(user, i).parent_id for i in ids}
        assert stored == parent
        for start in ids:  # walk up from every task: the walk ends
            seen, at = set(), start
            while at is not None:
                assert at not in seen, f"a cycle through {at}"
                seen.add(at)
                at = stored[at]


@hypothesis_settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=DEPENDS)
def test_no_sequence_of_dependency_changes_makes_a_cycle(services, operations):
    user = new_user(services)
    ids = [add(services, user, f"t{n}").id for n in range(N)]
    depends: dict[int, set[int]] = {i: set() for i in ids}
    for task, blockers in operations:
        task_id, wanted = ids[task], {ids[b] for b in blockers}
        would_cycle = task_id in wanted or _reaches(depends, wanted, task_id)
        try:
            edit(services, user, task_id, depends=tuple(sorted(wanted)))
        except ValidationError as refused:
            assert would_cycle and refused.field == "depends", (task_id, wanted, depends)
        else:
            assert not would_cycle, (task_id, wanted, depends)
            depends[task_id] = wanted
        stored = {i: set(services.tasks.get(user, i).depends) for i in ids}
        assert stored == depends
        for start in ids:  # nothing reaches back to itself
            assert not _reaches(stored, stored[start], start), f"a dependency cycle through {start}"


def test_completing_a_tree_completes_every_open_subtask_in_one_change(services, alice):
    top = services.tasks.create(alice, TaskDraft("move house"))
    room = services.tasks.create(alice, TaskDraft("kitchen", parent_id=top.id))
    plates = services.tasks.create(alice, TaskDraft("plates", parent_id=room.id))
    done = services.tasks.complete(alice, services.tasks.create(alice, TaskDraft("done already", parent_id=top.id)).id)
    other = services.tasks.create(alice, TaskDraft("not under it"))
    changes = services.tasks.changes(alice)
    completed = services.tasks.complete_tree(alice, top.id)
    assert completed.completed and completed.children == (2, 2)
    assert all(services.tasks.get(alice, t.id).completed for t in (room, plates))
    assert services.tasks.get(alice, done.id).version == done.version  # already done: left as it was
    assert not services.tasks.get(alice, other.id).completed
    assert services.tasks.changes(alice) == changes + 1  # one transaction


def test_completing_a_tree_with_a_stale_version_changes_nothing(services, alice):
    top = services.tasks.create(alice, TaskDraft("top"))
    child = services.tasks.create(alice, TaskDraft("child", parent_id=top.id))
    services.tasks.update(alice, top.id, TaskDraft("top, renamed elsewhere"))
    with pytest.raises(StaleTask):
        services.tasks.complete_tree(alice, top.id, top.version)
    assert not services.tasks.get(alice, child.id).completed
