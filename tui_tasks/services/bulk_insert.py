"""Many new tasks and their tags in few statements: what import uses inside its one transaction, and
the spool that holds them, checked, from the reading of the file to that transaction."""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from typing import Any

from tui_tasks.db.tables import Task, TaskTag
from tui_tasks.errors import StorageError

_TASKS = Task.__table__
_TAGS = TaskTag.__table__

Batch = list[tuple[dict[str, Any], tuple[str, ...]]]


class Spool:
    """Batches of rows kept on disk, not in memory: an anonymous temporary file (created 0600 and already
    unlinked, so no other process can open it and nothing is left behind), read back in order. Pickle
    is safe here: the file holds only what this process wrote to it."""

    def __init__(self) -> None:
        self.rows = 0
        self._batches = 0
        self._file: Any = None

    def add(self, batch: Batch) -> None:
        try:
            if self._file is None:
                self._file = tempfile.TemporaryFile()
            pickle.dump(batch, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError as exc:
            raise StorageError(f"cannot keep the import in a temporary file: {(exc.strerror or str(exc)).lower()}") from None
        self.rows += len(batch)
        self._batches += 1

    def __iter__(self) -> Iterator[Batch]:
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


def insert_tasks(session: Any, batch: list[tuple[dict[str, Any], tuple[str, ...]]]) -> None:
    """One INSERT of many task rows, then one of their tags (which need the rows' new ids, in order)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        ids = _insert_sqlite(connection, [row for row, _ in batch])
    else:
        statement = _TASKS.insert().returning(_TASKS.c.id, sort_by_parameter_order=True)
        ids = connection.execute(statement, [row for row, _ in batch]).scalars().all()
    if len(ids) != len(batch):  # pragma: no cover - would mean another writer got in
        raise StorageError("the database changed during the import; nothing was imported")
    tags = [(task_id, tag, row["user_id"]) for task_id, (row, names) in zip(ids, batch) for tag in names]
    if tags and connection.dialect.name == "sqlite":
        connection.exec_driver_sql("INSERT INTO task_tag (task_id, tag, user_id) VALUES (?, ?, ?)", tags)
    elif tags:
        connection.execute(_TAGS.insert(), [{"task_id": t, "tag": tag, "user_id": u} for t, tag, u in tags])


def _insert_sqlite(connection: Any, rows: list[dict[str, Any]]) -> list[int]:
    """The rows through the driver's executemany, values converted by the columns' own types.

    SQLite cannot return ids in parameter order from one multi-row INSERT (SQLAlchemy would insert
    row by row), but under our BEGIN IMMEDIATE no one else writes: the new rows are the ids above
    the largest one, in insertion order. Going round SQLAlchemy's per-row parameter handling
    halves the time of a 100,000-task import.
    """
    names = list(rows[0])
    convert = [_TASKS.c[name].type.bind_processor(connection.dialect) for name in names]
    values = [
        tuple(value if f is None or value is None else f(value) for f, value in zip(convert, row.values()))
        for row in rows
    ]
    before = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM task").scalar_one()
    sql = f"INSERT INTO task ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    connection.exec_driver_sql(sql, values)
    return connection.exec_driver_sql("SELECT id FROM task WHERE id > ? ORDER BY id", (before,)).scalars().all()
