"""The task list's header line, fitted to a width by leaving out whole parts, never cutting one.

Shown in this order: view · selection · name  ·  pending · done · overdue · due today. When they do not
all fit, parts go in this order: done, the name, due today, overdue, pending, the view; the selection
count goes last (it says what the next key will act on). No Textual here.
"""

from __future__ import annotations

from rich.cells import cell_len

from tui_tasks.domain import TaskCounts

SEPARATOR = " · "
NAME_SEPARATOR = "  ·  "  # between who and the counts
DROP_ORDER = ("done", "name", "due_today", "overdue", "pending", "view", "selected")


def header_text(name: str, counts: TaskCounts | None, width: int, view_name: str | None = None, selected: int = 0) -> str:
    """The header for `width` cells: the parts that fit whole. If not even the last part fits it is
    shortened with "…" (only below about 15 cells)."""
    parts = _parts(name, counts, view_name, selected)
    for dropped in (None, *DROP_ORDER):
        if dropped is not None and len(parts) > 1:
            parts.pop(dropped, None)
        text = _join(parts)
        if cell_len(text) <= width:
            return text
    return _shorten(_join(parts), width)  # the one part left, too long even alone


def _parts(name: str, counts: TaskCounts | None, view_name: str | None, selected: int) -> dict[str, str]:
    parts: dict[str, str] = {}
    if view_name:
        parts["view"] = view_name
    if selected:
        parts["selected"] = f"{selected:,} selected"
    if name:
        parts["name"] = name
    if counts is not None:
        parts["pending"] = f"{counts.pending:,} pending"
        parts["done"] = f"{counts.done:,} done"
        if counts.overdue:
            parts["overdue"] = f"{counts.overdue:,} overdue"
        if counts.due_today:
            parts["due_today"] = f"{counts.due_today:,} due today"
    return parts


def _join(parts: dict[str, str]) -> str:
    who = SEPARATOR.join(parts[key] for key in ("view", "selected", "name") if key in parts)
    counts = SEPARATOR.join(parts[key] for key in ("pending", "done", "overdue", "due_today") if key in parts)
    return NAME_SEPARATOR.join(piece for piece in (who, counts) if piece)


def _shorten(text: str, width: int) -> str:
    if width <= 0:
        return ""
    out = ""
    for char in text:
        if cell_len(out + char) > width - 1:
            break
        out += char
    return out.rstrip() + "…"
