"""Small things remembered between runs, per database: the last email used and the list's order (never a
password). Kept in the state folder, one section per database, keyed by a hash of the database's place."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from tui_tasks import locations

if TYPE_CHECKING:
    from tui_tasks.config import DatabaseTarget

VERSION = 2  # 1 (no "version"): one email and one order shared by every database
MAX_DATABASES = 50  # the most recently used are kept
MAX_BYTES = 1 << 20  # a bigger file is not ours


def state_file() -> Path:
    """Small things remembered between runs (never a password)."""
    return locations.state_dir() / "state.json"


def database_key(database: DatabaseTarget) -> str:
    """Which section of the state file is this database's: a hash of its file (links resolved) or of its
    URL without any password, so that neither a place nor a password is written down, and a URL with a
    password is the same database as the one without (the password then in ~/.pgpass)."""
    try:
        place = os.path.realpath(database.path) if database.path is not None else _without_password(database.url)
    except ValueError:  # a URL urlsplit cannot take apart: as shown, with any password as ***
        place = database.display
    return hashlib.sha256(f"{database.kind}\0{place}".encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    user_info, at, host = parts.netloc.rpartition("@")
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if "password" not in k.lower())
    return f"{parts.scheme}://{user_info.partition(':')[0]}{at}{host}{parts.path}?{query}"


def _read() -> dict[str, dict[str, Any]]:
    """Every database's section; empty when the file is missing, a link, too big, damaged or not ours."""
    try:
        fd = os.open(state_file(), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return {}
    try:
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
                return {}
            data = json.loads(file.read(MAX_BYTES))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("databases"), dict):
        return {}
    return {key: value for key, value in data["databases"].items() if isinstance(value, dict)}


def load_state(database: DatabaseTarget) -> dict[str, Any]:
    """What was remembered for `database` (empty when nothing was)."""
    return _read().get(database_key(database), {})


def save_state(database: DatabaseTarget, **values: Any) -> None:
    """Merge `values` into what `database` remembers. The file is replaced whole (never written through a
    link, never left half-written); a failure to write it is not worth an error."""
    path = state_file()
    sections = _read()
    key = database_key(database)
    sections[key] = {**sections.pop(key, {}), **values}  # now the most recent
    kept = dict(list(sections.items())[-MAX_DATABASES:])
    try:
        locations.make_private_dir(path.parent)
        import tempfile  # only a save needs it: not imported before the first paint

        fd, temporary = tempfile.mkstemp(prefix=".state-", suffix=".json", dir=path.parent)  # 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                json.dump({"version": VERSION, "databases": kept}, file)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass
