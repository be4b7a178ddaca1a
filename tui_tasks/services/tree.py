"""Subtasks in a list page: a tree page is a page of top tasks, each followed by its subtasks depth-first;
a flat page (a search, or a filter that picks tasks from anywhere in the tree) tells each task its
parents' titles instead.

Both read the tree with one recursive query for the whole page, from the page's own ids, so the cost is
the size of the page's subtrees, not of the list. UNION (not UNION ALL) stops at a task already seen,
so even a cycle that some other program wrote into the file ends.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from sqlmodel import Session, col, select

from tui_tasks.db.tables import Task
from tui_tasks.domain import SortField, TaskFilter, TaskQuery, TaskView, urgency, visible
from tui_tasks.services.relations import stored_due

SUBTASKS_MAX = 2000  # subtasks read for one page: a deeper or wider tree shows its first ones


def is_tree(query: TaskQuery) -> bool:
    """Whether a page of `query` is a tree: asked for, and the list is every open (or every) task."""
    return query.tree and not query.search and query.project is None and query.tag is None and query.filter in (
        TaskFilter.ALL, TaskFilter.PENDING)  # fmt: skip


def sort_key(query: TaskQuery, now: datetime) -> Callable[[TaskView], tuple]:
    """The order of siblings, ascending (`sort_siblings` turns it round), as the list's SQL orders."""
    match query.sort:
        case SortField.DUE:
            return lambda t: (0.0 if t.due is None else stored_due(t.due)[0].timestamp(), t.id)  # as SQL sorts
        case SortField.URGENCY:
            return lambda t: (urgency(t, now), t.id)
        case SortField.CREATED:
            return lambda t: (t.created_at, t.id)
        case SortField.UPDATED:
            return lambda t: (t.updated_at, t.id)
        case SortField.PRIORITY:
            return lambda t: (int(t.priority), t.id)
        case _:
            return lambda t: (t.title, t.id)


def sort_siblings(tasks: list[TaskView], query: TaskQuery, now: datetime) -> None:
    """Sort in the list's order; when sorting by due the undated come last in either direction."""
    tasks.sort(key=sort_key(query, now), reverse=query.descending)
    if query.sort is SortField.DUE:
        tasks.sort(key=lambda t: t.due is None)  # stable: keeps the order within each part


def subtasks(session: Session, user_id: int, top: Sequence[int]) -> list[Task]:
    """Every task under the `top` tasks, at most SUBTASKS_MAX."""
    if not top:
        return []
    first = select(Task.id).where(col(Task.parent_id).in_(top), col(Task.user_id) == user_id)
    below = first.cte("below", recursive=True)
    step = select(Task.id).join(below, col(Task.parent_id) == below.c.id).where(col(Task.user_id) == user_id)
    below = below.union(step)  # UNION: a task already reached is not read again
    return list(session.exec(select(Task).where(col(Task.id).in_(select(below.c.id))).limit(SUBTASKS_MAX)))


def tree_page(top: Sequence[TaskView], below: Sequence[TaskView], query: TaskQuery, now: datetime) -> tuple[TaskView, ...]:
    """The top tasks in order, each followed by its subtasks depth-first (siblings in the list's order),
    each with its depth. A subtask the filter does not list is left out, with its own subtasks, unless one
    of them is listed: then it is shown to hold them."""
    children: dict[int, list[TaskView]] = {}
    for task in below:
        children.setdefault(task.parent_id, []).append(task)
    for siblings in children.values():
        sort_siblings(siblings, query, now)
    listed = query.filter.accepts
    out: list[TaskView] = []
    seen: set[int] = set()

    def shown(task: TaskView) -> bool:
        return listed(task, now) or any(shown(child) for child in children.get(task.id, ()) if child.id not in seen)

    def walk(task: TaskView, depth: int) -> None:
        if task.id in seen:
            return
        seen.add(task.id)
        out.append(replace(task, depth=depth) if depth else task)
        for child in children.get(task.id, ()):
            if depth < 100 and shown(child):
                walk(child, depth + 1)

    for task in top:
        walk(task, 0)
    return tuple(out)


def ancestries(session: Session, user_id: int, tasks: Sequence[TaskView]) -> tuple[TaskView, ...]:
    """`tasks` with the titles of their parents, the top one first (a flat page)."""
    parents = {t.parent_id for t in tasks if t.parent_id is not None}
    if not parents:
        return tuple(tasks)
    # `user_id + 0`: still the user's rows only, but not a reason for the planner to read them all by the
    # user's index instead of these few by id (SQLite, without statistics, chose that).
    first = select(Task.id, Task.parent_id, Task.title).where(col(Task.id).in_(parents), col(Task.user_id) + 0 == user_id)
    up = first.cte("up", recursive=True)
    step = select(Task.id, Task.parent_id, Task.title).join(up, col(Task.id) == up.c.parent_id).where(
        col(Task.user_id) + 0 == user_id)  # fmt: skip
    up = up.union(step)
    found = {i: (parent, title) for i, parent, title in session.exec(select(up.c.id, up.c.parent_id, up.c.title))}
    out = []
    for task in tasks:
        chain, at = [], task.parent_id
        while at in found and len(chain) < 100:
            parent, title = found[at]
            chain.append(visible(title))
            at = parent
        out.append(replace(task, ancestry=tuple(reversed(chain))) if chain else task)
    return tuple(out)

