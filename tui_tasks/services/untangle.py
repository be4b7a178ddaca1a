"""Untangling an import's links once they are written: the cycles its parents and dependencies made are
broken, and the parent links that make a tree too deep are dropped, with a note each.

The form refuses such a link as it is made; an import makes thousands at once, so it mends them after
(see `untangle`). No Textual here.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import select

from tui_tasks.db.tables import Task, TaskDependency
from tui_tasks.services.bulk_insert import Merge, Spool, chunks


def untangle(merge: Merge, links: Spool, max_depth: int) -> None:
    """After the second pass (Merge.link): break every cycle the file's links made, however long, and
    drop each parent link that would put a task more than `max_depth` levels deep, with a note each (as
    the form refuses them), so that every task shows in the tree list and some task of a dependency ring
    can be done.

    Only the links the file gave are walked, in memory; what they reach among the tasks already held is
    read LOOKUP ids at a time, a level of the tree per round (none of it when the account had no tasks:
    then every link is the file's). A cycle always holds a link from the file (the tasks held had none),
    and it is that link which goes."""
    parents: dict[int, int] = {}  # task -> line, for the tasks the file gave a parent
    depends: dict[int, int] = {}  # task -> line, for the tasks the file gave dependencies
    for batch in links:
        for task_id, line, link, _ in batch:
            if link[1]:
                parents[task_id] = line
            if link[2]:
                depends[task_id] = line
    if parents:
        _untangle_parents(merge, parents, max_depth)
    if depends:
        _untangle_depends(merge, depends)


def _rows(merge: Merge, columns: tuple[Any, Any], key: Any, ids: Iterable[int]) -> Iterator[tuple[Any, Any]]:
    """(column, column) of the rows whose `key` is among `ids`, LOOKUP ids a statement. The ids are the
    user's tasks (the second pass linked only those), so no user_id test: with one, SQLite may walk the
    user's index, every task of the user for every statement."""
    for chunk in chunks(sorted(ids)):
        yield from merge.connection.execute(select(*columns).where(key.in_(chunk)))


def _uuids(merge: Merge, ids: Iterable[int]) -> dict[int, str]:
    table = Task.__table__
    return dict(_rows(merge, (table.c.id, table.c.uuid), table.c.id, set(ids)))


def _untangle_parents(merge: Merge, lines: dict[int, int], max_depth: int) -> None:
    table = Task.__table__
    up: dict[int, int | None] = {}  # task -> parent, for the file's children and everything above them
    frontier: Iterable[int] = lines
    while frontier:
        found = dict(_rows(merge, (table.c.id, table.c.parent_id), table.c.id, frontier))
        up.update(found)
        up.update((task_id, None) for task_id in frontier if task_id not in found)
        # a task the file made has no parent but the one the file gave it
        frontier = {p for p in found.values() if p is not None and p not in up and (merge.had_tasks or p in lines)}
    order = sorted(lines, key=lines.__getitem__)
    cycles: list[int] = []
    state: dict[int, bool] = {}  # True: on the walk now; False: walked, no cycle above it
    for start in order:
        path, node = [], start
        while node is not None and node not in state:
            state[node] = True
            path.append(node)
            node = up.get(node)
        if node is not None and state[node]:  # back on this walk: a cycle from `node` to path[-1]
            ring = path[path.index(node) :]
            victim = next((task for task in reversed(ring) if task in lines), None)
            if victim is not None:
                up[victim] = None
                cycles.append(victim)
        for task in path:
            state[task] = False
    below = _levels_below_held(merge, lines) if merge.had_tasks else {}
    deep: list[int] = []
    depth: dict[int, int] = {}  # ancestors of a task
    for start in order:
        path, node = [], start
        while node is not None and node not in depth:
            path.append(node)
            node = up.get(node)
        level = -1 if node is None else depth[node]
        for task in reversed(path):
            level += 1
            if task in lines and up.get(task) is not None and level + below.get(task, 0) >= max_depth:
                up[task] = None
                deep.append(task)
                level = 0
            depth[task] = level
    if not cycles and not deep:
        return
    for chunk in chunks([*cycles, *deep]):
        merge.connection.execute(table.update().where(table.c.id.in_(chunk)).values(parent_id=None))
    uuids = _uuids(merge, [*cycles, *deep])
    for task in cycles:
        merge.note(f"line {lines[task]}: the parent of {uuids[task]} is dropped: it would be under itself")
    for task in deep:
        merge.note(f"line {lines[task]}: the parent of {uuids[task]} is dropped: subtasks can be at most {max_depth} levels deep")


def _levels_below_held(merge: Merge, lines: dict[int, int]) -> dict[int, int]:
    """For the file's children: how many levels of subtasks each has that are not the file's children
    themselves (tasks held, which come along under it), read a level at a time."""
    table = Task.__table__
    seen, frontier, found = set(lines), list(lines), []
    while frontier:
        step = []
        for child, parent in _rows(merge, (table.c.id, table.c.parent_id), table.c.parent_id, frontier):
            if child not in seen:
                seen.add(child)
                step.append(child)
                found.append((child, parent))
        frontier = step
    height: dict[int, int] = {}
    for child, parent in reversed(found):  # a child was found after its parent
        height[parent] = max(height.get(parent, 0), height.get(child, 0) + 1)
    return height


def _untangle_depends(merge: Merge, lines: dict[int, int]) -> None:
    table = TaskDependency.__table__
    out: dict[int, list[int]] = {}  # task -> its blockers, for the file's tasks and all they reach
    frontier: Iterable[int] = lines
    while frontier:
        out.update((task, []) for task in frontier)
        for task, blocker in _rows(merge, (table.c.task_id, table.c.blocker_id), table.c.task_id, frontier):
            out[task].append(blocker)
        # a task the file made depends on nothing but what the file said
        frontier = {b for task in frontier for b in out[task] if b not in out and (merge.had_tasks or b in lines)}
    for blockers in out.values():
        blockers.sort()
    cut: list[tuple[int, int]] = []
    todo = sorted(out, key=lambda task: (lines.get(task, 0), task))
    while todo:
        knots, todo = _knots(todo, out), []
        for knot in knots:
            members = set(knot)
            start = min((task for task in knot if task in lines), key=lines.__getitem__, default=None)
            if start is None:  # pragma: no cover - the tasks held had no cycle
                continue
            prev: dict[int, int] = {}
            queue, last = deque([start]), None
            while queue and last is None:  # the shortest way back to `start`
                task = queue.popleft()
                for blocker in out[task]:
                    if blocker == start:
                        last = task
                        break
                    if blocker in members and blocker not in prev:
                        prev[blocker] = task
                        queue.append(blocker)
            first = last
            while prev[first] != start:
                first = prev[first]
            out[start].remove(first)  # start -> first is on the cycle, and the file's
            cut.append((start, first))
            todo.extend(knot)
    if not cut:
        return
    merge.connection.execute(
        table.delete().where(table.c.task_id == bindparam("task"), table.c.blocker_id == bindparam("blocker")),
        [{"task": task, "blocker": blocker} for task, blocker in cut],
    )
    uuids = _uuids(merge, [task for edge in cut for task in edge])
    for task, blocker in cut:
        merge.note(f"line {lines[task]}: {uuids[task]} no longer depends on {uuids[blocker]}: they blocked each other")


def _knots(nodes: list[int], out: dict[int, list[int]]) -> list[list[int]]:
    """The strongly connected sets of more than one of `nodes` (edges to others are left out): Tarjan's
    walk, without recursion."""
    inside = set(nodes)
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    knots: list[list[int]] = []
    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(out.get(root, ())))]
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in inside:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(out.get(nxt, ()))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    knot = []
                    while True:
                        task = stack.pop()
                        on_stack.discard(task)
                        knot.append(task)
                        if task == node:
                            break
                    if len(knot) > 1:
                        knots.append(knot)
    return knots