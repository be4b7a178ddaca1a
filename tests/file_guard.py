"""A guard for the whole test suite: Python never opens a database's files while SQLite holds them.

SQLite's locks are POSIX advisory locks, owned by the process: closing any descriptor of the database
file drops every lock the process's connections hold on it, and another process may then checkpoint
and delete the -wal that is still in use (TECH-NOTES 8.1). Python's audit hooks report every `open`
(builtins.open, os.open, io.open, pathlib); when its path, or the database a -wal, -shm or -journal
belongs to, is an SQLite database this process holds open (seen in /proc/self/fd), the open
is refused with RawDatabaseAccess and the test fails, even if the code under test caught the error.
"""

from __future__ import annotations

import os
import sys
import threading
import traceback

SUFFIXES = ("-wal", "-shm", "-journal")
violations: list[str] = []
_state = threading.local()
_enabled = False
_report: str | None = None  # a file each violation is also appended to (child processes: guard_site/)


class RawDatabaseAccess(RuntimeError):
    """Python opened a database file that SQLite holds open in this process."""


HEADER = b"SQLite format 3\x00"


def held_databases() -> set[str]:
    """The SQLite databases this process has open (read through the descriptors it already holds:
    opening the file to look would be the very thing this guard forbids)."""
    held = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            path = os.readlink(f"/proc/self/fd/{fd}")
            if path.startswith("/") and os.pread(int(fd), len(HEADER), 0) == HEADER:
                held.add(path)
        except OSError:  # the descriptor listdir used (gone by now), a pipe, a folder
            pass
    return held


def _database_of(path: str) -> str:
    for suffix in SUFFIXES:
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return path


def _hook(event: str, args: tuple) -> None:
    if event != "open" or not _enabled or getattr(_state, "busy", False):
        return
    path = args[0]
    if path is None or isinstance(path, int):
        return
    _state.busy = True
    try:
        try:
            real = os.path.realpath(_database_of(os.fsdecode(path)))
        except (TypeError, ValueError, OSError):
            return
        if real in held_databases():
            where = "".join(traceback.format_stack(limit=12)[:-2])
            message = f"opened {os.fsdecode(path)} while this process holds the database open:\n{where}"
            violations.append(message)
            if _report is not None:
                fd = os.open(_report, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)  # (not a database)
                os.write(fd, f"pid {os.getpid()}: {message}\n".encode())
                os.close(fd)
            raise RawDatabaseAccess(message)
    finally:
        _state.busy = False


def enable(report: str | None = None) -> None:
    """Install the hook (once per process; audit hooks cannot be removed) and turn it on; `report`: a
    file to append each violation to as well."""
    global _enabled, _report
    _report = report
    if not getattr(sys, "_tui_tasks_file_guard", False):
        sys.addaudithook(_hook)
        sys._tui_tasks_file_guard = True
    _enabled = True


def disable() -> None:
    global _enabled
    _enabled = False
