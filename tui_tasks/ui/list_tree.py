"""The list's tree, without Textual: which subtasks are folded away, which rows show, and how a row's
title is drawn (indent, fold marker, ancestry, progress). The table renders what this decides."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from tui_tasks.domain import TaskView

INDENT = "  "  # per level of depth
OPEN, FOLDED = "▾", "▸"
BLOCKED = "⊘"
ANCESTRY_SEPARATOR = " › "


class Folding:
    """The parents whose subtasks are folded away, by task id; kept across reloads of the list."""

    def __init__(self) -> None:
        self.folded: set[int] = set()

    def is_folded(self, task: TaskView) -> bool:
        return task.id in self.folded

    def fold(self, task: TaskView) -> bool:
        """Fold `task` away if it holds subtasks; whether anything changed."""
        if not has_children(task) or task.id in self.folded:
            return False
        self.folded.add(task.id)
        return True

    def unfold(self, task: TaskView) -> bool:
        if task.id not in self.folded:
            return False
        self.folded.discard(task.id)
        return True

    def visible(self, tasks: Iterable[TaskView]) -> list[TaskView]:
        """The tasks of a tree page (in order, each followed by its subtasks) minus those under a folded
        parent. A flat page (every depth 0) shows everything."""
        shown: list[TaskView] = []
        hidden_below: int | None = None  # the depth of the folded parent whose subtasks are being skipped
        for task in tasks:
            if hidden_below is not None:
                if task.depth > hidden_below:
                    continue
                hidden_below = None
            shown.append(task)
            if task.id in self.folded:
                hidden_below = task.depth
        return shown


def has_children(task: TaskView) -> bool:
    return task.children[1] > 0


def parent_of(tasks: Sequence[TaskView], index: int) -> int | None:
    """The index of the row's parent in a tree page: the nearest row above it that is less deep."""
    depth = tasks[index].depth
    for above in range(index - 1, -1, -1):
        if tasks[above].depth < depth:
            return above
    return None


def title_parts(task: TaskView, folded: bool) -> list[tuple[str, str]]:
    """The pieces of a row's title cell as (text, role): role is "" for the title itself, or "marker",
    "ancestry", "blocked", "progress" for the table to style."""
    parts: list[tuple[str, str]] = []
    marker = (FOLDED if folded else OPEN) + " " if has_children(task) else INDENT if task.depth else ""
    indent = INDENT * task.depth
    if indent or marker:
        parts.append((indent + marker, "marker"))
    if task.ancestry:
        parts.append((ANCESTRY_SEPARATOR.join(task.ancestry) + ANCESTRY_SEPARATOR, "ancestry"))
    if task.blocked and not task.completed:
        parts.append((BLOCKED + " ", "blocked"))
    parts.append((task.title, ""))
    done, total = task.children
    if total:
        parts.append((f" {done}/{total}", "progress"))
    return parts


def flattened(tasks: Iterable[TaskView]) -> tuple[TaskView, ...]:
    """A tree page's tasks as a flat page shows them (a search narrowing what is held): no depth, and
    the titles of their parents among `tasks` as their ancestry, the top one first."""
    tasks = tuple(tasks)
    by_id = {task.id: task for task in tasks}
    out = []
    for task in tasks:
        if task.depth == 0 and task.ancestry:
            out.append(task)
            continue
        chain, at = [], task.parent_id
        while at in by_id and len(chain) < 100:
            chain.append(by_id[at].title)
            at = by_id[at].parent_id
        out.append(dataclasses.replace(task, depth=0, ancestry=tuple(reversed(chain)) or task.ancestry))
    return tuple(out)
