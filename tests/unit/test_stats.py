"""Stats: the header counts and the stats screen, on known data and against a count done in Python."""

from __future__ import annotations

import dataclasses
import os
import random
import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest

from tui_tasks.domain import (
    DayCount,
    PageCursor,
    Priority,
    TaskCounts,
    TaskDraft,
    TaskQuery,
    TaskStats,
    TaskView,
    UserView,
    local_date,
)

# Mid-July: no daylight-saving change in the 30 days before it in most time zones.
BASE = datetime(2026, 7, 15, 13, 0, tzinfo=timezone.utc)


@pytest.fixture
def at_base(clock):
    clock.now = BASE
    return clock


def add(services, user: UserView, title: str = "task", **fields) -> TaskView:
    return services.tasks.create(user, TaskDraft(title, **fields))


def all_tasks(services, user: UserView) -> list[TaskView]:
    tasks: list[TaskView] = []
    cursor: PageCursor | None = None
    while True:
        page = services.tasks.page(user, TaskQuery(), cursor, 50)
        tasks += page.tasks
        if page.next_cursor is None:
            return tasks
        cursor = page.next_cursor


def expected_stats(tasks: list[TaskView], now: datetime, days: int = 30, top: int = 5) -> TaskStats:
    """What the stats screen must show, counted in Python from the tasks themselves."""
    today = local_date(now)
    span = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    done = [t for t in tasks if t.completed]
    pending = [t for t in tasks if not t.completed]
    completed_on = Counter(local_date(t.completed_at) for t in done)
    created_on = Counter(local_date(t.created_at) for t in tasks)
    priorities = Counter(t.priority for t in tasks)
    projects = Counter(t.project for t in tasks if t.project is not None)
    tags = Counter(tag for t in tasks for tag in t.tags)

    def ranked(counter: Counter) -> tuple[tuple[str, int], ...]:
        return tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:top])

    done_per_day = tuple(DayCount(d, completed_on[d]) for d in span)
    return TaskStats(
        counts=TaskCounts(
            total=len(tasks),
            pending=len(pending),
            done=len(done),
            overdue=sum(1 for t in pending if t.due is not None and t.due < today),
            due_today=sum(1 for t in pending if t.due == today),
        ),
        done_last_7_days=sum(d.count for d in done_per_day[-7:]),
        done_per_day=done_per_day,
        created_per_day=tuple(DayCount(d, created_on[d]) for d in span),
        by_priority=tuple((p, priorities[p]) for p in (Priority.HIGH, Priority.MEDIUM, Priority.LOW, Priority.NONE)),
        top_projects=ranked(projects),
        top_tags=ranked(tags),
    )


# --- known data -----------------------------------------------------------------------------------


def test_empty_account_has_zero_counts_and_empty_charts(services, alice, at_base):
    stats = services.stats.summary(alice)
    assert stats.counts == TaskCounts(0, 0, 0, 0, 0)
    assert services.stats.counts(alice) == stats.counts
    assert stats.completion_rate == 0.0
    assert stats.done_last_7_days == 0
    assert stats.by_priority == ((Priority.HIGH, 0), (Priority.MEDIUM, 0), (Priority.LOW, 0), (Priority.NONE, 0))
    assert stats.top_projects == () and stats.top_tags == ()
    assert all(d.count == 0 for d in stats.done_per_day + stats.created_per_day)


def test_counts_split_tasks_by_state_and_due_date(services, alice, at_base):
    today = local_date(BASE)
    for due in (today - timedelta(days=1), today - timedelta(days=300), today, today + timedelta(days=1), None):
        add(services, alice, "pending", due=due)
    for due in (today - timedelta(days=1), today, None):
        services.tasks.toggle(alice, add(services, alice, "done", due=due).id)
    counts = services.stats.counts(alice)
    assert counts == TaskCounts(total=8, pending=5, done=3, overdue=2, due_today=1)
    stats = services.stats.summary(alice)
    assert stats.counts == counts
    assert stats.completion_rate == pytest.approx(3 / 8)


def test_due_today_becomes_overdue_when_the_day_changes(services, alice, at_base):
    add(services, alice, due=local_date(BASE))
    assert services.stats.counts(alice) == TaskCounts(1, 1, 0, 0, 1)
    at_base.advance(days=1)
    assert services.stats.counts(alice) == TaskCounts(1, 1, 0, 1, 0)


