"""Recording what a write changes, inside its own transaction, as one operation of the user's log (issue 11):
see services.history for what the log holds and how undo and redo read it. No Textual here.

A task's state in the log is a dict of JSON values: its own fields (times as ISO text), its parent and
dependencies by uuid, its tags; a whole state (a task made or deleted) also its id, its notes and the
tasks under it or blocked by it, to make it again (under that id: see services.history).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from tui_tasks.db.tables import Annotation, Operation, OperationTask, Task, TaskDependency, TaskSeries, TaskTag
from tui_tasks.domain import utcnow

CHUNK = 500  # ids or uuids in one IN (...)
SUMMARY_MAX = 200
KEPT = 10_000  # operations kept per user: undo goes this many steps back

_T = Task.__table__
OWN_FIELDS = ("title", "description", "completed", "completed_at", "priority", "due", "due_has_time", "project", "wait",
        "wait_has_time", "series_id", "occurrence", "extras", "updated_at")  # fmt: skip
TIME_FIELDS = {"completed_at", "due", "wait", "created_at", "updated_at"}
NOT_COMPARED = {"id", "version", "uuid", "created_at", "children", "blocks"}  # not what a change writes
_SERIES = ("rule", "after_completion", "first_due", "first_due_has_time", "first_occurrence", "last_occurrence",
           "active", "title", "description", "priority", "project", "tags")  # fmt: skip


def _text(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).isoformat()


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def parse_moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _rows(session: Session, user_id: int, ids: Sequence[int], columns: Sequence[str] | None = None) -> list[Any]:
    found = []
    picked = [_T.c[name] for name in ("id", "version", "uuid", "title", "parent_id", *(columns or ()))] if columns else [_T]
    for chunk in chunks(list(ids)):
        # `+ 0`: by the primary key; with a plain user_id test SQLite may walk all of the user's tasks instead
        found += session.connection().execute(select(*picked).where(_T.c.id.in_(chunk), _T.c.user_id + 0 == user_id)).all()
    return found


def snapshot(
    session: Session, user_id: int, ids: Sequence[int], *, whole: bool = False, own: bool = False, notes: bool = False,
    fields: Sequence[str] | None = None,
) -> dict[int, dict[str, Any]]:
    """The states of the user's tasks `ids` as the log keeps them, by id: own fields (times as ISO text;
    only `fields` of them when given: a bulk write knows which it changes), uuid and version, and unless
    `own`: parent and dependencies (by uuid) and tags. `whole`: everything to make the task again
    (its id, created_at, notes, and the tasks under it or blocked by it)."""
    names = OWN_FIELDS if whole or not fields else tuple(dict.fromkeys((*fields, "title", "updated_at")))
    rows = _rows(session, user_id, ids, None if names is OWN_FIELDS else [n for n in names if n != "title"])
    states: dict[int, dict[str, Any]] = {}
    for row in rows:
        state = {name: _text(getattr(row, name)) if name in TIME_FIELDS else getattr(row, name) for name in names}
        state["version"], state["uuid"] = row.version, row.uuid
        if whole:
            state["created_at"], state["id"] = _text(row.created_at), row.id
        states[row.id] = state
    if notes or whole:
        for task_id in states:
            states[task_id]["notes"] = []
        for chunk in chunks(list(states)):
            for task_id, entry, text in session.connection().execute(
                select(Annotation.task_id, Annotation.entry, Annotation.text)
                .where(col(Annotation.task_id).in_(chunk)).order_by(Annotation.entry, Annotation.id)
            ):  # fmt: skip
                states[task_id]["notes"].append([_text(entry), text])
    if own and not whole or not rows:
        return states
    found = list(states)
    parents = {row.id: row.parent_id for row in rows}
    uuids = uuids_of(session, user_id, {p for p in parents.values() if p is not None})
    for task_id, parent in parents.items():
        states[task_id]["parent"] = uuids.get(parent)
        states[task_id]["tags"] = []
        states[task_id]["depends"] = []
    blocker = _T.alias("blocker")
    for chunk in chunks(found):
        for task_id, tag in session.connection().execute(
            select(TaskTag.task_id, TaskTag.tag).where(col(TaskTag.task_id).in_(chunk)).order_by(TaskTag.tag)
        ):
            states[task_id]["tags"].append(tag)
        for task_id, uuid in session.connection().execute(
            select(TaskDependency.task_id, blocker.c.uuid).join(blocker, blocker.c.id == TaskDependency.blocker_id)
            .where(col(TaskDependency.task_id).in_(chunk)).order_by(blocker.c.uuid)
        ):  # fmt: skip
            states[task_id]["depends"].append(uuid)
    if whole:
        for task_id in found:
            states[task_id] |= {"children": [], "blocks": []}
        dependent = _T.alias("dependent")
        for chunk in chunks(found):
            for parent, uuid in session.connection().execute(
                select(_T.c.parent_id, _T.c.uuid).where(_T.c.user_id == user_id, _T.c.parent_id.in_(chunk))
            ):
                states[parent]["children"].append(uuid)
            for task_id, uuid in session.connection().execute(
                select(TaskDependency.blocker_id, dependent.c.uuid).join(dependent, dependent.c.id == TaskDependency.task_id)
                .where(col(TaskDependency.blocker_id).in_(chunk))
            ):  # fmt: skip
                states[task_id]["blocks"].append(uuid)
    return states


def uuids_of(session: Session, user_id: int, ids: Iterable[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for chunk in chunks(sorted(ids)):
        found.update(session.connection().execute(select(_T.c.id, _T.c.uuid).where(_T.c.id.in_(chunk), _T.c.user_id + 0 == user_id)).all())
    return found


def ids_of(session: Session, user_id: int, uuids: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in chunks(sorted(set(uuids))):
        found.update(session.connection().execute(select(_T.c.uuid, _T.c.id).where(_T.c.user_id == user_id, _T.c.uuid.in_(chunk))).all())
    return found


def _series_states(session: Session, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The series' fields that a change may write, by id (missing ones left out)."""
    table, found = TaskSeries.__table__, {}
    for chunk in chunks(sorted(set(ids))):
        for row in session.connection().execute(select(table).where(table.c.id.in_(chunk))):
            found[row.id] = {name: _text(getattr(row, name)) if name == "first_due" else getattr(row, name) for name in _SERIES}
    return found


