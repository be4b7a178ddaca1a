"""Tasks of the logged-in user: create, get, update, toggle, delete, and paged lists (undo: services.history).

Every statement is scoped by the user's id: another user's task id behaves exactly like a missing one.
"""

from __future__ import annotations

import logging
import uuid as uuidlib
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, literal, tuple_, update
from sqlmodel import Session, col, select

from tui_tasks.db.engine import Database
from tui_tasks.db.tables import Task, TaskTag, User
from tui_tasks.domain import (
    PageCursor,
    Priority,
    SortField,
    TaskDraft,
    TaskPage,
    TaskQuery,
    TaskView,
    UserView,
    utcnow,
    visible,
)
from tui_tasks.errors import Conflict, NotFound, OutcomeUnknown, StaleTask, StorageError, ValidationError
from tui_tasks.changes import BulkEdit, BulkResult
from tui_tasks.services import bulk, relations, series, tree
from tui_tasks.services.oplog import Recording, count_words
from tui_tasks.services.relations import loaded, stored_due, stored_wait
from tui_tasks.services.task_queries import SORT_COLUMNS, list_conditions, urgency_now, urgency_sql
from tui_tasks.services.validation import clean_draft, clean_query

PAGE_MAX = 500
TASK_NOT_FOUND = "Task not found (it may have been deleted)"

logger = logging.getLogger("tui_tasks.tasks")

def _short(title: str, most: int = 60) -> str:
    return title if len(title) <= most else title[: most - 1] + "…"


def _edit_summary(title: str, changes: list[dict[str, Any]]) -> str:
    """ "priority medium → high" for an edit of one field; "edit “Title”" otherwise."""
    from tui_tasks.changes import describe

    lines = describe(changes[0]["b"], changes[0]["a"]) if len(changes) == 1 else []
    return f"“{_short(title)}”: {lines[0]}" if len(lines) == 1 else f"edit “{_short(title)}”"


def _done_summary(task: Task, below: int) -> str:
    verb = "done" if task.completed else "reopen"
    return f"{verb} “{_short(task.title)}”" + (f" and {count_words(below, 'subtask')}" if below else "")


