"""Many tasks and their tags in few statements: what import uses inside its one transaction, the spool
that holds them, checked and ready for the driver, from the reading of the file to it, and the merge by
uuid (a record whose uuid the user has replaces that task when it is newer, and is left out if not).

An import writes in two passes over the spool. The first inserts or replaces every task (and series)
with its own fields, tags and annotations; the second, once every task of the file has its id, links
them by uuid: parents, dependencies, the series an instance belongs to. A uuid found neither in the
file nor among the user's tasks is dropped with a note. Uuids are looked up LOOKUP at a time, never
one statement per record.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any

from sqlalchemy.engine import Dialect

from tui_tasks.db.tables import Annotation, Task, TaskTag
from tui_tasks.errors import StorageError

_TASKS = Task.__table__
_TAGS = TaskTag.__table__
_NOTES = Annotation.__table__
COLUMNS = ("user_id", "title", "description", "completed", "completed_at", "priority", "due", "due_has_time",
           "project", "created_at", "updated_at", "version", "uuid", "wait", "wait_has_time", "extras")  # fmt: skip
UUID = COLUMNS.index("uuid")
USER = COLUMNS.index("user_id")
LINK_COLUMNS = ("parent_id", "series_id", "occurrence")  # set at insert when the first pass can (Merge.tasks)

Row = tuple[dict[str, Any], tuple[str, ...]]  # a task's columns, and its tags


class Spool:
    """Batches of entries kept on disk, not in memory: an anonymous temporary file (created 0600 and already
    unlinked, so no other process can open it and nothing is left behind), read back in order. Pickle
    is safe here: the file holds only what this process wrote to it.

    An entry is a tuple whose first item, when `columns` is given, is a row of them (a tuple in their order)
    that `values` has converted: on SQLite by the columns' own types (datetimes become the strings SQLite
    stores), which is work taken out of the write transaction, and cheaper to pickle.
    """

    def __init__(self, dialect: Dialect, columns: tuple[str, ...] | None = COLUMNS, table: Any = _TASKS) -> None:
        self.dialect = dialect.name
        self.columns = columns
        sqlite = dialect.name == "sqlite"
        # dialect_impl: the generic DateTime has no processor, and sqlite3 would store its own text for a
        # datetime ("... 00:00:00+00:00"), which sorts apart from SQLAlchemy's ("... 00:00:00.000000") and
        # broke keyset paging by created/updated over imported tasks sharing a second.
        types = [table.c[name].type.dialect_impl(dialect) for name in columns or ()]
        convert = [_faster(kind.bind_processor(dialect)) if sqlite else None for kind in types]
        self._convert = [(at, f) for at, f in enumerate(convert) if f is not None]  # the datetimes, on SQLite
        self.rows = 0
        self._batches = 0
        self._file: Any = None

    def add(self, batch: list[tuple[Any, ...]]) -> None:
        try:
            if self._file is None:
                self._file = tempfile.TemporaryFile()
            pickle.dump(batch, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError as exc:
            reason = (exc.strerror or str(exc)).lower()
            raise StorageError(f"cannot keep the import in a temporary file: {reason}") from None
        self.rows += len(batch)
        self._batches += 1

    def values(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        """A row of `columns` as this database's driver takes it."""
        if not self._convert:
            return row
        values = list(row)
        for at, convert in self._convert:
            if values[at] is not None:
                values[at] = convert(values[at])
        return tuple(values)

    def __iter__(self) -> Iterator[list[tuple[Any, ...]]]:
        if self._file is None:
            return
        self._file.seek(0)
        for _ in range(self._batches):
            yield pickle.load(self._file)

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *_: object) -> None:
        if self._file is not None:
            self._file.close()


_SAMPLE = datetime(2026, 3, 1, 9, 5, 7, 120, tzinfo=timezone.utc)


def _utc_text(moment: datetime) -> str:
    return moment.isoformat(" ", "microseconds")[:26]  # its fields, less any offset (the rows are in UTC)


