"""Alembic migrations, packaged with tui-tasks.

HEAD and REVISIONS let start-up compare the stored revision without importing Alembic;
a test checks them against the scripts in `versions/`.
"""

REVISIONS = ("0001", "0002", "0003", "0004")
HEAD = REVISIONS[-1]
TEXT_INDEX = "task_text"  # an FTS5 table (and its shadow tables) made by 0004 on SQLite, not a model


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """What autogenerate compares: not the text index, which SQLModel knows nothing of."""
    return not (type_ == "table" and reflected and compare_to is None and (name or "").startswith(TEXT_INDEX))
