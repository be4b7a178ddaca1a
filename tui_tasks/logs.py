"""The rotating log file. Records ids and events, never a password, a hash or a database password."""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

from tui_tasks import locations

MAX_BYTES = 1_000_000
BACKUPS = 3


class PrivateRotatingFileHandler(RotatingFileHandler):
    """Every log file it opens, rotated ones included, is readable by the owner only."""

    def _open(self):
        return open(os.open(self.baseFilename, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600), "a", encoding="utf-8")


def setup_logging(level: str = "INFO", path: Path | None = None) -> Path | None:
    """Send the `tui_tasks` loggers to the log file (0600); return its path, or None if it cannot be written."""
    path = path or locations.log_file()
    logger = logging.getLogger("tui_tasks")
    logger.setLevel(level)
    try:
        locations.make_private_dir(path.parent)
        handler = PrivateRotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for old in [h for h in logger.handlers if isinstance(h, RotatingFileHandler)]:
        logger.removeHandler(old)
        old.close()
    logger.addHandler(handler)
    return path
