"""The task form's fields as text, both ways: a draft shown as text, typed text read into a draft, and the
live preview beside the date and repeat fields. No Textual here, so all of it is tested without a screen."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import datetime

from tui_tasks.dates import describe_exact, format_when, parse_when
from tui_tasks.domain import Due, Priority, Recurrence, TaskDraft, local_date
from tui_tasks.recurrence import describe_recurrence, next_due, parse_recurrence

ID_MAX = 2**31 - 1
_ID = re.compile(r"#?(\d{1,10})")
# A service's ValidationError.field -> the form field it is about.
SERVICE_FIELDS = {"parent_id": "parent", "recurrence": "repeat"}


@dataclass(frozen=True, slots=True)
class FormText:
    """What the form's fields hold, as typed."""

    title: str = ""
    description: str = ""
    priority: Priority = Priority.NONE
    due: str = ""
    wait: str = ""
    repeat: str = ""
    project: str = ""
    tags: str = ""
    parent: str = ""
    depends: str = ""


LINE_FIELDS = tuple(f.name for f in fields(FormText) if f.name not in ("description", "priority"))


class FieldError(ValueError):
    """Typed text that means nothing: the field it is in, and a one-line message."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def text_of(draft: TaskDraft) -> FormText:
    """How a draft (a task's, or a quick-add line's) shows in the form; `read_form` reads it back."""
    return FormText(
        title=draft.title, description=draft.description, priority=draft.priority,
        due=format_when(draft.due) if draft.due is not None else "",
        wait=format_when(draft.wait) if draft.wait is not None else "",
        repeat=repeat_text(draft.recurrence), project=draft.project or "", tags=" ".join(draft.tags),
        parent=str(draft.parent_id) if draft.parent_id is not None else "",
        depends=", ".join(map(str, draft.depends)),
    )  # fmt: skip


def repeat_text(rec: Recurrence | None) -> str:
    """A rule in words when the words read back as the same rule, else the rule itself (which reads back)."""
    if rec is None:
        return ""
    words = describe_recurrence(rec)
    try:
        return words if parse_recurrence(words) == rec else rec.rule
    except ValueError:
        return rec.rule


def read_form(text: FormText, now: datetime, original: TaskDraft | None = None) -> TaskDraft:
    """The draft the typed text makes; FieldError naming the first field that means nothing. A date or
    repeat field left as `original` showed it keeps `original`'s value exactly (nothing re-read, nothing lost)."""
    shown = text_of(original) if original is not None else FormText()
    due = original.due if original and text.due == shown.due else read_when("due", text.due, now)
    wait = original.wait if original and text.wait == shown.wait else read_when("wait", text.wait, now)
    if original is not None and text.repeat == shown.repeat and (text.due == shown.due or not text.repeat.strip()):
        recurrence = original.recurrence
    else:
        recurrence = _repeat(text.repeat, due, now)
    return TaskDraft(
        title=text.title, description=text.description, priority=text.priority, due=due,
        project=text.project, tags=tuple(text.tags.replace(",", " ").split()), wait=wait,
        parent_id=read_parent(text.parent), depends=_depends(text.depends), recurrence=recurrence,
    )  # fmt: skip


def preview_when(text: str, now: datetime) -> tuple[str, bool]:
    """What a due or wait field's text means ("Fri 4 Dec 2026 17:00 CET"), or why it means nothing
    (then False); empty text shows nothing."""
    try:
        when = parse_when(text, now)
    except ValueError as error:
        return str(error), False
    return ("" if when is None else describe_exact(when)), True


def preview_repeat(text: str, due_text: str, now: datetime) -> tuple[str, bool]:
    """A repeat field's text in words, with the next due after the first ("every 2 weeks, next Fri 18 Dec"),
    or why it means nothing (then False). Empty: does not repeat."""
    if not text.strip():
        return "does not repeat", True
    try:
        due = parse_when(due_text, now)
    except ValueError:
        due = None  # the due field says what is wrong with it
    try:
        rec = parse_recurrence(text, due, now)
    except ValueError as error:
        return str(error), False
    try:
        following = next_due(rec, due if due is not None else local_date(now), 0)
    except (ValueError, OverflowError):
        following = None
    return describe_recurrence(rec, following[1] if following and not rec.after_completion else None), True


def read_when(field: str, text: str, now: datetime) -> Due | None:
    """A typed due or wait (None when empty); FieldError naming `field` for text that is no date."""
    try:
        return parse_when(text, now)
    except ValueError as error:
        raise FieldError(field, str(error)) from None


def _repeat(text: str, due: Due | None, now: datetime) -> Recurrence | None:
    if not text.strip():
        return None
    try:
        return parse_recurrence(text, due, now)
    except ValueError as error:
        raise FieldError("repeat", str(error)) from None


def read_parent(text: str) -> int | None:
    """A typed parent task number, `#12` or `12` (None when empty); FieldError for anything else."""
    if not text.strip():
        return None
    match = _ID.fullmatch(text.strip())
    if match is None or not 0 < int(match[1]) <= ID_MAX:
        raise FieldError("parent", "Parent must be a task number, like 12")
    return int(match[1])


def _depends(text: str) -> tuple[int, ...]:
    ids = []
    for word in text.replace(",", " ").split():
        match = _ID.fullmatch(word)
        if match is None or not 0 < int(match[1]) <= ID_MAX:
            raise FieldError("depends", f"Depends on takes task numbers, like 12, 15 (not {word[:20]!r})")
        ids.append(int(match[1]))
    return tuple(dict.fromkeys(ids))
