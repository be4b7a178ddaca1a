"""Where an export may go, and how it is written there: a private temporary file renamed over a
missing or regular file when complete; a FIFO, /dev/null or a terminal written in place; anything else
(a folder, a socket, another device, a link to a file or one another user owns, the database itself)
refused in one line. Only stat and O_NOFOLLOW opens: no descriptor of the open database is ever made.
"""

from __future__ import annotations

import errno
import os
import secrets
import signal
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from tui_tasks.services.formats import TransferError

DATABASE_SUFFIXES = ("", "-wal", "-shm", "-journal")
NULL_DEVICE = (1, 3)  # Linux's /dev/null
TERMINAL_MAJORS = frozenset({4, 5, *range(136, 144)})  # ttyN and serial, tty/console/ptmx, pts
_KINDS = {stat.S_IFDIR: "a folder", stat.S_IFSOCK: "a socket", stat.S_IFBLK: "a block device"}


def target_path(destination: str | os.PathLike[str]) -> Path:
    """The path of an export's target; a name ending in / means a folder (`-o exports/`), which Path
    would quietly turn into a file of that name."""
    text = os.fspath(destination)
    if text.endswith(os.sep):
        raise TransferError(f"cannot write {shown_path(Path(text))}/: it names a folder (give a file name)")
    return Path(text)


def export_target(path: Path, database: Path | None) -> os.stat_result | None:
    """Whether an export may go to `path`: None for a file to create or replace, the stat of a FIFO,
    terminal or /dev/null to write in place; TransferError (one line) for anything else.

    Looked at without opening anything (the CLI asks before the password). A symbolic link is never
    followed to a file nor replaced: it is refused, unless it leads to a FIFO or a terminal through
    links of this user or root only (/dev/stdout, /dev/fd/N): a link another user planted is refused.
    A FIFO must be this user's (another's would receive every task); a character device must be
    /dev/null or a terminal (never /dev/mem, /dev/kmsg or a watchdog, which root could write). The
    database and its -wal, -shm and -journal are refused: replacing them would destroy it, and
    opening them beside a connection drops its locks.
    """
    shown = shown_path(path)
    if is_database_file(path, database):
        raise TransferError(f"cannot write {shown}: it is the database itself (choose another file)")
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise TransferError(cannot_write(path, exc)) from None
    if info is None or stat.S_ISREG(info.st_mode):
        if not path.parent.is_dir():  # seen before the password: nothing to export into
            why = "not a directory" if path.parent.exists() else "no such file or directory"
            raise TransferError(f"cannot write {shown}: {why}")
        if not _links_trusted(path.parent):
            raise TransferError(f"cannot write {shown}: its folder is reached through a symbolic link another user owns")
        if info is not None and _is_sqlite_file(path):
            raise TransferError(f"cannot write {shown}: it is an SQLite database (choose another file)")
        return None
    if stat.S_ISLNK(info.st_mode):
        try:
            info = os.stat(path)
        except OSError:
            info = None
        if info is None or not _is_stream(info):
            raise TransferError(f"cannot write {shown}: it is a symbolic link, and an export never writes "
                                "through one to a file (give the file's own name)")  # fmt: skip
        if not _links_trusted(path):
            raise TransferError(f"cannot write {shown}: it is a symbolic link another user owns")
    if not _is_stream(info):
        kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
        raise TransferError(f"cannot write {shown}: it is {kind} (give a file name)")
    refusal = _stream_refusal(info)
    if refusal:
        raise TransferError(f"cannot write {shown}: {refusal}")
    return info


def _stream_refusal(info: os.stat_result) -> str | None:
    """Why a FIFO or character device may not receive an export, or None."""
    if stat.S_ISFIFO(info.st_mode):
        return None if info.st_uid == os.geteuid() else "it is a FIFO another user owns"
    device = (os.major(info.st_rdev), os.minor(info.st_rdev))
    if device == NULL_DEVICE or (device[0] in TERMINAL_MAJORS and info.st_uid in (0, os.geteuid())):
        return None
    return "it is a character device that is neither a terminal of this user nor /dev/null"


