"""SQLite query plans of the agenda, month and day statements, on a database of 30,000 tasks spread as
test_query_plans spreads its 100,000 (its rows and plan helpers; a smaller build keeps this module under
10 s), a few of them waiting, checked fresh and after the app closed it once.

Every statement reaches the user's tasks through ix_task_user_completed_due (the waiting tasks left out
through ix_task_user_completed_wait); the section counts read
that index alone except near a span's edges; a section's rows are one range of it in due order (only a
day's own tasks, or equal dues, are sorted).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert

from tests.unit.test_query_plans import (
    NOW,
    BigDatabase,
    Recorder,
    clock,
    copy_database,
    describe,
    full_scans,
    is_tag_lookup,
    settings_for,
    task_reads_not_by_user,
    task_rows,
)
from tui_tasks.db.tables import Task
from tui_tasks.domain import TaskFilter, TaskQuery, UserView
from tui_tasks.services.agenda import Agenda
from tui_tasks.services.facade import open_services

pytestmark = pytest.mark.slow

INDEX = "ix_task_user_completed_due"
WAIT_INDEX = "ix_task_user_completed_wait"
OWNER_TASKS = 30_000


def build_database(path: Path) -> UserView:
    """The owner's tasks and another user's, left without planner statistics; one in 50 waits."""
    services = open_services(settings_for(path), clock)
    try:
        owner = services.accounts.register("owner@example.com", "owner-password")
        other = services.accounts.register("other@example.com", "other-password")
        rng = random.Random(20260615)
        rows = task_rows(owner.id, OWNER_TASKS, rng) + task_rows(other.id, 1000, rng)
        for row in rows:
            row["wait"] = NOW + timedelta(days=rng.randint(-30, 30)) if rng.random() < 0.02 else None
            row["wait_has_time"] = row["wait"] is not None
        with services.db.engine.begin() as conn:
            conn.execute(insert(Task), rows)
    finally:
        services.db.engine.dispose()
    return owner


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("agenda-big") / "tasks.db"
    return path, build_database(path)


@pytest.fixture(scope="module", params=["no statistics", "after close"])
def big(request, built, tmp_path_factory) -> Iterator[BigDatabase]:
    source, owner = built
    path = copy_database(source, tmp_path_factory.mktemp(request.param.replace(" ", "-")))
    if request.param == "after close":
        first = open_services(settings_for(path), clock)
        agenda = Agenda(first.db, clock)
        agenda.agenda(owner)
        agenda.month(owner, NOW.year, NOW.month)
        first.close()  # PRAGMA optimize: statistics that may change the plans
    services = open_services(settings_for(path), clock)
    recorder = Recorder(services)
    yield BigDatabase(request.param, services, owner, recorder)
    recorder.remove()
    services.db.engine.dispose()


def agenda_of(big: BigDatabase) -> Agenda:
    return Agenda(big.services.db, clock)


def steps_on_task(plan: list[str]) -> list[str]:
    return [step for step in plan if step.startswith(("SEARCH task ", "SCAN task "))]


def test_the_agenda_reads_each_section_as_a_range_of_the_due_index(big):
    view = agenda_of(big).agenda(big.owner)
    assert view.section("overdue").total > 1000 and view.section("none").total > 1000  # a real workload
    assert big.services.tasks.count(big.owner, TaskQuery(filter=TaskFilter.WAITING)) > 50  # some are left out
    plans = big.plans(lambda: agenda_of(big).agenda(big.owner))
    report = describe(plans)
    statements = [(s, p) for s, p in plans if not is_tag_lookup(s)]
    for statement, plan in plans:
        assert full_scans(plan) == [], report
    for statement, plan in statements:
        assert task_reads_not_by_user(plan) == [], report
        if "FROM task" in statement and "task_series" not in statement:
            # the waiting tasks left out are counted from their own index (user_id, completed, wait)
            wanted = WAIT_INDEX if "task.wait >" in statement else INDEX
            assert all(wanted in step for step in steps_on_task(plan)), report
    counts = next(p for s, p in statements if s.startswith("SELECT (SELECT count(*)"))
    covering = [step for step in counts if "COVERING INDEX" in step]
    assert len(covering) >= len(view.sections), report  # each section's bulk from the index alone
    rows = [(s, p) for s, p in statements if s.startswith("SELECT task.id") and "LIMIT" in s]
    assert len(rows) == sum(1 for section in view.sections if section.total), report
    for statement, plan in rows:  # in due order from the index: only equal dues (or one day) sorted
        assert not any("USE TEMP B-TREE FOR ORDER BY" in step for step in plan) or "due_has_time DESC" in statement, report


def test_the_month_and_a_day_are_one_range_of_the_due_index(big):
    first = date(NOW.year, NOW.month, 1)
    plans = big.plans(lambda: (agenda_of(big).month(big.owner, NOW.year, NOW.month), agenda_of(big).day(big.owner, first + timedelta(days=3))))
    report = describe(plans)
    main = [(s, p) for s, p in plans if not is_tag_lookup(s) and "task_series" not in s]
    assert len(main) == 2, report
    for _, plan in main:
        [step] = steps_on_task(plan)
        assert step.startswith(f"SEARCH task USING INDEX {INDEX} (user_id=? AND completed=? AND due>? AND due<?)"), report
    for _, plan in plans:
        assert full_scans(plan) == [], report
