"""A write whose COMMIT fails is answered with the truth: saved, not saved, or (only when the database
cannot be read either) unknown. A user told "failed" retries, so "failed" must mean not saved.

The faults are injected around the real COMMIT of a real database (SQLite file or PostgreSQL): an
error raised just before it (nothing reaches the database) or just after it (the change is saved but
the answer is lost, as with an I/O error or a dropped connection after the commit record was written).
"""

from __future__ import annotations

import pytest

from tests.faults import commit_fails
from tui_tasks.domain import TaskDraft
from tui_tasks.errors import OutcomeUnknown, StorageError


def _titles(services, user) -> list[str]:
    return [task.title for task in services.tasks.page(user, limit=100).tasks]


def test_a_create_whose_commit_failed_before_the_database_is_reported_not_saved(services, alice):
    with commit_fails("before"), pytest.raises(StorageError) as caught:
        services.tasks.create(alice, TaskDraft("Buy milk"))
    assert not isinstance(caught.value, OutcomeUnknown)
    assert caught.value.message == "Not saved: disk I/O error while using the database"
    assert _titles(services, alice) == []


def test_a_create_saved_although_its_commit_reported_an_error_is_reported_saved_once(services, alice):
    with commit_fails("after") as state:
        created = services.tasks.create(alice, TaskDraft("Buy milk", tags=("home",)))
    assert not state["armed"]  # the fault did strike
    assert created.title == "Buy milk" and created.tags == ("home",)
    assert services.tasks.get(alice, created.id) == created
    assert _titles(services, alice) == ["Buy milk"]


@pytest.mark.parametrize("when", ["before", "after"])
def test_toggle_update_and_delete_answer_what_the_database_holds(services, alice, when):
    task = services.tasks.create(alice, TaskDraft("Water plants"))
    saved = when == "after"
    for write in (
        lambda: services.tasks.toggle(alice, task.id, task.version),
        lambda: services.tasks.update(alice, task.id, TaskDraft("Water the plants"), task.version),
        lambda: services.tasks.delete(alice, task.id, task.version),
    ):
        with commit_fails(when):
            if saved:
                answer = write()
                assert answer.id == task.id
            else:
                with pytest.raises(StorageError, match="^Not saved"):
                    write()
        if not saved:
            assert services.tasks.get(alice, task.id) == task  # nothing changed
        elif answer.version > task.version:
            task = services.tasks.get(alice, task.id)
            assert task == answer  # the answer is exactly what was saved
    if saved:
        assert _titles(services, alice) == []  # the delete went through, and said so


def test_an_unreadable_database_after_a_failed_commit_leaves_the_outcome_unknown(services, alice):
    with commit_fails("after", reads_fail=True, services=services), pytest.raises(OutcomeUnknown) as caught:
        services.tasks.create(alice, TaskDraft("Buy milk"))
    assert "may or may not have been saved" in caught.value.message
    assert _titles(services, alice) == ["Buy milk"]  # it was, in fact: "unknown" never said "not saved"
