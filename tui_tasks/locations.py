"""Where tui-tasks keeps its files. Paths are computed on each call and nothing is created at import."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "tui-tasks"


def data_dir() -> Path:
    """The user data folder (follows XDG_DATA_HOME)."""
    return platformdirs.user_data_path(APP_NAME)


def config_file() -> Path:
    """The optional settings file (follows XDG_CONFIG_HOME)."""
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def log_file() -> Path:
    """The rotating log (follows XDG_STATE_HOME)."""
    return platformdirs.user_log_path(APP_NAME) / "tui-tasks.log"


def default_database() -> Path:
    return data_dir() / "tasks.db"


def make_private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) readable by the owner only; an existing folder is left as it is."""
    if not path.is_dir():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask
    return path


def nearest_existing(path: Path) -> Path:
    """The path itself or its closest ancestor that exists."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return path