def test_by_priority_lists_high_to_none_with_zeros(services, alice, at_base):
    for priority in (Priority.HIGH, Priority.HIGH, Priority.LOW, Priority.NONE, Priority.NONE, Priority.NONE):
        add(services, alice, priority=priority)
    assert services.stats.summary(alice).by_priority == (
        (Priority.HIGH, 2),
        (Priority.MEDIUM, 0),
        (Priority.LOW, 1),
        (Priority.NONE, 3),
    )


def test_top_projects_are_ordered_by_count_then_name(services, alice, at_base):
    for project, n in {"gamma": 3, "beta": 2, "alpha": 2, "zeta": 1, "epsilon": 1, "delta": 1}.items():
        for _ in range(n):
            add(services, alice, project=project)
    for _ in range(4):
        add(services, alice)  # no project: never listed, however many
    stats = services.stats.summary(alice)
    assert stats.top_projects == (("gamma", 3), ("alpha", 2), ("beta", 2), ("delta", 1), ("epsilon", 1))
    assert services.stats.summary(alice, top=2).top_projects == (("gamma", 3), ("alpha", 2))


def test_top_tags_are_ordered_by_count_then_name(services, alice, at_base):
    add(services, alice, tags=("urgent", "work", "b"))
    add(services, alice, tags=("urgent", "work", "a"))
    add(services, alice, tags=("urgent", "home", "c"))
    add(services, alice, tags=("d",))
    add(services, alice)
    stats = services.stats.summary(alice)
    assert stats.top_tags == (("urgent", 3), ("work", 2), ("a", 1), ("b", 1), ("c", 1))
    assert services.stats.summary(alice, top=1).top_tags == (("urgent", 3),)


@pytest.mark.parametrize("days", [30, 7, 1])
def test_per_day_series_cover_the_last_days_ending_today(services, alice, at_base, days):
    stats = services.stats.summary(alice, days=days)
    today = local_date(BASE)
    expected_days = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    assert [d.day for d in stats.done_per_day] == expected_days
    assert [d.day for d in stats.created_per_day] == expected_days
    assert len(services.stats.summary(alice).done_per_day) == 30  # the default


def test_tasks_are_counted_on_the_day_they_were_created_and_completed(services, alice, at_base):
    def at(days_ago: int, hour: int = 10) -> datetime:
        day = local_date(BASE) - timedelta(days=days_ago)
        return datetime(day.year, day.month, day.day, hour).astimezone()

    def do(moment: datetime, action):
        at_base.now = moment
        return action()

    old = do(at(40), lambda: add(services, alice, "created before the window"))
    a = do(at(10), lambda: add(services, alice, "a"))
    b = do(at(3), lambda: add(services, alice, "b"))
    c = do(at(3, 23), lambda: add(services, alice, "c"))
    reopened = do(at(2), lambda: add(services, alice, "reopened"))
    do(at(9), lambda: services.tasks.toggle(alice, a.id))
    do(at(8), lambda: services.tasks.toggle(alice, old.id))
    do(at(1), lambda: services.tasks.toggle(alice, b.id))
    do(at(0, 1), lambda: services.tasks.toggle(alice, c.id))
    do(at(0, 2), lambda: services.tasks.toggle(alice, reopened.id))
    do(at(0, 3), lambda: services.tasks.toggle(alice, reopened.id))  # pending again: not counted as done
    at_base.now = BASE
    stats = services.stats.summary(alice)
    created = {d.day: d.count for d in stats.created_per_day if d.count}
    done = {d.day: d.count for d in stats.done_per_day if d.count}
    today = local_date(BASE)
    assert created == {today - timedelta(days=10): 1, today - timedelta(days=3): 2, today - timedelta(days=2): 1}
    assert done == {today - timedelta(days=9): 1, today - timedelta(days=8): 1, today - timedelta(days=1): 1, today: 1}
    assert stats.done_last_7_days == 2 == sum(d.count for d in stats.done_per_day[-7:])
    assert stats.counts == TaskCounts(total=5, pending=1, done=4, overdue=0, due_today=0)


def test_window_starts_at_local_midnight_of_its_first_day(services, alice, at_base):
    first_day = local_date(BASE) - timedelta(days=29)
    midnight = datetime(first_day.year, first_day.month, first_day.day).astimezone()
    at_base.now = midnight - timedelta(seconds=1)
    services.tasks.toggle(alice, add(services, alice, "just before").id)
    at_base.now = midnight
    services.tasks.toggle(alice, add(services, alice, "first second").id)
    at_base.now = BASE
    stats = services.stats.summary(alice)
    assert stats.created_per_day[0] == DayCount(first_day, 1)
    assert stats.done_per_day[0] == DayCount(first_day, 1)
    assert sum(d.count for d in stats.created_per_day) == 1
    assert sum(d.count for d in stats.done_per_day) == 1


