"""Plain read models of the change history (undo, redo, a task's history) and of bulk edits.

No SQL and no Textual here: services.history fills these in, the UI shows them. A task's state in the
log is a dict of JSON values (see `services.history.snapshot`); `describe` turns two of them into the
lines people read: "priority medium → high".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from tui_tasks.domain import Due, Priority
from tui_tasks.errors import TasksError


class HistoryRefused(TasksError):
    """Undo or redo would overwrite a later change (or find nothing to do): nothing was changed."""


class NothingToUndo(HistoryRefused):
    """There is no change left to undo (or to redo)."""


class _Keep:
    """A BulkEdit field left as each task has it."""

    _instance: _Keep | None = None

    def __new__(cls) -> _Keep:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "KEEP"

    def __bool__(self) -> bool:
        return False


KEEP: Any = _Keep()
"""Leave the field as each task has it (None clears it)."""


@dataclass(frozen=True, slots=True)
class BulkEdit:
    """One change to many tasks: each field KEEP (as each task has it), a value, or None (cleared;
    priority: Priority.NONE). Tags are added or removed, the others kept. `parent_id` moves every task
    under that task (None: to the top)."""

    priority: Priority | Any = KEEP
    due: Due | None | Any = KEEP
    project: str | None | Any = KEEP
    wait: Due | None | Any = KEEP
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    parent_id: int | None | Any = KEEP

    def is_empty(self) -> bool:
        return all(getattr(self, name) is KEEP for name in ("priority", "due", "project", "wait", "parent_id")) and not (
            self.add_tags or self.remove_tags
        )

    def words(self) -> str:
        """What it does, for a summary: "priority high, +work"."""
        parts = []
        for name in ("priority", "due", "project", "wait"):
            value = getattr(self, name)
            if value is not KEEP:
                shown = value.label if isinstance(value, Priority) else _shown(value) if value is not None else "none"
                parts.append(f"{name} {shown}")
        if self.parent_id is not KEEP:
            parts.append("moved" if self.parent_id is not None else "moved to the top")
        parts += [f"+{tag}" for tag in self.add_tags] + [f"-{tag}" for tag in self.remove_tags]
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class BulkResult:
    """What a bulk write did: the tasks it changed (ids, and for a delete the ids gone), its summary
    (the undo step's name) and the ids of tasks it made (next instances of repeating tasks)."""

    summary: str
    changed: tuple[int, ...]
    removed: tuple[int, ...] = ()
    created: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Replayed:
    """An undo (`redo` False) or a redo that was applied: the step's summary, and what the list should
    redraw: tasks changed (ids as they are now), removed, and made anew (undoing a delete makes the task
    again under a new id). `many`: too many to name, reload the list."""

    kind: str
    summary: str
    redo: bool
    changed: tuple[int, ...] = ()
    removed: tuple[int, ...] = ()
    created: tuple[int, ...] = ()
    many: bool = False

    @property
    def message(self) -> str:
        """For a notification: "Undone: priority medium → high"."""
        return f"{'Redone' if self.redo else 'Undone'}: {self.summary}"


Undone = Replayed
Redone = Replayed


@dataclass(frozen=True, slots=True)
class HistoryState:
    """What `u` and `ctrl+r` would do now: the summaries of the steps (None: nothing)."""

    undo: str | None
    redo: str | None

    @property
    def can_undo(self) -> bool:
        return self.undo is not None

    @property
    def can_redo(self) -> bool:
        return self.redo is not None


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One change to one task, for its history in the detail pane: when, what kind, the step's summary,
    and the task's own lines ("priority medium → high"). `undone`: undone since (a redo would bring it
    back)."""

    at: datetime
    kind: str
    summary: str
    lines: tuple[str, ...]
    undone: bool = False

    def text(self, now: datetime) -> str:
        """One line: "priority medium → high, 2 h ago"."""
        what = "; ".join(self.lines) or self.summary
        return f"{what}{' (undone)' if self.undone else ''}, {ago(now - self.at)}"


def ago(delta: timedelta) -> str:
    """How long ago, in one short unit: "just now", "5 s ago", "2 min ago", "3 h ago", "4 d ago"."""
    seconds = int(delta.total_seconds())
    if seconds < 1:
        return "just now"
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return f"{seconds} s ago"


# --- lines of a change ---------------------------------------------------------------------------------

_PRIORITY = {p.value: p.label for p in Priority}
_FIELDS = ("title", "description", "completed", "priority", "due", "wait", "project", "tags", "parent", "depends",
           "series_id", "notes")  # fmt: skip


def _shown(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _when(state: dict[str, Any], name: str) -> str:
    text = state.get(name)
    if not text:
        return "none"
    moment = datetime.fromisoformat(text)
    if state.get(f"{name}_has_time"):
        return moment.astimezone().strftime("%Y-%m-%d %H:%M")
    return (moment.date()).isoformat()


def _field_text(state: dict[str, Any], name: str) -> str:
    value = state.get(name)
    if name == "title":
        return f"“{value}”"
    if name == "description":
        return f"{len(value.splitlines()) or 1} line(s)" if value else "(empty)"
    if name == "completed":
        return "done" if value else "pending"
    if name == "priority":
        return _PRIORITY.get(value or 0, str(value))
    if name in ("due", "wait"):
        return _when(state, name)
    if name == "tags":
        return " ".join(f"#{tag}" for tag in value or ()) or "none"
    if name == "depends":
        return f"{len(value or ())} task(s)"
    if name == "notes":
        return f"{len(value or ())} note(s)"
    if name == "parent":
        return "a parent" if value else "none"
    if name == "series_id":
        return "repeating" if value is not None else "not repeating"
    return "none" if value is None else str(value)


def describe(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """The lines of one task's change: "created", "deleted", or a line a field that differs:
    "priority medium → high", "done", "tags #a → #a #b"."""
    if before is None:
        return ["created"]
    if after is None:
        return ["deleted"]
    lines = []
    for name in _FIELDS:
        keys = (name, f"{name}_has_time") if name in ("due", "wait") else (name,)
        if not any(key in before or key in after for key in keys):
            continue
        if name == "completed":
            lines.append("done" if after.get("completed") else "reopened")
            continue
        old, new = _field_text(before, name), _field_text(after, name)
        if name == "notes" and len(after.get("notes") or ()) > len(before.get("notes") or ()):
            lines.append(f"note “{after['notes'][-1][1][:40]}”")
        elif old != new:
            lines.append(f"{name} {old} → {new}")
        else:
            lines.append(f"{name} changed")
    return lines
