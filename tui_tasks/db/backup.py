"""Consistent copies of an SQLite database file, kept next to it."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

KEEP = 5


def backup_sqlite(path: Path, *, keep: int = KEEP) -> Path:
    """Copy the database with VACUUM INTO to `<name>.<UTC time>.bak` (0600); keep the newest `keep`."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.{stamp}.bak")
    # VACUUM INTO accepts an empty file: creating it first gives the copy its 0600 mode from the start.
    os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=5)
    try:
        conn.execute("VACUUM INTO ?", (str(target),))
    except sqlite3.Error:
        target.unlink(missing_ok=True)
        raise
    finally:
        conn.close()
    for old in list_backups(path)[keep:]:
        old.unlink(missing_ok=True)
    return target


def list_backups(path: Path) -> list[Path]:
    """Backups of the database at `path`, newest first."""
    return sorted(path.parent.glob(f"{path.name}.*.bak"), reverse=True)
