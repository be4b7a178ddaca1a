"""Faults injected around the real COMMIT of a real database (an SQLite file or PostgreSQL): an error
raised just before it (nothing reaches the database) or just after it (the change is saved, but the
answer is lost, as with an I/O error or a dropped connection after the commit record was written)."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlmodel import Session


def _io_error() -> OperationalError:
    return OperationalError("COMMIT", {}, Exception("disk I/O error"))


@contextmanager
def commit_fails(when: str, *, reads_fail: bool = False, services=None, times: int = 1):
    """The next `times` COMMITs of writes fail `before` they reach the database or `after` they did; with
    `reads_fail`, every transaction begun after that fails too (the database is unreadable).
    `state["broken"] = False` makes it readable again."""
    state = {"armed": times, "broken": False}

    def fail(session) -> None:
        if state["armed"] and session.bind.get_execution_options().get("sqlite_write"):  # a write's session
            state["armed"] -= 1
            state["broken"] = reads_fail
            raise _io_error()

    def begin(conn) -> None:
        if state["broken"]:
            raise _io_error()

    event.listen(Session, f"{when}_commit", fail)
    if reads_fail:
        event.listen(services.db.engine, "begin", begin)
    try:
        yield state
    finally:
        event.remove(Session, f"{when}_commit", fail)
        if reads_fail:
            event.remove(services.db.engine, "begin", begin)