def test_tasks_dated_after_now_are_in_no_bucket(services, alice, at_base):
    """With the clock moved back (another machine's clock, a time zone change) later tasks are ignored."""
    at_base.advance(days=2)
    services.tasks.toggle(alice, add(services, alice, "from the future").id)
    at_base.now = BASE
    stats = services.stats.summary(alice)
    assert sum(d.count for d in stats.created_per_day) == 0
    assert sum(d.count for d in stats.done_per_day) == 0
    assert stats.counts.done == 1


# --- another user -----------------------------------------------------------------------------------


def test_another_users_tasks_are_never_counted(services, alice, bob, at_base):
    today = local_date(BASE)
    for due in (today - timedelta(days=2), today, None):
        task = add(services, alice, due=due, priority=Priority.HIGH, project="shared", tags=("shared",))
    services.tasks.toggle(alice, task.id)
    add(services, bob, "bob's", priority=Priority.LOW, project="mine", tags=("mine",))
    stats = services.stats.summary(bob)
    assert stats.counts == TaskCounts(total=1, pending=1, done=0, overdue=0, due_today=0)
    assert services.stats.counts(bob) == stats.counts
    assert stats.by_priority == ((Priority.HIGH, 0), (Priority.MEDIUM, 0), (Priority.LOW, 1), (Priority.NONE, 0))
    assert stats.top_projects == (("mine", 1),) and stats.top_tags == (("mine", 1),)
    assert sum(d.count for d in stats.created_per_day) == 1
    assert sum(d.count for d in stats.done_per_day) == 0
    assert services.stats.counts(alice) == TaskCounts(total=3, pending=2, done=1, overdue=1, due_today=1)


# --- local time zone ------------------------------------------------------------------------------


@pytest.fixture
def local_zone():
    """Run the test in another local time zone (POSIX TZ strings: no tz database needed)."""
    saved = os.environ.get("TZ")

    def use(tz: str) -> None:
        os.environ["TZ"] = tz
        time.tzset()

    yield use
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


@pytest.mark.parametrize(
    ("tz", "now", "created", "today"),
    [
        # UTC+05:30: 20:00 UTC is already 01:30 the next day; 18:00 UTC is 23:30 the same day.
        ("IST-05:30", "2026-07-15 20:00", {"2026-07-15 20:00": "2026-07-16", "2026-07-15 18:00": "2026-07-15"},
         "2026-07-16"),
        # UTC-07:00: 06:59 UTC is still 23:59 the day before; 07:00 UTC is local midnight.
        ("PDT+07", "2026-07-15 07:30", {"2026-07-15 06:59": "2026-07-14", "2026-07-15 07:00": "2026-07-15"},
         "2026-07-15"),
    ],
)  # fmt: skip
def test_days_are_local_calendar_days(services, alice, clock, local_zone, tz, now, created, today):
    local_zone(tz)

    def utc(text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)

    local_today = date.fromisoformat(today)
    for moment in created:
        clock.now = utc(moment)
        services.tasks.toggle(alice, add(services, alice, moment, due=local_today).id)
    clock.now = utc(now)
    add(services, alice, "due today, pending", due=local_today)
    assert local_date(clock()) == local_today
    stats = services.stats.summary(alice)
    expected = Counter(date.fromisoformat(day) for day in created.values())
    created_today = {local_today: expected[local_today] + 1}  # and the pending task, made just now
    assert {d.day: d.count for d in stats.created_per_day if d.count} == {**expected, **created_today}
    assert {d.day: d.count for d in stats.done_per_day if d.count} == dict(expected)
    assert stats.done_per_day[-1].day == local_today
    assert stats.counts.due_today == 1


