"""Writes to many selected tasks at once: done, delete, edit. Each is one transaction and one operation
in the log (one undo step). Every id must be the user's: one that is not (deleted elsewhere, or someone
else's) refuses the whole write, as a missing task does, and nothing changes. The `Tasks` service's
bulk_* methods call these."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from tui_tasks.changes import KEEP, BulkEdit, BulkResult
from tui_tasks.db.tables import Task, TaskSeries, TaskTag
from tui_tasks.domain import Priority, UserView
from tui_tasks.errors import NotFound, ValidationError
from tui_tasks.services import relations
from tui_tasks.services.oplog import CHUNK, Recording, count_words
from tui_tasks.services.validation import PROJECT_MAX, TAGS_MAX, clean_line, clean_tags, clean_when

if TYPE_CHECKING:
    from tui_tasks.services.tasks import Tasks

BULK_MAX = 100_000  # ids in one bulk write


def _clean_ids(task_ids: Sequence[Any]) -> list[int]:
    ids = list(dict.fromkeys(task_ids))
    if len(ids) > BULK_MAX:
        raise ValidationError("task_ids", f"At most {BULK_MAX} tasks can be changed at once (selected: {len(ids)})")
    if any(isinstance(i, bool) or not isinstance(i, int) or not 0 < i < 2**31 for i in ids):
        raise NotFound("Task not found (it may have been deleted)")
    return ids


def _load(session: Session, user: UserView, ids: list[int]) -> list[Task]:
    """The user's tasks `ids`, locked, in id order; NotFound naming how many are missing."""
    rows: list[Task] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        # `+ 0`: by the primary key; with a plain user_id test SQLite may walk all of the user's tasks instead
        rows += session.exec(select(Task).where(col(Task.id).in_(chunk), col(Task.user_id) + 0 == user.id).with_for_update()).all()
    if len(rows) != len(ids):
        missing = len(ids) - len(rows)
        raise NotFound(f"{count_words(missing)} of the {len(ids)} selected {'is' if missing == 1 else 'are'} "
                       "not found (deleted elsewhere?): nothing was changed")  # fmt: skip
    rows.sort(key=lambda row: row.id)
    return rows


def complete(tasks: Tasks, user: UserView, task_ids: Sequence[int], done: bool) -> BulkResult:
    """Mark the tasks done (or pending again); those already so stay as they are. A repeating one
    completed makes its next instance, as a single completion does."""
    from tui_tasks.services.tasks import flip_done  # (tasks imports this module)

    ids, now = _clean_ids(task_ids), tasks.clock()
    done = bool(done)
    with tasks.db.session(write=True) as session:
        relations.lock_user(session, user.id)
        rows = [row for row in _load(session, user, ids) if row.completed != done]
        log = Recording(session, user.id, at=tasks.clock(), own=True, fields=("completed", "completed_at"))
        log.watch([row.id for row in rows])
        made: list[int] = []
        series_ids = sorted({row.series_id for row in rows if row.series_id is not None})
        for start in range(0, len(series_ids), CHUNK):  # into the session at once: `series.of` finds them there
            session.exec(select(TaskSeries).where(col(TaskSeries.id).in_(series_ids[start : start + CHUNK]))).all()
        log.watch_series(*series_ids)
        with session.no_autoflush:  # one flush for all the rows, not one per series looked up
            for row in rows:
                instance = flip_done(session, user, row, now)
                if instance is not None:
                    made.append(instance.id)
        log.created(made)
        summary = f"{count_words(len(rows))} {'done' if done else 'reopened'}"
        log.save("bulk", summary)
        if rows:
            from tui_tasks.services.tasks import note_change

            note_change(session, user.id)
        return BulkResult(summary, tuple(row.id for row in rows), created=tuple(made))


def delete_many(tasks: Tasks, user: UserView, task_ids: Sequence[int]) -> BulkResult:
    """Delete the tasks (their subtasks not selected move to the top, as for one delete)."""
    ids = _clean_ids(task_ids)
    with tasks.db.session(write=True) as session:
        relations.lock_user(session, user.id)
        rows = _load(session, user, ids)
        log = Recording(session, user.id, at=tasks.clock())
        log.deleting(ids)
        for row in rows:
            session.expunge(row)
        for start in range(0, len(ids), CHUNK):
            session.exec(delete(Task).where(Task.user_id == user.id, col(Task.id).in_(ids[start : start + CHUNK])))
        summary = f"delete {count_words(len(rows))}"
        log.save("bulk", summary)
        if rows:
            from tui_tasks.services.tasks import note_change

            note_change(session, user.id)
        return BulkResult(summary, (), removed=tuple(ids))


