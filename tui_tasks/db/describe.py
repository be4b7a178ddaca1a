"""What went wrong with the database, in words: plain Python, so that `tui-tasks --check` on an SQLite
file can say it without importing SQLAlchemy (a quarter of a second of its run)."""

from __future__ import annotations

BUSY_TIMEOUT_S = 5
CONNECT_TIMEOUT_S = 5

# Driver messages (lower case) and what they mean to a user.
_KNOWN_ERRORS = (
    ("database is locked", "the database is locked by another process"),
    ("readonly database", "the database is read-only"),
    ("unable to open database file", "cannot open the database file"),
    ("file is not a database", "the file is not an SQLite database"),
    ("malformed", "the database file is corrupt"),
    ("database or disk is full", "the disk is full"),
    ("disk i/o error", "disk I/O error while using the database"),
    # A PostgreSQL connection lost in the middle of a transaction: libpq's and the server's words.
    ("server closed the connection", "the connection to the PostgreSQL server was lost"),
    ("consuming input failed", "the connection to the PostgreSQL server was lost"),
    ("terminating connection", "the PostgreSQL server ended the connection"),
    ("the connection is lost", "the connection to the PostgreSQL server was lost"),
    ("the connection is closed", "the connection to the PostgreSQL server was lost"),
)


def describe_error(exc: BaseException) -> str:
    """One line saying what went wrong with the database, without the SQL or its parameters."""
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    text = lines[0].strip() if lines else type(orig).__name__
    lowered = text.lower()
    if lowered.startswith(("connection failed:", "connection timeout expired")):
        detail = text.partition(":")[2].strip() or f"no answer within {CONNECT_TIMEOUT_S} s"
        return f"cannot reach the PostgreSQL server: {detail}"
    return next((message for needle, message in _KNOWN_ERRORS if needle in lowered), text)
