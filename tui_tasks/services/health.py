"""Database health: one function behind `tui-tasks --check` and the status bar.

It never creates or changes a database: SQLite files are opened read-only, and a database that
does not exist yet is reported as "will be created".
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import sqlite3
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tui_tasks import __version__, locations
from tui_tasks.config import Settings, mask_password
from tui_tasks.db.backup import list_backups
from tui_tasks.db.describe import BUSY_TIMEOUT_S, describe_error
from tui_tasks.db.migrations import HEAD, check_revision
from tui_tasks.domain import CheckResult, HealthReport, Status
from tui_tasks.errors import SchemaError, TasksError

if TYPE_CHECKING:
    from sqlalchemy import Engine

MiB = 1024 * 1024
DISK_FAIL = 20 * MiB
DISK_WARN = 200 * MiB

Check = Callable[[], CheckResult]


def check_health(
    settings: Settings, *, engine: Engine | None = None, integrity: bool = True, expect_database: bool = False
) -> HealthReport:
    """Run every check that applies to the configured database.

    `engine`: reuse an open PostgreSQL engine (the app's) instead of connecting afresh.
    `integrity`: run SQLite's quick_check (reads the whole file: the status bar skips it).
    `expect_database`: a missing SQLite file is a failure (the app has one), not "will be created".
    """
    target = settings.db
    try:
        if target.path is not None:
            checks = _sqlite_checks(target.path, integrity, expect_database)
        else:
            checks = _server_checks(settings, engine)
    except OSError as exc:  # e.g. a folder on the way that may not be searched
        checks = [CheckResult("database", Status.FAIL, f"cannot access {exc.filename or target.display}: {exc.strerror}")]
    try:
        checks.append(_log_file(locations.log_file()))
    except OSError as exc:
        checks.append(CheckResult("log_file", Status.FAIL, f"cannot access {exc.filename}: {exc.strerror}"))
    return HealthReport(version=__version__, database=target.display, checks=tuple(checks))


def _schema_result(current: str | None, has_tables: bool) -> CheckResult:
    try:
        check_revision(current, has_tables)
    except SchemaError as exc:
        return CheckResult("schema", Status.FAIL, exc.message)
    if current == HEAD:
        return CheckResult("schema", Status.OK, f"current (revision {HEAD})")
    if current is None:
        return CheckResult("schema", Status.OK, f"empty: revision {HEAD} will be created at start")
    return CheckResult("schema", Status.WARN, f"revision {current} will be upgraded to {HEAD} at start")


def _sqlite_checks(path: Path, integrity: bool, expect_database: bool) -> list[CheckResult]:
    folder = [_data_folder(path.parent), _disk_space(path.parent)]
    permissions = _permissions(path)
    if expect_database:
        # The app: loose modes and a disk running low are dangers to report, not reasons to refuse the
        # user's changes (SQLite writes on until the disk is really full, and then says so, honestly).
        if permissions.status is Status.FAIL and "read-only" not in permissions.message:
            permissions = dataclasses.replace(permissions, status=Status.WARN)
        folder = [dataclasses.replace(c, status=Status.WARN) if c.name == "disk_space" and c.status is Status.FAIL
                  else c for c in folder]  # fmt: skip
    files = [*folder, permissions]
    if not path.exists():
        if expect_database:
            return [CheckResult("database", Status.FAIL, f"{path} is missing"), *files]
        return [CheckResult("database", Status.OK, f"not created yet: will be created at {path}"), *files]
    if path.is_file():
        files.append(_backups(path))
    opened = _open_sqlite(path, in_use=expect_database)
    if isinstance(opened, _NotADatabase):  # a folder, /etc/passwd: nothing to say about its mode or backups
        return [opened.result, *folder]
    if isinstance(opened, CheckResult):
        return [opened, *files]
    conn, wal, reached = opened
    if expect_database and (lost := _deleted_under_us(path)):
        reached = CheckResult("database", Status.FAIL, f"{lost} this process writes was deleted by another program: "
                              "changes are lost from now on; quit tui-tasks and start it again")  # fmt: skip
    try:
        return [reached, *_sqlite_contents(conn, wal, integrity), *files]
    finally:
        conn.close()


def _sqlite_contents(conn: sqlite3.Connection, wal: bool, integrity: bool) -> list[CheckResult]:
    results: list[CheckResult] = []
    tables: list[str] = []
    step = "schema"
    try:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        current = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            current = row[0] if row else None
        results.append(_schema_result(current, bool(tables)))
        if integrity:
            step = "integrity"
            results.append(_quick_check(conn))
    except sqlite3.Error as exc:
        results.append(CheckResult(step, Status.FAIL, describe_error(exc)))
    if wal or not tables:
        results.append(CheckResult("journal_mode", Status.OK, "wal" if wal else "not set yet"))
    else:
        results.append(CheckResult("journal_mode", Status.WARN, "rollback journal (tui-tasks switches it to wal)"))
    return results


def _quick_check(conn: sqlite3.Connection) -> CheckResult:
    """PRAGMA quick_check in one line: the first problem and how many more there are."""
    problems = [
        line.strip()
        for (row,) in conn.execute("PRAGMA quick_check")
        for line in row.splitlines()
        if line.strip() and not line.startswith("***")
    ]
    if problems == ["ok"]:
        return CheckResult("integrity", Status.OK, "ok")
    more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    return CheckResult("integrity", Status.FAIL, f"damaged: {problems[0]}{more}")


SQLITE_NOTADB = 26


@dataclass(frozen=True, slots=True)
class _NotADatabase:
    """The failed `database` check of something that is no SQLite database at all (a folder, a text file)."""

    result: CheckResult


def _open_sqlite(
    path: Path, in_use: bool
) -> _NotADatabase | CheckResult | tuple[sqlite3.Connection, bool, CheckResult]:
    """A read-only connection that has read the schema, whether the file is in WAL mode, or the
    failed `database` check.

    Only SQLite touches the database's files here (TECH-NOTES 8.1): closing any descriptor of the
    file in a process drops every lock its SQLite connections hold, and another process may then
    checkpoint and delete the -wal still in use. The journal mode is asked of the connection, with
    one exception: a WAL database without a -shm file has no connection open anywhere (every WAL
    connection keeps its -shm), and a read-only connection would create a -wal and -shm and leave
    them behind. There, and only in a process that holds no connection (`in_use` False: `--check`),
    the file's header says whether to read it `immutable` (which creates nothing; pages still in a
    -wal left by a crash are not seen, and the app recovers them at start).
    """
    if path.is_dir():
        return _NotADatabase(CheckResult("database", Status.FAIL, f"{path} is a folder, not a database file"))
    if not os.access(path, os.R_OK):
        return CheckResult("database", Status.FAIL, f"cannot read {path}: permission denied")
    idle_wal = not in_use and not path.with_name(path.name + "-shm").exists() and _header_says_wal(path)
    started = time.perf_counter()
    conn = None
    try:
        mode = "mode=ro&immutable=1" if idle_wal else "mode=ro"
        conn = sqlite3.connect(f"{path.as_uri()}?{mode}", uri=True, timeout=BUSY_TIMEOUT_S)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        wal = idle_wal or conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    except sqlite3.Error as exc:
        if conn is not None:
            conn.close()  # now, not whenever it is collected
        failed = CheckResult("database", Status.FAIL, f"{describe_error(exc)} ({path})")
        return _NotADatabase(failed) if getattr(exc, "sqlite_errorcode", None) == SQLITE_NOTADB else failed
    latency = round((time.perf_counter() - started) * 1000, 2)
    return conn, wal, CheckResult("database", Status.OK, f"SQLite file readable in {latency} ms", latency)


def _deleted_under_us(path: Path) -> str | None:
    """The database file, -wal or -shm that this process (the app) holds open but that is no longer on
    disk, as /proc/self/fd shows it: removed by another program, or checkpointed and deleted by another
    tui-tasks after this process lost its locks (TECH-NOTES 8.1). Writes then go nowhere. None on a
    system without /proc."""
    real = os.path.realpath(path)
    names = {f"{real}{suffix} (deleted)": f"the database's {suffix[1:] or 'file'}" for suffix in ("", "-wal", "-shm")}
    try:
        descriptors = os.listdir("/proc/self/fd")
    except OSError:
        return None
    for fd in descriptors:
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target in names:
            return names[target]
    return None


def _header_says_wal(path: Path) -> bool:
    """Whether the file's header says WAL (file format versions 2). Never call this in a process that
    may hold a connection to the file (see _open_sqlite)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        return os.pread(fd, 2, 18) == b"\x02\x02"
    finally:
        os.close(fd)