def _faster(process: Callable[[Any], Any] | None) -> Callable[[Any], Any] | None:
    """SQLAlchemy's own conversion of a datetime for SQLite, or the same text made in C when it is the
    same: its conversion, done in Python, was a sixth of a 100,000-task import. None for a boolean's
    (True -> 1): sqlite3 stores a bool as that integer itself."""
    try:
        if process is not None and process(True) == 1 and process(False) == 0:
            return None
    except (TypeError, ValueError, AttributeError):
        pass
    try:
        same = process is not None and process(_SAMPLE) == _utc_text(_SAMPLE)
    except (TypeError, ValueError):
        same = False
    return _utc_text if same else process


def insert_tasks(session: Any, batch: list[tuple[tuple[Any, ...], tuple[str, ...]]]) -> list[int]:
    """One INSERT of many task rows (values in the order of COLUMNS + LINK_COLUMNS), then one of their
    tags (which need the rows' new ids, in order); the new ids."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        ids = _insert_sqlite(connection, [values for values, _ in batch])
    else:
        statement = _TASKS.insert().returning(_TASKS.c.id, sort_by_parameter_order=True)
        names = COLUMNS + LINK_COLUMNS
        ids = connection.execute(statement, [dict(zip(names, values)) for values, _ in batch]).scalars().all()
    if len(ids) != len(batch):  # pragma: no cover - would mean another writer got in
        raise StorageError("the database changed during the import; nothing was imported")
    insert_tags(connection, [(task_id, tag, values[USER]) for task_id, (values, names) in zip(ids, batch) for tag in names])
    return list(ids)


def insert_tags(connection: Any, tags: list[tuple[int, str, int]]) -> None:
    """(task_id, tag, user_id) rows."""
    if tags and connection.dialect.name == "sqlite":
        connection.exec_driver_sql("INSERT INTO task_tag (task_id, tag, user_id) VALUES (?, ?, ?)", tags)
    elif tags:
        connection.execute(_TAGS.insert(), [{"task_id": t, "tag": tag, "user_id": u} for t, tag, u in tags])


def insert_notes(connection: Any, notes: list[dict[str, Any]]) -> None:
    """Annotation rows (task_id, user_id, entry, text)."""
    if notes:
        connection.execute(_NOTES.insert(), notes)


def _insert_sqlite(connection: Any, values: list[tuple[Any, ...]]) -> list[int]:
    """The rows (already converted by Spool) through the driver's executemany.

    SQLite cannot return ids in parameter order from one multi-row INSERT (SQLAlchemy would insert
    row by row), but under our BEGIN IMMEDIATE no one else writes: the new rows are the ids above
    the largest one, in insertion order. Going round SQLAlchemy's per-row parameter handling
    halves the time of a 100,000-task import.
    """
    before = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM task").scalar_one()
    names = COLUMNS + LINK_COLUMNS
    sql = f"INSERT INTO task ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    connection.exec_driver_sql(sql, values)
    first, last, count = connection.exec_driver_sql(
        "SELECT min(id), max(id), count(*) FROM task WHERE id > ?", (before,)
    ).one()  # each new id is above every other: consecutive, in insertion order (reading them all took 0.2 s)
    if count != len(values) or (count and last - first + 1 != count):  # pragma: no cover - another writer got in
        raise StorageError("the database changed during the import; nothing was imported")
    return list(range(first, last + 1)) if count else []


def replace_tasks(connection: Any, changed: list[tuple[int, tuple[Any, ...]]]) -> None:
    """Tasks that a newer record replaces: every column, its links undone (the second pass makes them
    again), its tags and annotations gone (the caller inserts the record's), one version on."""
    if not changed:
        return
    ids = [task_id for task_id, _ in changed]
    names = [name for name in COLUMNS if name not in ("user_id", "version", "uuid")]
    if connection.dialect.name == "sqlite":
        sets = ", ".join(f"{name} = ?" for name in names)
        sql = f"UPDATE task SET {sets}, parent_id = NULL, series_id = NULL, occurrence = NULL, version = version + 1 WHERE id = ?"
        connection.exec_driver_sql(sql, [(*(values[COLUMNS.index(n)] for n in names), task_id) for task_id, values in changed])
    else:
        from sqlalchemy import bindparam

        statement = (
            _TASKS.update().where(_TASKS.c.id == bindparam("task_id"))
            .values({name: bindparam(f"v_{name}") for name in names} | {
                "parent_id": None, "series_id": None, "occurrence": None, "version": _TASKS.c.version + 1})
        )  # fmt: skip
        connection.execute(statement, [{"task_id": task_id} | {f"v_{n}": values[COLUMNS.index(n)] for n in names}
                                       for task_id, values in changed])  # fmt: skip
    for chunk in chunks(ids):
        for table, key in ((_TAGS, _TAGS.c.task_id), (_NOTES, _NOTES.c.task_id)):
            connection.execute(table.delete().where(key.in_(chunk)))
        from tui_tasks.db.tables import TaskDependency

        connection.execute(TaskDependency.__table__.delete().where(TaskDependency.__table__.c.task_id.in_(chunk)))


LOOKUP = 500  # uuids looked up in one statement


def chunks(items: list[Any], size: int = LOOKUP) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


SERIES_COLUMNS = ("user_id", "uuid", "rule", "after_completion", "first_due", "first_due_has_time",
                  "first_occurrence", "last_occurrence", "active", "title", "description", "priority", "project",
                  "tags", "extras", "created_at", "updated_at")  # fmt: skip
NOTES_KEPT = 1000


class Merge:
    """The write side of one import, in its transaction: counts what was added, updated, left unchanged,
    and notes the links dropped (a uuid found nowhere, a cycle)."""

    def __init__(self, session: Any, user_id: int, log: Any = None) -> None:
        """`log`: a history.Recording that watches the tasks this import replaces (for undo)."""
        from sqlalchemy import select

        from tui_tasks.db.tables import TaskSeries

        self.session, self.connection, self.user_id, self.log = session, session.connection(), user_id, log
        self.added = self.updated = self.unchanged = self.dropped = 0
        self.notes: list[str] = []
        self.made_series: dict[str, int] = {}
        self.new_tasks: dict[str, int] = {}  # uuid -> id of the tasks this import added, for the first pass
        self.new_series: dict[str, int] = {}  # the same for the series it added
        self.new_occurrences: set[tuple[int, int]] = set()  # (series id, occurrence) given at insert
        self.had_tasks = self.connection.execute(select(_TASKS.c.id).where(_TASKS.c.user_id == user_id).limit(1)).first() is not None
        series = TaskSeries.__table__
        self.had_series = self.connection.execute(select(series.c.id).where(series.c.user_id == user_id).limit(1)).first() is not None

    def note(self, text: str) -> None:
        self.dropped += 1
        if len(self.notes) < NOTES_KEPT:
            self.notes.append(text)

    def _known(self, table: Any, uuids: list[str], *extra: Any) -> dict[str, tuple[Any, ...]]:
        """The user's rows of `table` with these uuids: uuid -> (id, *extra)."""
        from sqlalchemy import select

        found: dict[str, tuple[Any, ...]] = {}
        for chunk in chunks(sorted(set(uuids))):
            rows = self.connection.execute(
                select(table.c.uuid, table.c.id, *extra).where(table.c.user_id == self.user_id, table.c.uuid.in_(chunk))
            )
            found.update((row[0], tuple(row[1:])) for row in rows)
        return found

    def _newer(self, record: datetime, stored: datetime) -> bool:
        stored = stored if stored.tzinfo else stored.replace(tzinfo=timezone.utc)
        return record > stored

    def series(self, batch: list[tuple[Any, ...]]) -> None:
        """Series entries: (values in SERIES_COLUMNS' order, updated_at)."""
        from tui_tasks.db.tables import TaskSeries

        table = TaskSeries.__table__
        uuid_at = SERIES_COLUMNS.index("uuid")
        held = self._known(table, [values[uuid_at] for values, _ in batch], table.c.updated_at) if self.had_series else {}
        new, changed = [], []
        for values, updated in batch:
            hit = held.get(values[uuid_at])
            if hit is None:
                new.append(dict(zip(SERIES_COLUMNS, values)))
            elif self._newer(updated, hit[1]):
                changed.append({"series_id": hit[0]} | {f"v_{k}": v for k, v in zip(SERIES_COLUMNS, values)})
            else:
                self.unchanged += 1
        if new:
            self.connection.execute(table.insert(), new)
            self.new_series.update((u, found[0]) for u, found in self._known(table, [row["uuid"] for row in new]).items())
        if changed:
            from sqlalchemy import bindparam

            names = [name for name in SERIES_COLUMNS if name not in ("user_id", "uuid")]
            statement = table.update().where(table.c.id == bindparam("series_id")).values({n: bindparam(f"v_{n}") for n in names})
            self.connection.execute(statement, [{k: v for k, v in row.items() if k[2:] not in ("user_id", "uuid")} for row in changed])
        self.added += len(new)
        self.updated += len(changed)

    def tasks(self, batch: list[tuple[Any, ...]], links: Spool) -> None:
        """Task entries: (values, tags, annotations, links, uuid given by the file, updated_at, line). Those
        written that have links go to `links` as (task id, line, links) for the second pass."""
        given = [entry[0][UUID] for entry in batch if entry[4]]
        held = self._known(_TASKS, given, _TASKS.c.updated_at) if given and self.had_tasks else {}
        new, changed, ids = [], [], []
        for entry in batch:
            hit = held.get(entry[0][UUID]) if entry[4] else None
            if hit is None:
                new.append(entry)
            elif self._newer(entry[5], hit[1]):
                changed.append((hit[0], entry))
            else:
                self.unchanged += 1
        early = [self._early(entry[3]) for entry in new]
        if new:
            ids = insert_tasks(self.session, [(entry[0] + at_insert, entry[1]) for entry, (at_insert, _) in zip(new, early)])
            self.new_tasks.update(zip((entry[0][UUID] for entry in new), ids))
        if changed and self.log is not None:
            self.log.watch([task_id for task_id, _ in changed])
        replace_tasks(self.connection, [(task_id, entry[0]) for task_id, entry in changed])
        insert_tags(self.connection, [(task_id, tag, self.user_id) for task_id, entry in changed for tag in entry[1]])
        written = [*zip(ids, new), *changed]
        done = [flags for _, flags in early] + [(False, False)] * len(changed)
        insert_notes(self.connection, [{"task_id": task_id, "user_id": self.user_id, "entry": entry, "text": text}
                                       for task_id, item in written for entry, text in item[2]])  # fmt: skip
        pending = [(task_id, item[6], item[3], flags) for (task_id, item), flags in zip(written, done) if item[3] is not None]
        if pending:
            links.add(pending)
        self.added += len(new)
        self.updated += len(changed)

    def _early(self, links: tuple[Any, ...] | None) -> tuple[tuple[Any, Any, Any], tuple[bool, bool]]:
        """What a new task's row can say of its links at insert (LINK_COLUMNS): a parent this import
        added before it, a series it added, at an occurrence no other task of the file has taken; and
        which of the two the second pass has left to do. A parent added before its child cannot make a
        cycle; the second pass links the rest, and the check for cycles walks both."""
        if links is None:
            return (None, None, None), (False, False)
        parent = self.new_tasks.get(links[1]) if links[1] else None
        series = self.new_series.get(links[3]) if links[3] else None
        occurrence = links[4]
        if series is not None and occurrence is not None:
            if (series, occurrence) in self.new_occurrences:
                series = None  # the second pass says why it is a plain task
            else:
                self.new_occurrences.add((series, occurrence))
        return (parent, series, occurrence if series is not None else None), (parent is not None, series is not None)

    def link(self, batch: list[tuple[int, int, tuple[Any, ...], tuple[bool, bool]]]) -> None:
        """The second pass: parents, dependencies and series of the tasks just written, by uuid (what the
        first pass did not set at insert)."""
        from sqlalchemy import bindparam

        from tui_tasks.db.tables import TaskDependency, TaskSeries

        wanted = [u for _, _, (_, parent, depends, *_), (done, _) in batch for u in ((None if done else parent), *depends) if u]
        ids = {u: found[0] for u, found in self._known(_TASKS, wanted).items()}
        series_wanted = [links[3] for _, _, links, (_, done) in batch if links[3] and not done and links[3] not in self.made_series]
        series_ids = {u: found[0] for u, found in self._known(TaskSeries.__table__, series_wanted).items()} | self.made_series
        parents, depends, instances = [], [], []
        for task_id, line, (own, parent, blockers, series, occurrence, rule, after), (parent_done, series_done) in batch:
            if parent_done:
                parent = None
            if series_done:
                series = rule = None
            if parent:
                if parent in ids:
                    parents.append({"task_id": task_id, "parent": ids[parent]})
                else:
                    self.note(f"line {line}: parent {parent} is in neither the file nor your tasks: dropped")
            for blocker in blockers:
                if blocker in ids:
                    depends.append({"task_id": task_id, "blocker_id": ids[blocker], "user_id": self.user_id})
                else:
                    self.note(f"line {line}: depends on {blocker}, in neither the file nor your tasks: dropped")
            if series and series in series_ids:
                instances.append((task_id, line, series_ids[series], occurrence))
            elif rule is not None:
                made = self._series_of(task_id, series, rule, after, occurrence)
                series_ids[made[0]] = made[1]
                instances.append((task_id, line, made[1], occurrence or 0))
            elif series:
                self.note(f"line {line}: series {series} is in neither the file nor your tasks: a plain task")
        if parents:
            self.connection.execute(
                _TASKS.update().where(_TASKS.c.id == bindparam("task_id")).values(parent_id=bindparam("parent")), parents
            )
        if depends:
            self.connection.execute(TaskDependency.__table__.insert(), depends)
        self._instances(instances)

    def _instances(self, instances: list[tuple[int, int, int, int | None]]) -> None:
        """Tasks into their series, unless another task already is that occurrence of it."""
        from sqlalchemy import bindparam, select

        taken: set[tuple[int, int]] = set()
        for chunk in chunks(sorted({series_id for _, _, series_id, _ in instances})):
            taken.update((series_id, occurrence) for series_id, occurrence in self.connection.execute(
                select(_TASKS.c.series_id, _TASKS.c.occurrence).where(_TASKS.c.series_id.in_(chunk), _TASKS.c.occurrence.is_not(None))
            ))  # fmt: skip
        rows = []
        for task_id, line, series_id, occurrence in instances:
            if occurrence is not None and (series_id, occurrence) in taken:
                self.note(f"line {line}: another task is already occurrence {occurrence} of its series: a plain task")
                continue
            taken.add((series_id, occurrence))
            rows.append({"task_id": task_id, "series": series_id, "number": occurrence})
        if rows:
            self.connection.execute(
                _TASKS.update().where(_TASKS.c.id == bindparam("task_id"))
                .values(series_id=bindparam("series"), occurrence=bindparam("number")), rows
            )  # fmt: skip

    def _series_of(self, task_id: int, uuid: str | None, rule: str, after: bool, occurrence: int | None) -> tuple[str, int]:
        """A new series for a task that says its rule but whose series is nowhere (CSV, todo.txt): the task
        is its template and its first due (a task without a due is due the day it was made)."""
        import uuid as uuidlib

        from sqlalchemy import select

        from tui_tasks.db.tables import TaskSeries
        from tui_tasks.domain import local_date
        from tui_tasks.services.relations import stored_due

        task = self.connection.execute(select(_TASKS).where(_TASKS.c.id == task_id)).one()
        tags = self.connection.execute(select(_TAGS.c.tag).where(_TAGS.c.task_id == task_id).order_by(_TAGS.c.tag)).scalars()
        due, has_time = (task.due, task.due_has_time) if task.due is not None else stored_due(local_date(task.created_at))
        uuid = uuid or str(uuidlib.uuid4())
        number = occurrence or 0
        series_id = self.connection.execute(TaskSeries.__table__.insert().values(
            user_id=self.user_id, uuid=uuid, rule=rule, after_completion=after, first_due=due, first_due_has_time=has_time,
            first_occurrence=number, last_occurrence=number, active=True, title=task.title, description=task.description,
            priority=task.priority, project=task.project, tags=" ".join(tags), created_at=task.created_at,
            updated_at=task.updated_at,
        )).inserted_primary_key[0]  # fmt: skip
        self.made_series[uuid] = series_id
        return uuid, series_id

    def finish(self) -> None:
        """Move each series' last occurrence up to the instances it now holds. (Cycles the file made are
        broken before this, by `untangle.untangle`, which walks every link the file gave.)"""
        from sqlalchemy import func, select, update

        from tui_tasks.db.tables import TaskSeries

        series = TaskSeries.__table__
        highest = select(func.max(_TASKS.c.occurrence)).where(_TASKS.c.series_id == series.c.id).scalar_subquery()
        self.connection.execute(
            update(series).where(series.c.user_id == self.user_id, series.c.last_occurrence < highest).values(last_occurrence=highest)
        )
