"""The soak of tests/soak.py, bounded for CI: two windows of the real app and CLI processes (import,
export, --check) and "Back up now" on one database for SOAK_SECONDS (default 15) on each database;
then the file passes its integrity check and holds exactly what the screens reported saved.
`python benchmarks/soak.py` runs it for minutes."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.soak import SCRIPT, Soak

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux (.ci/run installs it)"),
    pytest.mark.skipif(not SCRIPT.exists(), reason="needs the installed tui-tasks script"),
]
SECONDS = float(os.environ.get("SOAK_SECONDS", "15"))  # CI's bound (the suite keeps under 10 minutes)


def test_two_windows_and_the_cli_on_one_database_lose_nothing(target, tmp_path):
    db = str(target.path) if target.path is not None else target.url
    soak = Soak(db, tmp_path, seed=9)
    outcomes = soak.run(SECONDS)
    problems = soak.verify()
    assert problems == [], "\n".join(problems)
    assert outcomes.refused == []  # nothing was refused either: a healthy database takes every write
    done = outcomes.operations
    # it did real work: tasks added, changed or deleted, and exported beside it
    assert done.get("add", 0) >= 3 and done.get("toggle", 0) + done.get("delete", 0) >= 1, done
    assert done.get("cli export", 0) + done.get("cli import", 0) >= 2, done