def test_days_stay_local_across_a_daylight_saving_change(services, alice, clock, local_zone):
    """Central Europe, ten days after clocks went back on 25 October 2026 (CEST +2 -> CET +1).

    Each task must land on its local calendar day whichever side of the change it was made on,
    and the window must start at local midnight (CEST) of its first day.
    """
    local_zone("CET-1CEST,M3.5.0,M10.5.0/3")
    made = {
        "2026-10-11 22:30": date(2026, 10, 12),  # 00:30 CEST on the window's first day
        "2026-10-20 21:30": date(2026, 10, 20),  # 23:30 CEST
        "2026-11-05 22:30": date(2026, 11, 5),  # 23:30 CET
        "2026-11-05 23:30": date(2026, 11, 6),  # 00:30 CET
    }
    for moment, day in made.items():
        clock.now = datetime.fromisoformat(moment).replace(tzinfo=timezone.utc)
        assert local_date(clock()) == day  # the test's own arithmetic
        services.tasks.toggle(alice, add(services, alice, moment).id)
    clock.now = datetime(2026, 11, 10, 12, 0, tzinfo=timezone.utc)
    stats = services.stats.summary(alice)
    assert stats.created_per_day[0].day == date(2026, 10, 12)
    expected = {day: 1 for day in made.values()}
    assert {d.day: d.count for d in stats.created_per_day if d.count} == expected
    assert {d.day: d.count for d in stats.done_per_day if d.count} == expected


# --- brute force ----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_summary_matches_a_count_in_python_over_every_task(services, alice, bob, clock, seed):
    """Random tasks made over six weeks with the clock moved about; every number matches a count in Python."""
    rng = random.Random(seed)
    today = local_date(BASE)
    projects = [None, None, "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"]
    tag_pool = ["home", "work", "urgent", "later", "x-1", "a_b", "read"]
    mine: dict[int, TaskView] = {}

    def draft() -> TaskDraft:
        return TaskDraft(
            title=rng.choice(["call", "write", "fix"]) + f" {rng.randrange(100)}",
            priority=rng.choice(list(Priority)),
            due=rng.choice([None, today + timedelta(days=rng.randint(-5, 5))]),
            project=rng.choice(projects),
            tags=tuple(rng.sample(tag_pool, rng.randrange(4))),
        )

    for _ in range(120):
        clock.now = BASE - timedelta(seconds=rng.randrange(-2 * 86400, 40 * 86400))
        user = bob if rng.random() < 0.15 else alice
        action = rng.random()
        if user is bob:
            task = services.tasks.create(bob, draft())
            if rng.random() < 0.5:
                services.tasks.toggle(bob, task.id)
        elif action < 0.45 or not mine:
            task = services.tasks.create(alice, draft())
            mine[task.id] = task
        elif action < 0.75:
            task_id = rng.choice(list(mine))
            mine[task_id] = services.tasks.toggle(alice, task_id)
        elif action < 0.85:
            task_id = rng.choice(list(mine))
            mine[task_id] = services.tasks.update(alice, task_id, draft())
        elif action < 0.95:
            gone = services.tasks.delete(alice, mine.pop(rng.choice(list(mine))).id)
            if rng.random() < 0.5:  # undone at once (alice's newest change): back as it was, one version on
                assert services.history.undo(alice).created == (gone.id,)
                mine[gone.id] = dataclasses.replace(gone, version=gone.version + 1)

    for now in (BASE, BASE - timedelta(days=10, hours=rng.randrange(24)), BASE + timedelta(days=3)):
        clock.now = now
        tasks = all_tasks(services, alice)
        assert sorted(tasks, key=lambda t: t.id) == sorted(mine.values(), key=lambda t: t.id)
        stats = services.stats.summary(alice)
        assert stats == expected_stats(tasks, now), now
        assert services.stats.counts(alice) == stats.counts
        assert stats.done_last_7_days == sum(d.count for d in stats.done_per_day[-7:])
        assert stats.completion_rate == (stats.counts.done / stats.counts.total if tasks else 0.0)
        assert services.stats.summary(alice, days=7, top=3) == expected_stats(tasks, now, days=7, top=3)


def test_per_day_counts_are_grouped_in_sql_by_quarter_hour(services, alice, clock):
    """Many tasks in one quarter of an hour come back from the database as one row, not one each."""
    from sqlmodel import col, func, select

    from tui_tasks.db.tables import Task

    clock.now = clock.now.replace(minute=0, second=0)
    for n in range(30):
        clock.now = clock.now.replace(second=n)
        services.tasks.create(alice, TaskDraft(f"task {n}"))
    slot = services.stats._slot(col(Task.created_at))
    with services.db.session() as session:
        rows = session.exec(select(slot, func.count()).where(Task.user_id == alice.id).group_by(slot)).all()
    assert len(rows) == 1 and rows[0][1] == 30
    assert isinstance(rows[0][0], int)