def series_state(session: Session, series_id: int) -> dict[str, Any] | None:
    return _series_states(session, [series_id]).get(series_id)


class Recording:
    """The tasks one write changes, watched from before the change to its end, in its transaction: call
    `watch` (or `deleting`, `created`) as the write goes, then `save` before it ends."""

    def __init__(
        self, session: Session, user_id: int, *, own: bool = False, notes: bool = False, at: datetime | None = None,
        fields: Sequence[str] | None = None,
    ) -> None:
        """`own`: only the tasks' own fields change (no tags or links); `fields`: only these of them."""
        self.session, self.user_id, self.own, self.notes, self.at = session, user_id, own, notes, at
        self.fields = fields
        self.limit: int | None = None
        self.overflow = 0
        self.before: dict[int, dict[str, Any] | None] = {}  # None: made by this write
        self.gone: dict[int, tuple[str, dict[str, Any]]] = {}  # deleted: uuid, whole state before
        self.series: dict[int, dict[str, Any] | None] = {}
        self.extra: dict[str, Any] = {}

    def watch(self, ids: Iterable[int]) -> None:
        """Tasks about to change (their state now is their "before"). Past `limit` tasks it stops and
        forgets them (`overflow` counts them): the write is then logged as one that cannot be undone."""
        new = [i for i in dict.fromkeys(ids) if i not in self.before and i not in self.gone]
        if self.overflow or self.limit is not None and len(self.before) + len(new) > self.limit:
            self.overflow += len(new) + len(self.before)
            self.before.clear()
            return
        if new:
            self.before.update(snapshot(self.session, self.user_id, new, own=self.own, notes=self.notes, fields=self.fields))

    def created(self, ids: Iterable[int]) -> None:
        for task_id in ids:
            self.before.setdefault(task_id, None)

    def deleting(self, ids: Iterable[int]) -> None:
        """Tasks about to be deleted: their whole state, to make them again on undo."""
        ids = [i for i in dict.fromkeys(ids) if i not in self.gone]
        states = snapshot(self.session, self.user_id, ids, whole=True)
        for task_id, state in states.items():
            if self.before.get(task_id, 0) is None:  # made and deleted by the same write: nothing to log
                del self.before[task_id]
                continue
            self.before.pop(task_id, None)
            self.gone[task_id] = (state.pop("uuid"), state)

    def watch_series(self, *series_ids: int | None) -> None:
        """Series about to change (a completion moves `last_occurrence` on; an edit, the template)."""
        new = [i for i in series_ids if i is not None and i not in self.series]
        if new:
            self.series.update(_series_states(self.session, new))

    def series_made(self, series_id: int) -> None:
        """A series this write started (undo stops it, redo starts it again)."""
        self.series.setdefault(series_id, None)

    def save(self, kind: str, summary: str | Callable[[list[dict[str, Any]]], str]) -> int | None:
        """Log the change (nothing when nothing changed); the operation's id."""
        self.session.flush()
        ids = list(self.before)
        plain = [i for i in ids if self.before[i] is not None]
        made = [i for i in ids if self.before[i] is None]
        after = snapshot(self.session, self.user_id, plain, own=self.own, notes=self.notes, fields=self.fields) if plain else {}
        if made:
            after |= snapshot(self.session, self.user_id, made, whole=True)
        uuids = {task_id: state.pop("uuid") for task_id, state in after.items()}
        changes = []
        for task_id in ids:
            now = after.get(task_id)
            if now is None:  # deleted by some other path in this write: not ours to log
                continue
            was = self.before[task_id]
            if was is None:
                changes.append(entry(uuids[task_id], None, now))
                continue
            keys = [name for name in now if name not in ("version", "uuid") and was.get(name) != now[name]]
            if keys:  # updated_at always: what undo checks was not changed since (and gives back)
                keys += [] if "updated_at" in keys or "updated_at" not in now else ["updated_at"]
                changes.append(entry(uuids[task_id], {k: was.get(k) for k in keys}, {k: now[k] for k in keys}, now["title"]))
        for task_id, (uuid, state) in self.gone.items():  # (its version kept: made again, it is one more)
            changes.append(entry(uuid, state, None))
        series = []
        states = _series_states(self.session, self.series)
        for series_id, was in self.series.items():
            now = states.get(series_id)
            if now is not None and was != now:
                series.append({"id": series_id, "b": was if was is not None else {**now, "active": False}, "a": now})
        if not changes and not series and not self.extra:
            return None
        if callable(summary):
            summary = summary(changes)
        return record(self.session, self.user_id, kind, summary, changes, series=series, at=self.at, **self.extra)


