"""The log of every change a user makes, and undo and redo over it (issue 11). No Textual here.

Every write service records what it changed INSIDE its own transaction (`Recording` then `record`): one
`operation` row (the step of undo and redo) and one `operation_task` row per task it touched (the task's
history). Tasks are named by uuid, which survives a delete and its undo. A task made again comes back under
its own id (ids are never given out twice, so it is free; were it taken, under a new one): a list, a
`parent:` or an import's id range that named it still finds it. For each task the log keeps the fields that changed, before and after (a whole
state for a task made or deleted); `updated_at` is one of them, so a task undone looks untouched. Undo
applies the "before" side of the newest applied operation; redo the "after" side of the oldest undone
one. Either refuses, changing nothing, when a task it would write no longer holds what the operation
left in those fields (changed, deleted or made again since, by anything that did not go through this
log): it never overwrites silently. Versions only ever go up (an undo is a write like any other), so a
window holding an older copy of the task is still told it changed.

An import is logged compactly: the id range of the tasks it added (it holds the user's lock, so they are
the user's tasks in that range), and the usual entries for the tasks it replaced.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, update
from sqlmodel import Session, col, select

from tui_tasks.changes import HistoryEntry, HistoryRefused, HistoryState, NothingToUndo, Replayed, ago, describe
from tui_tasks.db.engine import Database
from tui_tasks.db.tables import Annotation, Operation, OperationTask, Task, TaskDependency, TaskSeries, TaskTag
from tui_tasks.domain import UserView, utcnow, visible
from tui_tasks.errors import ValidationError
from tui_tasks.services import relations
from tui_tasks.services.oplog import (NOT_COMPARED, OWN_FIELDS, TIME_FIELDS, aware, chunks, count_words, entry, ids_of,
                                      parse_moment, series_state, snapshot, uuids_of)

STAMPS_AHEAD_KEPT = 10_000  # tasks of an import stamped after it, kept with their stamps (see _changed_since)
REDO_IMPORT_MAX = 5000  # an undone import of more added tasks cannot be redone (their fields are not kept)
UNDO_UPDATES_MAX = 20_000  # an import replacing more tasks is logged as one that cannot be undone
MANY = 200  # a replay touching more tasks asks the list to reload rather than naming them

_T = Task.__table__


class History:
    """Undo, redo and each task's history, from the user's log."""

    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.clock = clock

    def state(self, user: UserView) -> HistoryState:
        """What undo and redo would do now (their summaries)."""
        with self.db.session() as session:
            base = select(Operation.summary).where(Operation.user_id == user.id)
            undo = session.exec(base.where(col(Operation.undone).is_(False)).order_by(col(Operation.id).desc()).limit(1)).first()
            redo = session.exec(base.where(col(Operation.undone).is_(True)).order_by(col(Operation.id)).limit(1)).first()
        return HistoryState(undo and visible(undo), redo and visible(redo))

    def can_undo(self, user: UserView) -> bool:
        return self.state(user).can_undo

    def can_redo(self, user: UserView) -> bool:
        return self.state(user).can_redo

    def undo(self, user: UserView) -> Replayed:
        """Undo the user's newest change that is not undone: all of it in one transaction, or nothing
        (HistoryRefused says why; NothingToUndo when there is none)."""
        return self._replay(user, redo=False)

    def redo(self, user: UserView) -> Replayed:
        """Apply again the oldest change undone (the one the last undo took back)."""
        return self._replay(user, redo=True)

    def _replay(self, user: UserView, *, redo: bool) -> Replayed:
        from tui_tasks.services.tasks import note_change  # (tasks imports this module)

        now = self.clock()
        with self.db.session(write=True) as session:
            relations.lock_user(session, user.id)
            query = select(Operation).where(Operation.user_id == user.id, col(Operation.undone).is_(redo))
            op = session.exec(query.order_by(col(Operation.id) if redo else col(Operation.id).desc()).limit(1).with_for_update()).first()
            if op is None:
                raise NothingToUndo("Nothing to redo" if redo else "Nothing to undo")
            data = json.loads(op.changes)
            replay = _Replay(session, user.id, now, redo, op)
            if "import" in data:
                replay.imported(data)
            replay.tasks(data.get("tasks", []))
            replay.series(data.get("series", []))
            op.undone = not redo
            op.changes = json.dumps(data, ensure_ascii=False)
            session.add(op)
            note_change(session, user.id)
            return replay.result(op.kind, visible(op.summary))

    def entries(self, user: UserView, task_uuid: str, limit: int = 20) -> list[HistoryEntry]:
        """The task's history, newest first: each change that touched it, with its own lines."""
        limit = max(1, min(int(limit), 200))
        with self.db.session() as session:
            rows = session.exec(
                select(Operation).join(OperationTask, col(OperationTask.operation_id) == col(Operation.id))
                .where(OperationTask.user_id == user.id, OperationTask.task_uuid == task_uuid, Operation.user_id == user.id)
                .order_by(col(OperationTask.operation_id).desc()).limit(limit)
            ).all()  # fmt: skip
            found = []
            for op in rows:
                data = json.loads(op.changes)
                mine = next((c for c in data.get("tasks", ()) if c["u"] == task_uuid), None)
                lines = describe(mine["b"], mine["a"]) if mine else []
                found.append(HistoryEntry(op.at, op.kind, visible(op.summary), tuple(visible(line) for line in lines), op.undone))
        return found


