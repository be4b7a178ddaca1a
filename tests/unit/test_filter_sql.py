"""The filter language in SQL, on SQLite and PostgreSQL: each form lists exactly the tasks the Python rule
(filter_rule) says, with dues with and without a time, read in two time zones either side of UTC."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_tasks.domain import Priority, Recurrence, TaskDraft, TaskFilter, TaskQuery
from tui_tasks.filter_rule import query_accepts

# 03:30 UTC: still the 14th in New York, already the 15th in Tokyo.
NOW = datetime(2026, 6, 15, 3, 30, tzinfo=timezone.utc)
ZONES = ["America/New_York", "Asia/Tokyo"]
FORMS = [
    "project:work", "pro:WORK", "project:none", "-project:work", "-project:none", "#err", "-#err", "#e -#home",
    "!high", "!none", "-!low", "due:today", "due:tomorrow", "due:yesterday", "due:overdue", "due:none",
    "-due:none", "-due:today", "-due:overdue", "due<=today", "due<today", "due>today", "due>=tomorrow",
    "due<=fri", "due:in 1 week", "due>9999-12-30", "due<1900-01-02", "is:done", "is:pending", "is:waiting",
    "-is:waiting", "is:blocked", "-is:blocked", "is:recurring", "-is:recurring", "-is:done", "milk", "-milk",
    '"buy milk"', '-"buy milk"', "Milk -shake", "milk project:home !high", "is:waiting project:work",
    "due<=today is:pending", "is:pending project:none", "prio:x", "due:soon", "",
]


@pytest.fixture
def tasks(services, alice, bob, clock, local_zone):
    """Tasks with every kind of field, made in UTC at NOW."""
    local_zone("UTC")
    clock.now = NOW
    day = NOW.date()
    at = lambda days, hour: datetime.combine(day + timedelta(days=days), datetime.min.time(), timezone.utc) + timedelta(hours=hour)  # noqa: E731
    drafts = [
        TaskDraft("Buy milk", project="home", priority=Priority.HIGH, tags=("errand",)),
        TaskDraft("Milk shake", project="Work", due=day, tags=("home",)),
        TaskDraft("Report", project="work", due=day - timedelta(days=1), priority=Priority.LOW),
        TaskDraft("Call", due=day + timedelta(days=1), tags=("errand", "phone")),
        TaskDraft("Plan", due=day + timedelta(days=7), project="garden"),
        TaskDraft("Late instant", due=at(0, 1)),  # 01:00 UTC today: the 14th in New York, overdue everywhere
        TaskDraft("Evening instant", due=at(0, 20)),  # the 15th in New York, the 16th in Tokyo
        TaskDraft("Night instant", due=at(-1, 16)),  # 16:00 UTC yesterday: 12:00 in NY, 01:00 the 15th in Tokyo
        TaskDraft("Far", due=date(9999, 12, 31)),
        TaskDraft("Old", due=date(1900, 1, 1)),
        TaskDraft("Waiting one", project="work", wait=day + timedelta(days=3)),
        TaskDraft("Waited", wait=day - timedelta(days=3), priority=Priority.MEDIUM),
        TaskDraft("Waiting till tonight", wait=at(0, 22)),
        TaskDraft("Repeats", due=day, recurrence=Recurrence("FREQ=WEEKLY")),
        TaskDraft("Buy more milk please", description="and bread"),
    ]
    made = [services.tasks.create(alice, draft) for draft in drafts]
    blocker = services.tasks.create(alice, TaskDraft("Blocker"))
    services.tasks.update(alice, made[3].id, replace(made[3].draft(), depends=(blocker.id,)))
    services.tasks.update(alice, made[4].id, replace(made[4].draft(), depends=(made[0].id,)))
    services.tasks.toggle(alice, made[0].id)  # done: made[4] is no longer blocked
    services.tasks.toggle(alice, made[2].id)
    services.tasks.create(bob, TaskDraft("Bob's milk", project="work", due=day, priority=Priority.HIGH))
    return alice


def every_task(services, user):
    seen = {}
    for query in (TaskQuery(), TaskQuery(filter=TaskFilter.WAITING)):
        seen |= {t.id: t for t in services.tasks.page(user, query, limit=500).tasks}
    return list(seen.values())


def check(services, user, search, task_filter=TaskFilter.ALL):
    query = TaskQuery(filter=task_filter, search=search)
    expected = {t.title for t in every_task(services, user) if query_accepts(query, t, NOW)}
    page = services.tasks.page(user, query, limit=500)
    listed = {t.title for t in page.tasks}
    assert listed == expected, search
    assert services.tasks.count(user, query) == len(expected), search
    return listed


@pytest.mark.parametrize("zone", ZONES)
def test_each_form_lists_what_the_python_rule_says(services, tasks, local_zone, zone):
    local_zone(zone)
    results = {form: check(services, tasks, form) for form in FORMS}
    assert all("Bob's milk" not in titles for titles in results.values())
    assert results["is:waiting"] == {"Waiting one", "Waiting till tonight"}
    assert "Waiting one" not in results[""] and "Waited" in results[""]
    assert results["project:work"] == {"Milk shake", "Report"}  # ignoring case; waiting stays hidden
    assert results["is:blocked"] == {"Call"}
    assert results["is:recurring"] == {"Repeats"}
    if zone == "America/New_York":  # still the 14th: days without a time are read as the days they name
        assert {"Report", "Late instant", "Night instant"} <= results["due:today"]
        assert {"Milk shake", "Repeats", "Evening instant"} <= results["due:tomorrow"]
    else:
        assert {"Milk shake", "Repeats", "Night instant"} <= results["due:today"]
        assert {"Call", "Evening instant"} <= results["due:tomorrow"]
    for filter_ in (TaskFilter.PENDING, TaskFilter.DONE, TaskFilter.OVERDUE, TaskFilter.WAITING):
        for form in ("", "is:waiting", "project:work", "-milk"):
            check(services, tasks, form, filter_)


piece = st.sampled_from(FORMS[:-3] + ["shake", "-#phone", "#", "!", "%", "_", "-", '"and', "bread"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(search=st.lists(piece, max_size=3).map(" ".join))
def test_any_combination_lists_what_the_python_rule_says(services, tasks, local_zone, search):
    local_zone("Asia/Tokyo")
    check(services, tasks, search)