def _links_trusted(path: Path) -> bool:
    """Whether every symbolic link met on the way to `path` (in its folders and at its end) belongs to
    this user or root, as the kernel's protected_symlinks asks in shared folders: a link another user
    put in /tmp must not steer an export (as root, onto /etc/passwd). A /proc link to a pipe ends the
    walk (pipe:[1234] is not a path)."""
    parts = list(Path(os.path.abspath(path)).parts[1:])
    here = Path("/")
    for _ in range(len(parts) + 40):
        if not parts:
            return True
        step = here / parts.pop(0)
        try:
            info = os.lstat(step)
        except OSError:
            return True  # nothing more to follow: missing names are created, not followed
        if not stat.S_ISLNK(info.st_mode):
            here = step
            continue
        if info.st_uid not in (0, os.geteuid()):
            return False
        target = Path(os.readlink(step))
        here = Path("/") if target.is_absolute() else here
        parts[:0] = target.parts[1:] if target.is_absolute() else target.parts
    return False


def _is_sqlite_file(path: Path) -> bool:
    """Whether the regular file at `path` is an SQLite database (of another program, or another
    tui-tasks): an export must not replace one. Never called on the open database (see is_database_file)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        return os.pread(fd, 16, 0) == b"SQLite format 3\0"
    except OSError:
        return False
    finally:
        os.close(fd)


@contextmanager
def open_target(path: Path, database: Path | None) -> Iterator[TextIO]:
    """A text stream onto `path` (see export_target). A file is replaced only if the block completes:
    it is written to a new private (0600) file of an unpredictable name beside it (created with
    O_EXCL and O_NOFOLLOW), synced, then renamed over it; on any error, or an interrupt, that file is
    removed and the old one is left as it was."""
    checked = export_target(path, database)
    if checked is not None:
        fd = _open_stream(path, checked)
        with open(fd, "w", encoding="utf-8", newline="") as out:
            yield out
        return
    folder = _open_folder(path)  # every later step is relative to it: a folder swapped for a link is not followed
    try:
        yield from _replace_in(folder, path)
    finally:
        os.close(folder)


def _replace_in(folder: int, path: Path) -> Iterator[TextIO]:
    # A signal that stops the export (ctrl+c, SIGTERM) waits until the file's name is known and the
    # block that removes it is entered: otherwise it could land between creating the file and `try`.
    held = _hold(signal.SIG_BLOCK)
    temporary = None
    try:
        fd, temporary = _private_file(folder)
        _hold(signal.SIG_UNBLOCK, held)
        with open(fd, "w", encoding="utf-8", newline="") as out:
            os.fchmod(fd, 0o600)  # 0600 less the umask: 0600 exactly
            yield out
            out.flush()
            os.fsync(out.fileno())
        _check_still_replaceable(folder, path)
        # A link put at the name meanwhile is itself replaced, never written through.
        os.rename(temporary, path.name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        _hold(signal.SIG_UNBLOCK, held)  # again, if the file could not be made
        if temporary is not None:
            try:
                os.unlink(temporary, dir_fd=folder)
            except FileNotFoundError:
                pass
        raise
    try:  # the rename, durable (best effort: a folder may be searchable but not readable, or not syncable)
        readable = os.open(".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC, dir_fd=folder)
    except OSError:
        return
    try:
        os.fsync(readable)
    except OSError:
        pass
    finally:
        os.close(readable)


def _private_file(folder: int) -> tuple[int, str]:
    """What tempfile.mkstemp does, in an open folder: a new 0600 file of an unpredictable name,
    created with O_EXCL and O_NOFOLLOW (nothing planted at that name is written through)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for _ in range(100):
        name = f".tui-tasks-export.{secrets.token_hex(8)}.tmp"
        try:
            return os.open(name, flags, 0o600, dir_fd=folder), name
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name")


