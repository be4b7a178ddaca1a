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


def state_dir() -> Path:
    """Small state kept between runs (follows XDG_STATE_HOME)."""
    return platformdirs.user_state_path(APP_NAME)


def log_file() -> Path:
    """The rotating log (follows XDG_STATE_HOME)."""
    return platformdirs.user_log_path(APP_NAME) / "tui-tasks.log"


def default_database() -> Path:
    return data_dir() / "tasks.db"


def make_private_dir(path: Path) -> Path:
    """Create `path` and any missing parents as 0700 (as XDG asks); existing folders are left as they are."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask
    return path


def nearest_existing(path: Path) -> Path:
    """The path itself or its closest ancestor that exists."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return path
