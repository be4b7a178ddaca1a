"""Tree pages (subtasks under their parents) and the "next" sort, through the services on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_tasks.domain import (
    URGENCY_BLOCKED,
    URGENCY_BLOCKING,
    Priority,
    SortField,
    TaskDraft,
    TaskFilter,
    TaskQuery,
    local_date,
    urgency,
    urgency_parts,
)
from tui_tasks.services.task_queries import urgency_now
from tui_tasks.services.tree import sort_siblings

from tests.unit.test_tasks import ids, new_user


def pages(services, user, query, limit, backward=False):
    """Every page's tasks, in list order, following cursors (forwards, or from the end backwards)."""
    out, cursor = [], None
    for _ in range(500):
        page = services.tasks.page(user, query, cursor, limit, backward=backward)
        out = out + list(page.tasks) if not backward else list(page.tasks) + out
        if page.next_cursor is None:
            return out
        cursor = page.next_cursor
    raise AssertionError("paging did not end")


def expected_tree(views, query, now):
    """Depth-first order of the forest, siblings in the list's order, with depths."""
    by_parent = {}
    for view in views:
        by_parent.setdefault(view.parent_id, []).append(view)
    for siblings in by_parent.values():
        sort_siblings(siblings, query, now)
    out = []

    def walk(view, depth):
        out.append((view.id, depth))
        for child in by_parent.get(view.id, []):
            walk(child, depth + 1)

    for top in by_parent.get(None, []):
        walk(top, 0)
    return out


def test_subtasks_follow_their_parent_depth_first_with_their_depth(services, alice, clock):
    a = services.tasks.create(alice, TaskDraft("a"))
    b = services.tasks.create(alice, TaskDraft("b"))
    a1 = services.tasks.create(alice, TaskDraft("a1", parent_id=a.id))
    a11 = services.tasks.create(alice, TaskDraft("a11", parent_id=a1.id))
    a2 = services.tasks.create(alice, TaskDraft("a2", parent_id=a.id))
    listed = pages(services, alice, TaskQuery(tree=True, sort=SortField.TITLE, descending=False), limit=1)
    assert [(t.title, t.depth) for t in listed] == [("a", 0), ("a1", 1), ("a11", 2), ("a2", 1), ("b", 0)]
    assert listed[0].children == (0, 2) and listed[1].children == (0, 1)
    services.tasks.toggle(alice, a2.id)
    assert services.tasks.get(alice, a.id).children == (1, 2)
    assert b.id and a11.id


def test_a_filter_keeps_a_parent_that_holds_a_listed_subtask(services, alice):
    parent = services.tasks.create(alice, TaskDraft("parent"))
    done_child = services.tasks.create(alice, TaskDraft("done child", parent_id=parent.id))
    open_grandchild = services.tasks.create(alice, TaskDraft("open grandchild", parent_id=done_child.id))
    services.tasks.toggle(alice, done_child.id)
    other = services.tasks.create(alice, TaskDraft("done leaf", parent_id=parent.id))
    services.tasks.toggle(alice, other.id)
    listed = pages(services, alice, TaskQuery(tree=True, filter=TaskFilter.PENDING, sort=SortField.TITLE,
                                              descending=False), 50)  # fmt: skip
    assert [(t.title, t.depth) for t in listed] == [("parent", 0), ("done child", 1), ("open grandchild", 2)]
    assert open_grandchild.id


def test_a_search_is_flat_and_shows_each_tasks_parents(services, alice):
    top = services.tasks.create(alice, TaskDraft("Move house"))
    mid = services.tasks.create(alice, TaskDraft("Kitchen", parent_id=top.id))
    services.tasks.create(alice, TaskDraft("Pack plates", parent_id=mid.id))
    listed = pages(services, alice, TaskQuery(tree=True, search="plates"), 50)
    assert [(t.title, t.ancestry, t.depth) for t in listed] == [("Pack plates", ("Move house", "Kitchen"), 0)]


def test_another_users_tasks_never_join_a_tree(services, alice):
    bob = new_user(services)
    mine = services.tasks.create(alice, TaskDraft("mine"))
    services.tasks.create(bob, TaskDraft("bob's"))
    listed = pages(services, bob, TaskQuery(tree=True), 50)
    assert [t.title for t in listed] == ["bob's"]
    assert mine.id not in ids(listed)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    parents=st.lists(st.integers(min_value=-1, max_value=30), min_size=1, max_size=18),
    sort=st.sampled_from(list(SortField)),
    descending=st.booleans(),
    limit=st.integers(min_value=1, max_value=4),
    seed=st.integers(0, 1000),
)
def test_tree_pages_list_every_task_once_in_tree_order_both_ways(services, clock, parents, sort, descending, limit, seed):
    """A random forest with due dates, priorities and done tasks: following cursors forwards, or from the
    end backwards, lists every task exactly once, each after its parent, siblings in the list's order."""
    user = new_user(services)
    rng = random.Random(seed)
    today = local_date(clock())
    made = []
    for n, parent in enumerate(parents):
        clock.advance(seconds=rng.choice([0, 60]))  # equal creation times too
        draft = TaskDraft(
            f"t{rng.randrange(5)}", priority=Priority(rng.randrange(4)),
            due=None if rng.random() < 0.4 else today + timedelta(days=rng.randrange(-3, 4)),
            parent_id=made[parent % len(made)] if parent >= 0 and made else None,
        )  # fmt: skip
        made.append(services.tasks.create(user, draft).id)
    query = TaskQuery(tree=True, sort=sort, descending=descending)
    views = [services.tasks.get(user, i) for i in made]
    expected = expected_tree(views, query, urgency_now(clock()))
    assert [(t.id, t.depth) for t in pages(services, user, query, limit)] == expected
    assert [(t.id, t.depth) for t in pages(services, user, query, limit, backward=True)] == expected


def test_next_puts_overdue_high_and_blocking_first_and_blocked_last(services, alice, clock):
    today = local_date(clock())
    plain = services.tasks.create(alice, TaskDraft("plain"))
    overdue = services.tasks.create(alice, TaskDraft("overdue", due=today - timedelta(days=8)))
    high = services.tasks.create(alice, TaskDraft("high", priority=Priority.HIGH))
    blocker = services.tasks.create(alice, TaskDraft("blocker"))
    blocked = services.tasks.create(alice, TaskDraft("blocked", depends=(blocker.id,)))
    listed = pages(services, alice, TaskQuery(sort=SortField.URGENCY), 50)
    assert [t.title for t in listed] == ["overdue", "blocker", "high", "plain", "blocked"]
    now = urgency_now(clock())
    by_id = {t.id: t for t in listed}
    assert dict(urgency_parts(by_id[blocker.id], now))["blocks 1"] == URGENCY_BLOCKING
    assert dict(urgency_parts(by_id[blocked.id], now))["blocked"] == URGENCY_BLOCKED
    assert urgency(by_id[overdue.id], now) == pytest.approx(12.0)
    assert plain.id and high.id
    services.tasks.toggle(alice, blocker.id)  # done: no longer blocks, and the blocked one is free
    after = {t.title: t for t in pages(services, alice, TaskQuery(sort=SortField.URGENCY), 50)}
    assert not after["blocked"].blocked and after["blocker"].blocking == 0