def _server_checks(settings: Settings, engine: Engine | None) -> list[CheckResult]:
    # SQLAlchemy only here: an SQLite file is checked with the sqlite3 module alone.
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.pool import NullPool

    from tui_tasks.db.engine import make_engine
    from tui_tasks.db.migrate import schema_state

    own = engine is None
    try:
        engine = engine or make_engine(settings.db, poolclass=NullPool)
    except TasksError as exc:
        return [CheckResult("database", Status.FAIL, exc.message)]
    started = time.perf_counter()
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
            latency = round((time.perf_counter() - started) * 1000, 2)
            state = schema_state(conn)
    except DBAPIError as exc:
        return [CheckResult("database", Status.FAIL, describe_error(exc))]
    finally:
        if own:
            engine.dispose()
    reached = CheckResult("database", Status.OK, f"PostgreSQL server answered in {latency} ms", latency)
    return [reached, _schema_result(*state), _credentials(settings)]


def _credentials(settings: Settings) -> CheckResult:
    """Where the server password lives: a URL in config.toml or the environment is readable by whatever
    reads those; libpq's password file is the place for it (and is ignored if others can read it)."""
    passfile = Path(os.environ.get("PGPASSFILE") or Path.home() / ".pgpass")
    if passfile.is_file() and passfile.stat().st_mode & 0o077:
        mode = stat.S_IMODE(passfile.stat().st_mode)
        return CheckResult("credentials", Status.WARN, f"{passfile} is readable by others (mode {mode:04o}): "
                           "libpq ignores it until you chmod 600 it")  # fmt: skip
    if mask_password(settings.db.url) != settings.db.url:
        return CheckResult("credentials", Status.WARN, "the database URL holds a password in clear text: put it "
                           f"in {passfile} (mode 0600) or a pg_service.conf entry, and leave it out of the URL")  # fmt: skip
    return CheckResult("credentials", Status.OK, "no password in the database URL")


