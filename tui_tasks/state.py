"""Small things remembered between runs, in the state folder: the last email used (never a password)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tui_tasks import locations


def state_file() -> Path:
    """Small things remembered between runs (the last email used; never a password)."""
    return locations.state_dir() / "state.json"


def load_state() -> dict[str, Any]:
    try:
        state = json.loads(state_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def save_state(**values: Any) -> None:
    """Merge `values` into the state file; a failure to write it is not worth an error."""
    path = state_file()
    try:
        locations.make_private_dir(path.parent)
        path.write_text(json.dumps({**load_state(), **values}), encoding="utf-8")
    except OSError:
        pass
