"""Adversarial pass, issue 9: an export while the app changes tasks beside it.

services/export.py reads the user's tasks a page (1000) at a time "in one read transaction: a consistent
snapshot". On SQLite it is one (WAL: the snapshot of the first read). On PostgreSQL the transaction runs
at READ COMMITTED, where every statement sees the latest commits: a task that moved to a higher id between
two pages (a delete undone came back under a new id, before undo kept ids) is in the export twice, and an
import of that file makes it twice for good; a task deleted or added meanwhile is missing or extra.
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
        last = [services.tasks.create(user, TaskDraft(f"task {n}")) for n in range(PAGE + 200)][-1]

        def between_pages(count: int) -> None:
            if count == PAGE:  # the first page is written; the second is not read yet
                other_window.tasks.delete(user, first.id)
                other_window.history.undo(user)  # undo: back (under its own id)
                other_window.tasks.delete(user, last.id)  # in the second page: a snapshot still has it
                other_window.tasks.create(user, TaskDraft("made while exporting"))  # and does not have this

        out = io.StringIO()
        export_tasks(services, user, out, "json", progress=between_pages)
        titles = [t["title"] for t in json.loads(out.getvalue())["tasks"]]
        assert titles.count("the first task") == 1, f"{titles.count('the first task')} copies of one task"
        assert last.title in titles and "made while exporting" not in titles
        assert len(titles) == PAGE + 201
    finally:
        other_window.close()
        services.close()