BACKUP_OLD_DAYS = 30


def _backups(path: Path) -> CheckResult:
    """How old the newest backup next to the database is (one is made before every upgrade, and by
    "Back up now" in the app)."""
    backups = list_backups(path)
    if not backups:
        return CheckResult("backups", Status.OK, "none yet: one is made before each upgrade, or with “Back up now”")
    age_s = max(0.0, time.time() - backups[0].stat().st_mtime)
    age = f"{age_s / 86400:.0f} days" if age_s >= 2 * 86400 else f"{age_s / 3600:.0f} hours" if age_s >= 7200 else f"{age_s / 60:.0f} minutes"
    status = Status.WARN if age_s > BACKUP_OLD_DAYS * 86400 else Status.OK
    return CheckResult("backups", status, f"newest {age} old ({len(backups)} kept): {backups[0].name}")


def _permissions(path: Path) -> CheckResult:
    """Who else can read the tasks, and worse, who else can change or swap the database: write access
    to the folder is enough to replace or delete the file whatever the file's own mode. Advice to
    chmod is given only for what this user owns (anyone else's chmod would fail)."""
    if path.is_file():
        mode = stat.S_IMODE(path.stat().st_mode)
        if not mode & 0o222:
            return CheckResult("permissions", Status.FAIL, f"the database file is read-only (mode {mode:04o})")
        if not os.access(path, os.W_OK):  # its mode allows writing: something else forbids it
            return CheckResult("permissions", Status.FAIL, "the database file cannot be written (it is marked "
                               "immutable, or its file system is mounted read-only)")  # fmt: skip
    failed, problems, fixes = False, [], []
    for item, fix, danger in ((path, "chmod 600", "change or destroy the database"),
                              (path.parent, "chmod 700", "replace or delete the database")):  # fmt: skip
        try:
            info = item.stat()
        except (FileNotFoundError, NotADirectoryError):  # not there yet; a file on the way is data_folder's
            continue
        mode = stat.S_IMODE(info.st_mode)
        shared = stat.S_ISDIR(info.st_mode) and mode & stat.S_ISVTX  # /tmp: nobody else may remove our file
        if mode & 0o002 and not shared:
            failed = True
            what = f"writable by others (mode {mode:04o}): others can {danger}"
        elif mode & 0o002:
            what = (f"writable by others (mode {mode:04o}): others can put files beside the database "
                    "(a -journal or -wal SQLite would read)")  # fmt: skip
            fix = "move the database to a private folder, not"
        elif mode & 0o020:
            what = f"writable by its group (mode {mode:04o}): the group can {danger}"
        elif mode & 0o077:
            what = f"readable by others (mode {mode:04o})"
        else:
            continue
        problems.append(f"{item} is {what}")
        fixes.append(f"{fix} {item}" if info.st_uid == os.geteuid() else f"{item} belongs to another user")
    if problems:
        status = Status.FAIL if failed else Status.WARN
        return CheckResult("permissions", status, "; ".join(problems) + " (fix: " + ", ".join(fixes) + ")")
    if not path.exists():
        return CheckResult("permissions", Status.OK, "the database will be created private to its owner (0600)")
    return CheckResult("permissions", Status.OK, "database file and folder are private to their owner")


