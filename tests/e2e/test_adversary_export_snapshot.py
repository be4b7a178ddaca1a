"""Adversarial pass, issue 9: an export while the app changes tasks beside it.

services/export.py reads the user's tasks a page (1000) at a time "in one read transaction: a consistent
snapshot". On SQLite it is one (WAL: the snapshot of the first read). On PostgreSQL the transaction runs
at READ COMMITTED, where every statement sees the latest commits: a delete and its undo in the app (the
task comes back under a new, higher id) between two pages puts the same task in the export twice; an
import of that file then makes it twice for good.
"""

from __future__ import annotations

import io
import json

from tests.conftest import BCRYPT_TEST_ROUNDS
from tui_tasks.config import Settings
from tui_tasks.domain import TaskDraft
from tui_tasks.services.export import PAGE, export_tasks
from tui_tasks.services.facade import open_services


def test_an_export_is_one_snapshot_whatever_changes_between_its_pages(target):
    services = open_services(Settings(db=target, bcrypt_rounds=BCRYPT_TEST_ROUNDS))
    other_window = open_services(Settings(db=target, bcrypt_rounds=BCRYPT_TEST_ROUNDS))
    try:
        user = services.accounts.register("pat@example.com", "password-123")
        first = services.tasks.create(user, TaskDraft("the first task"))
        for n in range(PAGE + 200):
            services.tasks.create(user, TaskDraft(f"task {n}"))

        def between_pages(count: int) -> None:
            if count == PAGE:  # the first page is written; the second is not read yet
                gone = other_window.tasks.delete(user, first.id)
                other_window.tasks.restore(user, gone)  # undo: back under a new id

        out = io.StringIO()
        export_tasks(services, user, out, "json", progress=between_pages)
        titles = [t["title"] for t in json.loads(out.getvalue())["tasks"]]
        assert titles.count("the first task") == 1, f"{titles.count('the first task')} copies of one task"
        assert len(titles) == PAGE + 201
    finally:
        other_window.close()
        services.close()
