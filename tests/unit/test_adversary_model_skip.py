"""Adversarial pass on issue #10's "Skip this occurrence" (palette): it is offered on any row of a series,
done ones included, and skip() deletes the row it is given whatever its state. Skipping an instance that
was already completed erases that completion from the history (no confirmation, no undo), makes nothing
new, and the list then says "that was the last one of its series" while the series goes on."""

from __future__ import annotations

from datetime import date

from tui_tasks.domain import Recurrence, TaskDraft, TaskQuery
from tui_tasks.errors import TasksError


def test_skipping_a_completed_instance_keeps_its_completion(services, alice):
    first = services.tasks.create(alice, TaskDraft("Water plants", due=date(2026, 11, 1), recurrence=Recurrence("FREQ=WEEKLY")))
    services.tasks.complete(alice, first.id)  # done: the instance of 8 Nov is made

    try:
        services.tasks.skip(alice, first.id)  # the palette offers it on the done row
    except TasksError:
        pass  # refusing is fine too

    listed = services.tasks.page(alice, TaskQuery(), None, 10).tasks
    assert sorted((task.due, task.completed) for task in listed) == [(date(2026, 11, 1), True), (date(2026, 11, 8), False)]