def _writable(name: str, label: str, path: Path) -> CheckResult:
    existing = locations.nearest_existing(path)
    if existing == path:
        ok = os.access(path, os.W_OK)
        message = f"{label} writable: {path}" if ok else f"cannot write the {label} {path}"
    else:
        ok = existing.is_dir() and os.access(existing, os.W_OK | os.X_OK)
        message = f"{label} will be created: {path}" if ok else f"cannot create the {label} {path}: {existing} is not writable"
    return CheckResult(name, Status.OK if ok else Status.FAIL, message)


def _log_file(path: Path) -> CheckResult:
    """The log is opened only as a regular file of this user, never through a link (tui_tasks/logs.py):
    anything else at its name means no log, which is worth a warning, not a failure."""
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):  # a file on the way: _writable says which
        info = None
    if info is not None and stat.S_ISLNK(info.st_mode):
        return CheckResult("log_file", Status.WARN, f"{path} is a symbolic link: nothing is logged until it is "
                           "removed (the log is never written through a link)")  # fmt: skip
    if info is not None and not stat.S_ISREG(info.st_mode):
        return CheckResult("log_file", Status.WARN, f"{path} is not a regular file: nothing is logged until it is removed")
    if info is not None and info.st_uid != os.geteuid():
        return CheckResult("log_file", Status.WARN, f"{path} belongs to another user: nothing is logged until it is removed")
    return _writable("log_file", "log file", path)


def _data_folder(folder: Path) -> CheckResult:
    if folder.exists() and not folder.is_dir():
        return CheckResult("data_folder", Status.FAIL, f"{folder} is not a folder")
    return _writable("data_folder", "data folder", folder)


def _disk_space(folder: Path) -> CheckResult:
    free = shutil.disk_usage(locations.nearest_existing(folder)).free
    status = Status.FAIL if free < DISK_FAIL else Status.WARN if free < DISK_WARN else Status.OK
    shown = f"{free / MiB / 1024:.1f} GiB" if free >= 1024 * MiB else f"{free / MiB:.0f} MiB" if free >= MiB else f"{free} bytes"
    return CheckResult("disk_space", status, f"{shown} free")
