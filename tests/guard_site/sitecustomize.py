"""The file guard (tests/file_guard.py) in a child process: the installed app and CLI that the terminal
tests and the soak run. Put this folder on PYTHONPATH and name a report file in TUI_TASKS_FILE_GUARD;
every open of a database file the process's SQLite holds is refused and written there."""

import importlib.util
import os
from pathlib import Path

_report = os.environ.get("TUI_TASKS_FILE_GUARD")
if _report:
    _spec = importlib.util.spec_from_file_location("tui_tasks_file_guard", Path(__file__).parent.parent / "file_guard.py")
    _guard = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_guard)
    _guard.enable(report=_report)
