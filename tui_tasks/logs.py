"""The rotating log file. Records ids and events, never a password, a hash or a database password."""

from __future__ import annotations

import errno
import logging
import os
import stat
from logging.handlers import RotatingFileHandler
from pathlib import Path

from tui_tasks import locations

MAX_BYTES = 1_000_000
BACKUPS = 3


class PrivateRotatingFileHandler(RotatingFileHandler):
    """Every log file it opens, after each rotation too, is a regular file of this user, readable by
    the owner only. A symbolic link, a FIFO or another user's file at the log's name is never written
    through or to: there is no log then (`--check` says why), and the app runs on without one."""

    def _open(self):
        flags = os.O_CREAT | os.O_APPEND | os.O_WRONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        fd = os.open(self.baseFilename, flags, 0o600)  # O_NONBLOCK: a FIFO there must not hang the start
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
                raise OSError(errno.EPERM, "not a regular file of this user", self.baseFilename)
            os.set_blocking(fd, True)
            if stat.S_IMODE(info.st_mode) != 0o600:
                os.fchmod(fd, 0o600)  # a log made 0644 by an older version, or by hand
        except BaseException:
            os.close(fd)
            raise
        return open(fd, "a", encoding="utf-8")

    def handleError(self, record: logging.LogRecord) -> None:
        """A log that cannot be written (its file replaced by a link at a rotation, a full disk) is
        dropped quietly: a traceback on stderr would draw over the full-screen app."""


def setup_logging(level: str = "INFO", path: Path | None = None) -> Path | None:
    """Send the `tui_tasks` loggers to the log file (0600); return its path, or None if it cannot be written."""
    path = path or locations.log_file()
    logger = logging.getLogger("tui_tasks")
    logger.setLevel(level)
    try:
        locations.make_private_dir(path.parent)
        handler = PrivateRotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    except OSError:
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())  # else Python's last resort prints records on stderr
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for old in [h for h in logger.handlers if isinstance(h, RotatingFileHandler)]:
        logger.removeHandler(old)
        old.close()
    logger.addHandler(handler)
    return path
