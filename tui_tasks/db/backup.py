"""Consistent copies of an SQLite database file, kept next to it."""

from __future__ import annotations

import os
import re
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


STAMP = re.compile(r"\d{8}T\d{12}Z")  # as backup_sqlite names them: 20261129T181500123456Z


def list_backups(path: Path) -> list[Path]:
    """Backups of the database at `path` that tui-tasks made, newest first: `<name>.<UTC time>.bak`
    exactly. Not a glob of the name (brackets in it are a pattern that matched other databases' backups),
    and never a copy of the user's of another name (pruning would delete it)."""
    prefix = f"{path.name}."
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    ours = [n for n in names if n.startswith(prefix) and n.endswith(".bak") and STAMP.fullmatch(n[len(prefix) : -4])]
    return [path.with_name(name) for name in sorted(ours, reverse=True)]