def entry(uuid: str, before: dict[str, Any] | None, after: dict[str, Any] | None, title: str | None = None) -> dict[str, Any]:
    """One task's part of an operation: its uuid, title (for messages), the fields before and after
    (None: the task did not exist on that side)."""
    title = title or (after or before or {}).get("title")
    return {"u": uuid, "t": title, "b": before, "a": after}


def record(
    session: Session, user_id: int, kind: str, summary: str, changes: Sequence[dict[str, Any]], *,
    series: Sequence[dict[str, Any]] = (), imported: dict[str, Any] | None = None, at: datetime | None = None,
) -> int:
    """Log one change, inside the transaction that makes it (so both commit or neither): one operation
    and a row per task it touched (`changes`: `entry(...)`s). The user's undone operations go: a new
    change ends the redo branch, and beyond the newest KEPT the oldest (undo goes back that far). The
    operation's id."""
    connection = session.connection()
    connection.execute(delete(Operation).where(col(Operation.user_id) == user_id, col(Operation.undone).is_(True)))
    data: dict[str, Any] = {"tasks": list(changes)}
    if series:
        data["series"] = list(series)
    if imported:
        data["import"] = imported
    summary = summary if len(summary) <= SUMMARY_MAX else summary[: SUMMARY_MAX - 1] + "…"
    op = Operation(user_id=user_id, at=at or utcnow(), kind=kind[:20], summary=summary, changes=json.dumps(data, ensure_ascii=False))
    session.add(op)
    session.flush()
    uuids = list(dict.fromkeys(change["u"] for change in changes))
    for chunk in chunks(uuids):
        session.connection().execute(
            insert(OperationTask), [{"operation_id": op.id, "task_uuid": uuid, "user_id": user_id} for uuid in chunk]
        )
    oldest_kept = connection.execute(select(Operation.id).where(Operation.user_id == user_id)
                                     .order_by(col(Operation.id).desc()).offset(KEPT - 1).limit(1)).scalar()  # fmt: skip
    if oldest_kept is not None:
        connection.execute(delete(Operation).where(col(Operation.user_id) == user_id, col(Operation.id) < oldest_kept))
    return op.id


def count_words(n: int, what: str = "task") -> str:
    return f"{n} {what}{'s' if n != 1 else ''}"