class _Replay:
    """One undo or redo being applied, in its transaction."""

    def __init__(self, session: Session, user_id: int, now: datetime, redo: bool, op: Operation) -> None:
        self.session, self.user_id, self.now, self.redo, self.op = session, user_id, now, redo, op
        self.old, self.new = ("b", "a") if redo else ("a", "b")
        self.verb = "redo" if redo else "undo"
        self.changed: list[int] = []
        self.tags: list[dict[str, Any]] = []  # rows to insert, all at once
        self.notes: list[dict[str, Any]] = []
        self.removed: list[int] = []
        self.created: list[int] = []
        self.many = False

    def refuse(self, title: str | None, what: str) -> None:
        raise HistoryRefused(f"“{visible(title or 'A task')}” {what}: {self.verb} would overwrite that")

    def _load(self, uuids: Sequence[str]) -> dict[str, Task]:
        rows: dict[str, Task] = {}
        for chunk in chunks(list(uuids)):
            found = self.session.exec(select(Task).where(Task.user_id == self.user_id, col(Task.uuid).in_(chunk)).with_for_update())
            rows.update((row.uuid, row) for row in found)
        return rows

    def tasks(self, changes: list[dict[str, Any]]) -> None:
        rows = self._load([c["u"] for c in changes])
        wanted = sorted({c[self.new]["series_id"] for c in changes if (c[self.new] or {}).get("series_id") is not None})
        self.series_ids = set(self.session.exec(select(TaskSeries.id).where(
            TaskSeries.user_id == self.user_id, col(TaskSeries.id).in_(wanted))).all()) if wanted else set()  # fmt: skip
        olds = [c[self.old] for c in changes if c[self.old]]
        links = any(key in old for old in olds for key in ("tags", "depends", "parent"))
        current = snapshot(self.session, self.user_id, [row.id for row in rows.values()], own=not links,
                           notes=any("notes" in old for old in olds))  # fmt: skip
        for change in changes:  # every check first: refused, nothing was written
            row, old = rows.get(change["u"]), change[self.old]
            if old is None:
                if row is not None:
                    self.refuse(row.title, "was made again after this")
            elif row is None:
                raise HistoryRefused(f"“{visible(change['t'] or 'A task')}” was deleted after this: {self.verb} cannot change it")
            elif any(current[row.id].get(key) != value for key, value in old.items() if key not in NOT_COMPARED):
                self.refuse(row.title, f"was changed after this ({ago(self.now - aware(row.updated_at))})")
        for change in changes:
            if change[self.new] is None:
                row = rows.pop(change["u"])
                self.removed.append(row.id)
                self.session.delete(row)
        self.session.flush()
        free = self._free([c[self.new].get("id") for c in changes if c[self.new] is not None and c["u"] not in rows])
        inserted = set()
        for change in changes:
            state = change[self.new]
            if state is not None and change["u"] not in rows:
                rows[change["u"]] = self._insert(change["u"], state, free)
                inserted.add(change["u"])
            elif state is not None:
                row = rows[change["u"]]
                row.updated_at = self.now
                self._own(row, state)
                row.version += 1
                self.changed.append(row.id)
        self.session.flush()  # one INSERT of every task made again (their ids: the links below need them)
        self.created += [rows[u].id for u in inserted]
        ids = ids_of(self.session, self.user_id, [u for c in changes if c[self.new] for u in _linked(c[self.new])])
        ids.update((u, row.id) for u, row in rows.items())
        for change in changes:
            if change[self.new] is not None:
                self._links(rows[change["u"]], change[self.new], ids, new=change["u"] in inserted)
        for table, values in ((TaskTag, self.tags), (Annotation, self.notes)):
            if values:
                self.session.connection().execute(insert(table), values)
        self.session.flush()

    def _free(self, ids: Sequence[int | None]) -> set[int]:
        """Those of `ids` that no task holds (any user's): a task made again takes its own id back."""
        wanted = sorted({i for i in ids if i is not None})
        taken: set[int] = set()
        for chunk in chunks(wanted):
            taken.update(self.session.connection().execute(select(_T.c.id).where(_T.c.id.in_(chunk))).scalars())
        return set(wanted) - taken

    def _insert(self, uuid: str, state: dict[str, Any], free: set[int]) -> Task:
        """The task made again, under its own id if that is `free` (a log written before ids were kept, or
        an id taken by a task put in from outside: a new one). On PostgreSQL an explicit id leaves the
        sequence alone: the id came from it, so it is already past it."""
        own_id = state.get("id")
        if own_id in free:
            free.discard(own_id)
        else:
            own_id = None
        row = Task(id=own_id, user_id=self.user_id, title=state["title"], created_at=parse_moment(state["created_at"]),
                   updated_at=self.now, uuid=uuid, version=state.get("version", 0) + 1)  # fmt: skip
        self._own(row, state)
        self.session.add(row)
        return row

    def _own(self, row: Task, state: dict[str, Any]) -> None:
        for name in OWN_FIELDS:
            if name in state:
                setattr(row, name, parse_moment(state[name]) if name in TIME_FIELDS else state[name])
        if state.get("series_id") is not None and state["series_id"] not in self.series_ids:
            row.series_id = row.occurrence = None  # its series is gone (a deleted account's: kept for safety)

    def _links(self, row: Task, state: dict[str, Any], ids: dict[str, int], *, new: bool) -> None:
        """Parent, dependencies, tags, notes and the tasks under or blocked by it, as `state` says (a task
        `new`ly made has none yet: nothing to take away, and its tags and notes go in with the others')."""
        try:
            if "parent" in state:
                parent = ids.get(state["parent"]) if state["parent"] else None
                if parent != row.parent_id:
                    relations.check_parent(self.session, self.user_id, row.id, parent)
                    row.parent_id = parent
            if "depends" in state and (state["depends"] or not new):
                relations.set_depends(self.session, self.user_id, row.id, [ids[u] for u in state["depends"] if u in ids])
        except ValidationError as exc:
            raise HistoryRefused(f"“{visible(row.title)}”: {self.verb} is refused: {exc.message[0].lower()}{exc.message[1:]}") from None
        if "notes" in state:
            if not new:
                self.session.connection().execute(delete(Annotation).where(col(Annotation.task_id) == row.id))
            self.notes += [{"task_id": row.id, "user_id": self.user_id, "entry": parse_moment(at), "text": text} for at, text in state["notes"]]
        if "tags" in state:
            if not new:
                self.session.connection().execute(delete(TaskTag).where(col(TaskTag.task_id) == row.id))
            self.tags += [{"task_id": row.id, "tag": tag, "user_id": self.user_id} for tag in state["tags"]]
        children = [ids[u] for u in state.get("children", ()) if u in ids]
        if children:
            self.session.connection().execute(update(Task).where(Task.user_id == self.user_id, col(Task.id).in_(children),
                                                 col(Task.parent_id).is_(None)).values(parent_id=row.id))  # fmt: skip
        blocks = [ids[u] for u in state.get("blocks", ()) if u in ids]
        if blocks:
            held = set(self.session.exec(select(TaskDependency.task_id).where(TaskDependency.blocker_id == row.id)).all())
            rows = [{"task_id": t, "blocker_id": row.id, "user_id": self.user_id} for t in blocks if t not in held]
            if rows:
                self.session.connection().execute(insert(TaskDependency), rows)

    def series(self, changes: list[dict[str, Any]]) -> None:
        """Series as they were, where that is safe: only if each is still as this operation left it (a
        completion undone moves `last_occurrence` back unless another instance came meanwhile)."""
        for change in changes:
            row = self.session.get(TaskSeries, change["id"])
            if row is None or row.user_id != self.user_id or series_state(self.session, row.id) != change[self.old]:
                continue
            for name, value in change[self.new].items():
                setattr(row, name, parse_moment(value) if name == "first_due" else value)
            row.updated_at = self.now

    def imported(self, data: dict[str, Any]) -> None:
        """An import: undo deletes the tasks it added (an id range) and deactivates the series it made;
        redo makes them again from their states kept at the undo (up to REDO_IMPORT_MAX)."""
        info = data["import"]
        if info.get("irreversible"):  # its replaced tasks were not kept (over UNDO_UPDATES_MAX)
            raise HistoryRefused(f"An import that updated {count_words(info['irreversible'])} cannot be undone "
                                 f"(over {UNDO_UPDATES_MAX}): their earlier fields were not kept")  # fmt: skip
        if self.redo:
            if info.get("dropped"):
                raise HistoryRefused(f"An import of {count_words(info['count'])} cannot be redone (over {REDO_IMPORT_MAX}): "
                                     "import the file again")  # fmt: skip
            self._series_active(info.get("series", ()), True)
            return  # the tasks are entries now (see below)
        first, last, count = info.get("first"), info.get("last"), info.get("count", 0)
        if count:
            rows = self.session.connection().execute(
                select(_T.c.id, _T.c.title, _T.c.version, _T.c.updated_at, _T.c.created_at)
                .where(_T.c.user_id == self.user_id, _T.c.id.between(first, last))
            ).all()  # fmt: skip
            if len(rows) < count:
                raise HistoryRefused(f"{count_words(count - len(rows))} of this import {'was' if count - len(rows) == 1 else 'were'} "
                                     "deleted after it: undo would not find them")  # fmt: skip
            # Changed since by something outside the log: a later version, and a time after the import's and
            # after every stamp it gave (changes through the log were undone before this, and gave back their
            # updated_at, which a file's clock may have put ahead of ours).
            moved = next((row for row in rows if row.version != 1 and _changed_since(row, aware(self.op.at), info)), None)
            if moved is not None:
                self.refuse(moved.title, f"was changed after this ({ago(self.now - aware(moved.updated_at))})")
            ids = [row.id for row in rows]
            if count <= REDO_IMPORT_MAX:
                states = snapshot(self.session, self.user_id, ids, whole=True)
                uuids = uuids_of(self.session, self.user_id, ids)
                data["tasks"] = [entry(uuids[i], None, state) for i, state in states.items()] + data.get("tasks", [])
                for change in data["tasks"][: len(states)]:
                    change["a"].pop("version", None)
                info["count"] = 0  # from now on they are plain entries: redo and a second undo use them
            else:
                info["dropped"] = True
                for chunk in chunks(ids):
                    self.session.connection().execute(_T.delete().where(_T.c.id.in_(chunk)))
                self.removed += ids
            self.many = True
        self._series_active(info.get("series", ()), False)

    def _series_active(self, ids: Sequence[int], active: bool) -> None:
        if ids:
            self.session.connection().execute(update(TaskSeries).where(TaskSeries.user_id == self.user_id, col(TaskSeries.id).in_(list(ids)))
                              .values(active=active, updated_at=self.now))  # fmt: skip

    def result(self, kind: str, summary: str) -> Replayed:
        many = self.many or len(self.changed) + len(self.removed) + len(self.created) > MANY
        if many:
            return Replayed(kind, summary, self.redo, many=True)
        return Replayed(kind, summary, self.redo, tuple(self.changed), tuple(self.removed), tuple(self.created))


def _changed_since(row: Any, at: datetime, info: dict[str, Any]) -> bool:
    """Whether a task of an import (of a later version) was changed behind the log: stamped after the
    import, unless its stamp is the one the import gave it (a file's clock ahead: changes through the log
    were undone before this, and gave it back). Past STAMPS_AHEAD_KEPT such tasks only the latest stamp
    of the file was kept: a task stamped up to it is taken as unchanged."""
    stamp = aware(row.updated_at)
    if stamp <= at:
        return False
    given = info.get("ahead", {}).get(str(row.id))
    if given is not None:
        return stamp != datetime.fromisoformat(given)
    return "latest" not in info or stamp > datetime.fromisoformat(info["latest"])


def _linked(state: dict[str, Any]) -> list[str]:
    return [u for u in (state.get("parent"), *state.get("depends", ()), *state.get("children", ()), *state.get("blocks", ())) if u]