def _tags_of(session: Session, task_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    tags: dict[int, list[str]] = {}
    if task_ids:
        rows = session.exec(
            select(TaskTag.task_id, TaskTag.tag).where(col(TaskTag.task_id).in_(task_ids)).order_by(TaskTag.tag)
        )
        for task_id, tag in rows:
            tags.setdefault(task_id, []).append(visible(tag))
    return {task_id: tuple(values) for task_id, values in tags.items()}


def _set_tags(session: Session, user: UserView, task_id: int, tags: tuple[str, ...]) -> None:
    session.exec(delete(TaskTag).where(col(TaskTag.task_id) == task_id))
    if tags:
        session.exec(insert(TaskTag), params=[{"task_id": task_id, "tag": tag, "user_id": user.id} for tag in tags])


def flip_done(session: Session, user: UserView, task: Task, now: datetime) -> Task | None:
    """Done <-> not done, in the caller's transaction; completing an instance of a repeating task makes the
    next one (see `series`), which is returned."""
    task.completed = not task.completed
    task.completed_at = now if task.completed else None
    task.updated_at = now
    task.version += 1
    if task.completed and (made := series.next_instance(session, user.id, task, now, now)) is not None:
        logger.info("next instance user_id=%s task_id=%s occurrence=%s", user.id, made.id, made.occurrence)
        return made
    return None


def note_change(session: Session, user_id: int) -> None:
    """Count a change to the user's tasks (or saved views, which a list's header names), in the
    transaction that makes it (see `Tasks.changes`)."""
    session.exec(update(User).where(col(User.id) == user_id).values(task_changes=col(User.task_changes) + 1))


def _view(task: Task, tags: tuple[str, ...], related: dict[str, Any] | None = None) -> TaskView:
    """The read model of a row; its text made `visible` (see there). `related`: what
    `relations.relations_of` found for it (without it: no dependencies, subtasks or rule)."""
    return TaskView(
        id=task.id,
        title=visible(task.title),
        description=visible(task.description, lines=True),
        completed=task.completed,
        completed_at=task.completed_at,
        priority=Priority(task.priority),
        due=loaded(task.due, task.due_has_time),
        project=None if task.project is None else visible(task.project),
        tags=tags,
        created_at=task.created_at,
        updated_at=task.updated_at,
        version=task.version,
        uuid=task.uuid,
        wait=loaded(task.wait, task.wait_has_time),
        parent_id=task.parent_id,
        series_id=task.series_id,
        occurrence=task.occurrence,
        **(related or {}),
    )


def task_views(session: Session, rows: Sequence[Task]) -> list[TaskView]:
    """Read models of rows, with their tags and relations, in a few statements for all of them (the agenda
    reads its tasks through this too)."""
    tags = _tags_of(session, [row.id for row in rows])
    related = relations.relations_of(session, rows)
    return [_view(row, tags.get(row.id, ()), related[row.id]) for row in rows]


def _one(session: Session, row: Task) -> TaskView:
    return task_views(session, [row])[0]


def _set_fields(task: Task, clean: TaskDraft) -> None:
    """The draft's own fields onto the row (not parent, dependencies or rule: they need checks)."""
    task.title, task.description, task.priority = clean.title, clean.description, int(clean.priority)
    task.due, task.due_has_time = stored_due(clean.due)
    task.wait, task.wait_has_time = stored_wait(clean.wait)
    task.project = clean.project


class Tasks:
    """The logged-in user's tasks."""

    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.clock = clock

    def _owned(
        self, session: Session, user: UserView, task_id: Any, expected_version: int | None, *, lock: bool = True
    ) -> Task:
        """The user's task (locked for the write to come), or NotFound; StaleTask if its version moved on."""
        if isinstance(task_id, bool) or not isinstance(task_id, int) or not 0 < task_id < 2**31:  # ids are INTEGER
            raise NotFound(TASK_NOT_FOUND)
        statement = select(Task).where(Task.id == task_id, Task.user_id == user.id)
        task = session.exec(statement.with_for_update() if lock else statement).first()
        if task is None:
            raise NotFound(TASK_NOT_FOUND)
        if expected_version is not None and task.version != expected_version:
            raise StaleTask("This task was changed elsewhere since it was loaded", task.version)
        return task

    def _insert(self, user: UserView, clean: TaskDraft, **state: Any) -> TaskView:
        """Insert a validated task with the given state (its times set by the caller: they tell a
        task saved by a failed COMMIT, see `_settle`)."""
        state.setdefault("uuid", str(uuidlib.uuid4()))
        try:
            with self.db.session(write=True) as session:
                relations.lock_user(session, user.id)
                relations.check_parent(session, user.id, None, clean.parent_id)
                row = Task(user_id=user.id, title="", parent_id=clean.parent_id, **state)
                _set_fields(row, clean)
                if clean.recurrence is not None:
                    series.start(session, user.id, row, clean.recurrence, clean.tags, state["updated_at"])
                session.add(row)
                session.flush()
                new_id = row.id
                _set_tags(session, user, row.id, clean.tags)
                relations.set_depends(session, user.id, row.id, clean.depends)
                log = Recording(session, user.id, at=self.clock())
                log.created([row.id])
                if row.series_id is not None:
                    log.series_made(row.series_id)
                log.save("create", f"add “{_short(row.title)}”")
                note_change(session, user.id)
                return _one(session, row)
        except Conflict:  # the only rule an insert can break: the user row is gone
            raise NotFound("This account no longer exists") from None
        except OutcomeUnknown as unknown:
            return self._settle(unknown, self._found(user, Task.id == new_id, Task.title == clean.title,
                                                     Task.updated_at == state["updated_at"]))  # fmt: skip

    def _settle(self, unknown: OutcomeUnknown, answer: Callable[[Session], TaskView | None]) -> TaskView:
        """A write whose COMMIT failed: read back what the database holds. Saved after all: the write's
        answer (`answer` finds it), as if nothing had failed: a user told "failed" retries, and has it
        twice. Not saved: say so for sure. Still unreadable: the outcome stays unknown, and says so."""
        try:
            with self.db.session() as session:
                view = answer(session)
        except StorageError:
            raise unknown from None
        if view is None:
            raise StorageError(f"Not saved: {unknown.reason}")
        logger.warning("a change was saved although its commit reported an error task_id=%s", view.id)
        return view

    def _found(self, user: UserView, *conditions: Any) -> Callable[[Session], TaskView | None]:
        """The user's newest task that meets `conditions`, as a read model, or None."""

        def find(session: Session) -> TaskView | None:
            task = session.exec(select(Task).where(Task.user_id == user.id, *conditions).order_by(col(Task.id).desc())).first()
            return None if task is None else _one(session, task)

        return find

    def create(self, user: UserView, draft: TaskDraft) -> TaskView:
        """Add a task; raise ValidationError naming the first bad field."""
        now = self.clock()
        view = self._insert(user, clean_draft(draft), created_at=now, updated_at=now)
        logger.info("task created user_id=%s task_id=%s", user.id, view.id)
        return view

    def get(self, user: UserView, task_id: int) -> TaskView:
        with self.db.session() as session:
            task = self._owned(session, user, task_id, None, lock=False)
            return _one(session, task)

    def update(
        self, user: UserView, task_id: int, draft: TaskDraft, expected_version: int | None = None,
        *, whole_series: bool = True,
    ) -> TaskView:
        """Replace the editable fields. With `expected_version`, raise StaleTask if it changed meanwhile.

        A repeating task: `whole_series` makes the edit the template of the instances to come, and a new
        rule counts from this one; otherwise only this instance changes. No rule stops the repeating."""
        clean, now = clean_draft(draft), self.clock()
        try:
            with self.db.session(write=True) as session:
                relations.lock_user(session, user.id)
                task = self._owned(session, user, task_id, expected_version)
                log = Recording(session, user.id, at=self.clock())
                log.watch([task.id])
                log.watch_series(task.series_id)
                if clean.parent_id != task.parent_id:
                    relations.check_parent(session, user.id, task.id, clean.parent_id)
                    task.parent_id = clean.parent_id
                due_before = (task.due, task.due_has_time)
                _set_fields(task, clean)
                current = series.of(session, task)
                if current is not None and current.active and clean.recurrence is None:
                    series.stop(session, task, now)
                elif current is not None and current.active and whole_series:
                    series.change(current, task, clean, clean.tags, now, due_moved=due_before != (task.due, task.due_has_time))
                elif clean.recurrence is not None and (current is None or not current.active):
                    series.start(session, user.id, task, clean.recurrence, clean.tags, now)
                    log.series_made(task.series_id)
                task.updated_at = now
                task.version += 1
                version = task.version
                session.flush()
                _set_tags(session, user, task.id, clean.tags)
                relations.set_depends(session, user.id, task.id, clean.depends)
                log.save("edit", lambda changes: _edit_summary(task.title, changes))
                note_change(session, user.id)
                view = _one(session, task)
        except OutcomeUnknown as unknown:
            view = self._settle(unknown, self._found(user, Task.id == task_id, Task.version == version, Task.updated_at == now))
        logger.info("task updated user_id=%s task_id=%s", user.id, task_id)
        return view

    def toggle(self, user: UserView, task_id: int, expected_version: int | None = None) -> TaskView:
        """Mark the task done, or pending again; `completed_at` follows. Completing an instance of a
        repeating task makes the next one (once: see `series`)."""
        return self._set_done(user, task_id, None, expected_version)

    def complete(self, user: UserView, task_id: int, expected_version: int | None = None) -> TaskView:
        """Mark the task done; a task already done stays as it is."""
        return self._set_done(user, task_id, True, expected_version)

    def _set_done(
        self, user: UserView, task_id: int, done: bool | None, expected_version: int | None, *, subtree: bool = False
    ) -> TaskView:
        """Set the task done (`done` None: the other way round); with `subtree`, every open task under it
        too, in the same transaction."""
        now = self.clock()
        try:
            with self.db.session(write=True) as session:
                relations.lock_user(session, user.id)
                task = self._owned(session, user, task_id, expected_version)
                below = [row for row in tree.subtasks(session, user.id, [task.id]) if not row.completed] if subtree else []
                flips = below + ([task] if done is None or task.completed != done else [])
                log = Recording(session, user.id, at=self.clock(), own=True)
                log.watch([row.id for row in flips])
                for row in flips:
                    log.watch_series(row.series_id)
                    if (made := flip_done(session, user, row, now)) is not None:
                        log.created([made.id])
                version = task.version
                session.flush()
                log.save("toggle", _done_summary(task, len(below)))
                note_change(session, user.id)
                view = _one(session, task)
        except OutcomeUnknown as unknown:
            view = self._settle(unknown, self._found(user, Task.id == task_id, Task.version == version, Task.updated_at == now))
        logger.info("task toggled user_id=%s task_id=%s completed=%s subtasks=%s", user.id, task_id, view.completed, len(below))
        return view

    def complete_tree(self, user: UserView, task_id: int, expected_version: int | None = None) -> TaskView:
        """Complete the task and every open subtask under it, in one transaction: all of them or none.
        Each repeating one among them makes its next instance, as a single completion does."""
        return self._set_done(user, task_id, True, expected_version, subtree=True)

    def skip(self, user: UserView, task_id: int, expected_version: int | None = None) -> TaskView | None:
        """Skip this instance of a repeating task: it goes, and the next one comes (the new instance, or
        None when the rule has ended), with this one's subtasks under it. NotFound for a task that does
        not repeat."""
        now = self.clock()
        with self.db.session(write=True) as session:
            relations.lock_user(session, user.id)
            task = self._owned(session, user, task_id, expected_version)
            if task.series_id is None:
                raise NotFound("This task does not repeat")
            if task.completed:  # its completion is history: skipping is for the one still to do
                raise ValidationError("skip", "This one is already done: only an open occurrence can be skipped")
            log = Recording(session, user.id, at=self.clock())
            log.watch_series(task.series_id)
            below = session.exec(select(Task.id).where(Task.user_id == user.id, Task.parent_id == task.id)).all()
            log.watch(below)
            log.deleting([task.id])
            made = series.next_instance(session, user.id, task, now, None)
            if made is not None:  # its subtasks go on under the next one, not up to the top of the list
                log.created([made.id])
                session.exec(update(Task).where(Task.user_id == user.id, Task.parent_id == task.id)
                             .values(parent_id=made.id))  # fmt: skip
            title = task.title
            session.delete(task)
            session.flush()
            log.save("skip", f"skip “{_short(title)}”")
            note_change(session, user.id)
            view = None if made is None else _one(session, made)
        logger.info("instance skipped user_id=%s task_id=%s", user.id, task_id)
        return view

    def stop_repeating(self, user: UserView, task_id: int) -> TaskView:
        """End the task's series: this instance and those done stay; no more come."""
        now = self.clock()
        with self.db.session(write=True) as session:
            relations.lock_user(session, user.id)
            task = self._owned(session, user, task_id, None)
            log = Recording(session, user.id, at=self.clock(), own=True)
            log.watch([task.id])
            log.watch_series(task.series_id)
            series.stop(session, task, now)
            task.updated_at, task.version = now, task.version + 1
            session.flush()
            log.save("edit", f"stop repeating “{_short(task.title)}”")
            note_change(session, user.id)
            return _one(session, task)

    def annotate(self, user: UserView, task_id: int, text: str) -> TaskView:
        """Add a timestamped note to the task; the task as it now is (its version moved on)."""
        from tui_tasks.services.validation import clean_description

        clean = clean_description(text)
        if not clean:
            raise ValidationError("annotation", "A note needs some text")
        with self.db.session(write=True) as session:
            relations.lock_user(session, user.id)
            task = self._owned(session, user, task_id, None)
            log = Recording(session, user.id, at=self.clock(), own=True, notes=True)
            log.watch([task.id])
            relations.add_annotation(session, user.id, task.id, self.clock(), clean)
            task.updated_at, task.version = self.clock(), task.version + 1
            session.flush()
            log.save("annotate", f"note on “{_short(task.title)}”")
            note_change(session, user.id)
            return _one(session, task)

    def annotations(self, user: UserView, task_id: int) -> list[tuple[datetime, str]]:
        """The task's notes, oldest first."""
        with self.db.session() as session:
            self._owned(session, user, task_id, None, lock=False)
            return [(entry, text) for _, entry, text in relations.annotations(session, user.id, task_id)]

    def children(self, user: UserView, task_id: int) -> list[TaskView]:
        """The task's subtasks, one level down, oldest first."""
        with self.db.session() as session:
            self._owned(session, user, task_id, None, lock=False)
            rows = session.exec(select(Task).where(Task.user_id == user.id, Task.parent_id == task_id).order_by(col(Task.id))).all()
            return task_views(session, rows)

    def related(self, user: UserView, ids: Sequence[int]) -> list[TaskView]:
        """The user's tasks with these ids (missing ones left out), in id order: a detail pane's
        blockers and parents."""
        with self.db.session() as session:
            rows = session.exec(select(Task).where(Task.user_id == user.id, col(Task.id).in_(list(ids)[:500])).order_by(col(Task.id))).all()
            return task_views(session, rows)

    def delete(self, user: UserView, task_id: int, expected_version: int | None = None) -> TaskView:
        """Delete the task and return it as it was (undo, through the log, puts it back under its own id)."""
        view: TaskView | None = None
        try:
            with self.db.session(write=True) as session:
                relations.lock_user(session, user.id)
                task = self._owned(session, user, task_id, expected_version)
                view = _one(session, task)
                log = Recording(session, user.id, at=self.clock())
                log.deleting([task.id])
                session.delete(task)
                log.save("delete", f"delete “{_short(task.title)}”")
                note_change(session, user.id)
        except OutcomeUnknown as unknown:
            deleted, still = view, self._found(user, Task.id == task_id)
            view = self._settle(unknown, lambda session: deleted if still(session) is None else None)
        logger.info("task deleted user_id=%s task_id=%s", user.id, task_id)
        return view

    def bulk_complete(self, user: UserView, task_ids: Sequence[int], done: bool = True) -> BulkResult:
        """Mark many tasks done (or pending again) in one transaction and one undo step."""
        result = bulk.complete(self, user, task_ids, done)
        logger.info("bulk done user_id=%s tasks=%s done=%s", user.id, len(result.changed), done)
        return result

    def bulk_delete(self, user: UserView, task_ids: Sequence[int]) -> BulkResult:
        """Delete many tasks in one transaction and one undo step."""
        result = bulk.delete_many(self, user, task_ids)
        logger.info("bulk delete user_id=%s tasks=%s", user.id, len(result.removed))
        return result

    def bulk_edit(self, user: UserView, task_ids: Sequence[int], edit: BulkEdit) -> BulkResult:
        """Apply one BulkEdit to many tasks in one transaction and one undo step."""
        result = bulk.edit_many(self, user, task_ids, edit)
        logger.info("bulk edit user_id=%s tasks=%s", user.id, len(result.changed))
        return result

    def changes(self, user: UserView) -> int:
        """How many changes the user's tasks have had, from any window or client: poll it, and look
        again at the list when it moves. One primary-key read; NotFound once the account is gone."""
        with self.db.session() as session:
            changes = session.exec(select(User.task_changes).where(User.id == user.id)).first()
        if changes is None:
            raise NotFound("This account no longer exists")
        return changes

    def count(self, user: UserView, query: TaskQuery = TaskQuery()) -> int:
        """How many tasks the query matches."""
        with self.db.session() as session:
            conditions = list_conditions(self.db, session, user, clean_query(query), self.clock())
            return session.exec(select(func.count()).select_from(Task).where(*conditions)).one()

    def page(
        self, user: UserView, query: TaskQuery = TaskQuery(), cursor: PageCursor | None = None, limit: int = 50,
        *, backward: bool = False,
    ) -> TaskPage:
        """One page of the query's tasks, in list order, starting after `cursor` (keyset paging).

        `backward` reads the other way: the tasks just before `cursor`, or the last page of the list
        without one (what `End` shows), and `next_cursor` then continues backwards. Either way the
        cost is one index range, however long the list.

        Tasks without a due date come last when sorting by due, in either direction: that part of
        the list is a second index range read after the first, so both stay index scans.
        """
        limit = max(1, min(int(limit), PAGE_MAX))
        query = clean_query(query)
        now = self.clock()
        by_urgency = query.sort is SortField.URGENCY
        at = urgency_now(now)
        column = urgency_sql(at, self.db.engine.dialect.name) if by_urgency else SORT_COLUMNS[query.sort]
        descending = query.descending != backward  # the direction of this scan
        order = (lambda c: c.desc()) if descending else (lambda c: c.asc())
        after = (lambda a, b: a < b) if descending else (lambda a, b: a > b)
        # The list is (dated, undated) when sorting by due; a backward scan reads the parts in reverse.
        parts = [True, False] if query.sort is SortField.DUE else [None]  # True: dated part, None: one part
        if backward:
            parts.reverse()
        if cursor is not None and parts != [None]:
            parts = parts[parts.index(cursor.value is not None) :]  # skip the parts already passed
        rows: list[tuple[Task, Any]] = []
        in_tree = tree.is_tree(query)
        with self.db.session() as session:
            base = select(Task, column).where(*list_conditions(self.db, session, user, query, self.clock()))
            if in_tree:  # `+ 0`: top tasks are read along the list's own index, not sorted from ix_task_parent
                base = base.where((col(Task.parent_id) + 0).is_(None))
            for dated in parts:
                stmt = base if dated is None else base.where(column.is_not(None) if dated else column.is_(None))
                keys = (col(Task.id),) if dated is False else (column, col(Task.id))  # undated: by id alone
                if cursor is not None and (dated is None or dated == (cursor.value is not None)):
                    if dated is False:
                        stmt = stmt.where(after(col(Task.id), cursor.id))
                    else:
                        bound = tuple_(literal(cursor.value, column.type), literal(cursor.id))
                        stmt = stmt.where(after(tuple_(column, col(Task.id)), bound))
                rows += session.exec(stmt.order_by(*map(order, keys)).limit(limit + 1 - len(rows))).all()
                if len(rows) > limit:
                    break
            shown = [row for row, _ in rows[:limit]]
            if backward:
                shown.reverse()
            tasks = tuple(task_views(session, shown))
            if in_tree:
                tasks = tree.tree_page(tasks, task_views(session, tree.subtasks(session, user.id, [t.id for t in tasks])), query, at)
            else:
                tasks = tree.ancestries(session, user.id, tasks)
        if len(rows) <= limit:
            return TaskPage(tasks, None)
        last, value = rows[limit - 1]
        return TaskPage(tasks, PageCursor(value, last.id))