def _cleaned(edit: BulkEdit) -> BulkEdit:
    """The edit with every value checked as the task form checks it."""
    if not isinstance(edit, BulkEdit):
        raise ValidationError("edit", "A bulk edit is needed")
    values: dict[str, Any] = {}
    if edit.priority is not KEEP:
        try:
            values["priority"] = Priority(edit.priority if edit.priority is not None else 0)
        except ValueError:
            raise ValidationError("priority", "Priority must be none, low, medium or high") from None
    for name, label in (("due", "Due"), ("wait", "Wait")):
        if getattr(edit, name) is not KEEP:
            values[name] = clean_when(name, label, getattr(edit, name))
    if edit.project is not KEEP:
        values["project"] = clean_line("project", "Project", edit.project or "", max_len=PROJECT_MAX, required=False) or None
    if edit.parent_id is not KEEP:
        parent = edit.parent_id
        if parent is not None and (isinstance(parent, bool) or not isinstance(parent, int) or not 0 < parent < 2**31):
            raise ValidationError("parent_id", "Parent must be a task number")
        values["parent_id"] = parent
    add, remove = clean_tags(edit.add_tags), clean_tags(edit.remove_tags)
    return BulkEdit(**{**{n: KEEP for n in ("priority", "due", "project", "wait", "parent_id")}, **values},
                    add_tags=add, remove_tags=remove)  # fmt: skip


def edit_many(tasks: Tasks, user: UserView, task_ids: Sequence[int], edit: BulkEdit) -> BulkResult:
    """Set or clear priority, due, project or wait; add or remove tags; move under a parent (refused, for
    all, if it would put a task under itself) — on every task, in one transaction."""
    edit = _cleaned(edit)
    ids, now = _clean_ids(task_ids), tasks.clock()
    if edit.is_empty():
        raise ValidationError("edit", "Nothing to change: choose a field to set or clear, or tags")
    with tasks.db.session(write=True) as session:
        relations.lock_user(session, user.id)
        rows = _load(session, user, ids)
        log = Recording(session, user.id, at=tasks.clock(), own=not (edit.add_tags or edit.remove_tags or edit.parent_id is not KEEP))
        log.watch(ids)
        if edit.parent_id is not KEEP and edit.parent_id is not None:
            relations.check_parent_of_many(session, user.id, [row.id for row in rows], edit.parent_id)
        tags = _tags(session, ids) if edit.add_tags or edit.remove_tags else {}
        new_tags: list[dict[str, Any]] = []
        for row in rows:
            if edit.priority is not KEEP:
                row.priority = int(edit.priority)
            if edit.due is not KEEP:
                row.due, row.due_has_time = relations.stored_due(edit.due)
            if edit.wait is not KEEP:
                row.wait, row.wait_has_time = relations.stored_wait(edit.wait)
            if edit.project is not KEEP:
                row.project = edit.project
            if edit.parent_id is not KEEP:
                row.parent_id = edit.parent_id
            if edit.add_tags or edit.remove_tags:
                held = tags.get(row.id, [])
                wanted = [t for t in held if t not in edit.remove_tags] + [t for t in edit.add_tags if t not in held]
                if len(wanted) > TAGS_MAX:
                    raise ValidationError("tags", f"“{row.title}” would have more than {TAGS_MAX} tags")
                if wanted != held:
                    new_tags += [{"task_id": row.id, "tag": tag, "user_id": user.id} for tag in wanted]
                    tags[row.id] = None  # rewritten below
            row.updated_at, row.version = now, row.version + 1
        session.flush()
        rewritten = [task_id for task_id, held in tags.items() if held is None]
        for start in range(0, len(rewritten), CHUNK):
            session.exec(delete(TaskTag).where(col(TaskTag.task_id).in_(rewritten[start : start + CHUNK])))
        if new_tags:
            session.exec(insert(TaskTag), params=new_tags)
        summary = f"{count_words(len(rows))}: {edit.words()}"
        log.save("bulk", summary)
        from tui_tasks.services.tasks import note_change

        note_change(session, user.id)
        return BulkResult(summary, tuple(row.id for row in rows))


def _tags(session: Session, ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {task_id: [] for task_id in ids}
    for start in range(0, len(ids), CHUNK):
        rows = session.exec(select(TaskTag.task_id, TaskTag.tag).where(col(TaskTag.task_id).in_(ids[start : start + CHUNK]))
                            .order_by(TaskTag.tag))  # fmt: skip
        for task_id, tag in rows:
            found[task_id].append(tag)
    return found
