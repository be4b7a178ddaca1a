"""The agenda, month counts and day lists (services/agenda.py), on SQLite and PostgreSQL.

A due without a time is the same calendar day in every zone; a due with one is an instant, on its local
day. The local zone is set per test with POSIX TZ strings (no time zone database needed).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

import pytest

from tui_tasks.agenda_model import AgendaView
from tui_tasks.domain import Priority, TaskDraft, due_day, due_moment, local_date
from tui_tasks.errors import ValidationError
from tui_tasks.services.agenda import Agenda

NEW_YORK = "EST5EDT,M3.2.0,M11.1.0"
TOKYO = "JST-9"
TUESDAY = date(2026, 3, 10)


@pytest.fixture
def agenda(services, clock) -> Agenda:
    return Agenda(services.db, clock)


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """A local wall-clock time as an aware instant (in the zone set for the test)."""
    return datetime.combine(day, time(hour, minute)).astimezone()


def add(services, user, title: str, due=None, **fields):
    return services.tasks.create(user, TaskDraft(title, due=due, **fields))


def titles(view: AgendaView) -> dict[str, list[str]]:
    return {s.key if s.key != "day" else s.title: [t.title for t in s.tasks] for s in view.sections if s.total}


@pytest.mark.parametrize("zone", [NEW_YORK, TOKYO])
def test_agenda_puts_each_pending_task_in_one_section(services, alice, bob, clock, agenda, local_zone, zone):
    local_zone(zone)
    clock.now = at(TUESDAY, 12)
    add(services, alice, "floating yesterday", TUESDAY - timedelta(days=1))
    add(services, alice, "this morning", at(TUESDAY, 9))  # a time earlier today has passed: overdue
    add(services, alice, "today", TUESDAY)
    add(services, alice, "tonight", at(TUESDAY, 23, 59))
    add(services, alice, "midnight", at(TUESDAY + timedelta(days=1), 0, 0))
    add(services, alice, "thursday", TUESDAY + timedelta(days=2))
    add(services, alice, "sunday night", at(TUESDAY + timedelta(days=5), 23, 59))
    add(services, alice, "next monday", TUESDAY + timedelta(days=6))
    add(services, alice, "someday")
    done = add(services, alice, "done today", TUESDAY)
    services.tasks.toggle(alice, done.id)
    add(services, alice, "waiting", TUESDAY, wait=TUESDAY + timedelta(days=1))
    add(services, bob, "bob today", TUESDAY)
    view = agenda.agenda(alice)
    assert view.today == TUESDAY
    assert [s.key for s in view.sections] == ["overdue", "today", "tomorrow", "day", "day", "day", "day", "later", "none"]
    assert [s.title for s in view.sections if s.key == "day"] == ["Thursday", "Friday", "Saturday", "Sunday"]
    assert titles(view) == {
        "overdue": ["floating yesterday", "this morning"],
        "today": ["tonight", "today"],  # a day without a time is the end of that day
        "tomorrow": ["midnight"],
        "Thursday": ["thursday"],
        "Sunday": ["sunday night"],
        "later": ["next monday"],
        "none": ["someday"],
    }
    assert view.total == 9


def test_a_section_is_ordered_by_due_then_priority_then_id_and_says_how_many_more(services, alice, clock, agenda, local_zone):
    local_zone(TOKYO)
    clock.now = at(TUESDAY, 8)
    low = add(services, alice, "low", TUESDAY, priority=Priority.LOW)
    high = add(services, alice, "high", TUESDAY, priority=Priority.HIGH)
    low2 = add(services, alice, "low again", TUESDAY, priority=Priority.LOW)
    early = add(services, alice, "at nine", at(TUESDAY, 9))
    view = agenda.agenda(alice)
    today = view.section("today")
    assert [t.id for t in today.tasks] == [early.id, high.id, low.id, low2.id]
    cut = agenda.agenda(alice, limit_per_section=2).section("today")
    assert [t.id for t in cut.tasks] == [early.id, high.id]
    assert (cut.total, cut.more) == (4, 2)
    assert agenda.agenda(alice, limit_per_section=0).section("today").more == 4


def test_on_the_last_day_of_the_week_tomorrow_starts_the_next_and_later_follows(services, alice, clock, agenda, local_zone):
    local_zone(NEW_YORK)
    sunday = date(2026, 3, 15)
    clock.now = at(sunday, 10)
    add(services, alice, "monday", sunday + timedelta(days=1))
    add(services, alice, "tuesday", sunday + timedelta(days=2))
    view = agenda.agenda(alice)
    assert [s.key for s in view.sections] == ["overdue", "today", "tomorrow", "later", "none"]
    assert titles(view) == {"tomorrow": ["monday"], "later": ["tuesday"]}


@pytest.mark.parametrize("zone", [NEW_YORK, TOKYO])
def test_a_timed_due_counts_on_its_local_day_and_a_floating_one_on_its_date(services, alice, bob, clock, agenda, local_zone, zone):
    """Month edges: 23:59 local on the 31st and 00:00 local on the 1st fall on either side of the month,
    whatever day they are in UTC; a floating due is its date in any zone."""
    local_zone(zone)
    clock.now = at(date(2026, 3, 1), 12)
    last_minute = add(services, alice, "last minute of March", at(date(2026, 3, 31), 23, 59))
    add(services, alice, "first minute of April", at(date(2026, 4, 1), 0, 0))
    add(services, alice, "floating 31 March", date(2026, 3, 31))
    add(services, alice, "floating 1 March", date(2026, 3, 1))
    add(services, alice, "floating 1 April", date(2026, 4, 1))
    add(services, alice, "28 February", at(date(2026, 2, 28), 23, 59))
    add(services, bob, "bob on the 31st", date(2026, 3, 31))
    assert agenda.month(alice, 2026, 3) == {date(2026, 3, 1): 1, date(2026, 3, 31): 2}
    assert agenda.month(alice, 2026, 4) == {date(2026, 4, 1): 2}
    assert agenda.month(alice, 2026, 2) == {date(2026, 2, 28): 1}
    assert [t.title for t in agenda.day(alice, date(2026, 3, 31))] == ["last minute of March", "floating 31 March"]
    assert last_minute.due.astimezone().date() == date(2026, 3, 31)
    assert agenda.month(bob, 2026, 3) == {date(2026, 3, 31): 1}


def test_month_leaves_out_done_and_waiting_tasks(services, alice, clock, agenda, local_zone):
    local_zone(NEW_YORK)
    clock.now = at(TUESDAY, 12)
    done = add(services, alice, "done", TUESDAY)
    services.tasks.toggle(alice, done.id)
    add(services, alice, "waiting", TUESDAY + timedelta(days=3), wait=TUESDAY + timedelta(days=2))
    add(services, alice, "overdue", TUESDAY - timedelta(days=3))
    assert agenda.month(alice, 2026, 3) == {TUESDAY - timedelta(days=3): 1}
    clock.now = at(TUESDAY + timedelta(days=2), 0, 1)  # the wait is over
    assert agenda.month(alice, 2026, 3) == {TUESDAY - timedelta(days=3): 1, TUESDAY + timedelta(days=3): 1}


def test_the_ends_of_the_calendar_are_months_like_any_other(services, alice, clock, agenda, local_zone):
    local_zone(TOKYO)
    add(services, alice, "last day there is", date(9999, 12, 31))
    add(services, alice, "first day a due can have", date(1900, 1, 1))
    assert agenda.month(alice, 9999, 12) == {date(9999, 12, 31): 1}
    assert agenda.month(alice, 1900, 1) == {date(1900, 1, 1): 1}
    assert agenda.month(alice, 1, 1) == {}
    assert [t.title for t in agenda.day(alice, date(9999, 12, 31))] == ["last day there is"]
    assert [t.title for t in agenda.day(alice, date(1900, 1, 1))] == ["first day a due can have"]
    assert agenda.day(alice, date(1, 1, 1)) == []
    assert agenda.agenda(alice).section("later").total == 1
    assert agenda.agenda(alice).section("overdue").total == 1


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda a, u: a.month(u, 2026, 13), "There is no month 13"),
        (lambda a, u: a.month(u, 0, 1), "outside the calendar"),
        (lambda a, u: a.month(u, 10000, 1), "outside the calendar"),
        (lambda a, u: a.month(u, "2026", 1), "A month is"),
        (lambda a, u: a.day(u, datetime(2026, 3, 10, tzinfo=timezone.utc)), "calendar date"),
        (lambda a, u: a.day(u, "2026-03-10"), "calendar date"),
        (lambda a, u: a.agenda(u, limit_per_section=-1), "limit"),
        (lambda a, u: a.day(u, TUESDAY, limit=True), "limit"),
    ],
)
def test_bad_arguments_get_a_clear_message(services, alice, agenda, call, message):
    with pytest.raises(ValidationError, match=message):
        call(agenda, alice)


def test_a_huge_limit_is_capped(services, alice, clock, agenda):
    add(services, alice, "one", local_date(clock()))
    assert len(agenda.agenda(alice, limit_per_section=10**12).section("today").tasks) == 1


@pytest.mark.parametrize(("seed", "zone"), [(1, NEW_YORK), (2, TOKYO), (3, "UTC0"), (4, "<+14>-14"), (5, "<-12>12")])
def test_counts_and_sections_match_a_count_in_python(services, alice, bob, clock, agenda, local_zone, seed, zone):
    """Random floating and timed dues around two months (a daylight-saving change in New York among
    them), some waiting; the month counts, day lists and agenda sections (their totals too) agree with
    domain.due_day / due_moment / is_waiting."""
    local_zone(zone)
    rng = random.Random(seed)
    clock.now = at(date(2026, 3, 4), 12)
    tasks = []
    for n in range(60):
        day = date(2026, 2, 20) + timedelta(days=rng.randrange(50))
        due = day if rng.random() < 0.5 else at(day, rng.randrange(24), rng.choice((0, 30, 59)))
        user = alice if rng.random() < 0.8 else bob
        wait = None if rng.random() < 0.7 else day + timedelta(days=rng.randrange(-20, 5))  # gone by, or not yet
        if wait is not None and rng.random() < 0.5:
            wait = at(wait, rng.randrange(24))
        task = add(services, user, f"t{n}", due, priority=Priority(rng.randrange(4)), wait=wait)
        if rng.random() < 0.15:
            task = services.tasks.toggle(user, task.id)
        if user is alice:
            tasks.append(task)
    pending = [t for t in tasks if not t.completed and not t.is_waiting(clock())]
    for year, month in ((2026, 2), (2026, 3), (2026, 4)):
        expected: dict[date, int] = {}
        for task in pending:
            day = due_day(task.due)
            if (day.year, day.month) == (year, month):
                expected[day] = expected.get(day, 0) + 1
        assert agenda.month(alice, year, month) == dict(sorted(expected.items()))
        for day, n in expected.items():
            listed = agenda.day(alice, day)
            assert len(listed) == n and all(due_day(t.due) == day for t in listed)
            timed = [due_moment(t.due) for t in listed if isinstance(t.due, datetime)]
            assert timed == sorted(timed) and all(isinstance(t.due, datetime) for t in listed[: len(timed)])
    view = agenda.agenda(alice)
    now = clock()
    assert view.today == local_date(now)
    for section in view.sections:
        assert section.total == len(section.tasks)
        for task in section.tasks:
            overdue = task.is_overdue(now)
            if section.key == "overdue":
                assert overdue
            elif section.key == "later":
                assert due_day(task.due) >= section.first and not overdue
            else:
                assert section.first == due_day(task.due) and not overdue
    assert sorted(t.id for s in view.sections for t in s.tasks) == sorted(t.id for t in pending)


def test_another_process_sees_the_same_agenda(settings, services, alice, clock, agenda):
    """A second process on the same database (another window, a team member's client on PostgreSQL):
    a task it adds or deletes is in or out of the next agenda and month read here."""
    from tui_tasks.services.facade import open_services

    today = local_date(clock())
    other = open_services(settings, clock)
    try:
        made = other.tasks.create(alice, TaskDraft("from elsewhere", due=today))
        assert [t.title for t in agenda.agenda(alice).section("today").tasks] == ["from elsewhere"]
        assert agenda.month(alice, today.year, today.month) == {today: 1}
        other.tasks.delete(alice, made.id)
        assert agenda.agenda(alice).total == 0 and agenda.month(alice, today.year, today.month) == {}
    finally:
        other.close()
