"""Adversarial pass on issue #10's dues: a due without a time is stored as the end of that LOCAL day (an
instant), so the same database read in another time zone (a laptop and an SSH session to a server in UTC,
a trip, a team's PostgreSQL server with clients in two zones) shows a different DAY for a task that has no
time at all. Before 0007 a due was a date and read back as that date everywhere; the migration's own tests
only read back in the zone that migrated."""

from __future__ import annotations

from datetime import date


from tui_tasks.domain import TaskDraft


def test_a_due_without_a_time_is_the_same_day_in_another_zone(services, alice, local_zone):
    local_zone("America/New_York")
    task = services.tasks.create(alice, TaskDraft("Pay the rent", due=date(2026, 12, 1)))
    assert services.tasks.get(alice, task.id).due == date(2026, 12, 1)

    local_zone("Europe/Berlin")  # the same account, opened from a machine in another zone

    assert services.tasks.get(alice, task.id).due == date(2026, 12, 1)  # today: 2026-12-02
