"""Alembic migrations, packaged with tui-tasks.

HEAD and REVISIONS let start-up (and `--check`) compare the stored revision without importing Alembic
or SQLAlchemy; a test checks them against the scripts in `versions/`.
"""

from tui_tasks.errors import SchemaError

REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009")
HEAD = REVISIONS[-1]
TEXT_INDEX = "task_text"  # an FTS5 table (and its shadow tables) made by 0004 on SQLite, not a model


# Foreign keys that 0007 adds on SQLite with ALTER TABLE ADD COLUMN ... REFERENCES: SQLAlchemy reflects a
# column-level constraint without its name and ON DELETE, so autogenerate would report it changed. A test
# checks them with PRAGMA foreign_key_list instead (test_migrations).
COLUMN_FOREIGN_KEYS = {("task", "parent_id"), ("task", "series_id")}


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """What autogenerate compares: not the text index, which SQLModel knows nothing of, nor the foreign
    keys of COLUMN_FOREIGN_KEYS."""
    if type_ == "foreign_key_constraint":
        return not {(obj.table.name, column.name) for column in obj.columns} & COLUMN_FOREIGN_KEYS
    return not (type_ == "table" and reflected and compare_to is None and (name or "").startswith(TEXT_INDEX))


def check_revision(current: str | None, has_tables: bool, revisions: tuple[str, ...] = REVISIONS) -> None:
    """Raise SchemaError for a database tui-tasks must not touch."""
    if current is None and has_tables:
        raise SchemaError("the database holds tables that are not tui-tasks' (no schema version)")
    if current is not None and current not in revisions:
        raise SchemaError(
            f"the database schema (revision {current}) is unknown to this version of tui-tasks: "
            "it was probably made by a newer version, so upgrade tui-tasks"
        )