def _open_folder(path: Path) -> int:
    """A descriptor of the folder `path` is in, reached one name at a time, each opened with O_NOFOLLOW:
    a link on the way is followed only if it belongs to this user or root (export_target said so;
    this holds even if a folder was swapped for a link since)."""
    parts = list(Path(os.path.abspath(path)).parts[1:-1])
    walk = os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC  # O_PATH: a folder one may search but not list (0711) will do
    fd = os.open("/", walk)
    links = 0
    try:
        while parts:
            name = parts.pop(0)
            try:
                step = os.open(name, walk | os.O_NOFOLLOW, dir_fd=fd)
            except OSError as exc:
                info = os.stat(name, dir_fd=fd, follow_symlinks=False)
                if not stat.S_ISLNK(info.st_mode) or exc.errno not in (errno.ELOOP, errno.ENOTDIR):
                    raise
                if info.st_uid not in (0, os.geteuid()):
                    raise TransferError(f"cannot write {shown_path(path)}: its folder is reached through a "
                                        "symbolic link another user owns") from None  # fmt: skip
                links += 1
                if links > 40:
                    raise
                target = os.readlink(name, dir_fd=fd)
                if target.startswith("/"):
                    step = os.open("/", walk)
                    os.close(fd)
                    fd = step
                parts[:0] = [part for part in target.split("/") if part and part != "."]
                continue
            os.close(fd)
            fd = step
        return fd
    except BaseException:
        os.close(fd)
        raise


_STOPPING = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


def _hold(how: int, signals: set[int] | None = None) -> set[int]:
    """Block or unblock the signals that stop an export, in the main thread (the one that runs their
    handlers); return those that were not blocked already."""
    if threading.current_thread() is not threading.main_thread():
        return set()
    if how == signal.SIG_BLOCK:
        return _STOPPING - signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    if signals:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, signals)
    return set()


def _check_still_replaceable(folder: int, path: Path) -> None:
    """Just before the rename: what is at `path` now is still nothing, a file or a link (which the
    rename replaces), not a FIFO, a device or a folder someone put there while the export ran."""
    try:
        mode = os.stat(path.name, dir_fd=folder, follow_symlinks=False).st_mode
    except FileNotFoundError:
        return
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise TransferError(f"cannot write {shown_path(path)}: it changed while being written")


def _open_stream(path: Path, checked: os.stat_result) -> int:
    """Open the FIFO or device export_target checked, for writing, in place: no O_CREAT, no O_TRUNC.
    A name that is a link now is followed only if it still leads, through trusted links, to the very
    object checked; what was opened is compared again, so nothing swapped in gets a byte."""
    flags = os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        now = os.stat(path)
        if (now.st_dev, now.st_ino) != (checked.st_dev, checked.st_ino) or not _links_trusted(path):
            raise TransferError(f"cannot write {shown_path(path)}: it changed while being opened") from None
        fd = os.open(path, flags)
    info = os.fstat(fd)
    if (info.st_dev, info.st_ino) != (checked.st_dev, checked.st_ino):
        os.close(fd)
        raise TransferError(f"cannot write {shown_path(path)}: it changed while being opened")
    return fd


def _is_stream(info: os.stat_result) -> bool:
    return stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode)


def is_database_file(path: Path, database: Path | None) -> bool:
    """Whether `path` names the SQLite database or one of its companion files, by name or as the
    same file (a hard link). Only stat: no descriptor of a database file is ever opened here."""
    if database is None:
        return False
    own = [database.with_name(database.name + suffix) for suffix in DATABASE_SUFFIXES]
    try:
        where = Path(os.path.realpath(path.parent)) / path.name
        if where in {Path(os.path.realpath(p.parent)) / p.name for p in own}:
            return True
        info = os.stat(path)
    except (OSError, ValueError):
        return False
    for file in own:
        try:
            other = os.stat(file)
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino):
            return True
    return False


def cannot_write(path: Path, exc: OSError) -> str:
    return f"cannot write {shown_path(path)}: {(exc.strerror or str(exc)).lower()}"


def shown_path(path: str | os.PathLike[str]) -> str:
    """A path as an error shows it: as typed, unless it holds a character that would break the line."""
    text = os.fspath(path)
    return text if text.isprintable() else ascii(text)
