"""The bulk-edit dialog's fields read into a `BulkEdit`, without Textual (tested on its own).

Every field left empty keeps what each task has; `-` clears it (due, wait, project, parent: moves the
tasks to the top). Priority is a choice: keep, none, low, medium, high.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tui_tasks.changes import KEEP, BulkEdit
from tui_tasks.domain import Priority
from tui_tasks.ui.form_fields import FieldError, read_parent, read_when

CLEAR = "-"
PRIORITY_CHOICES: tuple[tuple[str, Priority | None], ...] = (
    ("keep", None), ("none", Priority.NONE), ("low", Priority.LOW), ("medium", Priority.MEDIUM), ("high", Priority.HIGH),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class BulkText:
    """What the dialog's fields hold, as typed."""

    priority: str = "keep"
    due: str = ""
    wait: str = ""
    project: str = ""
    add_tags: str = ""
    remove_tags: str = ""
    parent: str = ""


def _tags(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(word.lstrip("#") for word in text.replace(",", " ").split() if word.lstrip("#")))


def read_bulk(text: BulkText, now: datetime) -> BulkEdit:
    """The edit the fields say; FieldError (field, one-line message) for text that means nothing, or when
    the fields change nothing at all. The service checks the values as it checks any task's."""
    choices = dict(PRIORITY_CHOICES)
    if text.priority not in choices:
        raise FieldError("priority", "Priority must be keep, none, low, medium or high")
    priority = choices[text.priority]

    def when(field: str, typed: str):
        typed = typed.strip()
        return KEEP if not typed else None if typed == CLEAR else read_when(field, typed, now)

    project = text.project.strip()
    parent = text.parent.strip()
    edit = BulkEdit(
        priority=KEEP if priority is None else priority,
        due=when("due", text.due),
        wait=when("wait", text.wait),
        project=KEEP if not project else None if project == CLEAR else project,
        add_tags=_tags(text.add_tags),
        remove_tags=_tags(text.remove_tags),
        parent_id=KEEP if not parent else None if parent == CLEAR else read_parent(parent),
    )
    both = set(edit.add_tags) & set(edit.remove_tags)
    if both:
        raise FieldError("remove_tags", f"#{sorted(both)[0]} is both added and removed")
    if edit.is_empty():
        raise FieldError("priority", "Nothing to change: fill in a field (- clears one)")
    return edit
