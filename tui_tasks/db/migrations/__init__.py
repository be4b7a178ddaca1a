"""Alembic migrations, packaged with tui-tasks.

HEAD and REVISIONS let start-up compare the stored revision without importing Alembic;
a test checks them against the scripts in `versions/`.
"""

REVISIONS = ("0001", "0002", "0003")
HEAD = REVISIONS[-1]
